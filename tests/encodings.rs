//! A UTF-8 byte-order mark and CRLF line ends (issue 14, item 11): Helm, Caddy, Compose and
//! Terraform read such files as they read the plain ones, so `check` must give the same verdict
//! for every kind of file with either.

use crate::Test;

/// `check FILE` in a folder holding `contents` as `name`: the exit code and the report.
fn verdict(name: &str, contents: &[u8]) -> (i32, String) {
    let t = Test::new();
    std::fs::write(t.path(name), contents).unwrap();
    let run = t.args(["check", name]).run();
    (run.status, run.stdout + &run.stderr)
}

/// The files hostwiz writes for each host, without their leading comments so the first line is
/// a setting, and a Compose file.
fn files() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (preset, name) in [
        ("k8s-single", "values-prod.yaml"),
        ("vps-single", "Caddyfile"),
        ("gcp-cloud-run", "prod.tfvars"),
    ] {
        let t = Test::new().args(["apply", "--preset", preset, "--yes", "--out", "o"]);
        t.run().status(0);
        let text = std::fs::read_to_string(t.path(&format!("o/{name}"))).unwrap();
        let body: String = text
            .lines()
            .filter(|l| !l.starts_with('#') && *l != "---")
            .map(|l| format!("{l}\n"))
            .collect();
        out.push((name.to_string(), body.into_bytes()));
    }
    let compose = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/compose/docker-compose.prod.yml"
    );
    out.push((
        "docker-compose.prod.yml".into(),
        std::fs::read(compose).unwrap(),
    ));
    out
}

#[test]
fn a_byte_order_mark_or_crlf_changes_no_verdict() {
    for (name, plain) in files() {
        let want = verdict(&name, &plain);
        let mut bom = b"\xef\xbb\xbf".to_vec();
        bom.extend_from_slice(&plain);
        assert_eq!(verdict(&name, &bom), want, "{name} with a BOM");
        let crlf = String::from_utf8(plain.clone())
            .unwrap()
            .replace('\n', "\r\n");
        assert_eq!(verdict(&name, crlf.as_bytes()), want, "{name} with CRLF");
    }
}
