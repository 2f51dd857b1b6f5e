//! Every rule of CONTRACTS.md on hand-built plans: a clean plan per host and mode passes; each
//! rule fires on the setting that breaks it, pinned to that setting's line, and its near-misses
//! stay silent. Tables are kept one case a line (`rustfmt::skip`).

use crate::Test;
use hostwiz::answers::RawAnswers;
use hostwiz::catalog::Condition;
use hostwiz::contracts::{check, rule, rules, Applies, Autofix, Contract, Finding, Severity};
use hostwiz::plan::{Origin, Plan, Process, Replicas, Role, Route, Services, Sourced, Target};
use hostwiz::plan::{Setting, Tls, Urls};
use hostwiz::plan::{MODE_VAR as MODE, REPLAY_FLAG as REPLAY, RETRY_FLAG as RETRY};
const STREAM: &str = "ENABLE_BILLING_STREAM";
use hostwiz::{Host, WorkerMode};

use Host::{Aws, Azure, Gcp, K8s, Vps};
use Severity::{Error, Info, Warning};
use WorkerMode::{Dedicated, Inline};

/// The line of each setting in the host's file; `NEW` is where a setting a test adds lives.
#[rustfmt::skip]
mod line {
    pub const WEB_HOST: u32 = 1; pub const API_HOST: u32 = 2; pub const ROUTE_API: u32 = 3;
    pub const ROUTE_ROOT: u32 = 4; pub const ROUTE_API_HOST: u32 = 5; pub const WEB_PROC: u32 = 10;
    pub const API_PROC: u32 = 20; pub const API_REPLICAS: u32 = 21; pub const API_RETRY: u32 = 22;
    pub const API_REPLAY: u32 = 23; pub const API_MODE: u32 = 24; pub const WORKER_PROC: u32 = 30;
    pub const WORKER_REPLICAS: u32 = 31; pub const WORKER_RETRY: u32 = 32;
    pub const WORKER_REPLAY: u32 = 33; pub const WORKER_MODE: u32 = 34; pub const APP_URL: u32 = 40;
    pub const API_URL: u32 = 41; pub const ENABLE: u32 = 50; pub const BLUEPRINT: u32 = 51;
    pub const ENABLED: u32 = 52; pub const CONDITION: u32 = 53; pub const OVERRIDES: u32 = 54;
    pub const NEW: u32 = 90;
}
use line::*;

const TO_API: Target = Target::Service(Role::Api);
#[rustfmt::skip]
const ALWAYS: [&str; 9] = [
    "compute.googleapis.com", "vpcaccess.googleapis.com", "servicenetworking.googleapis.com",
    "sqladmin.googleapis.com", "redis.googleapis.com", "storage.googleapis.com",
    "iam.googleapis.com", "run.googleapis.com", "secretmanager.googleapis.com",
];
#[rustfmt::skip]
const BOOTSTRAP: [&str; 2] = ["serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com"];

#[rustfmt::skip]
fn at(host: Host, line: u32) -> Origin {
    let path = ["values.yaml", "docker-compose.prod.yml", "prod.tfvars", "prod.tfvars", "prod.tfvars"][host as usize];
    Origin::File { path: path.into(), line, column: 3 }
}

fn src<T>(value: T, host: Host, line: u32) -> Sourced<T> {
    Sourced::new(value, at(host, line))
}

fn apis(parts: &[&[&str]], line: u32) -> Option<Sourced<Vec<String>>> {
    let names = parts.concat().iter().map(|s| s.to_string()).collect();
    Some(src(names, Gcp, line))
}

/// A process defined at `line`, its replicas on the next line, then one line per env var.
fn process(host: Host, role: Role, line: u32, replicas: Replicas, env: &[(&str, &str)]) -> Process {
    let env = env.iter().zip(line + 2..);
    let env = env.map(|((k, v), l)| (k.to_string(), src(Setting::from(*v), host, l)));
    let replicas = src(replicas, host, line + 1).into();
    Process {
        role,
        replicas,
        env: env.collect(),
        unread_env: Vec::new(),
        origin: at(host, line),
        secrets: Default::default(),
    }
}

