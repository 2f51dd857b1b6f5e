//! Backups that never overwrite anything: the old content of a replaced file goes to
//! `<name>.<n>.bak`, `n` one past the highest number already beside it, so every generation is
//! kept, and a `<name>.bak` of the user's own (or a folder of that name) is never touched.

use crate::error::{Error, Result};
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

/// The backup names chosen in one commit, so two of its files never get the same one.
#[derive(Default)]
pub struct Taken(BTreeSet<PathBuf>);

impl Taken {
    /// The next free backup name for `target`; the caller holds the folder's lock, so it stays
    /// free until the commit renames the backup into place.
    pub fn next(&mut self, target: &Path) -> Result<PathBuf> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let name = target.file_name().unwrap_or_default().to_string_lossy();
        let entries = fs::read_dir(dir).map_err(|e| Error::io(dir, "list", e))?;
        let highest = entries
            .flatten()
            .filter_map(|e| {
                let file = e.file_name();
                backed_up(&file.to_string_lossy())
                    .filter(|(original, _)| *original == name)
                    .map(|(_, n)| n)
            })
            .max()
            .unwrap_or(0);
        let mut n = highest + 1;
        loop {
            let candidate = dir.join(format!("{name}.{n}.bak"));
            if fs::symlink_metadata(&candidate).is_err() && self.0.insert(candidate.clone()) {
                return Ok(candidate);
            }
            n += 1;
        }
    }
}

/// For a hostwiz backup's file name (`values.yaml.3.bak`), the name it backs up and its number.
pub fn backed_up(file_name: &str) -> Option<(&str, u64)> {
    let stem = file_name.strip_suffix(".bak")?;
    let (original, n) = stem.rsplit_once('.')?;
    let n: u64 = n
        .parse()
        .ok()
        .filter(|_| n.bytes().all(|b| b.is_ascii_digit()))?;
    (!original.is_empty() && n > 0).then_some((original, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backup_names_are_read_back() {
        assert_eq!(backed_up("values.yaml.3.bak"), Some(("values.yaml", 3)));
        assert_eq!(backed_up("CHECKLIST.md.bak"), None);
        assert_eq!(backed_up("a.+1.bak"), None);
        assert_eq!(backed_up(".1.bak"), None);
    }

    #[test]
    fn numbers_go_past_every_existing_name_and_skip_what_exists() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("a.txt");
        fs::write(dir.path().join("a.txt.bak"), "user").unwrap();
        fs::write(dir.path().join("a.txt.4.bak"), "old").unwrap();
        fs::create_dir(dir.path().join("a.txt.5.bak")).unwrap();
        let mut taken = Taken::default();
        assert_eq!(taken.next(&t).unwrap(), dir.path().join("a.txt.6.bak"));
        assert_eq!(taken.next(&t).unwrap(), dir.path().join("a.txt.7.bak"));
    }
}
