//! Kubernetes files read back into a Plan: the values hostwiz writes give exactly
//! `Plan::from(&answers)`; values layer like `helm -f a -f b` and findings land on the line
//! that caused them; manifests rendered by the real Helm SDK from the same values give the
//! same findings; bad input is a ParseError with a position, never a panic.

use crate::support::validators;

use hostwiz::contracts::{check, has_errors, Severity};
use hostwiz::hosts::k8s::manifests_plan;
use hostwiz::hosts::k8s::values_plan;
use hostwiz::ingest::{Input, ParseError};
use hostwiz::plan::{Origin, Plan, Replicas, Sourced, Tls};
use hostwiz::render;
use hostwiz::source::{self, Source};
use hostwiz::Answers;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

/// Presets with `--set` variants; every one is accepted by the rules.
#[rustfmt::skip]
const VARIANTS: &[(&str, &[&str])] = &[
    ("k8s-single", &[]),
    ("k8s-single", &["billing.worker=dedicated"]),
    ("k8s-single", &["domains.api=api.example.com"]),
    ("k8s-single", &["domains.api=api.example.com", "k8s.api_tls_secret=starter-api-tls"]),
    ("k8s-single", &["k8s.tls_secret="]),
    ("k8s-single", &["scale.autoscaling=true"]),
    ("k8s-ha-worker", &[]),
    ("k8s-ha-worker", &["scale.autoscaling=false"]),
    ("k8s-ha-worker", &["domains.api="]),
    ("k8s-ha-worker", &["k8s.api_tls_secret="]),
    ("k8s-ha-worker", &["images.worker=ghcr.io/acme/starter-worker:1.4.0", "scale.api_replicas=6", "scale.api_min_replicas=3"]),
];

/// Variants whose secrets come through an External Secrets store (the chart renders an
/// ExternalSecret per component), read back like the others.
#[rustfmt::skip]
const STORE_VARIANTS: &[(&str, &[&str])] = &[
    ("k8s-single", &["k8s.secret_store=vault-backend"]),
    ("k8s-ha-worker", &["k8s.secret_store=vault-backend", "k8s.secret_store_kind=SecretStore"]),
    ("k8s-ha-worker", &["k8s.secret_store=vault-backend", "billing.enabled=true", "billing.price_map={\"starter\":\"price_1\"}"]),
];