/// A plan that keeps every contract: web on app.example.com, a routed API host, billing as the
/// runbook says for `mode`, and on GCP a blueprint listing every "always" API.
#[rustfmt::skip]
fn clean(host: Host, mode: WorkerMode) -> Plan {
    let name = |n: &str, line| src(n.to_string(), host, line);
    let route = |h: &str, prefix: &str, role, line| Route {
        host: h.into(), prefix: prefix.into(), target: Target::Service(role), origin: at(host, line)
    };
    let gcp = host == Gcp;
    let (flags, label) = if mode == Inline { ("true", "inline") } else { ("false", "dedicated") };
    // The stream on wherever replay may run (BILL-010).
    let api_env = [(RETRY, flags), (REPLAY, flags), (MODE, label), (STREAM, "true")];
    // One API instance always up: inline, the API owns retries (BILL-008 on 0, issue 15).
    let api_replicas = Replicas { min: 1, max: 1 };
    let addresses: &[&str] = match host { K8s => &["starter-api"], Vps => &["api:8000"], _ => &[] };
    let web_env = [("NEXT_PUBLIC_APP_URL", "https://app.example.com")];
    let mut processes = vec![
        process(host, Role::Web, WEB_PROC, Replicas::fixed(2), &web_env),
        process(host, Role::Api, API_PROC, api_replicas, &api_env),
    ];
    if mode == Dedicated {
        let env = [(RETRY, "true"), (REPLAY, "true"), (MODE, "dedicated"), (STREAM, "true")];
        processes.push(process(host, Role::Worker, WORKER_PROC, Replicas::fixed(1), &env));
    }
    Plan {
        note: None,
        host,
        web_hosts: vec![name("app.example.com", WEB_HOST)],
        api_host: Some(name("api.example.com", API_HOST)),
        routes: vec![
            route("app.example.com", "/api", Role::Web, ROUTE_API),
            route("app.example.com", "/", Role::Web, ROUTE_ROOT),
            route("api.example.com", "/", Role::Api, ROUTE_API_HOST),
        ],
        tls: match host {
            K8s => Tls::Hosts(vec![name("app.example.com", 6), name("api.example.com", 7)]),
            _ => Tls::Automatic(at(host, 8)),
        },
        processes,
        api_addresses: addresses.iter().map(|a| a.to_string()).collect(),
        urls: (gcp || host == Aws || host == Azure).then(|| Urls {
            app_public_url: Some(name("https://app.example.com", APP_URL)),
            api_base_url: Some(name("https://api.example.com", API_URL)),
            origin: at(host, 1),
        }),
        services: gcp.then(|| Services {
            project_id: Some(Sourced::new("acme-prod".into(), Origin::Default("project_id"))),
            enable_project_services: src(true, host, ENABLE),
            blueprint: apis(&[&ALWAYS], BLUEPRINT),
            enabled: None, conditions: vec![], extra: vec![], overrides: None,
        }),
        startup: None,
    }
}

fn role(plan: &mut Plan, role: Role) -> &mut Process {
    plan.processes.iter_mut().find(|p| p.role == role).unwrap()
}

/// Sets an env var where it already is, or adds it on line `NEW`.
fn set(plan: &mut Plan, r: Role, key: &str, value: &str) {
    let new = src(Setting::from(""), plan.host, NEW);
    role(plan, r).env.entry(key.into()).or_insert(new).value = value.into();
}

fn public(plan: &mut Plan, value: &str) {
    set(plan, Role::Web, "NEXT_PUBLIC_API_URL", value);
}

#[rustfmt::skip]
fn route(plan: &mut Plan, host: &str, prefix: &str, target: Target) {
    let (host, prefix, origin) = (host.into(), prefix.into(), at(plan.host, NEW));
    plan.routes.push(Route { host, prefix, target, origin });
}

fn replicas(plan: &mut Plan, r: Role, min: u32, max: u32) {
    role(plan, r).replicas.value = Replicas { min, max };
}

fn api_host(plan: &mut Plan) -> &mut String {
    &mut plan.api_host.as_mut().unwrap().value
}

fn k8s_tls(plan: &mut Plan) -> &mut Vec<Sourced<String>> {
    let Tls::Hosts(hosts) = &mut plan.tls else {
        panic!("k8s lists its TLS hosts")
    };
    hosts
}

fn app_url(plan: &mut Plan) -> &mut String {
    let urls = plan.urls.as_mut().unwrap();
    &mut urls.app_public_url.as_mut().unwrap().value
}

fn api_url(plan: &mut Plan) -> &mut String {
    let urls = plan.urls.as_mut().unwrap();
    &mut urls.api_base_url.as_mut().unwrap().value
}

fn services(plan: &mut Plan) -> &mut Services {
    plan.services.as_mut().unwrap()
}

fn summary(plan: &Plan) -> Vec<(&'static str, Severity)> {
    let all = check(plan);
    all.iter().map(|f| (f.rule, f.severity)).collect()
}

/// The `gcloud services enable` command a fix names, for the clean plan's project.
fn cmd(apis: &str) -> String {
    format!("gcloud services enable {apis} --project acme-prod")
}

/// Exactly one `id` finding, at `severity`, pinned to `line` of the plan's file.
fn fires(plan: &Plan, id: &str, severity: Severity, line: u32) -> Finding {
    let all = check(plan);
    let hits: Vec<_> = all.iter().filter(|f| f.rule == id).collect();
    assert_eq!(hits.len(), 1, "expected one {id}, got {all:#?}");
    let got = (hits[0].severity, &hits[0].origin);
    assert_eq!(got, (severity, &at(plan.host, line)), "{id}");
    hits[0].clone()
}

