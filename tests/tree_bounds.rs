//! Reading only what was given (issue 14, item 9): a Compose `env_file:` outside the tree, a
//! `--repo` file that a symlink takes out of the checkout, and a top-level Caddy `import`.

use crate::Test;

const CADDYFILE: &str = "app.example.com {\n\treverse_proxy web:3000\n}\n";

#[test]
fn a_compose_env_file_outside_the_tree_is_not_read() {
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("secret.env");
    std::fs::write(&secret, "STOLEN=hunter2\n").unwrap();
    for target in [
        secret.to_str().unwrap(),
        "/etc/passwd",
        "/proc/self/environ",
    ] {
        let compose = format!("services:\n  api:\n    image: acme/api:1\n    env_file: {target}\n");
        let run = Test::new()
            .file("app/docker-compose.yml", &compose)
            .args(["check", "app/docker-compose.yml"])
            .run()
            .status(2)
            .stderr_has("outside the Compose file's folder");
        assert!(!run.stdout.contains("hunter2") && !run.stderr.contains("root:"));
    }
}

#[cfg(unix)]
#[test]
fn repo_files_that_symlinks_take_outside_the_checkout_are_refused() {
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(
        elsewhere.path().join("Caddyfile"),
        "secret-line.internal {\n\treverse_proxy api:8000\n}\n",
    )
    .unwrap();
    let t = Test::new().file("repo/ops/compose/README", "x");
    std::fs::create_dir_all(t.path("repo/ops/compose/caddy")).unwrap();
    std::os::unix::fs::symlink(
        elsewhere.path().join("Caddyfile"),
        t.path("repo/ops/compose/caddy/Caddyfile"),
    )
    .unwrap();
    // An env file that is a symlink out of the checkout is refused the same way.
    std::fs::write(
        elsewhere.path().join("prod.env"),
        "APP_HOST=secret-line.internal\n",
    )
    .unwrap();
    let t2 = Test::new().file("repo/ops/compose/README", "x");
    std::os::unix::fs::symlink(
        elsewhere.path().join("prod.env"),
        t2.path("repo/ops/compose/prod.env"),
    )
    .unwrap();
    let run = t2
        .args(["check", "--repo", "repo"])
        .run()
        .status(2)
        .stderr_has("outside repo");
    assert!(!run.stdout.contains("secret-line"), "{}", run.stdout);
    let run = t
        .args(["check", "--repo", "repo", "--format", "sarif"])
        .run()
        .status(2)
        .stderr_has("outside repo");
    assert!(!run.stderr.contains("secret-line"), "{}", run.stderr);
    assert!(!run.stdout.contains("secret-line"), "{}", run.stdout);
}

#[test]
fn a_top_level_caddy_import_pastes_its_snippet() {
    let plain = Test::new()
        .file("Caddyfile", CADDYFILE)
        .args(["check", "Caddyfile"])
        .run();
    let imported = format!("(sites) {{\n{CADDYFILE}}}\nimport sites\n");
    let run = Test::new()
        .file("Caddyfile", &imported)
        .args(["check", "Caddyfile"])
        .run();
    assert_eq!(run.status, plain.status, "{}{}", run.stdout, run.stderr);
    assert!(!run.stdout.contains("ROUTE-00"), "{}", run.stdout);
}
