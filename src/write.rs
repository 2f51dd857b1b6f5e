//! Safe writing: every change is known (and shown as a diff) before anything touches the disk;
//! every file goes to a synced temporary file in its own folder before the first is renamed into
//! place, so a failure changes nothing and a crash leaves each file old or new, never half of
//! one; a replaced file is kept as `<name>.bak`; nothing is written outside the output folder.

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
}

/// Decides what each file would do to `out`, without writing anything.
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
            let old = match &root {
                None => None,
                Some(root) => read_inside(root, &target)?,
            };
            let change = match old {
                None => Change::Create,
                Some(old) if old == file.contents => Change::Unchanged,
                Some(old) => Change::Update {
                    diff: diff(&file.path, &old, &file.contents),
                },
            };
            Ok(Planned {
                file,
                target,
                change,
            })
        })
        .collect()
}

/// The current content of `target`, refusing anything that resolves outside `root`.
fn read_inside(root: &Path, target: &Path) -> Result<Option<String>> {
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
    let bytes = fs::read(target).map_err(|e| Error::io(target, "read", e))?;
    // A file that is not text differs from anything we render; show it as replaced.
    Ok(Some(
        String::from_utf8(bytes).unwrap_or_else(|_| "<binary content>\n".into()),
    ))
}

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

/// Writes every planned change so that an error or a kill at any moment leaves each file whole.
/// First every new content, and every old content bound for `.bak`, is staged in a synced
/// temporary file beside its target; an error there (a full disk, a read-only folder) removes
/// the temporary files and changes nothing. Then each backup is renamed into place before its
/// target, so a `.bak` is complete whenever its target has changed.
pub fn commit(out: &Path, planned: &[Planned]) -> Result<Vec<Written>> {
    fs::create_dir_all(out)
        .map_err(|e| Error::NotWritten(with_hint(Error::io(out, "create the output folder", e))))?;
    let mut staged = Vec::new();
    let mut written = Vec::new();
    let result: Result<()> = (|| {
        for p in planned {
            let mut backup = None;
            match &p.change {
                Change::Unchanged => {}
                Change::Create => {
                    staged.push(stage(&p.target, p.file.contents.as_bytes(), p.file.mode())?)
                }
                Change::Update { .. } => {
                    let old = fs::read(&p.target).map_err(|e| Error::io(&p.target, "read", e))?;
                    let bak = backup_path(&p.target);
                    // A backup of a private file stays private.
                    let bak_mode = if p.file.private { 0o600 } else { 0o644 };
                    staged.push(stage(&bak, &old, bak_mode)?);
                    staged.push(stage(&p.target, p.file.contents.as_bytes(), p.file.mode())?);
                    backup = Some(bak);
                }
            }
            written.push(Written {
                target: p.target.clone(),
                change: p.change.as_str(),
                backup,
            });
        }
        Ok(())
    })();
    if let Err(e) = result {
        for s in &staged {
            let _ = fs::remove_file(&s.tmp);
        }
        return Err(Error::NotWritten(with_hint(e)));
    }
    publish(&staged)?;
    Ok(written)
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
    remove_stale(dir, &prefix);
    let tmp = dir.join(format!("{prefix}{}.tmp", std::process::id()));
    let result = (|| {
        fs::create_dir_all(dir)?;
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
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

/// Temporary files a killed hostwiz left beside this target: never anyone's content any more.
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

/// Renames every staged file into place, in order, then syncs their folders.
fn publish(staged: &[Staged]) -> Result<()> {
    for (i, s) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(&s.tmp, &s.target) {
            for later in &staged[i..] {
                let _ = fs::remove_file(&later.tmp);
            }
            return Err(Error::io(&s.target, "replace", e));
        }
        fault::kill_point();
    }
    #[cfg(unix)]
    {
        let mut dirs: Vec<&Path> = staged.iter().filter_map(|s| s.target.parent()).collect();
        dirs.dedup();
        for dir in dirs {
            fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(|e| Error::io(dir, "sync", e))?;
        }
    }
    Ok(())
}

fn backup_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".bak");
    target.with_file_name(name)
}

/// One file written whole or not at all.
pub fn atomic_write(target: &Path, contents: &[u8], executable: bool) -> Result<()> {
    publish(&[stage(
        target,
        contents,
        if executable { 0o755 } else { 0o644 },
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
         re-run with --yes to replace them (the old content is kept as .bak)",
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
            private: false,
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
        assert_eq!(fs::read_to_string(out.join("a.txt.bak")).unwrap(), "one\n");
        assert_eq!(
            written[0].backup.as_deref(),
            Some(out.join("a.txt.bak").as_path())
        );
        let leftovers: Vec<_> = fs::read_dir(&out)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(leftovers.is_empty(), "{leftovers:?}");
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