fn silent(plan: &Plan, id: &str) {
    let all = check(plan);
    let quiet = all.iter().all(|f| f.rule != id);
    assert!(quiet, "unexpected {id}: {all:#?}");
}

type Edit = fn(&mut Plan);
type Fires<'a> = &'a [(Host, WorkerMode, u32, Edit)];
type Misses<'a> = &'a [(Host, WorkerMode, Edit)];

/// Each edit in `fire` of a clean plan makes `id` fire once at `severity` on the case's line;
/// each edit in `miss` leaves it silent.
fn judge(id: &str, severity: Severity, fire: Fires, miss: Misses) {
    for (i, &(host, mode, line, edit)) in fire.iter().enumerate() {
        let mut plan = clean(host, mode);
        edit(&mut plan);
        eprintln!("{id} fires, case {i}");
        fires(&plan, id, severity, line);
    }
    for (i, &(host, mode, edit)) in miss.iter().enumerate() {
        let mut plan = clean(host, mode);
        edit(&mut plan);
        eprintln!("{id} near-miss {i}");
        silent(&plan, id);
    }
}

#[test]
fn every_documented_rule_is_registered_with_its_documented_severity() {
    // CONTRACTS.md, one letter per rule in ID order (BILL-010 after BILL-009): Error, Warning,
    // Info; then hostwiz's own
    // rule for malformed suppression comments.
    let mut expected = Vec::new();
    for group in "ROUTE:EEEEWWE BILL:EEEEEEWWIE SVC:EEWIE BOOT:EEEEEEEEEE IGNORE:E ANS:W".split(' ')
    {
        let (contract, letters) = group.split_once(':').unwrap();
        for (i, letter) in letters.chars().enumerate() {
            let severity = [Error, Warning, Info]["EWI".find(letter).unwrap()];
            expected.push((format!("{contract}-{:03}", i + 1), severity));
        }
    }
    let registered: Vec<_> = rules().map(|r| (r.id.to_string(), r.severity)).collect();
    assert_eq!(registered, expected);
}

#[test]
fn clean_plans_have_no_findings_except_the_gcp_bootstrap_reminder() {
    let reminder = [("SVC-003", Warning)];
    // ECS rolling deploys and Container Apps revisions briefly run the one inline API twice.
    let rolling = [("BILL-004", Warning)];
    for host in Host::ALL {
        for mode in [Inline, Dedicated] {
            let expected = match (host, mode) {
                (Gcp, _) => &reminder[..],
                (Aws | Azure, Inline) => &rolling[..],
                _ => &[],
            };
            assert_eq!(summary(&clean(host, mode)), expected, "{host:?} {mode:?}");
        }
    }
    let f = fires(&clean(Gcp, Inline), "SVC-003", Warning, ENABLE);
    assert_eq!(f.fix, cmd(&BOOTSTRAP.join(" ")));
}

// ---- Routing ----

#[test]
#[rustfmt::skip]
fn route_001_api_on_a_web_host_reaching_anything_but_web_is_an_error_but_apix_is_not_api() {
    judge("ROUTE-001", Error, &[
        (K8s, Inline, ROUTE_API, |p| p.routes[0].target = TO_API),
        (Vps, Dedicated, ROUTE_API, |p| p.routes[0].target = TO_API),
        (Gcp, Inline, ROUTE_API, |p| p.routes[0].target = Target::Other("legacy-gw".into())),
        (K8s, Dedicated, NEW, |p| route(p, "app.example.com", "/api/", TO_API)),
        (Vps, Inline, NEW, |p| route(p, "app.example.com", "/api/v1", TO_API)),
    ], &[
        (Vps, Inline, |p| route(p, "app.example.com", "/apix", TO_API)),
        (K8s, Inline, |p| route(p, "other.example.com", "/api", TO_API)),
        // Without its own /api route the web host's catch-all carries /api to web.
        (K8s, Inline, |p| _ = p.routes.remove(0)),
    ]);
}

#[test]
#[rustfmt::skip]
fn route_002_a_web_host_without_a_catch_all_to_web_is_an_error() {
    judge("ROUTE-002", Error, &[
        (K8s, Inline, WEB_HOST, |p| _ = p.routes.remove(1)),
        (Gcp, Dedicated, WEB_HOST, |p| _ = p.routes.remove(1)),
        (Vps, Inline, ROUTE_ROOT, |p| p.routes[1].target = Target::Other("nginx".into())),
        (K8s, Dedicated, ROUTE_ROOT, |p| p.routes[1].target = TO_API),
    ], &[
        (K8s, Inline, |p| route(p, "app.example.com", "/static", Target::Other("cdn".into()))),
        (Vps, Inline, |p| _ = p.routes.remove(0)),
    ]);
}

