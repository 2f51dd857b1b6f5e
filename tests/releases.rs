//! A rendered stream holding several releases is several deployments, each judged alone.

use crate::Test;

fn api(namespace: &str, release: &str, replicas: u32) -> String {
    format!(
        "---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: {release}-api
  namespace: {namespace}
  labels: {{app.kubernetes.io/instance: {release}, app.kubernetes.io/component: api}}
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: api
"
    )
}

#[test]
fn two_inline_releases_with_one_api_each_are_clean() {
    for stream in [
        api("staging", "starter", 1) + &api("prod", "starter", 1),
        api("prod", "blue", 1) + &api("prod", "green", 1),
    ] {
        Test::new()
            .stdin(stream.as_str())
            .args(["check", "--host", "k8s", "-"])
            .run()
            .status(0);
    }
}

#[test]
fn each_release_is_judged_at_its_own_lines() {
    let stream = api("staging", "starter", 1) + &api("prod", "starter", 3);
    let run = Test::new()
        .stdin(stream.as_str())
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(1)
        .stdout_has("<stdin>:22:13: error BILL-004 inline mode with up to 3 API processes");
    assert_eq!(run.stdout.matches("BILL-004").count(), 1, "{}", run.stdout);
}

#[test]
fn without_labels_the_name_prefix_tells_releases_apart() {
    let plain = |name: &str| {
        format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: {name}-api}}\nspec: {{replicas: 1}}\n")
    };
    Test::new()
        .stdin(plain("a") + &plain("b"))
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(0);
    Test::new()
        .stdin(plain("a") + &plain("a"))
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(1)
        .stdout_has("BILL-004 inline mode with up to 2 API processes");
}

/// The releases of a stream are judged on every core: the report keeps the stream's order,
/// and of two broken releases the first in the stream is the error, as judged one by one.
#[test]
fn many_releases_are_reported_in_stream_order_and_the_first_broken_one_is_the_error() {
    let releases: Vec<String> = (0..300).map(|i| api("prod", &format!("r{i}"), 2)).collect();
    let run = Test::new()
        .stdin(releases.concat().as_str())
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(1);
    let lines: Vec<u32> = run
        .stdout
        .lines()
        .filter(|l| l.contains("BILL-004"))
        .map(|l| l.split(':').nth(1).and_then(|n| n.parse().ok()).unwrap())
        .collect();
    assert_eq!(lines.len(), 300, "{}", run.stdout);
    assert!(lines.windows(2).all(|w| w[0] < w[1]), "{lines:?}");

    let mut broken = releases.clone();
    for i in [150, 250] {
        broken[i] = broken[i].replace("replicas: 2", "replicas: many");
    }
    let before: usize = broken[..150].iter().map(|r| r.lines().count()).sum();
    let at = before
        + broken[150]
            .lines()
            .position(|l| l.contains("many"))
            .unwrap()
        + 1;
    Test::new()
        .stdin(broken.concat().as_str())
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(2)
        .stderr_has(&format!("<stdin>:{at}:"))
        .stderr_has("expected a whole number at spec.replicas");
}

/// Releases taking turns: each release holds only its own documents, its findings keep their
/// lines of the stream, and a suppression in its documents still applies to it alone.
#[test]
fn interleaved_releases_keep_their_lines_and_suppressions() {
    let service = "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: a-api\n  namespace: prod\n  labels: {app.kubernetes.io/instance: a}\n";
    let b = api("prod", "b", 3).replace(
        "  replicas: 3",
        "  # hostwiz:ignore BILL-004 reason=\"blue-green\"\n  replicas: 3",
    );
    let a = api("prod", "a", 2);
    let stream = format!("{service}{b}{a}");
    let before = service.lines().count() + b.lines().count();
    let at = before + a.lines().position(|l| l.contains("replicas")).unwrap() + 1;
    let run = Test::new()
        .stdin(stream.as_str())
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(1)
        .stdout_has(&format!(
            "<stdin>:{at}:13: error BILL-004 inline mode with up to 2 API processes"
        ))
        .stdout_has("1 suppressed");
    assert_eq!(run.stdout.matches("BILL-004").count(), 1, "{}", run.stdout);
}
