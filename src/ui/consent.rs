//! Asking before files are replaced.

use hostwiz::error::{Error, Result};
use std::io::{self, BufRead, IsTerminal, Write};

/// Asks on a terminal; anywhere else the answer is no, so a pipe never overwrites silently.
pub fn confirm(out: &mut impl Write, updates: usize) -> Result<bool> {
    if !io::stdin().is_terminal() {
        return Ok(false);
    }
    let stdout_err = |e| Error::io("standard output", "write to", e);
    write!(
        out,
        "replace {updates} changed file{} (old kept as <name>.<n>.bak)? [y/N] ",
        if updates == 1 { "" } else { "s" }
    )
    .map_err(stdout_err)?;
    out.flush().map_err(stdout_err)?;
    let mut line = String::new();
    io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| Error::io("standard input", "read", e))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes"))
}