#[test]
#[rustfmt::skip]
fn route_003_an_api_host_that_is_no_dns_name_or_is_a_web_host_is_an_error() {
    judge("ROUTE-003", Error, &[
        (Vps, Inline, API_HOST, |p| *api_host(p) = "https://api.example.com".into()),
        (Vps, Inline, API_HOST, |p| *api_host(p) = "api.example.com:8443".into()),
        (K8s, Inline, API_HOST, |p| *api_host(p) = "api.example.com/v1".into()),
        (K8s, Inline, API_HOST, |p| *api_host(p) = "api example.com".into()),
        (Gcp, Inline, API_HOST, |p| *api_host(p) = "localhost".into()),
        (Vps, Inline, API_HOST, |p| *api_host(p) = "10.0.0.1".into()),
        (K8s, Dedicated, API_HOST, |p| *api_host(p) = "App.Example.com".into()),
    ], &[
        (Vps, Inline, |p| *api_host(p) = "API.Example.COM".into()),
        (Vps, Inline, |p| *api_host(p) = "{$API_HOST}".into()),
        (Vps, Inline, |p| *api_host(p) = "${API_HOST}".into()),
        (K8s, Inline, |p| p.api_host = None),
    ]);
}

#[test]
#[rustfmt::skip]
fn route_004_a_next_public_setting_naming_the_api_is_an_error_but_longer_names_are_not() {
    judge("ROUTE-004", Error, &[
        (Gcp, Inline, NEW, |p| public(p, "https://API.example.com/v1")),
        (K8s, Inline, NEW, |p| public(p, "http://starter-api.prod.svc:8000")),
        (K8s, Dedicated, NEW, |p| public(p, "starter-api")),
        (Vps, Inline, NEW, |p| public(p, "http://api:8000/v1")),
    ], &[
        (K8s, Inline, |p| set(p, Role::Web, "API_BASE_URL", "https://api.example.com")),
        (K8s, Inline, |p| set(p, Role::Api, "NEXT_PUBLIC_API_URL", "https://api.example.com")),
        (Gcp, Inline, |p| public(p, "https://docs.api.example.com")),
        (K8s, Inline, |p| public(p, "http://starter-api-status")),
        (Vps, Inline, |p| public(p, "/api")),
    ]);
}

#[test]
#[rustfmt::skip]
fn route_005_a_k8s_host_missing_from_tls_is_a_warning_at_its_first_route() {
    judge("ROUTE-005", Warning, &[
        (K8s, Inline, ROUTE_API_HOST, |p| _ = k8s_tls(p).remove(1)),
        (K8s, Dedicated, ROUTE_API, |p| _ = k8s_tls(p).remove(0)),
    ], &[
        (K8s, Inline, |p| k8s_tls(p)[1].value = "API.EXAMPLE.COM".into()),
        (Vps, Inline, |p| route(p, "extra.example.com", "/", TO_API)),
        (Gcp, Inline, |p| route(p, "extra.example.com", "/", TO_API)),
    ]);
}

#[test]
#[rustfmt::skip]
fn route_006_half_an_api_host_is_a_warning_at_the_half_that_exists() {
    judge("ROUTE-006", Warning, &[
        (Vps, Inline, API_HOST, |p| _ = p.routes.remove(2)),
        (K8s, Dedicated, API_HOST, |p| _ = p.routes.remove(2)),
        (Gcp, Inline, API_HOST, |p| _ = p.routes.remove(2)),
        (Vps, Inline, ROUTE_API_HOST, |p| p.api_host = None),
        (K8s, Inline, ROUTE_API_HOST, |p| p.api_host = None),
    ], &[
        (K8s, Inline, |p| { p.api_host = None; p.routes.remove(2); }),
        // An API host equal to the web host is ROUTE-003's business.
        (Vps, Inline, |p| { *api_host(p) = "app.example.com".into(); p.routes.remove(2); }),
    ]);
}

#[test]
#[rustfmt::skip]
fn route_007_gcp_urls_must_be_https_on_different_hosts() {
    judge("ROUTE-007", Error, &[
        (Gcp, Inline, APP_URL, |p| *app_url(p) = "http://app.example.com".into()),
        (Gcp, Inline, API_URL, |p| *api_url(p) = "api.example.com".into()),
        (Gcp, Dedicated, API_URL, |p| *api_url(p) = "https://APP.example.com:8443/x".into()),
    ], &[
        (Gcp, Inline, |p| *api_url(p) = "https://api.example.com:443/v1".into()),
        (Gcp, Inline, |p| *app_url(p) = "https://app.example.com/".into()),
        (K8s, Inline, |p| p.urls = Some(Urls { app_public_url: None, api_base_url: None, origin: at(K8s, 1) })),
    ]);
    let mut plan = clean(Gcp, Dedicated);
    plan.urls.as_mut().unwrap().api_base_url = None;
    let all = check(&plan);
    let hits: Vec<_> = all.iter().filter(|f| f.rule == "ROUTE-007").collect();
    assert!(matches!(&hits[..], [f] if f.severity == Error && f.message.contains("api_base_url")));
    assert_eq!(hits[0].origin, at(Gcp, 1), "a missing URL is reported where it belongs");
}