/// The rule an overlay must fire and the overlay line it must name; `None`: no error at all.
type Expected = Option<(&'static str, u32)>;

/// Overlays (`over.yaml`) on a rendered preset, as `helm -f values-prod.yaml -f over.yaml`.
#[rustfmt::skip]
const OVERLAYS: &[(&str, &str, Expected)] = &[
    // api.env "true" wins over the explicit "false" below it...
    ("k8s-ha-worker", "api:\n  env:\n    ENABLE_BILLING_RETRY_WORKER: \"true\"\n", Some(("BILL-001", 3))),
    // ...and over the "false" the chart adds when the worker is switched on.
    ("k8s-single", "worker:\n  enabled: true\n  image: acme/worker:1\napi:\n  env:\n    ENABLE_BILLING_RETRY_WORKER: \"true\"\n    ENABLE_BILLING_STREAM_REPLAY: \"false\"\n    BILLING_RETRY_DEPLOYMENT_MODE: dedicated\n", Some(("BILL-001", 6))),
    ("k8s-ha-worker", "worker:\n  env:\n    ENABLE_BILLING_STREAM_REPLAY: false\n", Some(("BILL-003", 3))),
    ("k8s-ha-worker", "worker:\n  replicaCount: 2\n", Some(("BILL-005", 2))),
    ("k8s-single", "api:\n  replicaCount: 3\n", Some(("BILL-004", 2))),
    ("k8s-single", "ingress:\n  apiHosts:\n    - host: api.example.com\n", Some(("ROUTE-005", 3))),
    ("k8s-single", "ingress:\n  apiHosts:\n    - host: api.example.com\n  apiTls:\n    - secretName: s\n      hosts: [api.example.com]\n", None),
];

fn answers(preset: &str, sets: &[&str]) -> Answers {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    source::load(&Source::Preset(preset.into()), &sets).expect("the variant is valid")
}

/// The values file hostwiz writes for these answers.
fn values_of(a: &Answers) -> Input {
    let file = render::render(a)
        .into_iter()
        .find(|f| f.path.starts_with("values-"));
    let file = file.expect("k8s writes a values file");
    Input::new(file.path, file.contents)
}

/// Every values file hostwiz writes for these answers, in the order the checklist's
/// `helm upgrade -f` passes them (the values, then the operator's secrets file).
fn written_of(a: &Answers) -> Vec<Input> {
    let mut files: Vec<Input> = render::render(a)
        .into_iter()
        .filter(|f| f.path.starts_with("values-") || f.path.starts_with("secrets-"))
        .map(|f| Input::new(f.path, f.contents))
        .collect();
    files.sort_by_key(|f| !f.path.starts_with("values-"));
    files
}

/// The plan with every origin replaced by one fixed origin, to compare what was read.
fn strip_origins(mut p: Plan) -> Plan {
    let o = || Origin::Default("stripped");
    let strip = |s: &mut Sourced<String>| s.origin = o();
    p.web_hosts.iter_mut().for_each(strip);
    p.api_host.iter_mut().for_each(strip);
    p.routes.iter_mut().for_each(|r| r.origin = o());
    match &mut p.tls {
        Tls::Automatic(origin) => *origin = o(),
        Tls::Hosts(hosts) => hosts.iter_mut().for_each(strip),
    }
    for proc in &mut p.processes {
        (proc.origin, proc.replicas.origin) = (o(), o());
        proc.replicas.min_origin = o();
        proc.env.values_mut().for_each(|s| s.origin = o());
        proc.secrets.values_mut().for_each(strip);
    }
    if let Some(s) = &mut p.startup {
        s.secret_store.iter_mut().for_each(|s| s.origin = o());
        s.duplicate_env.iter_mut().for_each(|(_, d)| strip(d));
    }
    if let Some(u) = &mut p.urls {
        u.origin = o();
        u.app_public_url.iter_mut().for_each(strip);
        u.api_base_url.iter_mut().for_each(strip);
    }
    if let Some(s) = &mut p.services {
        s.project_id.iter_mut().for_each(strip);
        s.extra.iter_mut().for_each(strip);
        s.enable_project_services.origin = o();
        let lists = [&mut s.blueprint, &mut s.enabled, &mut s.overrides];
        lists.into_iter().flatten().for_each(|l| l.origin = o());
        s.conditions.iter_mut().for_each(|c| c.origin = o());
    }
    p
}

fn rule_set(plan: &Plan) -> BTreeSet<(&'static str, Severity)> {
    check(plan)
        .into_iter()
        .map(|f| (f.rule, f.severity))
        .collect()
}

/// Where each finding of `rule` points: (file, line).
fn lines_of(plan: &Plan, rule: &str) -> Vec<(String, u32)> {
    let findings = check(plan).into_iter().filter(|f| f.rule == rule);
    findings.map(|f| at(&f.origin)).collect()
}

fn at(origin: &Origin) -> (String, u32) {
    match origin {
        Origin::File { path, line, .. } => (path.clone(), *line),
        other => panic!("expected a file origin, got {other}"),
    }
}

fn line(origin: &Origin) -> u32 {
    at(origin).1
}

/// The 1-based number of the first line of `text` that starts with `start`.
fn line_in(text: &str, start: &str) -> u32 {
    let at = text.lines().position(|l| l.starts_with(start));
    at.expect("a line starts so") as u32 + 1
}

/// Values files `0.yaml`, `1.yaml`, ... layered in order.
fn layered(texts: &[&str]) -> Plan {
    let file = |(i, text): (usize, &&str)| Input::new(format!("{i}.yaml"), *text);
    let files: Vec<Input> = texts.iter().enumerate().map(file).collect();
    values_plan(&files).unwrap()
}

#[test]
fn written_values_read_back_as_the_answers_plan() {
    for (preset, sets) in VARIANTS.iter().chain(STORE_VARIANTS) {
        let a = answers(preset, sets);
        let plan = values_plan(&written_of(&a)).unwrap();
        let findings = check(&plan);
        assert!(!has_errors(&findings), "{preset} {sets:?}: {findings:#?}");
        let want = strip_origins(Plan::from(&a));
        assert_eq!(strip_origins(plan), want, "{preset} {sets:?}");
    }
}

#[test]
fn origins_point_at_the_lines_that_set_them() {
    let values = values_of(&answers("k8s-ha-worker", &[]));
    let p = values_plan(std::slice::from_ref(&values)).unwrap();
    let n = |start| line_in(&values.text, start);
    let [web, api, worker] = &p.processes[..] else {
        panic!("three processes")
    };
    let (app, api_host) = (&p.web_hosts[0].origin, &p.api_host.as_ref().unwrap().origin);
    #[rustfmt::skip]
    let got = [app, api_host, &web.origin, &api.origin, &api.replicas.origin, &worker.origin, &worker.replicas.origin];
    #[rustfmt::skip]
    let want = [n("    - host: \"app"), n("    - host: \"api"), n("web:"), n("api:"), n("    maxReplicas: 3"), n("worker:") + 1, n("worker:") + 3];
    assert_eq!(got.map(line), want);
    // What no file sets comes from the chart; the flags the chart adds point at worker.enabled.
    let p = layered(&["worker: {enabled: true, image: w}\n"]);
    let chart = Origin::Default("chart values.yaml");
    assert_eq!(
        [&p.processes[0].origin, &p.processes[0].replicas.origin],
        [&chart; 2]
    );
    let api_replay = &p.processes[1].env["ENABLE_BILLING_STREAM_REPLAY"];
    let worker_retry = &p.processes[2].env["ENABLE_BILLING_RETRY_WORKER"];
    assert_eq!(
        (line(&api_replay.origin), line(&worker_retry.origin)),
        (1, 1)
    );
}

#[test]
fn overlays_fire_at_their_own_line() {
    for (preset, overlay, expected) in OVERLAYS {
        let base = values_of(&answers(preset, &[]));
        let plan = values_plan(&[base, Input::new("over.yaml", *overlay)]).unwrap();
        let Some((rule, line)) = expected else {
            assert!(!has_errors(&check(&plan)) && lines_of(&plan, "ROUTE-005").is_empty());
            continue;
        };
        assert_eq!(
            lines_of(&plan, rule),
            [("over.yaml".into(), *line)],
            "{overlay}"
        );
    }
}

#[test]
fn layering_is_helms() {
    // Later files win; maps merge deeply.
    let p = layered(&[
        "api: {replicaCount: 2, env: {A: x}}",
        "api: {env: {B: y}}",
        "api: {replicaCount: 1}",
    ]);
    let api = &p.processes[1];
    assert_eq!(api.replicas.value, Replicas::fixed(1));
    assert_eq!(at(&api.replicas.origin), ("2.yaml".into(), 1));
    assert_eq!(api.env.keys().collect::<Vec<_>>(), ["A", "B"]);
    // Lists replace.
    let p = layered(&[
        "ingress: {enabled: true, hosts: [{host: a.b}, {host: b.b}]}",
        "ingress: {hosts: [{host: c.b}]}",
    ]);
    let hosts: Vec<_> = p.web_hosts.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(hosts, ["c.b"]);
    // A null deletes the chart's default: no HPA for the API, the web one stays.
    let p = layered(&["autoscaling: {enabled: true, api: {enabled: null}}\n"]);
    let replicas = (p.processes[0].replicas.value, p.processes[1].replicas.value);
    assert_eq!(replicas, (Replicas { min: 2, max: 10 }, Replicas::fixed(1)));
    // Helm's YAML 1.1 and Go truthiness: `no` is false, a quoted "false" is a non-empty string.
    let p = layered(&["worker: {enabled: 'false', env: {ENABLE_BILLING_STREAM_REPLAY: no}}\n"]);
    let replay = &p.processes[2].env["ENABLE_BILLING_STREAM_REPLAY"];
    assert_eq!(replay.value, "false");
    // A wildcard TLS entry covers one label; ingress.tls covers the API host by fallback.
    let tls = |host| {
        let text = format!(
            "ingress: {{tls: [{{hosts: ['*.example.com']}}], apiHosts: [{{host: {host}}}]}}"
        );
        lines_of(&layered(&[&text]), "ROUTE-005").len()
    };
    assert_eq!((tls("api.example.com"), tls("a.b.example.com")), (0, 1));
    // <fullname> names the API Service.
    let names = |text| layered(&[text]).api_addresses;
    assert_eq!(names("nameOverride: acme\n"), ["acme-api"]);
    assert_eq!(
        names("nameOverride: acme\nfullnameOverride: prod-\n"),
        ["prod-api"]
    );
    // Without ingress.enabled there is no web host, yet the API Ingress is still rendered.
    let p = layered(&["ingress: {hosts: [{host: a.b}], apiHosts: [{host: api.b}]}\n"]);
    assert!(p.web_hosts.is_empty() && p.api_host.is_some() && p.routes.len() == 1);
}

/// Writes the values files and renders them with the Helm SDK: `None` when the tools are missing.
fn rendered(files: &[Input]) -> Option<Input> {
    let dir = tempfile::tempdir().unwrap();
    let paths: Vec<_> = (0..files.len())
        .map(|i| dir.path().join(format!("{i}.y")))
        .collect();
    for (path, f) in paths.iter().zip(files) {
        std::fs::write(path, &f.text).unwrap();
    }
    let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
    let stream = validators::helm_render(&validators::chart_dir(), &refs)?;
    Some(Input::new("manifests.yaml", stream))
}

#[test]
fn rendered_manifests_give_the_same_findings_as_their_values() {
    let presets = VARIANTS
        .iter()
        .map(|(p, s)| vec![values_of(&answers(p, s))]);
    let over = |(p, o, _): &(&str, &'static str, Expected)| {
        vec![values_of(&answers(p, &[])), Input::new("over.yaml", *o)]
    };
    for files in presets.chain(OVERLAYS.iter().map(over)) {
        let Some(stream) = rendered(&files) else {
            return;
        };
        let from_values = values_plan(&files).unwrap();
        let mut from_manifests =
            manifests_plan(&stream).unwrap_or_else(|e| panic!("{e:?}\n{}", stream.text));
        let case = &files.last().unwrap().text;
        // Only the templates show the ExternalSecrets' apiVersion (the starter's v1beta1, a
        // BOOT-010 warning); the values cannot. Past that the two agree exactly.
        let mut from_manifest_rules = rule_set(&from_manifests);
        if let Some(store) = from_manifests
            .startup
            .as_mut()
            .and_then(|s| s.secret_store.as_mut())
        {
            let version = store.api_version.take();
            assert_eq!(version.as_deref(), Some("external-secrets.io/v1beta1"));
            assert!(from_manifest_rules.remove(&("BOOT-010", Severity::Warning)));
        }
        // A secret's env entry is kept as a reference in the env too (`FROM_REFERENCE`), and
        // the templates' own `PORT` (the service port; 8000 on the worker) shows only there.
        for p in &mut from_manifests.processes {
            let secrets = p.secrets.clone();
            p.env.retain(|k, _| !secrets.contains_key(k) && k != "PORT");
        }
        assert_eq!(from_manifest_rules, rule_set(&from_values), "{case}");
        // The chart's manifests even read back to the very same plan.
        assert_eq!(
            strip_origins(from_manifests),
            strip_origins(from_values),
            "{case}"
        );
    }
}

#[test]
fn helm_scalars_are_read_as_helm_renders_them() {
    let values = "worker: {enabled: on, image: w}\napi:\n  env:\n    A: yes\n    B: 010\n    C: 1000000\n    \
                  D: 12345678901\n    E: 0x_1F\n    F: ~\n    G: [1, 2]\n    H: 2001-12-14\n    \
                  ENABLE_BILLING_RETRY_WORKER: n\n    N: 1.0\n";
    let files = [Input::new("odd.yaml", values)];
    let Some(stream) = rendered(&files) else {
        return;
    };
    let env = |p: Plan| -> Vec<(String, String)> {
        let api = p.processes[1].env.iter().filter(|(k, _)| *k != "PORT");
        api.map(|(k, v)| (k.clone(), v.value.to_string())).collect()
    };
    let from_values = env(values_plan(&files).unwrap());
    assert_eq!(env(manifests_plan(&stream).unwrap()), from_values);
    assert!(
        from_values.contains(&("false".into(), "1".into())),
        "the key N is YAML 1.1's false"
    );
}

const OLD_CHART: &str = "\
apiVersion: v1
kind: Service
metadata: {name: starter-api}
spec:
  selector: {app.kubernetes.io/component: api}
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: starter}
spec:
  tls:
    - secretName: starter-tls
      hosts: [app.example.com]
  rules:
    - host: app.example.com
      http:
        paths:
          - path: /api
            pathType: Prefix
            backend: {service: {name: starter-api, port: {number: 8000}}}
          - path: /
            pathType: Prefix
            backend: {service: {name: starter-web, port: {number: 3000}}}
