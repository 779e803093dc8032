//! Clipboard over the terminal (OSC 52): works over SSH, and inside tmux via DCS passthrough.

use base64::Engine;

/// `ESC ] 52 ; c ; <base64> ST`, wrapped for tmux when `in_tmux`.
pub fn sequence(text: &str, in_tmux: bool) -> String {
    let b64 = base64::engine::general_purpose::STANDARD.encode(text.as_bytes());
    let osc = format!("\x1b]52;c;{b64}\x1b\\");
    if in_tmux {
        // tmux passes a DCS "tmux;" payload through to the outer terminal; every ESC inside it
        // must be doubled.
        format!("\x1bPtmux;{}\x1b\\", osc.replace('\x1b', "\x1b\x1b"))
    } else {
        osc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_tmux_sequences() {
        assert_eq!(sequence("hi", false), "\x1b]52;c;aGk=\x1b\\");
        assert_eq!(
            sequence("hi", true),
            "\x1bPtmux;\x1b\x1b]52;c;aGk=\x1b\x1b\\\x1b\\"
        );
    }
}