// ---- Billing ----

#[test]
#[rustfmt::skip]
fn bill_001_002_a_dedicated_api_that_still_retries_or_replays_is_an_error_at_the_flag() {
    for host in Host::ALL {
        judge("BILL-001", Error, &[
            (host, Dedicated, API_RETRY, |p| set(p, Role::Api, RETRY, "true")),
            (host, Dedicated, API_RETRY, |p| set(p, Role::Api, RETRY, "Yes")),
            // Unset is the app's default `true`: the finding points at the process.
            (host, Dedicated, API_PROC, |p| _ = role(p, Role::Api).env.remove(RETRY)),
        ], &[(host, Inline, |_| ()), (host, Dedicated, |p| set(p, Role::Api, RETRY, "False"))]);
        judge("BILL-002", Error, &[
            (host, Dedicated, API_REPLAY, |p| set(p, Role::Api, REPLAY, "TRUE")),
            (host, Dedicated, API_REPLAY, |p| set(p, Role::Api, REPLAY, "1")),
            (host, Dedicated, API_PROC, |p| _ = role(p, Role::Api).env.remove(REPLAY)),
        ], &[(host, Inline, |_| ()), (host, Dedicated, |p| set(p, Role::Api, REPLAY, "off"))]);
    }
}

#[test]
#[rustfmt::skip]
fn bill_003_a_worker_with_a_flag_turned_off_is_an_error_at_that_flag() {
    judge("BILL-003", Error, &[
        (K8s, Dedicated, WORKER_RETRY, |p| set(p, Role::Worker, RETRY, "false")),
        (Vps, Dedicated, WORKER_REPLAY, |p| set(p, Role::Worker, REPLAY, "0")),
        (Gcp, Dedicated, WORKER_RETRY, |p| set(p, Role::Worker, RETRY, "no")),
    ], &[
        // Unset flags are the app's default `true`.
        (Vps, Dedicated, |p| role(p, Role::Worker).env.retain(|k, _| k != RETRY && k != REPLAY)),
    ]);
}

#[test]
#[rustfmt::skip]
fn bill_004_inline_with_more_than_one_api_process_is_an_error_unless_none_owns_billing() {
    judge("BILL-004", Error, &[
        (K8s, Inline, API_REPLICAS, |p| replicas(p, Role::Api, 2, 2)),
        (K8s, Inline, API_REPLICAS, |p| replicas(p, Role::Api, 2, 10)),
        (Vps, Inline, API_REPLICAS, |p| replicas(p, Role::Api, 3, 3)),
        (Gcp, Inline, API_REPLICAS, |p| replicas(p, Role::Api, 0, 10)),
        (Vps, Inline, API_REPLICAS, |p| p.processes.push(p.processes[1].clone())),
        // Retries off but replay on: every process still replays.
        (K8s, Inline, API_REPLICAS, |p| {
            replicas(p, Role::Api, 2, 2);
            set(p, Role::Api, RETRY, "false");
        }),
    ], &[
        (K8s, Dedicated, |p| replicas(p, Role::Api, 2, 10)),
        (Gcp, Dedicated, |p| replicas(p, Role::Api, 0, 10)),
    ]);
    // Migration phase 1 scaled out: nobody owns retries (BILL-006), not two owners.
    let mut plan = clean(K8s, Inline);
    replicas(&mut plan, Role::Api, 3, 3);
    set(&mut plan, Role::Api, RETRY, "false");
    set(&mut plan, Role::Api, REPLAY, "false");
    assert_eq!(summary(&plan), [("BILL-006", Error), ("BILL-007", Warning)]);
    fires(&plan, "BILL-006", Error, API_RETRY);
}

#[test]
#[rustfmt::skip]
fn bill_005_a_worker_with_other_than_one_instance_is_an_error_at_its_replicas() {
    judge("BILL-005", Error, &[
        (K8s, Dedicated, WORKER_REPLICAS, |p| replicas(p, Role::Worker, 2, 2)),
        (Vps, Dedicated, WORKER_REPLICAS, |p| replicas(p, Role::Worker, 0, 0)),
        (Gcp, Dedicated, WORKER_REPLICAS, |p| replicas(p, Role::Worker, 1, 5)),
        (K8s, Dedicated, WORKER_REPLICAS, |p| p.processes.push(p.processes[2].clone())),
    ], &[
        (Gcp, Dedicated, |p| replicas(p, Role::Worker, 0, 1)),
        (K8s, Dedicated, |p| replicas(p, Role::Api, 4, 4)),
    ]);
}

