//! A commit of several files is atomic as a whole: once every new file (and backup) is staged
//! and synced, the list of renames still to do is written to `<out>/.hostwiz-journal`, then the
//! renames run, then the journal goes. A run killed in between leaves the journal; the next run
//! that opens the folder finishes those renames first, so the folder never stays with files from
//! two answer sets side by side. A run killed before the journal is in place renamed nothing.

use super::Staged;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::fs;
use std::path::{Component, Path, PathBuf};

pub const JOURNAL: &str = ".hostwiz-journal";

#[derive(Serialize, Deserialize)]
struct Entries {
    /// Each rename as [temporary file, target], relative to the output folder, in order.
    renames: Vec<[String; 2]>,
}

/// Whether `out` holds the journal of an unfinished commit.
pub fn pending(out: &Path) -> bool {
    fs::symlink_metadata(out.join(JOURNAL)).is_ok()
}

/// Records the renames `staged` will do, synced, before the first of them.
pub fn record(out: &Path, staged: &[Staged]) -> Result<()> {
    let rel = |p: &Path| -> Result<String> {
        p.strip_prefix(out)
            .ok()
            .and_then(|r| r.to_str())
            .map(str::to_owned)
            .ok_or_else(|| {
                Error::NotWritten(format!("{} is outside {}", p.display(), out.display()))
            })
    };
    let entries = Entries {
        renames: staged
            .iter()
            .map(|s| Ok([rel(&s.tmp)?, rel(&s.target)?]))
            .collect::<Result<_>>()?,
    };
    let text = serde_json::to_vec(&entries).expect("JSON");
    let journal = super::stage(&out.join(JOURNAL), &text, 0o600)?;
    super::publish(std::slice::from_ref(&journal))
}

/// The commit is whole: the journal goes.
pub fn done(out: &Path) -> Result<()> {
    let path = out.join(JOURNAL);
    fs::remove_file(&path).map_err(|e| Error::io(&path, "remove", e))?;
    super::sync_dir(out)
}

/// Finishes the renames an interrupted commit recorded; the caller holds the folder's lock.
pub fn replay(out: &Path) -> Result<()> {
    let path = out.join(JOURNAL);
    let bytes = match fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(&path, "read", e)),
    };
    let broken = |why: &str| {
        Error::NotWritten(format!(
            "{} records an unfinished write but {why}; look at the folder, remove the journal \
             and run again",
            path.display()
        ))
    };
    let entries: Entries =
        serde_json::from_slice(&bytes).map_err(|_| broken("cannot be read as a journal"))?;
    let inside = |rel: &str| -> Option<PathBuf> {
        let p = Path::new(rel);
        let normal = !rel.is_empty() && p.components().all(|c| matches!(c, Component::Normal(_)));
        normal.then(|| out.join(p))
    };
    let mut dirs = Vec::new();
    for [tmp, target] in &entries.renames {
        let (Some(tmp), Some(target)) = (inside(tmp), inside(target)) else {
            return Err(broken("names a file outside the folder"));
        };
        let ours = tmp
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.') && n.contains(".hostwiz-") && n.ends_with(".tmp"));
        if !ours {
            return Err(broken("names a file hostwiz did not stage"));
        }
        // A temporary file already gone was renamed before the interruption.
        if fs::symlink_metadata(&tmp).is_ok() {
            fs::rename(&tmp, &target)
                .map_err(|e| Error::io(&target, "finish the interrupted write of", e))?;
        }
        if let Some(dir) = target.parent() {
            dirs.push(dir.to_path_buf());
        }
    }
    dirs.sort();
    dirs.dedup();
    for dir in &dirs {
        super::sync_dir(dir)?;
    }
    done(out)
}
