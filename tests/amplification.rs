//! Small inputs that ask for huge work (issue 14, items 1 and 2): each ends within seconds,
//! refused with a message or read in time proportional to its size. Every case runs the real
//! binary under a deadline, so a regression shows as a failure, not a hung suite.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Runs `hostwiz` in `dir`; fails the test if it uses more than `limit` of CPU time. CPU time,
/// not wall time, so a loaded machine does not fail it; a wall deadline of ten times the limit
/// still ends a process that waits on something.
fn within(limit: Duration, dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hostwiz"))
        .current_dir(dir)
        .args(args)
        .env("XDG_CONFIG_HOME", dir.join("config"))
        // hostwiz's own reading is measured: caddy's time (a minute for 20,000 sites) is not.
        .env("PATH", "/usr/bin:/bin")
        .env_remove("HOSTWIZ_CADDY")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Both pipes are drained while the child runs: a report larger than a pipe's buffer would
    // otherwise stop it, and the test would fail on time for a reason of its own.
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = Vec::new();
            pipe.read_to_end(&mut text).unwrap();
            String::from_utf8_lossy(&text).into_owned()
        })
    };
    let out = drain(Box::new(child.stdout.take().unwrap()));
    let err = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let mut used = Duration::ZERO;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        used = cpu_time(child.id()).unwrap_or(used);
        if used > limit || started.elapsed() > limit * 10 {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "hostwiz {args:?} took longer than {limit:?} (CPU {used:?}, wall {:?})",
                started.elapsed()
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (
        status.code().unwrap_or(-1),
        out.join().unwrap(),
        err.join().unwrap(),
    )
}

/// User and system time of a running process, from `/proc/PID/stat` (in clock ticks of 1/100 s,
/// the value Linux gives `sysconf(_SC_CLK_TCK)` on every architecture it runs on).
fn cpu_time(pid: u32) -> Option<Duration> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // The command name may hold spaces; the fields after it are counted from its `)`.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 2..].split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

const BUDGET: Duration = Duration::from_secs(5);

#[test]
fn nested_snippet_imports_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut c = String::from("(s0) {\n\trespond ok\n}\n");
    for i in 1..=9 {
        c.push_str(&format!("(s{i}) {{\n"));
        for _ in 0..10 {
            c.push_str(&format!("\timport s{}\n", i - 1));
        }
        c.push_str("}\n");
    }
    c.push_str("app.example.com {\n\timport s9\n}\n");
    assert!(c.len() < 2048);
    std::fs::write(dir.path().join("Caddyfile"), c).unwrap();
    let (code, _, err) = within(BUDGET, dir.path(), &["check", "Caddyfile"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("expansion bomb"), "{err}");
}

#[test]
fn variables_that_repeat_the_one_before_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut env = String::from("V0=xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\n");
    for i in 1..=9 {
        env.push_str(&format!("V{i}={}\n", format!("${{V{}}}", i - 1).repeat(10)));
    }
    assert!(env.len() < 1024);
    std::fs::write(dir.path().join("bomb.env"), env).unwrap();
    std::fs::write(
        dir.path().join("Caddyfile"),
        "app.example.com {\n\treverse_proxy web:3000\n}\n",
    )
    .unwrap();
    let (code, _, err) = within(
        BUDGET,
        dir.path(),
        &["check", "Caddyfile", "--env-file", "bomb.env"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("expansion bomb"), "{err}");
}

#[test]
fn a_merge_key_with_many_keys_is_read_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut v = String::from("base: &b\n");
    for i in 0..100_000 {
        v.push_str(&format!("  k{i}: {i}\n"));
    }
    v.push_str("merged:\n  <<: *b\n  own: 1\n");
    v.push_str(
        "ingress:\n  enabled: true\n  hosts:\n    - host: app.example.com\n  tls:\n    - secretName: t\n      hosts: [app.example.com]\n",
    );
    std::fs::write(dir.path().join("values-prod.yaml"), v).unwrap();
    let (code, out, err) = within(BUDGET, dir.path(), &["check", "values-prod.yaml"]);
    assert!(code == 0 || code == 1, "{out}{err}");
}

#[test]
fn twenty_thousand_ingress_and_tls_hosts_are_checked_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000;
    let mut v = String::from("ingress:\n  enabled: true\n  className: nginx\n  hosts:\n");
    for i in 0..n {
        v.push_str(&format!("    - host: h{i}.example.com\n"));
    }
    v.push_str("  tls:\n    - secretName: t\n      hosts:\n");
    for i in 0..n {
        v.push_str(&format!("        - h{i}.example.com\n"));
    }
    std::fs::write(dir.path().join("values-prod.yaml"), v).unwrap();
    let (code, out, err) = within(BUDGET, dir.path(), &["check", "values-prod.yaml"]);
    assert!(code == 0 || code == 1, "{out}{err}");
    assert!(!out.contains("ROUTE-005"), "every host has TLS: {out}");
}

