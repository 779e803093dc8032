//! The accept loop.
//!
//! `axum::serve` gives a handler no way to drop its TCP connection, yet a `reset` fault must
//! look to the client like a real network failure, not an HTTP answer. So connections are served
//! here with hyper directly: each connection task races hyper's connection future against a
//! per-connection [`ConnControl`] that the fault gate (which finds it in the request extensions)
//! can trigger. Triggering sets SO_LINGER to zero and drops the connection future, which drops
//! the socket: the kernel sends an RST and the client sees "connection reset" with no response.

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Notify, oneshot};
use tokio::task::JoinSet;
use tower::ServiceExt;

/// Lets a request handler kill the connection it arrived on.
#[derive(Clone, Default)]
pub(crate) struct ConnControl {
    inner: Arc<ConnInner>,
}

#[derive(Default)]
struct ConnInner {
    reset: AtomicBool,
    notify: Notify,
}

impl ConnControl {
    /// Asks for the connection to be closed with a TCP reset, without an answer.
    pub fn reset(&self) {
        self.inner.reset.store(true, Ordering::SeqCst);
        // `notify_one` stores a permit, so this works even before the task starts waiting.
        self.inner.notify.notify_one();
    }

    fn reset_requested(&self) -> bool {
        self.inner.reset.load(Ordering::SeqCst)
    }

    async fn killed(&self) {
        self.inner.notify.notified().await;
    }
}

/// A TCP stream that, when dropped after [`ConnControl::reset`], is closed with an RST.
struct ResettableStream {
    inner: TcpStream,
    ctl: ConnControl,
}

impl Drop for ResettableStream {
    fn drop(&mut self) {
        if self.ctl.reset_requested() {
            // Zero linger turns close() into an abortive close (RST) instead of a FIN.
            let _ = self.inner.set_zero_linger();
        }
    }
}

impl AsyncRead for ResettableStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for ResettableStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}

/// Serves `app` on `listener` until `shutdown` fires (or its sender is dropped), then closes
/// every open connection.
pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    let mut conns = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    conns.spawn(serve_connection(stream, app.clone()));
                }
                // Out of file descriptors and the like: back off instead of spinning.
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            },
            Some(_) = conns.join_next(), if !conns.is_empty() => {}
        }
    }
    conns.abort_all();
    while conns.join_next().await.is_some() {}
}

async fn serve_connection(stream: TcpStream, app: Router) {
    let _ = stream.set_nodelay(true);
    let ctl = ConnControl::default();
    let io = TokioIo::new(ResettableStream {
        inner: stream,
        ctl: ctl.clone(),
    });
    let req_ctl = ctl.clone();
    let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
        req.extensions_mut().insert(req_ctl.clone());
        app.clone().oneshot(req)
    });
    let conn = hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .serve_connection(io, service);
    tokio::select! {
        _ = conn => {}
        // Dropping `conn` drops the stream, which resets it (see `ResettableStream`).
        _ = ctl.killed() => {}
    }
}