#[test]
#[rustfmt::skip]
fn bill_006_an_inline_api_with_retries_off_and_no_worker_is_an_error_at_the_flag() {
    let off: Edit = |p| set(p, Role::Api, RETRY, "false");
    let fire = Host::ALL.map(|h| (h, Inline, API_RETRY, off));
    judge("BILL-006", Error, &fire, &Host::ALL.map(|h| (h, Dedicated, off)));
}

#[test]
#[rustfmt::skip]
fn bill_007_replay_off_everywhere_is_a_warning_at_the_designated_owners_flag() {
    judge("BILL-007", Warning, &[
        (Vps, Inline, API_REPLAY, |p| set(p, Role::Api, REPLAY, "false")),
        // Dedicated: the worker owns replay, so its flag is the one to change, not the API's.
        (K8s, Dedicated, WORKER_REPLAY, |p| set(p, Role::Worker, REPLAY, "false")),
    ], &[(K8s, Dedicated, |_| ()), (Vps, Dedicated, |_| ()), (Gcp, Dedicated, |_| ())]);
}

#[test]
#[rustfmt::skip]
fn bill_008_only_a_gcp_billing_owner_that_can_scale_to_zero_is_a_warning() {
    // Issue 15: inline, the API is the owner; at 0 instances it stops retrying too.
    judge("BILL-008", Warning, &[
        (Gcp, Dedicated, WORKER_REPLICAS, |p| replicas(p, Role::Worker, 0, 1)),
        (Gcp, Inline, API_REPLICAS, |p| replicas(p, Role::Api, 0, 1)),
    ], &[
        (K8s, Dedicated, |p| replicas(p, Role::Worker, 0, 1)),
        (Vps, Dedicated, |p| replicas(p, Role::Worker, 0, 1)),
        (Gcp, Dedicated, |p| replicas(p, Role::Api, 0, 1)),
        (K8s, Inline, |p| replicas(p, Role::Api, 0, 1)),
    ]);
}

#[test]
#[rustfmt::skip]
fn bill_009_a_mode_label_that_disagrees_with_the_mode_is_info_at_the_label() {
    judge("BILL-009", Info, &[
        (K8s, Dedicated, API_MODE, |p| set(p, Role::Api, MODE, "inline")),
        (Gcp, Dedicated, WORKER_MODE, |p| set(p, Role::Worker, MODE, "inline")),
        (Gcp, Dedicated, WORKER_PROC, |p| _ = role(p, Role::Worker).env.remove(MODE)),
        (Vps, Inline, API_MODE, |p| set(p, Role::Api, MODE, "dedicated")),
    ], &[
        (Vps, Inline, |p| _ = role(p, Role::Api).env.remove(MODE)),
        (K8s, Dedicated, |p| set(p, Role::Web, MODE, "inline")),
    ]);
}

// ---- Services ----

#[test]
#[rustfmt::skip]
fn svc_001_a_blueprint_list_lacking_an_always_api_is_an_error_only_with_enablement_on() {
    judge("SVC-001", Error, &[
        (Gcp, Inline, BLUEPRINT, |p| services(p).blueprint = apis(&[&ALWAYS[..7]], BLUEPRINT)),
    ], &[
        (Gcp, Inline, |p| services(p).blueprint = None),
        (Gcp, Inline, |p| services(p).overrides = apis(&[&ALWAYS[1..]], OVERRIDES)),
        (Gcp, Inline, |p| {
            services(p).blueprint = apis(&[], BLUEPRINT);
            services(p).enable_project_services.value = false;
        }),
    ]);
    let mut plan = clean(Gcp, Inline);
    services(&mut plan).blueprint = apis(&[&ALWAYS[..7]], BLUEPRINT);
    let fix = fires(&plan, "SVC-001", Error, BLUEPRINT).fix;
    let missing = "\"run.googleapis.com\", \"secretmanager.googleapis.com\"";
    assert_eq!(fix, format!("add {missing} to required_project_services"));
}

#[test]
fn svc_002_enablement_off_is_a_warning_without_an_enabled_list_naming_the_command() {
    let mut plan = clean(Gcp, Dedicated);
    services(&mut plan).enable_project_services.value = false;
    assert_eq!(summary(&plan), [("SVC-002", Warning), ("SVC-003", Warning)]);
    let f = fires(&plan, "SVC-002", Warning, ENABLE);
    assert_eq!(f.fix, cmd(&ALWAYS.join(" ")));
}

#[test]
fn svc_002_enablement_off_with_an_enabled_list_is_one_error_per_missing_api() {
    let mut plan = clean(Gcp, Inline);
    services(&mut plan).enable_project_services.value = false;
    services(&mut plan).enabled = apis(&[&ALWAYS[2..], &BOOTSTRAP], ENABLED);
    assert_eq!(summary(&plan), [("SVC-002", Error), ("SVC-002", Error)]);
    for (f, api) in check(&plan).into_iter().zip(ALWAYS) {
        assert_eq!((f.origin, f.fix.into_owned()), (at(Gcp, ENABLE), cmd(api)));
    }

    // Every API enabled by hand: the project is ready, with enablement off or on.
    services(&mut plan).enabled = apis(&[&ALWAYS, &BOOTSTRAP], ENABLED);
    assert_eq!(summary(&plan), []);
    services(&mut plan).enable_project_services.value = true;
    assert_eq!(summary(&plan), []);
}