#[test]
fn twenty_thousand_caddy_sites_are_checked_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    let c: String = (0..20_000)
        .map(|i| format!("s{i}.example.com {{\n\treverse_proxy web:3000\n}}\n"))
        .collect();
    std::fs::write(dir.path().join("Caddyfile"), c).unwrap();
    let (code, out, err) = within(BUDGET, dir.path(), &["check", "Caddyfile"]);
    assert!(code == 0 || code == 1, "{out}{err}");
}

#[test]
fn a_document_of_more_nodes_than_the_budget_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let items: Vec<String> = (0..1_100_000).map(|i| i.to_string()).collect();
    let v = format!("replicaCount: 1\nitems: [{}]\n", items.join(", "));
    std::fs::write(dir.path().join("values-prod.yaml"), v).unwrap();
    let (code, _, err) = within(
        Duration::from_secs(20),
        dir.path(),
        &["check", "values-prod.yaml"],
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than 1000000 nodes"), "{err}");
}

/// Found by fuzzing the top-level import: a snippet that pastes itself twice at the top level.
#[test]
fn a_snippet_that_imports_itself_at_the_top_level_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("Caddyfile"),
        "(a) {\nimport a\nimport a\n}\nimport a\n",
    )
    .unwrap();
    let (code, _, err) = within(BUDGET, dir.path(), &["check", "Caddyfile"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("paste more than 64 snippets"), "{err}");
}

/// Issue 14 item 2: n web/API pairs in one release are n web hosts that each of n APIs must admit
/// (BOOT-005); judged by each API's own list and named up to eight at a time, not pairing every
/// API with every host in time and in the size of the report.
#[test]
fn five_thousand_apis_and_web_hosts_are_judged_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    // 5,000 in a debug build take 2 s on a loaded machine; pairing them all took minutes and
    // named 25 million hosts.
    let n = 5_000;
    // One Helm release, so one plan: 5,000 APIs and 5,000 web hosts judged together.
    const ONE: &str = "app.kubernetes.io/instance: one";
    let mut s = String::new();
    for i in 0..n {
        s.push_str(&format!(
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: r{i}-web, labels: {{{ONE}}}}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          env:\n            - {{name: API_BASE_URL, value: \"https://api{i}.example.com\"}}\n\
             ---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: r{i}-api, labels: {{{ONE}}}}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - {{name: ALLOWED_HOSTS, value: \"api{i}.example.com,127.0.0.1\"}}\n"
        ));
    }
    std::fs::write(dir.path().join("stream.yaml"), s).unwrap();
    let (code, out, err) = within(BUDGET, dir.path(), &["check", "stream.yaml"]);
    assert!(code == 0 || code == 1, "{out}{err}");
    let first = out
        .lines()
        .find(|l| l.contains("BOOT-005"))
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        first.contains("api1.example.com, api2.example.com")
            && first.ends_with(&format!("and {} more", n - 1 - 8)),
        "{first}"
    );
}

/// Issue 14 item 2: a stream of n releases (names or instance labels of their own, as
/// `helm template` of several releases prints) is n deployments. Each was given the whole
/// stream with the others' documents blanked, n times the input in memory and in reading; each
/// now holds its own documents and still names the stream's lines.
#[test]
fn three_thousand_releases_are_split_in_linear_time_and_keep_their_lines() {
    let dir = tempfile::tempdir().unwrap();
    let n = 3_000;
    let s: String = (0..n)
        .map(|i| {
            format!(
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: r{i}-api}}\nspec:\n  template:\n    spec:\n      containers:\n        - name: api\n          env:\n            - {{name: ALLOWED_HOSTS, value: \"api{i}.example.com\"}}\n"
            )
        })
        .collect();
    std::fs::write(dir.path().join("stream.yaml"), s).unwrap();
    let (code, out, err) = within(BUDGET, dir.path(), &["check", "stream.yaml"]);
    assert!(code == 0 || code == 1, "{out}{err}");
    // Each release's ALLOWED_HOSTS is on the 11th line of its 11: the last one's on line 11 n.
    let last = format!("stream.yaml:{}:", 11 * n);
    let found: Vec<&str> = out.lines().filter(|l| l.contains("BOOT-005")).collect();
    assert_eq!(found.len(), n, "{out}");
    assert!(
        found
            .iter()
            .any(|l| l.starts_with(&last) && l.contains("127.0.0.1")),
        "{last} not in {out}"
    );
}
