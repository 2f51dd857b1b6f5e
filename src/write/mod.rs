//! Safe writing: every change is known (and shown as a diff, secrets masked) before anything
//! touches the disk; one run at a time writes an output folder (`lock.rs`); every file goes to a
//! synced temporary file in its own folder before the first is renamed into place, so a failure
//! changes nothing, and the renames are journaled (`journal.rs`) so a crash leaves no mix of two
//! runs once the next run opened the folder; a replaced file is kept as a numbered
//! `<name>.<n>.bak` that never overwrites anything; modes are kept; nothing is written outside
//! the output folder.

mod backup;
mod journal;
mod lock;
pub mod mask;

pub use backup::backed_up;
pub use lock::LOCK_NAME;

use crate::error::{Error, Result};
use crate::fault;
use crate::render::File;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Change {
    Create,
    Update { diff: String },
    Unchanged,
}

impl Change {
    pub fn as_str(&self) -> &'static str {
        match self {
            Change::Create => "create",
            Change::Update { .. } => "update",
            Change::Unchanged => "unchanged",
        }
    }
}

#[derive(Clone, Debug)]
pub struct Planned {
    pub file: File,
    pub target: PathBuf,
    pub change: Change,
    /// The target as the preview saw it, so a commit can tell it changed since.
    seen: Option<Vec<u8>>,
}

/// Decides what each file would do to `out`, without writing anything (except finishing the
/// renames of a commit that was interrupted, so the preview shows the folder as it really is).
pub fn prepare(out: &Path, files: Vec<File>) -> Result<Vec<Planned>> {
    let root = match fs::canonicalize(out) {
        Ok(p) => {
            if !p.is_dir() {
                return Err(Error::NotWritten(format!(
                    "the output path {} is not a folder",
                    out.display()
                )));
            }
            Some(p)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io(out, "open the output folder", e)),
    };
    if root.is_some() && journal::pending(out) {
        let _lock = lock::Lock::acquire(out)?;
        journal::replay(out)?;
    }
    files
        .into_iter()
        .map(|file| {
            let rel = Path::new(&file.path);
            if rel.components().any(|c| !matches!(c, Component::Normal(_))) || file.path.is_empty()
            {
                return Err(Error::NotWritten(format!(
                    "refusing to write {:?}: it would leave the output folder {}",
                    file.path,
                    out.display()
                )));
            }
            let target = out.join(rel);
            let seen = match &root {
                None => None,
                Some(root) => read_inside(root, &target)?,
            };
            let change = match &seen {
                None => Change::Create,
                Some(old) if old == file.contents.as_bytes() => Change::Unchanged,
                Some(old) => {
                    // A file that is not text differs from anything we render; show it as replaced.
                    let old = std::str::from_utf8(old).unwrap_or("<binary content>\n");
                    Change::Update {
                        diff: mask::diff(&diff(&file.path, old, &file.contents)),
                    }
                }
            };
            Ok(Planned {
                file,
                target,
                change,
                seen,
            })
        })
        .collect()
}

/// The current content of `target`, refusing anything that resolves outside `root`.
fn read_inside(root: &Path, target: &Path) -> Result<Option<Vec<u8>>> {
    let meta = match fs::symlink_metadata(target) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(target, "inspect", e)),
    };
    if meta.file_type().is_symlink() {
        let resolved = fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
        if !resolved.starts_with(root) {
            return Err(Error::NotWritten(format!(
                "refusing to write {}: it is a symlink to {}, outside the output folder",
                target.display(),
                resolved.display()
            )));
        }
        return Err(Error::NotWritten(format!(
            "refusing to write {}: it is a symlink; replace it with a regular file or remove it",
            target.display()
        )));
    }
    if !meta.is_file() {
        return Err(Error::NotWritten(format!(
            "{} exists and is not a regular file",
            target.display()
        )));
    }
    fs::read(target)
        .map(Some)
        .map_err(|e| Error::io(target, "read", e))
}

/// The unified diff of one file, as it is, secrets included; previews show [`mask::diff`] of it.
pub fn diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// Each planned change on its line (`create`, `would update`, …), with the diff of updates.
pub fn describe(planned: &[Planned], dry_run: bool) -> String {
    let mut s = String::new();
    for p in planned {
        let verb = match (&p.change, dry_run) {
            (Change::Create, true) => "would create",
            (Change::Update { .. }, true) => "would update",
            (Change::Create, false) => "create",
            (Change::Update { .. }, false) => "update",
            (Change::Unchanged, _) => "unchanged",
        };
        s.push_str(&format!("{verb:<12} {}\n", p.target.display()));
        if let Change::Update { diff } = &p.change {
            s.push_str(diff);
        }
    }
    s
}

