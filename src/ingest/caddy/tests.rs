use super::*;
use crate::ingest::{Input, Vars};
use crate::plan::Origin;

fn site(text: &str) -> Site {
    let vars = Vars(std::collections::BTreeMap::from([(
        "APP_HOST".to_string(),
        Sourced::new("app.example.com".to_string(), Origin::Default("test")),
    )]));
    parse(&Input::new("Caddyfile", text), &vars)
        .unwrap()
        .sites
        .remove(0)
}

fn dial(s: &Site, path: &str) -> Option<String> {
    s.upstream(path).map(|u| u.value)
}

#[test]
fn the_starters_form() {
    let s = site("{$APP_HOST} {\n\t@api path /api* /api/* /api\n\thandle @api {\n\t\treverse_proxy web:3000\n\t}\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n");
    assert_eq!(s.hosts[0].value, "app.example.com");
    assert_eq!(dial(&s, "/api/x").as_deref(), Some("web:3000"));
    assert_eq!(
        s.upstream("/api").unwrap().origin,
        Origin::File {
            path: "Caddyfile".into(),
            line: 4,
            column: 3
        }
    );
}

#[test]
fn handle_sorts_before_reverse_proxy() {
    // The catch-all handle runs first: the inline /api proxy below never sees a request.
    let s = site("a.example.com {\n\treverse_proxy /api/* api:8000\n\thandle {\n\t\treverse_proxy web:3000\n\t}\n}\n");
    assert_eq!(dial(&s, "/api/x").as_deref(), Some("web:3000"));
    let s = site("a.example.com {\n\treverse_proxy web:3000\n\treverse_proxy /api/* api:8000\n}\n");
    assert_eq!(dial(&s, "/api/x").as_deref(), Some("api:8000"));
    assert_eq!(dial(&s, "/").as_deref(), Some("web:3000"));
}

#[test]
fn snippets_placeholders_and_unresolved_hosts() {
    let s = site("(p) {\n\treverse_proxy {args[0]}\n}\n{$API_HOST}, {$X:b.example.com}:443 {\n\timport p api:8000\n}\n");
    assert_eq!(s.hosts[0].value, "{$API_HOST}");
    assert_eq!(s.hosts[1].value, "b.example.com");
    assert_eq!(dial(&s, "/").as_deref(), Some("api:8000"));
}

#[test]
fn errors_have_positions() {
    let e = parse(
        &Input::new("C", "a.example.com {\n\treverse_proxy web:3000\n"),
        &Vars::default(),
    )
    .err()
    .unwrap();
    assert_eq!((e.line, e.column), (1, 15));
    assert!(parse(&Input::new("C", "# only a comment\n"), &Vars::default()).is_err());
    assert!(parse(
        &Input::new("C", "a.example.com {\n\timport nope\n}\n"),
        &Vars::default()
    )
    .is_err());
}

#[test]
fn path_patterns() {
    assert!(path_matches("/api/*", "/api/x"));
    assert!(!path_matches("/api/*", "/api"));
    assert!(path_matches("/api*", "/apix"));
    assert!(path_matches("*.php", "/a/b.php"));
    assert!(path_matches("/a/*/c", "/a/b/c"));
    assert!(!path_matches("/a/*/c", "/a/b/x/c"));
    assert!(path_matches("/a*b*c", "/axxbyyc"));
    assert!(!path_matches("/a*b*c", "/axxbyy/c"));
    assert!(path_matches("/a**x", "/ax"));
    // Exponential for the old search: each star tried every split of the rest.
    let stars = format!("/a{}b", "*".repeat(80));
    assert!(!path_matches(&stars, &format!("/{}", "a".repeat(200))));
    assert!(path_matches(&stars, &format!("/{}b", "a".repeat(200))));
}
