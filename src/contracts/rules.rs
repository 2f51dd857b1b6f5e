//! Every rule, once: what it requires and why, where it applies, its words in the wizard's panel,
//! its fix and the answer that makes it, in the order of CONTRACTS.md. Checks build findings
//! from these statics; `hostwiz rules`, `hostwiz explain`, the wizards and every report format
//! read them.

use super::Applies::{AnswersOnly, FilesOnly, HostsWith};
use super::Autofix::{self, FillFirst, Set};
use super::Capability::{ProjectServices, PublicUrls, ScalableWorker};
use super::Contract::{Answers, Billing, Routing, Services, Startup, Suppressions};
use super::Rule;
use super::Severity::{Error, Info, Warning};

/// Every rule, in ID order within each contract.
pub static ALL: [&Rule; 34] = [
    &ROUTE_001,
    &ROUTE_002,
    &ROUTE_003,
    &ROUTE_004,
    &ROUTE_005,
    &ROUTE_006,
    &ROUTE_007,
    &BILL_001,
    &BILL_002,
    &BILL_003,
    &BILL_004,
    &BILL_005,
    &BILL_006,
    &BILL_007,
    &BILL_008,
    &BILL_009,
    &BILL_010,
    &SVC_001,
    &SVC_002,
    &SVC_003,
    &SVC_004,
    &SVC_005,
    &BOOT_001,
    &BOOT_002,
    &BOOT_003,
    &BOOT_004,
    &BOOT_005,
    &BOOT_006,
    &BOOT_007,
    &BOOT_008,
    &BOOT_009,
    &BOOT_010,
    &IGNORE_001,
    &ANS_001,
];

/// The API host named after the web host's domain (`app.example.com` → `api.example.com`).
const API_HOST_BESIDE_WEB: Autofix = Autofix::Sibling {
    key: "domains.api",
    of: "domains.web",
    label: "api",
};

// Routing: the browser reaches the API only through the web app (the BFF).

pub static ROUTE_001: Rule = Rule {
    id: "ROUTE-001",
    contract: Routing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "/api → web",
    rule: "On every web host, `/api` and everything under it reaches the web service (the BFF), never the API.",
    why: "Browser code calls /api on the web host. The Next.js API routes attach the session cookie and the \
         server-only credentials; sent straight to FastAPI, authenticated browser calls fail or skip server-side auth.",
    fix: "route /api to web; use a separate API host for server-to-server calls",
    autofix: None,
    hint: None,
};

pub static ROUTE_002: Rule = Rule {
    id: "ROUTE-002",
    contract: Routing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "/ → web",
    rule: "Every web host sends `/` (everything not matched before) to the web service.",
    why: "The web app is the browser's only entry point: a page path that reaches anything else shows the wrong app or a 404.",
    fix: "add the catch-all route to web",
    autofix: None,
    hint: None,
};

pub static ROUTE_003: Rule = Rule {
    id: "ROUTE-003",
    contract: Routing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "API host",
    rule: "The API host, when set, is a valid DNS name (RFC 1123, no scheme, path, port or spaces) and differs from every web host.",
    why: "One name cannot route `/api` both to the web app and to the API; an invalid name never gets a certificate or a DNS record.",
    fix: "choose a distinct name such as `api.<domain>`",
    autofix: Some(API_HOST_BESIDE_WEB),
    hint: None,
};

pub static ROUTE_004: Rule = Rule {
    id: "ROUTE-004",
    contract: Routing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "no public API",
    rule: "No browser-exposed setting (`NEXT_PUBLIC_*` on web) points at the API host or the API service.",
    why: "NEXT_PUBLIC_* values are compiled into the browser bundle: a browser given the API's address calls it directly and bypasses the BFF.",
    fix: "keep the API base URL server-side (`API_BASE_URL`)",
    autofix: None,
    hint: None,
};

pub static ROUTE_005: Rule = Rule {
    id: "ROUTE-005",
    contract: Routing,
    severity: Warning,
    applies: HostsWith(&[]),
    title: "TLS",
    rule: "Every routed host is covered by TLS (k8s: a `tls`/`apiTls` entry listing the host; the API host falls back to `ingress.tls`, which usually lacks it).",
    why: "A routed host without a certificate serves plain HTTP or a mismatched certificate; callers fail or send credentials in the clear.",
    fix: "add the host to `apiTls` / `tls`",
    autofix: Some(FillFirst { first: ("k8s.tls_secret", "starter-tls"), then: ("k8s.api_tls_secret", "starter-api-tls") }),
    hint: None,
};

