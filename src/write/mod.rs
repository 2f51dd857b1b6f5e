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
            let mode = new_mode(backup.as_ref().map(|b| b.2), p.file.executable);
            if let Some((bak, old, old_mode)) = backup {
                staged.push(stage(bak, old, *old_mode)?);
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
fn new_mode(old: Option<u32>, executable: bool) -> u32 {
    match old {
        Some(mode) if executable => mode | ((mode & 0o444) >> 2),
        Some(mode) => mode,
        None if executable => 0o755,
        None => 0o644,
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
mod tests {
    use super::*;

    fn file(path: &str, contents: &str) -> File {
        File {
            path: path.into(),
            contents: contents.into(),
            executable: false,
        }
    }

    #[test]
    fn create_update_unchanged_and_backup() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let planned = prepare(&out, vec![file("a.txt", "one\n")]).unwrap();
        assert_eq!(planned[0].change, Change::Create);
        commit(&out, &planned).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "one\n");

        let planned = prepare(&out, vec![file("a.txt", "one\n")]).unwrap();
        assert_eq!(planned[0].change, Change::Unchanged);

        let planned = prepare(&out, vec![file("a.txt", "two\n")]).unwrap();
        let Change::Update { diff } = &planned[0].change else {
            panic!("expected an update")
        };
        assert!(diff.contains("-one") && diff.contains("+two"), "{diff}");
        let written = commit(&out, &planned).unwrap();
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "two\n");
        assert_eq!(
            fs::read_to_string(out.join("a.txt.1.bak")).unwrap(),
            "one\n"
        );
        assert_eq!(
            written[0].backup.as_deref(),
            Some(out.join("a.txt.1.bak").as_path())
        );
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp") || n.starts_with(".hostwiz"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
    }

    #[test]
    fn every_generation_is_kept_and_a_users_own_bak_is_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("a.txt"), "one\n").unwrap();
        fs::write(out.join("a.txt.bak"), "mine\n").unwrap();
        fs::create_dir(out.join("b.txt.bak")).unwrap();
        fs::write(out.join("b.txt"), "b\n").unwrap();
        for next in ["two\n", "three\n"] {
            let planned = prepare(out, vec![file("a.txt", next), file("b.txt", next)]).unwrap();
            commit(out, &planned).unwrap();
        }
        let read = |n: &str| fs::read_to_string(out.join(n)).unwrap();
        assert_eq!(read("a.txt"), "three\n");
        assert_eq!(read("a.txt.bak"), "mine\n");
        assert_eq!(read("a.txt.1.bak"), "one\n");
        assert_eq!(read("a.txt.2.bak"), "two\n");
        assert_eq!(read("b.txt.1.bak"), "b\n");
        assert!(out.join("b.txt.bak").is_dir());
    }

    #[cfg(unix)]
    #[test]
    fn a_private_file_and_its_backup_stay_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("compose.env"), "POSTGRES_PASSWORD=old\n").unwrap();
        fs::set_permissions(out.join("compose.env"), fs::Permissions::from_mode(0o600)).unwrap();
        let planned = prepare(out, vec![file("compose.env", "POSTGRES_PASSWORD=new\n")]).unwrap();
        let shown = describe(&planned, true);
        assert!(
            !shown.contains("=old") && !shown.contains("=new"),
            "{shown}"
        );
        assert!(shown.contains("POSTGRES_PASSWORD=********"), "{shown}");
        commit(out, &planned).unwrap();
        let mode = |n: &str| fs::metadata(out.join(n)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("compose.env"), 0o600);
        assert_eq!(mode("compose.env.1.bak"), 0o600);
    }

    #[test]
    fn a_file_changed_since_the_preview_is_not_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("a.txt"), "one\n").unwrap();
        let planned = prepare(out, vec![file("a.txt", "two\n"), file("b.txt", "b\n")]).unwrap();
        fs::write(out.join("a.txt"), "edited\n").unwrap();
        let err = commit(out, &planned).unwrap_err().to_string();
        assert!(err.contains("changed since the preview"), "{err}");
        assert_eq!(fs::read_to_string(out.join("a.txt")).unwrap(), "edited\n");
        assert!(!out.join("b.txt").exists());
    }

    #[test]
    fn an_interrupted_commit_is_finished_by_the_next_run() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        fs::write(out.join("a.txt"), "old a\n").unwrap();
        fs::write(out.join("b.txt"), "old b\n").unwrap();
        // What a run killed after its journal and its first rename leaves behind.
        let staged = vec![
            stage(&out.join("a.txt"), b"new a\n", 0o644).unwrap(),
            stage(&out.join("b.txt"), b"new b\n", 0o644).unwrap(),
        ];
        journal::record(out, &staged).unwrap();
        fs::rename(&staged[0].tmp, &staged[0].target).unwrap();
        prepare(out, vec![file("a.txt", "new a\n")]).unwrap();
        assert_eq!(fs::read_to_string(out.join("b.txt")).unwrap(), "new b\n");
        assert!(!journal::pending(out));
    }

    #[test]
    fn a_journal_naming_files_outside_the_folder_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        fs::write(dir.path().join("victim"), "keep").unwrap();
        fs::write(
            out.join(journal::JOURNAL),
            r#"{"renames":[[".x.hostwiz-1.tmp","../victim"]]}"#,
        )
        .unwrap();
        let err = prepare(&out, vec![file("a.txt", "x")])
            .unwrap_err()
            .to_string();
        assert!(err.contains("outside the folder"), "{err}");
        assert_eq!(
            fs::read_to_string(dir.path().join("victim")).unwrap(),
            "keep"
        );
    }

    #[test]
    fn two_writers_into_one_folder_take_turns() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().to_path_buf();
        let runs: Vec<_> = (0..8)
            .map(|i| {
                let out = out.clone();
                std::thread::spawn(move || {
                    let text = format!("run {i}\n");
                    let files = (0..5).map(|f| file(&format!("f{f}.txt"), &text)).collect();
                    let planned = prepare(&out, files).unwrap();
                    commit(&out, &planned).map_err(|e| e.to_string())
                })
            })
            .collect();
        for r in runs {
            if let Err(e) = r.join().unwrap() {
                assert!(e.contains("changed since the preview"), "{e}");
            }
        }
        let first = fs::read_to_string(out.join("f0.txt")).unwrap();
        for f in 1..5 {
            assert_eq!(
                fs::read_to_string(out.join(format!("f{f}.txt"))).unwrap(),
                first
            );
        }
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x", "/etc/passwd", "a/../../x", ""] {
            let err = prepare(dir.path(), vec![file(bad, "x")]).unwrap_err();
            assert!(
                err.to_string().contains("refusing") || err.to_string().contains("leave"),
                "{err}"
            );
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_are_not_written_through() {
        let dir = tempfile::tempdir().unwrap();
        let outside = dir.path().join("outside.txt");
        fs::write(&outside, "keep\n").unwrap();
        let out = dir.path().join("out");
        fs::create_dir(&out).unwrap();
        std::os::unix::fs::symlink(&outside, out.join("a.txt")).unwrap();
        let err = prepare(&out, vec![file("a.txt", "x")]).unwrap_err();
        assert!(
            err.to_string().contains("outside the output folder"),
            "{err}"
        );
        assert_eq!(fs::read_to_string(&outside).unwrap(), "keep\n");
    }

    #[test]
    fn an_output_path_that_is_a_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("file");
        fs::write(&out, "x").unwrap();
        let err = prepare(&out, vec![file("a.txt", "x")]).unwrap_err();
        assert!(err.to_string().contains("not a folder"), "{err}");
    }
}