#[test]
fn svc_003_is_an_error_only_when_the_enabled_list_lacks_a_bootstrap_api() {
    let mut plan = clean(Gcp, Inline);
    services(&mut plan).enabled = apis(&[&ALWAYS, &BOOTSTRAP[1..]], ENABLED);
    let f = fires(&plan, "SVC-003", Error, ENABLED);
    assert_eq!(f.fix, cmd(BOOTSTRAP[0]));

    services(&mut plan).enabled = apis(&[&BOOTSTRAP], ENABLED);
    silent(&plan, "SVC-003");
}

#[test]
fn svc_004_a_needed_conditional_api_is_info_unless_extra_or_already_enabled() {
    for (condition, api) in [
        (Condition::CloudDns, "dns"),
        (Condition::ArtifactRegistry, "artifactregistry"),
        (Condition::SignedUrls, "iamcredentials"),
    ] {
        let api = &format!("{api}.googleapis.com");
        let mut plan = clean(Gcp, Inline);
        services(&mut plan).conditions = vec![src(condition, Gcp, CONDITION)];
        let f = fires(&plan, "SVC-004", Info, CONDITION);
        assert!(f.message.contains(api), "{}", f.message);
        assert_eq!(f.fix, cmd(api));
        let fix = Autofix::Append {
            key: "gcp.extra_services",
            item: api.clone(),
        };
        assert_eq!(
            f.autofix,
            Some(fix),
            "the finding carries the API it misses"
        );

        let mut extra = plan.clone();
        services(&mut extra).extra = vec![src(api.clone(), Gcp, NEW)];
        silent(&extra, "SVC-004");
        let mut enabled = plan;
        services(&mut enabled).enabled = apis(&[&ALWAYS, &BOOTSTRAP, &[api]], ENABLED);
        assert_eq!(summary(&enabled), []);
    }
}

#[test]
#[rustfmt::skip]
fn svc_005_an_override_list_dropping_an_always_api_is_an_error_at_the_list() {
    judge("SVC-005", Error, &[
        (Gcp, Inline, OVERRIDES, |p| services(p).overrides = apis(&[&ALWAYS[1..]], OVERRIDES)),
        (Gcp, Inline, OVERRIDES, |p| {
            services(p).enable_project_services.value = false;
            services(p).overrides = apis(&[], OVERRIDES);
        }),
    ], &[
        (Gcp, Inline, |p| services(p).overrides = apis(&[&ALWAYS, &BOOTSTRAP], OVERRIDES)),
    ]);
    let mut plan = clean(Gcp, Inline);
    services(&mut plan).overrides = apis(&[&ALWAYS[..6], &ALWAYS[7..]], OVERRIDES);
    let f = &check(&plan)[0];
    assert!(f.message.contains("drops iam.googleapis.com"), "{}", f.message);
}

// ---- The table of rules and its consumers ----

#[test]
fn every_rule_is_one_entry_with_its_words_and_a_unique_id() {
    let mut seen = std::collections::HashSet::new();
    for r in rules() {
        assert!(seen.insert(r.id), "{} twice", r.id);
        let prefix = match r.contract {
            Contract::Routing => "ROUTE-",
            Contract::Billing => "BILL-",
            Contract::Services => "SVC-",
            Contract::Startup => "BOOT-",
            Contract::Suppressions => "IGNORE-",
            Contract::Answers => "ANS-",
        };
        assert!(r.id.starts_with(prefix), "{} is not a {prefix} rule", r.id);
        for (what, text) in [
            ("title", r.title),
            ("rule", r.rule),
            ("why", r.why),
            ("fix", r.fix),
        ] {
            assert!(!text.trim().is_empty(), "{}: empty {what}", r.id);
        }
        assert!(
            r.title.chars().count() <= 20,
            "{}: a title fits the panel",
            r.id
        );
        assert!(std::ptr::eq(rule(r.id).unwrap(), r), "{}", r.id);
        assert!(
            std::ptr::eq(rule(&r.id.to_lowercase()).unwrap(), r),
            "{}",
            r.id
        );
    }
    assert!(rule("ROUTE-999").is_none());
}

