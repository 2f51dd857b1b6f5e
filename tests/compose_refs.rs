//! Compose as Compose reads a project: the project folder's `.env` (replaced by `--env-file`),
//! `include`, `extends`, `env_file` in `format: raw`, each compared with `docker compose
//! config` (v2) where it is installed; and what cannot be read (an unset `${VAR:?}` in
//! `replicas`, `profiles` or an `env_file` path, a remote include) is unknown, never exit 2.

use crate::support::validators;
use crate::Test;

use hostwiz::ingest::compose::{self, Compose};
use hostwiz::ingest::{Input, Vars};
use hostwiz::plan::Unknown;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::Path;

/// Active services: replicas and environment.
type View = BTreeMap<String, (u64, BTreeMap<String, String>)>;

fn view(c: &Compose) -> View {
    let env = |s: &compose::Service| {
        let vars = s.environment.iter();
        vars.map(|(k, v)| (k.clone(), v.value.to_string()))
            .collect()
    };
    let active = c.services.iter().filter(|s| s.active);
    active
        .map(|s| (s.name.clone(), (u64::from(s.replicas.value), env(s))))
        .collect()
}

fn view_of_json(json: &str) -> View {
    let json: Value = serde_json::from_str(json).unwrap();
    let text = |v: &Value| v.as_str().map(|s| s.replace("$$", "$"));
    let services = json["services"].as_object().unwrap().iter();
    let env = |s: &Value| {
        let vars = s["environment"].as_object().into_iter().flatten();
        vars.filter_map(|(k, v)| Some((k.clone(), text(v)?)))
            .collect()
    };
    let replicas = |s: &Value| s["deploy"]["replicas"].as_u64().unwrap_or(1);
    services
        .map(|(name, s)| (name.clone(), (replicas(s), env(s))))
        .collect()
}

/// Loads `compose.yml` of `t`'s folder with `vars` (the `.env` Compose would read, parsed by
/// the caller) and compares with `docker compose config` run on the same folder.
fn agree(t: &Test, vars: &Vars) -> Compose {
    let path = t.path("compose.yml");
    let input = Input::new(
        path.display().to_string(),
        std::fs::read_to_string(&path).unwrap(),
    );
    let mine = compose::load(&[input], vars, &[]).unwrap();
    if let Some(json) = validators::compose_config_json(&[Path::new(&path)], &[], &[]) {
        assert_eq!(view(&mine), view_of_json(&json));
    }
    mine
}

fn dot_env(t: &Test) -> Vars {
    let path = t.path(".env");
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    hostwiz::ingest::envfile::parse(&Input::new(path.display().to_string(), text)).unwrap()
}

const INCLUDE: &str = "\
include:
  - sub/inc.yml
services:
  web:
    image: w
";
const INCLUDED: &str = "\
services:
  api:
    image: api
    env_file: [own.env]
    environment:
      FROM_PARENT: ${X}
    deploy:
      replicas: ${INC_N:-1}
";

#[test]
fn an_included_files_three_api_replicas_are_read() {
    let t = Test::new()
        .file("compose.yml", INCLUDE)
        .file(".env", "X=top\n")
        .file("sub/inc.yml", INCLUDED)
        .file("sub/own.env", "ENABLE_BILLING_RETRY_WORKER=true\n")
        .file("sub/.env", "INC_N=3\nX=sub\n");
    let c = agree(&t, &dot_env(&t));
    let api = c.service("api").unwrap();
    assert_eq!(api.replicas.value, 3, "the included folder's .env");
    assert_eq!(api.environment["FROM_PARENT"].value.to_string(), "top");
    t.args(["check", "compose.yml"])
        .run()
        .status(1)
        .stdout_has("sub/inc.yml:8:17: error BILL-004 inline mode with up to 3 API processes");
}

const EXTENDS: &str = "\
services:
  base:
    image: b
    environment:
      ENABLE_BILLING_STREAM_REPLAY: \"true\"
  api:
    extends: base
    deploy:
      replicas: 2
  worker:
    extends:
      file: common/base.yml
      service: common
    environment:
      MINE: \"2\"
";
const BASE: &str = "\
services:
  common:
    image: c
    env_file: flags.env
    environment:
      FROM_BASE: \"1\"
";

#[test]
fn extends_takes_the_base_service_first() {
    let t = Test::new()
        .file("compose.yml", EXTENDS)
        .file("common/base.yml", BASE)
        .file("common/flags.env", "ENABLE_BILLING_RETRY_WORKER=true\n");
    let c = agree(&t, &Vars::default());
    let worker = c.service("worker").unwrap();
    // The base's env file is found next to the base file.
    assert_eq!(
        worker.environment["ENABLE_BILLING_RETRY_WORKER"]
            .value
            .to_string(),
        "true"
    );
    let api = c.service("api").unwrap();
    assert_eq!(
        api.environment["ENABLE_BILLING_STREAM_REPLAY"]
            .value
            .to_string(),
        "true"
    );
    assert_eq!(api.replicas.value, 2);
}

