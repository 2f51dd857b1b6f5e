//! Hostile answers: config injection for Caddyfile, YAML and HCL (braces, newlines, quotes,
//! `${}` / `{$}` placeholders, `#`, look-alike unicode, very long values, control characters).
//! Every free-text answer either refuses each value at the border, naming the key, or writes
//! it without changing the structure of any file.

use hostwiz::answers::{Answers, Kind, RawAnswers, KEYS};
use hostwiz::render;
use hostwiz::source::{self, Source};

fn hostile() -> Vec<String> {
    let mut v: Vec<String> = [
        "app.example.com { respond 1 }",
        "app.example.com\n}\nevil.com {",
        "app.example.com\nreverse_proxy api:8000",
        "{$API_HOST}",
        "{$APP_HOST:evil.com}",
        "${API_IMAGE}",
        "${WORKER_IMAGE:-evil}",
        "$${x}",
        "%{if true}x%{endif}",
        "\"quoted\"",
        "'single'",
        "a\"b",
        "a'b",
        "a\\b",
        "app.example.com # comment",
        "#",
        "app.example.com\r\nX: y",
        "key: value",
        "- item",
        "[a, b]",
        "{a: b}",
        "&anchor x",
        "*alias",
        "!!python/object:os.system",
        "| block",
        "> folded",
        "---",
        "...",
        "@api path /api*",
        "app.example.com:443",
        "https://app.example.com",
        "app.example.com/path",
        "app .example.com",
        "аpp.example.com",
        "app.exаmple.com",
        "ａｐｐ.example.com",
        "app\u{200b}.example.com",
        "app\u{0}.example.com",
        "app\u{1b}[31m.example.com",
        "app\u{7f}.example.com",
        "app\t.example.com",
        "",
        " ",
        "\n",
        "a=b",
        "a = \"b\"\nc = \"d\"",
        "x }\n{",
        "true",
        "null",
        "~",
        "0x1F",
        "1e6",
        "-",
        "..",
        "../../etc/passwd",
        "/etc/passwd",
        "app..example.com",
        "-app.example.com",
        "app-.example.com",
        "xn--",
        "<script>",
        "`backtick`",
        "$(rm -rf /)",
        "; rm -rf /",
        "a,b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("a".repeat(300));
    v.push(format!("{}.com", "a".repeat(64)));
    v.push("x.".repeat(200) + "com");
    v
}

fn base(host: &str) -> RawAnswers {
    let preset = match host {
        "k8s" => "k8s-ha-worker",
        "vps" => "vps-worker",
        _ => "gcp-cloud-run-worker",
    };
    source::load(&Source::Preset(preset.into()), &[])
        .unwrap()
        .to_raw()
}

/// The shape of the files: their line counts, which any injected structure would change.
/// (Names may change: the environment names the files.)
fn shape(a: &Answers) -> Vec<usize> {
    render::render(a)
        .into_iter()
        .map(|f| f.contents.lines().count())
        .collect()
}

#[test]
fn every_free_text_answer_refuses_or_keeps_hostile_values_literal() {
    let values = hostile();
    assert!(values.len() >= 50, "{}", values.len());
    let mut refused = 0;
    let mut accepted = 0;
    for key in KEYS
        .iter()
        .filter(|k| matches!(k.kind, Kind::Text | Kind::List))
    {
        for host in ["k8s", "vps", "gcp"] {
            // The key set to an ordinary value first, so that only the value differs below.
            let mut baseline = base(host);
            if baseline.get(key.name).is_empty() {
                let ordinary = match key.name {
                    "images.worker" => "acme/worker:1",
                    "domains.api" => "api.example.com",
                    "domains.tls_email" => "ops@example.com",
                    "gcp.extra_services" => "dns.googleapis.com",
                    "gcp.project_id" => "acme-prod",
                    _ => "starter-x",
                };
                baseline.set(&format!("{}={ordinary}", key.name)).unwrap();
            }
            let before = shape(&Answers::from_raw(&baseline).unwrap());
            for value in &values {
                let mut raw = baseline.clone();
                let set = raw.set(&format!("{}={value}", key.name));
                match set
                    .map_err(|e| e.key)
                    .and_then(|_| Answers::from_raw(&raw).map_err(|e| e.key))
                {
                    Err(k) => {
                        assert_eq!(k, key.name, "{host}: refusing {value:?} must name the key");
                        refused += 1;
                    }
                    Ok(a) => {
                        accepted += 1;
                        let v = value.trim();
                        assert!(
                            v.is_empty()
                                || v.chars()
                                    .all(|c| c.is_ascii_alphanumeric() || "._-:/@,".contains(c)),
                            "{host}: {} accepted {value:?}",
                            key.name
                        );
                        // An empty answer unsets an optional key, which changes files by design.
                        if !v.is_empty() {
                            assert_eq!(
                                shape(&a),
                                before,
                                "{host}: {} = {value:?} changed a file's structure",
                                key.name
                            );
                        }
                    }
                }
            }
        }
    }
    assert!(
        refused > accepted * 10,
        "refused {refused}, accepted {accepted}"
    );
}