pub static ROUTE_006: Rule = Rule {
    id: "ROUTE-006",
    contract: Routing,
    severity: Warning,
    applies: HostsWith(&[]),
    title: "API host used",
    rule: "An API host that is configured actually routes to the API, and a routed API host is configured: no dead half.",
    why: "Half an API host (API_HOST set while the Caddy site is commented out, or a route nobody configured) looks deployed and is not: \
         server-to-server callers fail, or an unreviewed door to the API stays open.",
    fix: "add the site block / remove the unused setting",
    autofix: None,
    hint: None,
};

pub static ROUTE_007: Rule = Rule {
    id: "ROUTE-007",
    contract: Routing,
    severity: Error,
    applies: HostsWith(&[PublicUrls]),
    title: "https URLs",
    rule: "GCP: `app_public_url` and `api_base_url` are `https://` URLs on different hosts.",
    why: "The blueprint requires both; the web app calls the API server-side at api_base_url and builds links with app_public_url. \
         Plain http or one host for both breaks cookies and the BFF split.",
    fix: "set both to their own https URLs",
    autofix: Some(API_HOST_BESIDE_WEB),
    hint: None,
};

// Billing: exactly one process owns billing retries and stream replay.

pub static BILL_001: Rule = Rule {
    id: "BILL-001",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "API retry off",
    rule: "Dedicated mode: every API process runs with `ENABLE_BILLING_RETRY_WORKER=false`, as finally resolved \
         (Helm `api.env` wins over the chart's default, GCP `api_env` merges last, later Compose files win).",
    why: "With a worker defined, an API process that still runs the retry loop is a second owner: failed Stripe \
         dispatches are retried once per process.",
    fix: "set it `false` on the API",
    autofix: None,
    hint: None,
};

pub static BILL_002: Rule = Rule {
    id: "BILL-002",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "API replay off",
    rule: "Dedicated mode: every API process runs with `ENABLE_BILLING_STREAM_REPLAY=false`, resolved the same way.",
    why: "Every API process with replay on replays processed Stripe events into the Redis billing streams at startup: \
         each new pod duplicates them.",
    fix: "set it `false` on the API",
    autofix: None,
    hint: None,
};

pub static BILL_003: Rule = Rule {
    id: "BILL-003",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "worker owns",
    rule: "Dedicated mode: the worker runs with both flags `true` (a `worker.env` or override that turns one off wins \
         over the template's `true`).",
    why: "The worker is the one owner; with a flag off there, nobody retries or replays in dedicated mode.",
    fix: "let the worker own both",
    autofix: None,
    hint: None,
};

pub static BILL_004: Rule = Rule {
    id: "BILL-004",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "1 inline API",
    rule: "Inline mode allows at most one API process (replicas, HPA max, Cloud Run max instances): more would each retry and replay.",
    why: "In inline mode the API process owns retries and replay; two API processes are two owners.",
    fix: "switch to a dedicated worker, or pin the API to 1",
    autofix: Some(Set { key: "billing.worker", value: "dedicated" }),
    hint: Some("More than one API process: choose billing worker = dedicated (each inline API would retry and replay)."),
};

pub static BILL_005: Rule = Rule {
    id: "BILL-005",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "1 worker",
    rule: "The worker runs exactly one instance (replicaCount 1; Cloud Run max instances 1). More need a Redis-backed lease first.",
    why: "The retry worker has no lease yet: two worker instances retry every failed dispatch twice.",
    fix: "pin the worker to 1",
    autofix: Some(Set { key: "scale.worker_replicas", value: "1" }),
    hint: Some("Keep the worker at 1: the retry worker has no lease yet."),
};

pub static BILL_006: Rule = Rule {
    id: "BILL-006",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "retry owner",
    rule: "Somebody owns retries: when the API has retries off, a worker exists.",
    why: "With retries off on the API and no worker, failed Stripe dispatches wait in the database forever.",
    fix: "add the worker",
    autofix: None,
    hint: None,
};

pub static BILL_007: Rule = Rule {
    id: "BILL-007",
    contract: Billing,
    severity: Warning,
    applies: HostsWith(&[]),
    title: "replay owner",
    rule: "Somebody owns stream replay: replay disabled everywhere means new pods never backfill.",
    why: "Replay backfills the Redis billing streams from processed events; with it off everywhere a fresh Redis \
         or a new consumer starts empty.",
    fix: "enable replay on the owner",
    autofix: None,
    hint: None,
};

