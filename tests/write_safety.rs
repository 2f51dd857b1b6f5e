//! What `apply` does to files that are already there (issue 14, items 6 and 7): every backup
//! generation is kept and nothing is overwritten, a user's own `.bak` (even a folder) is left
//! alone, a private file stays private with its backup, and a secret in a replaced file never
//! shows in the preview, as text or JSON.

use crate::Test;
use std::fs;

fn apply(t: Test, extra: &[&str]) -> Test {
    let mut args = vec!["apply", "--preset", "vps-single", "--out", "d"];
    args.extend_from_slice(extra);
    t.again(&args)
}

#[test]
fn two_runs_keep_both_hand_edits() {
    let t = Test::new().file("d/CHECKLIST.md", "first edit\n");
    let t = apply(t, &["--yes"]);
    t.run().status(0);
    fs::write(t.path("d/CHECKLIST.md"), "second edit\n").unwrap();
    t.run().status(0);
    assert_eq!(
        fs::read_to_string(t.path("d/CHECKLIST.md.1.bak")).unwrap(),
        "first edit\n"
    );
    assert_eq!(
        fs::read_to_string(t.path("d/CHECKLIST.md.2.bak")).unwrap(),
        "second edit\n"
    );
}

#[test]
fn a_users_own_bak_is_left_alone() {
    let t = Test::new()
        .file("d/CHECKLIST.md", "notes\n")
        .file("d/CHECKLIST.md.bak", "my own backup\n");
    let t = apply(t, &["--yes"]);
    t.run().status(0);
    assert_eq!(
        fs::read_to_string(t.path("d/CHECKLIST.md.bak")).unwrap(),
        "my own backup\n"
    );
    assert_eq!(
        fs::read_to_string(t.path("d/CHECKLIST.md.1.bak")).unwrap(),
        "notes\n"
    );
}

#[test]
fn a_folder_where_a_backup_would_go_changes_nothing_it_is_skipped() {
    let t = Test::new()
        .file("d/CHECKLIST.md", "notes\n")
        .file("d/hostwiz.toml", "# mine\n")
        .file("d/hostwiz.toml.bak/keep", "x");
    let t = apply(t, &["--yes"]);
    t.run().status(0);
    assert_eq!(
        fs::read_to_string(t.path("d/hostwiz.toml.1.bak")).unwrap(),
        "# mine\n"
    );
    assert_eq!(
        fs::read_to_string(t.path("d/hostwiz.toml.bak/keep")).unwrap(),
        "x"
    );
}

#[cfg(unix)]
#[test]
fn a_private_env_file_stays_private_and_its_secret_is_never_shown() {
    use std::os::unix::fs::PermissionsExt;
    let secret = "POSTGRES_PASSWORD=hunter2-very-secret";
    let t = Test::new().file(
        "d/compose.env",
        &format!("APP_HOST=old.example.com\n{secret}\n"),
    );
    fs::set_permissions(t.path("d/compose.env"), fs::Permissions::from_mode(0o600)).unwrap();

    let t = apply(t, &["--dry-run"]);
    let dry = t.run().status(0);
    assert!(!dry.stdout.contains("hunter2"), "{}", dry.stdout);
    assert!(
        dry.stdout.contains("-POSTGRES_PASSWORD=********"),
        "{}",
        dry.stdout
    );
    let t = apply(t, &["--yes", "--format", "json"]);
    let run = t.run().status(0);
    assert!(!run.stdout.contains("hunter2"), "{}", run.stdout);
    assert!(run.json()["files"].to_string().contains("********"));

    let mode = |n: &str| fs::metadata(t.path(n)).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode("d/compose.env"), 0o600, "the env file");
    assert_eq!(mode("d/compose.env.1.bak"), 0o600, "its backup");
    assert!(fs::read_to_string(t.path("d/compose.env.1.bak"))
        .unwrap()
        .contains(secret));
}
