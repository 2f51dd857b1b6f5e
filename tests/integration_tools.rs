//! hostwiz where operators already work: shell completions (loaded by bash), the man page
//! (rendered by groff or man), and the `hostwiz-check` pre-commit hook (run by pre-commit's
//! `try-repo` in a scratch repository with the starter's ops/ layout).

use crate::support::validators;
use crate::Test;

use std::path::{Path, PathBuf};
use std::process::Command;

fn hostwiz_stdout(args: &[&str]) -> String {
    Test::new().args(args).run().status(0).stdout
}

#[test]
fn completions_generate_for_every_shell() {
    for (shell, marker) in [
        ("bash", "complete -F _hostwiz"),
        ("zsh", "#compdef hostwiz"),
        ("fish", "complete -c hostwiz"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[hostwiz]"),
    ] {
        let script = hostwiz_stdout(&["completions", shell]);
        assert!(script.contains(marker), "{shell}: {marker:?} in\n{script}");
        for sub in [
            "apply",
            "check",
            "migrate",
            "completions",
            "manpage",
            "schema",
        ] {
            assert!(script.contains(sub), "{shell} completes `{sub}`");
        }
    }
    let err = Test::new().args(["completions", "tcsh"]).run();
    assert_eq!(err.status, 2, "an unknown shell is a usage error");
}

#[test]
fn the_bash_completion_script_loads_in_bash() {
    let Some(bash) = validators::require("bash") else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("hostwiz.bash");
    std::fs::write(&script, hostwiz_stdout(&["completions", "bash"])).unwrap();
    validators::run(Command::new(&bash).arg("-n").arg(&script));
    let out = validators::run(
        Command::new(&bash)
            .arg("--norc")
            .arg("-c")
            .arg("source \"$1\" && complete -p hostwiz")
            .arg("bash")
            .arg(&script),
    );
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("_hostwiz hostwiz"), "{said}");
    // And it completes: the subcommands after `hostwiz `, the shells after `completions `.
    let complete = |line: &str| -> String {
        let words: Vec<&str> = line.split(' ').collect();
        let program = format!(
            "source \"$1\"; COMP_WORDS=({}); COMP_CWORD={}; COMP_LINE={line:?}; COMP_POINT={}; \
             _hostwiz hostwiz \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; \
             printf '%s\\n' \"${{COMPREPLY[@]}}\"",
            words
                .iter()
                .map(|w| format!("{w:?}"))
                .collect::<Vec<_>>()
                .join(" "),
            words.len() - 1,
            line.len(),
        );
        let out = validators::run(
            Command::new(&bash)
                .arg("--norc")
                .arg("-c")
                .arg(program)
                .arg("bash")
                .arg(&script),
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let subs = complete("hostwiz ");
    for sub in ["apply", "check", "completions", "manpage", "schema"] {
        assert!(subs.lines().any(|l| l == sub), "`{sub}` offered: {subs}");
    }
    let shells = complete("hostwiz completions ");
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            shells.lines().any(|l| l == shell),
            "`{shell}` offered: {shells}"
        );
    }
}

#[test]
fn the_man_page_renders() {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("hostwiz.1");
    let roff = hostwiz_stdout(&["manpage"]);
    assert!(roff.starts_with(".ie") || roff.starts_with(".TH") || roff.contains("\n.TH "));
    std::fs::write(&page, &roff).unwrap();
    let rendered = if let Some(groff) = validators::tool("groff") {
        let out = validators::run(
            Command::new(groff)
                .args(["-man", "-Tutf8", "-P-bcu", "-ww"])
                .arg(&page),
        );
        let warnings = String::from_utf8_lossy(&out.stderr);
        assert!(warnings.trim().is_empty(), "groff warnings:\n{warnings}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else if let Some(man) = validators::require("man") {
        let out = validators::run(
            Command::new(man)
                .env("MANPAGER", "cat")
                .env("MANWIDTH", "80")
                .env("MAN_KEEP_FORMATTING", "0")
                .arg("-l")
                .arg(&page),
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    } else {
        return;
    };
    for want in [
        "NAME",
        "SYNOPSIS",
        "DESCRIPTION",
        "COMMANDS",
        "hostwiz apply",
        "hostwiz completions",
        "routing",
        "Exit codes",
    ] {
        assert!(
            rendered.contains(want),
            "{want:?} in the man page:\n{rendered}"
        );
    }
    // Issue 15: one page is generated, so it links no hostwiz-COMMAND(1) pages.
    assert!(!rendered.contains("hostwiz-apply(1)"), "{rendered}");
}

// ---------------------------------------------------------------------------------------------
// pre-commit

/// The crate's working tree (tracked and untracked files, as git sees them, without target/)
/// committed into a fresh git repository: `pre-commit try-repo` clones a repository at a
/// commit, and uncommitted new files (the hook file itself, while it is being written) would
/// otherwise be left out.
fn snapshot_of_this_repo(into: &Path) -> Option<()> {
    let git = validators::require("git")?;
    let root = validators::manifest_dir();
    let out = validators::run(Command::new(&git).current_dir(&root).args([
        "ls-files",
        "-z",
        "--cached",
        "--others",
        "--exclude-standard",
    ]));
    for rel in out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
        let rel = PathBuf::from(String::from_utf8_lossy(rel).into_owned());
        let from = root.join(&rel);
        if !from.is_file() || rel.starts_with("target") {
            continue; // deleted in the working tree
        }
        let to = into.join(&rel);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&from, &to).unwrap();
    }
    init_and_commit(&git, into);
    Some(())
}