pub static BILL_008: Rule = Rule {
    id: "BILL-008",
    contract: Billing,
    severity: Warning,
    applies: HostsWith(&[ScalableWorker]),
    title: "owner ≥ 1",
    rule: "GCP: the billing owner with a minimum of 0 instances can scale to zero and stop retrying: a dedicated worker \
         with `worker_min_instances = 0`, or in inline mode the API with `api_min_instances = 0`.",
    why: "Cloud Run scales an idle service to zero; the owner's 30-second retry loop then stops until a request wakes it.",
    fix: "set `worker_min_instances = 1` (inline: `api_min_instances = 1`)",
    autofix: None,
    hint: None,
};

pub static BILL_009: Rule = Rule {
    id: "BILL-009",
    contract: Billing,
    severity: Info,
    applies: HostsWith(&[]),
    title: "mode labels",
    rule: "In dedicated mode the API processes and the worker say `BILLING_RETRY_DEPLOYMENT_MODE=dedicated`, in inline \
         mode the API says `inline`, so logs and runbooks agree (the app acts on the two flags alone).",
    why: "The mode variable is documentation that shows up in logs; when it disagrees with the flags, the on-call reads the wrong runbook.",
    fix: "set the mode to match",
    autofix: None,
    hint: None,
};

pub static BILL_010: Rule = Rule {
    id: "BILL-010",
    contract: Billing,
    severity: Error,
    applies: HostsWith(&[]),
    title: "replay needs stream",
    rule: "Wherever billing is on and stream replay is on, `ENABLE_BILLING_STREAM=true`.",
    why: "The starter uses the stream service at startup only after configuring it when streaming is on, so replay \
          without stream exits the process (STARTER-FACTS blocker 5). This hits every dedicated worker (the blueprints \
          force replay on) and the inline API (replay defaults on).",
    fix: "set `ENABLE_BILLING_STREAM=true` on that process (it needs Redis), or replay off",
    autofix: None,
    hint: None,
};

// Services: a first GCP apply needs no manual API enablement, or says exactly what to enable.

pub static SVC_001: Rule = Rule {
    id: "SVC-001",
    contract: Services,
    severity: Error,
    applies: HostsWith(&[ProjectServices]),
    title: "blueprint",
    rule: "With `enable_project_services = true`, the blueprint's `required_project_services` contains every \"always\" API of the catalog.",
    why: "Terraform enables only what the list names; a missing API fails the first apply in a fresh project halfway through.",
    fix: "add the missing APIs to the list",
    autofix: None,
    hint: None,
};

pub static SVC_002: Rule = Rule {
    id: "SVC-002",
    contract: Services,
    severity: Error,
    applies: HostsWith(&[ProjectServices]),
    title: "APIs enabled",
    rule: "With `enable_project_services = false`, every \"always\" API is enabled out of band: with `--enabled-services` \
         each missing one is an error; without it, a warning that names the exact `gcloud services enable …` command.",
    why: "With enablement off Terraform assumes the APIs are on; any that is not fails the apply.",
    fix: "enable them, or turn enablement on",
    autofix: Some(Set { key: "gcp.enable_project_services", value: "true" }),
    hint: None,
};

pub static SVC_003: Rule = Rule {
    id: "SVC-003",
    contract: Services,
    severity: Warning,
    applies: HostsWith(&[ProjectServices]),
    title: "bootstrap",
    rule: "The bootstrap APIs (`serviceusage`, `cloudresourcemanager`) are enabled before the first apply; an error when \
         an enabled-services list shows them missing.",
    why: "Terraform needs Service Usage to enable anything and Resource Manager for IAM bindings; neither can enable itself.",
    fix: "`gcloud services enable serviceusage.googleapis.com cloudresourcemanager.googleapis.com`",
    autofix: None,
    hint: None,
};

pub static SVC_004: Rule = Rule {
    id: "SVC-004",
    contract: Services,
    severity: Info,
    applies: HostsWith(&[ProjectServices]),
    title: "feature APIs",
    rule: "A conditional API is needed by the answers (custom domains on Cloud DNS, images on Artifact Registry, signed URLs) and not enabled.",
    why: "The blueprint enables only the always-needed APIs; a feature that needs another one fails when first used.",
    fix: "enable it",
    // Each finding carries its own: the API it misses, added to `gcp.extra_services`.
    autofix: None,
    hint: None,
};