";

#[test]
fn an_old_chart_routing_api_to_the_api_breaks_the_bff() {
    let plan = manifests_plan(&Input::new("old.yaml", OLD_CHART)).unwrap();
    let path_line = line_in(OLD_CHART, "          - path: /api");
    assert_eq!(
        lines_of(&plan, "ROUTE-001"),
        [("old.yaml".into(), path_line)]
    );
    assert_eq!(plan.api_addresses, ["starter-api"]);
    let findings = check(&plan);
    let errors = findings.iter().filter(|f| f.severity == Severity::Error);
    assert_eq!(errors.map(|f| f.rule).collect::<Vec<_>>(), ["ROUTE-001"]);
}

fn error(result: Result<Plan, ParseError>) -> ParseError {
    result.expect_err("the input is refused")
}

#[test]
fn bad_input_is_a_parse_error_with_a_position() {
    let ok = Input::new("ok.yaml", "api: {}\n");
    let values = |text: &str| error(values_plan(&[ok.clone(), Input::new("bad.yaml", text)]));
    let e = values("ingress:\n  hosts: [a, b\napi: 1\n");
    assert!(e.path == "bad.yaml" && e.line >= 2, "{e:?}");
    #[rustfmt::skip]
    let cases = [
        ("- a\n- b\n", 1, "expected a map at the top level of a values file, found a list"),
        ("ingress:\n  hosts:\n    - app.example.com\n", 3, "expected a map at ingress.hosts[0], found a scalar"),
        ("ingress: true\n", 1, "expected a map at ingress, found a scalar"),
        ("ingress:\n  tls:\n    - hosts: app.example.com\n", 3, "expected a list at ingress.tls[0].hosts"),
        ("api:\n  replicaCount: three\n", 2, "expected a whole number at api.replicaCount"),
        ("api:\n  env: [A, B]\n", 2, "expected a map at api.env, found a list"),
    ];
    for (text, at, message) in cases {
        let e = values(text);
        assert!(
            e.line == at && e.message.starts_with(message),
            "{text:?}: {e:?}"
        );
    }
    let manifests = |text: &str| error(manifests_plan(&Input::new("m.yaml", text)));
    let e = manifests("kind: Ingress\nspec:\n  rules:\n    - host: a\n      http: {paths: 3}\n");
    let want = "expected a list at spec.rules[0].http.paths, found a scalar";
    assert_eq!((e.line, e.message.as_str()), (5, want));
    assert!(manifests("just text\n")
        .message
        .starts_with("expected a Kubernetes object"));
    assert!(manifests("a: [1\n").line >= 1);
}

#[test]
fn an_alias_bomb_fails_fast() {
    let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let refs = vec![format!("*a{}", i - 1); 10].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let started = Instant::now();
    let input = Input::new("bomb.yaml", bomb);
    assert!(error(values_plan(std::slice::from_ref(&input)))
        .message
        .contains("alias"));
    assert!(error(manifests_plan(&input)).message.contains("alias"));
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn no_prefix_of_a_file_panics() {
    let values = values_of(&answers("k8s-ha-worker", &[])).text;
    for text in [values.as_str(), OLD_CHART] {
        for end in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let _ = values_plan(&[Input::new("v.yaml", &text[..end])]);
            let _ = manifests_plan(&Input::new("m.yaml", &text[..end]));
        }
    }
}