const RAW: &str = "\
services:
  api:
    image: a
    env_file:
      - path: flags.env
        format: raw
";

#[test]
fn a_raw_env_file_is_kept_literally() {
    let flags = "# raw\nENABLE_BILLING_RETRY_WORKER=\"true\"\nENABLE_BILLING_STREAM_REPLAY='true'\nB=plain ${X} # c\n";
    let t = Test::new()
        .file("compose.yml", RAW)
        .file("flags.env", flags)
        .file(".env", "X=1\n");
    let c = agree(&t, &dot_env(&t));
    let api = c.service("api").unwrap();
    let value = |k: &str| api.environment[k].value.to_string();
    assert_eq!(value("ENABLE_BILLING_RETRY_WORKER"), "\"true\"");
    assert_eq!(value("B"), "plain ${X} # c");
    // The process sees `"true"` with its quotes, which the app does not read as on.
    t.args(["check", "compose.yml"])
        .run()
        .status(1)
        .stdout_has("flags.env:2:29: error BILL-006")
        .stdout_has("flags.env:3:30: warning BILL-007");
}

const REPLICAS: &str = "\
services:
  api:
    image: a
    deploy:
      replicas: ${API_REPLICAS:-1}
";

#[test]
fn the_project_env_is_read_unless_an_env_file_is_given() {
    let t = Test::new()
        .file("compose.yml", REPLICAS)
        .file(".env", "API_REPLICAS=3\n")
        .file("other.env", "API_REPLICAS=1\n");
    let c = agree(&t, &dot_env(&t));
    assert_eq!(c.service("api").unwrap().replicas.value, 3);
    let t = t.args(["check", "compose.yml"]);
    t.run()
        .status(1)
        .stdout_has("compose.yml:5:17: error BILL-004 inline mode with up to 3 API processes");
    t.again(&["check", "compose.yml", "--env-file", "other.env"])
        .run()
        .status(0);
    // With --repo too: the explicit env file replaces `.env`.
    let repo = Test::new()
        .file("ops/compose/docker-compose.prod.yml", REPLICAS)
        .file("ops/compose/.env", "API_REPLICAS=3\n")
        .file("other.env", "API_REPLICAS=1\n");
    let repo = repo.args(["check", "--repo", "."]);
    repo.run().status(1);
    repo.again(&["check", "--repo", ".", "--env-file", "other.env"])
        .run()
        .status(0);
}

#[test]
fn unset_required_names_and_counts_are_unknown() {
    let files = "\
include:
  - oci://example.com/more:1
services:
  api:
    image: a
    deploy:
      replicas: ${API_REPLICAS:?set it}
    env_file: ${ENV_DIR:?}/api.env
  worker:
    image: a
    profiles: [\"${WORKER_PROFILE:?}\"]
";
    let t = Test::new().file("compose.yml", files);
    let input = Input::new(
        "compose.yml",
        std::fs::read_to_string(t.path("compose.yml")).unwrap(),
    );
    let c = compose::load(&[input], &Vars::default(), &[]).unwrap();
    let api = c.service("api").unwrap();
    assert_eq!(
        api.replicas_unknown,
        Some(Unknown::Unset("API_REPLICAS".into()))
    );
    assert_eq!(
        api.missing_env_files[0].value,
        Unknown::Unset("ENV_DIR".into())
    );
    assert!(!c.service("worker").unwrap().active);
    let unread: Vec<_> = c.unread.iter().map(|u| u.value.to_string()).collect();
    assert_eq!(
        unread,
        [
            "hostwiz does not read the remote include `oci://example.com/more:1`",
            "variable WORKER_PROFILE is not set"
        ]
    );
    t.args(["check", "compose.yml"]).run().status(0).stdout_has(
        "compose.yml:7:17: info BILL-004 cannot tell whether inline mode runs more than one \
             API process: variable API_REPLICAS is not set",
    );
}

#[test]
fn include_and_extends_cycles_are_errors() {
    Test::new()
        .file(
            "compose.yml",
            "services:\n  a:\n    extends: b\n  b:\n    extends: a\n",
        )
        .args(["check", "compose.yml"])
        .run()
        .status(2)
        .stderr_has("a cycle?");
    Test::new()
        .file(
            "compose.yml",
            "include:\n  - compose.yml\nservices:\n  a:\n    image: x\n",
        )
        .args(["check", "compose.yml"])
        .run()
        .status(2)
        .stderr_has("a cycle?");
}
