//! The client's readers of server answers as public functions, so tests and fuzz targets reach
//! the same code the client runs (the HTTP core keeps them crate-private).

use super::ApiError;

/// The error the client makes of a non-2xx answer to `path` with `body` (JSON error bodies of
/// every known shape, HTML pages, `CODE: message` text, or nothing).
pub fn error_for_answer(status: u16, path: &str, body: &str) -> ApiError {
    super::http::error_map::api_error(status, path, body)
}