fn git_cmd(git: &Path, dir: &Path) -> Command {
    let mut cmd = Command::new(git);
    cmd.current_dir(dir)
        .env("GIT_AUTHOR_NAME", "hostwiz tests")
        .env("GIT_AUTHOR_EMAIL", "tests@hostwiz.invalid")
        .env("GIT_COMMITTER_NAME", "hostwiz tests")
        .env("GIT_COMMITTER_EMAIL", "tests@hostwiz.invalid")
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("HOME", dir);
    cmd
}

fn init_and_commit(git: &Path, dir: &Path) {
    if !dir.join(".git").exists() {
        validators::run(git_cmd(git, dir).args(["init", "-q", "-b", "main"]));
    }
    validators::run(git_cmd(git, dir).args(["add", "-A"]));
    validators::run(git_cmd(git, dir).args([
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "snapshot",
    ]));
}

fn write(dir: &Path, rel: &str, contents: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, contents).unwrap();
}

#[test]
fn the_hook_file_declares_hostwiz_check() {
    let text =
        std::fs::read_to_string(validators::manifest_dir().join(".pre-commit-hooks.yaml")).unwrap();
    for want in [
        "- id: hostwiz-check",
        "entry: hostwiz check",
        "language: rust",
        "pass_filenames: true",
        r"files: ^ops/(charts/starter/values.*\.ya?ml|compose/.*|infra/gcp/.*\.(tf|tfvars))$",
    ] {
        assert!(text.contains(want), "{want:?} in .pre-commit-hooks.yaml");
    }
}

/// `pre-commit try-repo <this repo> hostwiz-check --all-files` in a repository with the
/// starter's ops/ layout: passes on clean values, fails (naming the rule) on a contract break.
/// pre-commit builds the hook with `cargo install --path`, which needs the crates (from the
/// network, or already in the cargo cache); the build is kept in target/pre-commit-build.
#[test]
fn pre_commit_try_repo_runs_the_hook() {
    let Some(pre_commit) = validators::require("pre-commit") else {
        return;
    };
    let Some(git) = validators::require("git") else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let hook_repo = tmp.path().join("hostwiz");
    let work = tmp.path().join("starter");
    std::fs::create_dir_all(&hook_repo).unwrap();
    std::fs::create_dir_all(&work).unwrap();
    snapshot_of_this_repo(&hook_repo).unwrap();

    let preset =
        std::fs::read_to_string(validators::manifest_dir().join("presets/k8s-single.toml"))
            .unwrap();
    let raw = hostwiz::RawAnswers::from_toml(&preset).unwrap();
    let answers = hostwiz::Answers::from_raw(&raw).unwrap();
    let values = hostwiz::render::render(&answers)
        .into_iter()
        .find(|f| f.path.starts_with("values-"))
        .unwrap();
    write(&work, "ops/charts/starter/values.yaml", &values.contents);
    write(&work, "README.md", "not an ops file: the hook skips it\n");
    init_and_commit(&git, &work);

    let target = validators::manifest_dir().join("target");
    let try_repo = |work: &Path| {
        let mut cmd = Command::new(&pre_commit);
        cmd.current_dir(work)
            .env("PRE_COMMIT_HOME", tmp.path().join("pre-commit-home"))
            .env("CARGO_TARGET_DIR", target.join("pre-commit-build"))
            .env("PRE_COMMIT_COLOR", "never")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .args(["try-repo"])
            .arg(&hook_repo)
            .args(["hostwiz-check", "--all-files", "--verbose"]);
        validators::output(&mut cmd, None)
    };
    let show = |out: &std::process::Output| {
        format!(
            "status {}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    };

    let clean = try_repo(&work);
    assert!(
        clean.status.success(),
        "a clean ops/ layout passes:\n{}",
        show(&clean)
    );
    let said = String::from_utf8_lossy(&clean.stdout);
    assert!(
        said.contains("hostwiz check") && said.contains("Passed"),
        "{said}"
    );

    // Two inline API replicas: two owners of billing retries (BILL-004).
    write(
        &work,
        "ops/charts/starter/values.yaml",
        &values
            .contents
            .replacen("replicaCount: 1", "replicaCount: 2", 1),
    );
    init_and_commit(&git, &work);
    let broken = try_repo(&work);
    assert!(
        !broken.status.success(),
        "a contract break fails:\n{}",
        show(&broken)
    );
    let said = String::from_utf8_lossy(&broken.stdout);
    assert!(
        said.contains("Failed") && said.contains("ops/charts/starter/values.yaml:"),
        "{}",
        show(&broken)
    );
}