#[test]
fn each_host_is_judged_by_the_rules_its_capabilities_call_for() {
    let gcp_only = [
        "ROUTE-007",
        "BILL-008",
        "SVC-001",
        "SVC-002",
        "SVC-003",
        "SVC-004",
        "SVC-005",
    ];
    let judged = |capabilities| -> Vec<&str> {
        rules()
            .filter(|r| r.judges_answers(capabilities))
            .map(|r| r.id)
            .collect()
    };
    let all: Vec<&str> = rules()
        .map(|r| r.id)
        .filter(|id| *id != "IGNORE-001")
        .collect();
    let common: Vec<&str> = all
        .iter()
        .copied()
        .filter(|id| !gcp_only.contains(id))
        .collect();
    assert_eq!(judged(Gcp.capabilities()), all);
    assert_eq!(judged(K8s.capabilities()), common);
    assert_eq!(judged(Vps.capabilities()), common);
    assert_eq!(judged(&[]), common, "before a host is chosen");
    let files_only: Vec<&str> = rules()
        .filter(|r| r.applies == Applies::FilesOnly)
        .map(|r| r.id)
        .collect();
    assert_eq!(files_only, ["IGNORE-001"]);
    for host in Host::ALL {
        assert!(
            rule("IGNORE-001").unwrap().applies_to(host.capabilities()),
            "{host}: its files"
        );
    }
}

#[test]
fn every_autofix_sets_an_answer_that_exists() {
    let current = |key: &str| match key {
        "domains.web" => "app.example.com".to_string(),
        _ => String::new(),
    };
    let mut fixed = Vec::new();
    for r in rules() {
        let Some(fix) = &r.autofix else { continue };
        let (key, value) = fix.answer(current);
        let mut raw = RawAnswers::default();
        raw.set(&format!("{key}={value}"))
            .unwrap_or_else(|e| panic!("{}: {e}", r.id));
        fixed.push((r.id, key, value));
    }
    #[rustfmt::skip]
    assert_eq!(fixed, [
        ("ROUTE-003", "domains.api", "api.example.com".to_string()),
        ("ROUTE-005", "k8s.tls_secret", "starter-tls".to_string()),
        ("ROUTE-007", "domains.api", "api.example.com".to_string()),
        ("BILL-004", "billing.worker", "dedicated".to_string()),
        ("BILL-005", "scale.worker_replicas", "1".to_string()),
        ("SVC-002", "gcp.enable_project_services", "true".to_string()),
        ("BOOT-007", "domains.api", "api.example.com".to_string()),
    ]);
}

#[test]
fn every_report_format_lists_every_rule() {
    let ids: Vec<&str> = rules().map(|r| r.id).collect();
    let sarif = hostwiz::report::sarif(&[]);
    let driver = sarif["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let listed: Vec<&str> = driver.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(listed, ids);
    for (r, entry) in rules().zip(driver) {
        assert_eq!(entry["shortDescription"]["text"], r.rule);
        assert!(
            entry["help"]["text"].as_str().unwrap().contains(r.fix),
            "{}",
            r.id
        );
    }
    let junit = hostwiz::report::junit(&[("values.yaml", &[])]);
    // A file's test cases are the rules files can break: not the answers-only ANS-001.
    for id in rules().filter(|r| r.judges_files()).map(|r| r.id) {
        assert!(
            junit.contains(&format!(
                "<testcase name=\"{id}\" classname=\"values.yaml\"/>"
            )),
            "{id}"
        );
    }
}

#[test]
fn rules_and_explain_print_every_rule() {
    let run = |args: &[&str]| Test::new().args(args).run().status(0).stdout;
    let listed = run(&["rules"]);
    for r in rules() {
        assert!(
            listed
                .lines()
                .any(|l| l.starts_with(r.id) && l.ends_with(r.rule)),
            "{}",
            r.id
        );
        let explained = run(&["explain", r.id]);
        for text in [r.rule, r.why, r.fix] {
            assert!(explained.contains(text), "{}: {explained}", r.id);
        }
    }
}

#[test]
#[rustfmt::skip]
fn boot_008_a_worker_lacking_a_setting_the_startup_rules_require_of_the_api_is_an_error() {
    judge("BOOT-008", Error, &[
        (K8s, Dedicated, WORKER_PROC, |p| set(p, Role::Api, "SECRETS_PROVIDER", "gcp_sm")),
        (Gcp, Dedicated, WORKER_PROC, |p| set(p, Role::Api, "ENVIRONMENT", "production")),
        (Vps, Dedicated, WORKER_PROC, |p| set(p, Role::Api, "ENABLE_BILLING", "true")),
    ], &[
        // Not required of the API by BOOT-001…007: the operator's choice for the worker.
        (K8s, Dedicated, |p| set(p, Role::Api, "LOG_LEVEL", "info")),
        // The app's default: the worker has it without being told.
        (Gcp, Dedicated, |p| set(p, Role::Api, "ENABLE_BILLING", "false")),
        // The worker has it too.
        (Vps, Dedicated, |p| {
            set(p, Role::Api, "ENVIRONMENT", "production");
            set(p, Role::Worker, "ENVIRONMENT", "production");
        }),
        (K8s, Inline, |p| set(p, Role::Api, "SECRETS_PROVIDER", "gcp_sm")),
    ]);
}
