//! `check` on a checkout as it is cloned: no env files, no variables. What those would set is
//! unknown; rules decide on what is known, and a verdict that hinges on an unknown is one info
//! finding. Never exit 2 for what a fresh clone lacks.

use crate::Test;

/// The starter's Compose file as shipped: required variables and gitignored env files.
const PROD: &str = "\
services:
  caddy:
    image: caddy:2
    environment:
      APP_HOST: ${APP_HOST:?Set APP_HOST}
      API_HOST: ${API_HOST:-}
  api:
    image: ${API_IMAGE:?Set API_IMAGE}
    env_file:
      - ../../.env.compose
      - ../../apps/api-service/.env.local
    environment:
      PORT: \"8000\"
  web:
    image: ${WEB_IMAGE:?Set WEB_IMAGE}
    env_file:
      - ../../apps/web-app/.env.local
  worker:
    image: ${WORKER_IMAGE:-${API_IMAGE}}
    profiles: [\"worker\"]
    env_file:
      - ../../.env.compose
    environment:
      ENABLE_BILLING_RETRY_WORKER: \"true\"
      ENABLE_BILLING_STREAM_REPLAY: \"true\"
      BILLING_RETRY_DEPLOYMENT_MODE: \"dedicated\"
";

const CADDY: &str = "\
{$APP_HOST} {
  @api path /api* /api/* /api
  handle @api {
    reverse_proxy web:3000
  }
  handle {
    reverse_proxy web:3000
  }
}
";

fn vps() -> Test {
    Test::new()
        .file("ops/compose/docker-compose.prod.yml", PROD)
        .file("ops/compose/caddy/Caddyfile", CADDY)
}

#[test]
fn a_fresh_clone_is_judged_on_what_is_known() {
    let run = vps()
        .args(["check", "--repo", "."])
        .run()
        .status(0)
        .stdout_has(
            "ops/compose/docker-compose.prod.yml:10:9: info BILL-006 cannot tell whether the API \
             runs with ENABLE_BILLING_RETRY_WORKER=false and no worker: env file .env.compose is missing",
        )
        .stdout_has("fix: check again where .env.compose exists")
        .stdout_has("0 errors, 0 warnings, 2 infos");
    assert!(!run.stdout.contains("../"), "{}", run.stdout);
}

#[test]
fn with_the_env_files_present_the_verdict_is_known() {
    // Two API replicas in the env file's project and retries off: BILL-006 is an error again.
    vps()
        .file(".env.compose", "ENABLE_BILLING_RETRY_WORKER=false\n")
        .file("apps/api-service/.env.local", "X=1\n")
        .file("apps/web-app/.env.local", "Y=1\n")
        .args(["check", "--repo", "."])
        .run()
        .status(1)
        .stdout_has(".env.compose:1:1: error BILL-006");
}

#[test]
fn the_worker_profile_with_missing_env_files_is_undecided_not_wrong() {
    // The API's flags come from a missing env file: BILL-001/002 cannot be decided.
    vps()
        .args(["check", "--repo", ".", "--profile", "worker"])
        .run()
        .status(0)
        .stdout_has(
            "info BILL-001 cannot tell whether the API runs with ENABLE_BILLING_RETRY_WORKER=true",
        )
        .stdout_has("info BILL-002");
}

#[test]
fn a_value_from_a_secret_is_unknown_not_off() {
    let stream = "\
apiVersion: apps/v1
kind: Deployment
metadata: {name: s-api, labels: {app.kubernetes.io/component: api}}
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: api
          env:
            - name: ENABLE_BILLING_RETRY_WORKER
              valueFrom: {secretKeyRef: {name: billing, key: retry}}
            - {name: ENABLE_BILLING_STREAM_REPLAY, value: 'false'}
";
    Test::new()
        .stdin(stream)
        .args(["check", "--host", "k8s", "-"])
        .run()
        .status(0)
        .stdout_has("warning BILL-007")
        .stdout_has(
            "<stdin>:5:13: info BILL-004 cannot tell whether the 2 API processes of inline mode \
             would each retry and replay: it comes from Secret billing key retry",
        )
        .stdout_has("info BILL-006");
}

#[test]
fn a_minimum_of_zero_points_at_the_minimum() {
    let tfvars =
        "enable_worker_service = true\nworker_max_instances = 1\nworker_min_instances = 0\n";
    Test::new()
        .file("prod.tfvars", tfvars)
        .args(["check", "prod.tfvars"])
        .run()
        .stdout_has("prod.tfvars:3:1: warning BILL-008");
}
