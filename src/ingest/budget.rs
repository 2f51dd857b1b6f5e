//! One bound on how much a small input may grow when it is read: Caddy snippet imports (in
//! tokens), YAML aliases and merge keys (in nodes) and env-file or Compose interpolation (in
//! bytes) all spend from a [`Budget`] made for the file being read, so a 1 KB file of nested
//! imports, a merge key with a hundred thousand keys or variables that each repeat the one
//! before are refused with a message instead of taking gigabytes or minutes.

use std::cell::Cell;

/// What one file may expand to, in units of its format (tokens, nodes or bytes): far above any
/// real deployment file (the largest `helm template` outputs stay well under it per document).
pub const EXPANSION_LIMIT: usize = 1_000_000;

#[derive(Debug)]
pub struct Budget {
    left: Cell<usize>,
}

impl Default for Budget {
    fn default() -> Self {
        Self::new(EXPANSION_LIMIT)
    }
}

impl Budget {
    pub fn new(limit: usize) -> Self {
        Self {
            left: Cell::new(limit),
        }
    }

    /// Takes `n` units; `false` (and nothing taken) once the budget cannot pay for them.
    pub fn spend(&self, n: usize) -> bool {
        match self.left.get().checked_sub(n) {
            Some(left) => {
                self.left.set(left);
                true
            }
            None => false,
        }
    }
}

/// The error for an exhausted budget; `what` says what grew ("snippet imports").
pub fn exceeded(what: &str) -> String {
    format!("{what} expand to more than {EXPANSION_LIMIT} units; refusing (an expansion bomb?)")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spending_stops_at_the_limit() {
        let b = Budget::new(10);
        assert!(b.spend(6));
        assert!(!b.spend(5));
        assert!(b.spend(4));
        assert!(!b.spend(1));
    }
}
