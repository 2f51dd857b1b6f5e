//! The README's command examples run as written: its `console` blocks through trycmd (in a
//! sandbox, one block after another as an operator would type them), and its shell lines for
//! completions and the man page for a fresh account (no folders made yet).

use std::path::{Path, PathBuf};
use std::process::Command;

fn readme() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")
}

#[test]
fn the_readme_console_examples_run_as_shown() {
    let dir = tempfile::tempdir().unwrap();
    let case = dir.path().join("README.md");
    std::fs::copy(readme(), &case).unwrap();
    // `README.in/` is the folder the commands start in; an `README.out/` makes trycmd copy it
    // to a sandbox, so the files the examples write land there.
    std::fs::create_dir(dir.path().join("README.in")).unwrap();
    std::fs::create_dir(dir.path().join("README.out")).unwrap();
    let config = dir.path().join("config");
    trycmd::TestCases::new()
        .register_bin("hostwiz", Path::new(env!("CARGO_BIN_EXE_hostwiz")))
        .env("XDG_CONFIG_HOME", config.display().to_string())
        .env("NO_COLOR", "1")
        .case(&case);
}

/// The lines of the README's `sh` block that starts with `line`.
fn sh_block_with(line: &str) -> Vec<String> {
    let text = std::fs::read_to_string(readme()).unwrap();
    let blocks = text
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap());
    let block = blocks
        .into_iter()
        .find(|b| b.starts_with(line))
        .unwrap_or_else(|| panic!("README has no sh block starting {line:?}"));
    block.lines().map(str::to_string).collect()
}

#[test]
fn the_readme_completion_and_man_page_lines_work_on_a_fresh_account() {
    let home = tempfile::tempdir().unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_hostwiz")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    for line in sh_block_with("mkdir -p ~/.local/share/bash-completion") {
        let out = Command::new("bash")
            .args(["-euc", &line])
            .env("HOME", home.path())
            .env("PATH", &path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{line}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let completions = home
        .path()
        .join(".local/share/bash-completion/completions/hostwiz");
    assert!(std::fs::read_to_string(completions)
        .unwrap()
        .contains("_hostwiz"));
    let page = home.path().join(".local/share/man/man1/hostwiz.1");
    let page = std::fs::read_to_string(page).unwrap();
    assert!(page.contains(".SH COMMANDS"));
}

#[test]
fn the_man_page_links_no_page_that_is_not_generated() {
    let out = Command::new(env!("CARGO_BIN_EXE_hostwiz"))
        .arg("manpage")
        .output()
        .unwrap();
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(!page.contains("(1)"), "links another page:\n{page}");
    for command in ["apply", "check", "wizard", "gcp", "migrate"] {
        assert!(
            page.contains(&format!("\\fBhostwiz {command}\\fR")),
            "{command}"
        );
    }
}
