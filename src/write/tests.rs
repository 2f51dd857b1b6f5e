//! The write module's own tests: commit, backups, modes, masking, journal and lock.
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