/// What a commit did, for the operator: each backup kept, then how many files changed and the
/// guide to follow next.
pub fn summary(written: &[Written], guide: &Path) -> String {
    let mut s = String::new();
    for w in written {
        if let Some(bak) = &w.backup {
            s.push_str(&format!(
                "kept the old {} as {}\n",
                w.target.display(),
                bak.display()
            ));
        }
    }
    let changed = written.iter().filter(|w| w.change != "unchanged").count();
    s.push_str(&format!(
        "wrote {changed} file{}; next: follow {}\n",
        if changed == 1 { "" } else { "s" },
        guide.display()
    ));
    s
}

/// What one commit did to one file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written {
    pub target: PathBuf,
    pub change: &'static str,
    pub backup: Option<PathBuf>,
}

/// Writes every planned change so that an error or a kill at any moment leaves each file whole
/// and, once the next run opened the folder, the whole folder from one run. Under the folder's
/// lock: an interrupted commit is finished first; every target must still be as the preview saw
/// it and every backup name free, before anything is written. Then every new content, and every
/// old content bound for a backup, is staged in a synced temporary file beside its target with
/// the target's mode; an error there (a full disk, a read-only folder) removes the temporary
/// files and changes nothing. Then the journal, then the renames: each backup before its target.
pub fn commit(out: &Path, planned: &[Planned]) -> Result<Vec<Written>> {
    fs::create_dir_all(out)
        .map_err(|e| Error::NotWritten(with_hint(Error::io(out, "create the output folder", e))))?;
    let _lock = lock::Lock::acquire(out).map_err(|e| match e {
        Error::NotWritten(_) => e,
        e => Error::NotWritten(with_hint(e)),
    })?;
    journal::replay(out)?;
    let mut taken = backup::Taken::default();
    let mut jobs = Vec::new();
    for p in planned {
        let now = current(&p.target)?;
        if now.as_ref().map(|(b, _)| b) != p.seen.as_ref() {
            return Err(Error::NotWritten(format!(
                "{} changed since the preview (another run or an editor wrote it); run the same \
                 command again to see the new differences",
                p.target.display()
            )));
        }
        let backup = match (&p.change, now) {
            (Change::Update { .. }, Some((old, mode))) => Some((taken.next(&p.target)?, old, mode)),
            _ => None,
        };
        jobs.push((p, backup));
    }
    let mut staged = Vec::new();
    let result: Result<()> = (|| {
        for (p, backup) in &jobs {
            if p.change == Change::Unchanged {
                continue;
            }
            let mode = new_mode(backup.as_ref().map(|b| b.2), &p.file);
            if let Some((bak, old, old_mode)) = backup {
                // A backup of a file that holds secrets is as private as the file.
                let bak_mode = if p.file.private {
                    old_mode & 0o700
                } else {
                    *old_mode
                };
                staged.push(stage(bak, old, bak_mode)?);
            }
            staged.push(stage(&p.target, p.file.contents.as_bytes(), mode)?);
        }
        if !staged.is_empty() {
            journal::record(out, &staged)?;
            fault::kill_point();
        }
        Ok(())
    })();
    if let Err(e) = result {
        for s in &staged {
            let _ = fs::remove_file(&s.tmp);
        }
        return Err(Error::NotWritten(with_hint(e)));
    }
    if !staged.is_empty() {
        publish(&staged)?;
        journal::done(out)?;
    }
    Ok(jobs
        .into_iter()
        .map(|(p, backup)| Written {
            target: p.target.clone(),
            change: p.change.as_str(),
            backup: backup.map(|b| b.0),
        })
        .collect())
}

/// The content and permission bits of `target` now, `None` if there is no file.
fn current(target: &Path) -> Result<Option<(Vec<u8>, u32)>> {
    match fs::symlink_metadata(target) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Error::io(target, "inspect", e)),
        Ok(m) if !m.is_file() => Err(Error::NotWritten(format!(
            "{} is no longer a regular file",
            target.display()
        ))),
        Ok(m) => {
            let bytes = fs::read(target).map_err(|e| Error::io(target, "read", e))?;
            Ok(Some((bytes, permission_bits(&m))))
        }
    }
}