pub static SVC_005: Rule = Rule {
    id: "SVC-005",
    contract: Services,
    severity: Error,
    applies: HostsWith(&[ProjectServices]),
    title: "override",
    rule: "An operator's override list never drops an \"always\" API.",
    why: "An override replaces the blueprint's list; dropping a needed API from it breaks the first apply as surely as a short list.",
    fix: "keep it, or disable enablement and enable by hand",
    autofix: None,
    hint: None,
};

// Startup: every process has what it needs to start and serve (STARTER-FACTS.md).

pub static BOOT_001: Rule = Rule {
    id: "BOOT-001",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "database + Redis",
    rule: "Every API and worker process gets `DATABASE_URL` and `REDIS_URL` by reference, never as a literal in a committed \
           file. A visible `DATABASE_URL` uses `postgresql+asyncpg://`; a visible `REDIS_URL` (and every `*_REDIS_URL`) is \
           `rediss://` with a password unless its host is `localhost`/`127.0.0.1`.",
    why: "Without a database the API exits at startup; a hardened API refuses a plain or password-less Redis URL while \
          building its rate limiter; asyncpg is the only Postgres driver in the image.",
    fix: "map both in the secret store; async driver; TLS and AUTH on Redis",
    autofix: None,
    hint: None,
};

pub static BOOT_002: Rule = Rule {
    id: "BOOT-002",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "app secrets",
    rule: "API and worker get `OPENAI_API_KEY`, `SECRET_KEY`, `AUTH_PASSWORD_PEPPER`, `AUTH_REFRESH_TOKEN_PEPPER` by reference; \
           a visible value is never empty, the shipped default or a `change-me` placeholder.",
    why: "A hardened API checks these at startup and exits when one is missing or a known placeholder.",
    fix: "map them; generate with `openssl rand -hex 32`",
    autofix: None,
    hint: None,
};

pub static BOOT_003: Rule = Rule {
    id: "BOOT-003",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "secrets provider",
    rule: "`SECRETS_PROVIDER` is set explicitly to `vault_hcp`, `infisical_cloud`, `infisical_self_host`, `aws_sm`, `azure_kv` \
           or `gcp_sm` (the default `vault_dev` is for development) with that provider's settings; \
           `AUTH_KEY_STORAGE_BACKEND=secret-manager` with `AUTH_KEY_STORAGE_PROVIDER` and `AUTH_KEY_SECRET_NAME`.",
    why: "The default vault_dev demands Vault verification in a hardened start, and a hardened API refuses file key \
          storage; an unknown provider name fails settings parsing at import.",
    fix: "choose the provider of the host's cloud and name the secrets",
    autofix: None,
    hint: Some("Set secrets.location to the provider's project, region or URL."),
};

pub static BOOT_004: Rule = Rule {
    id: "BOOT-004",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "hardened",
    rule: "Hardened: `ENVIRONMENT` is not development/dev/demo/test; `DEBUG`, `USE_TEST_FIXTURES` and `AUTO_RUN_MIGRATIONS` are not true.",
    why: "A development environment or DEBUG switches every guard off and opens the API to any Host; test fixtures expose \
          seeding endpoints; the image has no alembic, so migrations at boot only log a warning.",
    fix: "`ENVIRONMENT=production` (or `staging`); remove the others",
    autofix: None,
    hint: None,
};

pub static BOOT_005: Rule = Rule {
    id: "BOOT-005",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "ALLOWED_HOSTS",
    rule: "`ALLOWED_HOSTS` admits every Host the API receives: the host of the web's `API_BASE_URL`, the public API host, \
           `127.0.0.1` (the image's healthcheck) and the probes' Host. Kubernetes probes, Container Apps and ALB health checks \
           send the pod or task IP, so there only `*` works.",
    why: "TrustedHostMiddleware answers 400 to any other Host, health checks included: pods never get ready and the BFF \
          cannot reach the API.",
    fix: "`ALLOWED_HOSTS=*` behind probes; else list the hosts",
    autofix: None,
    hint: None,
};

pub static BOOT_006: Rule = Rule {
    id: "BOOT-006",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "web → API",
    rule: "The web process has `API_BASE_URL` reaching the API from where it runs (k8s `http://<fullname>-api:<port>`, Compose \
           `http://api:8000`, Cloud Run `api_base_url`) and, where the platform sets `HOSTNAME` (Kubernetes, Compose, ECS), \
           `HOSTNAME=0.0.0.0`.",
    why: "The BFF defaults to http://localhost:8000, which is nothing in its container; Next.js binds to HOSTNAME, which \
          the platform sets to the container's name, so the health check on 127.0.0.1 finds nothing listening.",
    fix: "set both on web",
    autofix: None,
    hint: None,
};

