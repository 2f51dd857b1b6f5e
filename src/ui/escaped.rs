//! A writer that shows control characters instead of sending them to the terminal: see
//! `hostwiz::report::escape_controls`.

use std::io::{self, Write};

pub struct Escaped<W: Write>(pub W);

impl<W: Write> Write for Escaped<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // Callers write whole strings, so a buffer is whole UTF-8; anything else (never
        // produced by hostwiz) is passed with its ASCII controls escaped byte by byte.
        match std::str::from_utf8(buf) {
            Ok(s) => self
                .0
                .write_all(hostwiz::report::escape_controls(s).as_bytes())?,
            Err(_) => {
                for &b in buf {
                    if (b < 0x20 && b != b'\n' && b != b'\t') || b == 0x7f {
                        write!(self.0, "\\x{b:02x}")?;
                    } else {
                        self.0.write_all(&[b])?;
                    }
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}