#[cfg(unix)]
fn permission_bits(m: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    m.permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn permission_bits(_: &fs::Metadata) -> u32 {
    0o644
}

/// A replaced file keeps its mode (a 0600 `compose.env` stays 0600), with execute bits added
/// where hostwiz writes a script; a new file is 0644, or 0755 for a script.
fn new_mode(old: Option<u32>, file: &crate::render::File) -> u32 {
    match old {
        Some(mode) if file.executable => mode | ((mode & 0o444) >> 2),
        Some(mode) if file.private => mode & 0o700,
        Some(mode) => mode,
        None => file.mode(),
    }
}

/// The error, and what to do about the failures an operator meets writing the output folder.
fn with_hint(e: Error) -> String {
    let hint = match &e {
        Error::Io { source, .. } => match source.kind() {
            io::ErrorKind::ReadOnlyFilesystem => {
                " (the folder is on a read-only file system: choose another --out)"
            }
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => {
                " (the disk is full: free some space and run the same command again)"
            }
            io::ErrorKind::PermissionDenied => {
                " (no permission: choose another --out or give yourself write access to the folder)"
            }
            _ => "",
        },
        _ => "",
    };
    format!("{e}{hint}")
}

/// New content synced in a temporary file beside the file it will replace.
struct Staged {
    tmp: PathBuf,
    target: PathBuf,
}

fn stage(target: &Path, contents: &[u8], mode: u32) -> Result<Staged> {
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().unwrap_or_default().to_string_lossy();
    let prefix = format!(".{name}.hostwiz-");
    let tmp = dir.join(format!("{prefix}{}.tmp", std::process::id()));
    let result = (|| {
        fs::create_dir_all(dir)?;
        remove_stale(dir, &prefix);
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Never readable by others, even for a moment, when the file it replaces is not.
            options.mode(mode & 0o700);
        }
        let mut f = options.open(&tmp)?;
        fault::kill_point();
        let (head, tail) = contents.split_at(contents.len() / 2);
        f.write_all(head)?;
        fault::kill_point();
        f.write_all(tail)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        #[cfg(not(unix))]
        let _ = mode;
        f.sync_all()?;
        fault::kill_point();
        Ok(())
    })();
    match result {
        Ok(()) => Ok(Staged {
            tmp,
            target: target.to_path_buf(),
        }),
        Err(e) => {
            let _ = fs::remove_file(&tmp);
            Err(Error::io(target, "write", e))
        }
    }
}

/// Temporary files a killed hostwiz left beside this target: never anyone's content any more,
/// since the caller holds the folder's lock and no journal names them.
fn remove_stale(dir: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(prefix) && name.ends_with(".tmp") {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// Renames every staged file into place, in order, then syncs their folders. A rename that
/// fails leaves the rest to the journal, which the next run finishes.
fn publish(staged: &[Staged]) -> Result<()> {
    for s in staged {
        fs::rename(&s.tmp, &s.target).map_err(|e| Error::io(&s.target, "replace", e))?;
        fault::kill_point();
    }
    let mut dirs: Vec<&Path> = staged.iter().filter_map(|s| s.target.parent()).collect();
    dirs.sort();
    dirs.dedup();
    for dir in dirs {
        sync_dir(dir)?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| Error::io(dir, "sync", e))?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// One file written whole or not at all, readable by its owner only when `private`.
pub fn atomic_write(target: &Path, contents: &[u8], private: bool) -> Result<()> {
    let dir = target.parent().unwrap_or(Path::new("."));
    fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create", e))?;
    publish(&[stage(
        target,
        contents,
        if private { 0o600 } else { 0o644 },
    )?])
}

/// How many planned files replace a file that differs.
pub fn updates(planned: &[Planned]) -> usize {
    planned
        .iter()
        .filter(|p| matches!(p.change, Change::Update { .. }))
        .count()
}

/// The refusal when files differ and nobody consented to replacing them.
pub fn not_replaced(updates: usize, dir: &Path) -> Error {
    let s = if updates == 1 { "" } else { "s" };
    let verb = if updates == 1 { "s" } else { "" };
    Error::NotWritten(format!(
        "{updates} existing file{s} in {} differ{verb} from what hostwiz would write; \
         re-run with --yes to replace them (the old content is kept as <name>.<n>.bak)",
        dir.display(),
    ))
}

#[cfg(test)]
mod tests;