pub static BOOT_007: Rule = Rule {
    id: "BOOT-007",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "Stripe",
    rule: "Where `ENABLE_BILLING=true`, every process running billing has `STRIPE_SECRET_KEY` and `STRIPE_WEBHOOK_SECRET` by \
           reference and `STRIPE_PRODUCT_PRICE_MAP`, and an API host routes to the API so Stripe reaches `POST /webhooks/stripe` \
           (the web app has no webhook route).",
    why: "With billing on the API exits at startup when a Stripe setting is missing, and without a public API host Stripe's \
          webhooks never arrive.",
    fix: "map the Stripe secrets; add the API host",
    autofix: Some(API_HOST_BESIDE_WEB),
    hint: Some("Billing needs an API host: Stripe posts to /webhooks/stripe on the API."),
};

pub static BOOT_008: Rule = Rule {
    id: "BOOT-008",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "worker = API",
    rule: "The worker is a full API process: it gets every setting BOOT-001…007 require of the API. The chart's worker does not \
           inherit `api.env` or the API's secrets; the GCP worker does not get `api_env`.",
    why: "The worker runs the API image's whole server; a setting the API has and the worker lacks stops the worker at startup \
          or makes it act on other defaults.",
    fix: "give the worker the same env and its own secret data",
    autofix: None,
    hint: None,
};

pub static BOOT_009: Rule = Rule {
    id: "BOOT-009",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "JSON settings",
    rule: "Dict and list settings given as env (`STRIPE_PRODUCT_PRICE_MAP`, `STORAGE_ALLOWED_MIME_TYPES`, `CONTACT_EMAIL_TO`, …) \
           are JSON: a comma list stops the API at import.",
    why: "pydantic-settings decodes complex fields as JSON before any validator runs; a comma list raises SettingsError.",
    fix: "write them as JSON",
    autofix: None,
    hint: None,
};

pub static BOOT_010: Rule = Rule {
    id: "BOOT-010",
    contract: Startup,
    severity: Error,
    applies: HostsWith(&[]),
    title: "platform accepts",
    rule: "The platform accepts what is written. Kubernetes: with `externalSecrets.enabled`, `secretStoreRef.name` is set and \
           every component's `data` holds its keys; no container has two env entries of one name (Helm 4 refuses them). \
           Compose: API and worker can reach the internet (the prod file's `app` network is `internal: true`). Cloud Run: no \
           container sets `PORT` (reserved; the blueprint's `locals.tf` sets it), `project_name` + `environment` ≤ 10 lowercase \
           characters (VPC connector name), `storage_bucket_name` is not the default `assets`. A warning: the chart's \
           ExternalSecrets use `external-secrets.io/v1beta1`, which External Secrets ≥ 0.17 no longer serves.",
    why: "Each of these is refused by the platform before any process starts, or leaves it without its secrets or network.",
    fix: "the setting or patch named in the finding",
    autofix: None,
    hint: None,
};

// Suppressions: hostwiz's own `hostwiz:ignore` comments.

pub static IGNORE_001: Rule = Rule {
    id: "IGNORE-001",
    contract: Suppressions,
    severity: Error,
    applies: FilesOnly,
    title: "suppression comment",
    rule: "A `hostwiz:ignore RULE-ID reason=\"…\" [until=YYYY-MM-DD]` comment names a known rule and says why.",
    why: "A suppression hides a contract violation from every later reader; without a reason nobody can tell \
          whether it still holds, and a misspelt rule ID hides nothing while looking as if it did.",
    fix: "name the rule and add reason=\"…\" (and until=YYYY-MM-DD for a temporary exception)",
    autofix: None,
    hint: None,
};

// Answers: hostwiz's own, about the answers rather than the deployment they describe.

pub static ANS_001: Rule = Rule {
    id: "ANS-001",
    contract: Answers,
    severity: Warning,
    applies: AnswersOnly,
    title: "own values",
    rule: "No answer is still an example value (a built-in preset's or a documentation name such as `app.example.com`), \
         and every image is pinned: a version tag or a digest, never `:latest` or no tag.",
    why: "Presets ship example domains, projects and images so they run as written; left in, the deployment points at \
          names nobody owns. A mutable tag means a restart can run an image nobody reviewed, and two replicas can run different code.",
    fix: "set your own value (`--set KEY=VALUE`); pin images to a version tag or `@sha256:` digest",
    autofix: None,
    hint: None,
};
