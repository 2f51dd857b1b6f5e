//! What each of the starter's processes needs at startup, derived from the answers
//! (STARTER-FACTS B.2–B.4, CONTRACTS.md § Startup rules). Hosts say how their platform wires
//! it ([`Wiring`]); the settings themselves are decided once, here, for the plan and for every
//! renderer.

use crate::answers::Answers;
use crate::plan::{Origin, Plan, Role, Sourced, Startup};

pub const DATABASE_URL: &str = "DATABASE_URL";
pub const REDIS_URL: &str = "REDIS_URL";

/// The secrets every API process needs (BOOT-001, BOOT-002).
pub const CORE_SECRETS: [&str; 6] = [
    DATABASE_URL,
    REDIS_URL,
    "OPENAI_API_KEY",
    "SECRET_KEY",
    "AUTH_PASSWORD_PEPPER",
    "AUTH_REFRESH_TOKEN_PEPPER",
];

/// The secrets an operator can generate with `openssl rand -hex 32`.
pub const RANDOM_SECRETS: [&str; 3] = [
    "SECRET_KEY",
    "AUTH_PASSWORD_PEPPER",
    "AUTH_REFRESH_TOKEN_PEPPER",
];

pub const STRIPE_SECRETS: [&str; 2] = ["STRIPE_SECRET_KEY", "STRIPE_WEBHOOK_SECRET"];

/// How to obtain each secret, for the templates and the checklists.
pub fn how_to_obtain(name: &str) -> &'static str {
    match name {
        DATABASE_URL => "postgresql+asyncpg://USER:PASSWORD@HOST:5432/DB?ssl=require (async driver; URL-encode the password)",
        REDIS_URL => "rediss://:PASSWORD@HOST:6379/0 (TLS and a password: a hardened API refuses redis://)",
        "OPENAI_API_KEY" => "https://platform.openai.com/api-keys",
        "STRIPE_SECRET_KEY" => "Stripe dashboard → Developers → API keys (sk_live_…)",
        "STRIPE_WEBHOOK_SECRET" => "Stripe dashboard → Webhooks → the endpoint for /webhooks/stripe (whsec_…)",
        "VAULT_TOKEN" => "a Vault token with the transit and KV policies",
        n if RANDOM_SECRETS.contains(&n) => "openssl rand -hex 32",
        _ => "as the starter's settings document it",
    }
}

/// `ENVIRONMENT` from the environment's name: `prod` is production.
pub fn environment(a: &Answers) -> String {
    match a.environment.as_str() {
        "prod" | "production" => "production".into(),
        "stage" | "staging" => "staging".into(),
        other => other.to_string(),
    }
}

/// The bucket: the answer, or on GCP one named after the (globally unique) project.
pub fn bucket(a: &Answers) -> Option<String> {
    a.runtime.bucket.clone().or_else(|| {
        a.gcp
            .project_id
            .as_ref()
            .map(|p| format!("{}-{}-assets", p, a.environment))
    })
}

/// The secrets provider's address: the answer, or the GCP project for `gcp_sm`.
pub fn location(a: &Answers) -> Option<String> {
    a.runtime.location.clone().or_else(|| {
        (a.runtime.provider == "gcp_sm")
            .then(|| a.gcp.project_id.as_ref().map(|p| p.to_string()))
            .flatten()
    })
}

/// `DATABASE_URL` → `database-url`: how remote keys and secret names spell a setting.
pub fn kebab(name: &str) -> String {
    name.to_ascii_lowercase().replace('_', "-")
}

/// The setting that holds the secrets provider's address (`secrets.location`): the GCP
/// project, the AWS region, the Key Vault URL or the Vault address.
pub fn address_var(provider: &str) -> &'static str {
    match provider {
        "gcp_sm" => "GCP_SM_PROJECT_ID",
        "aws_sm" => "AWS_REGION",
        "azure_kv" => "AZURE_KEY_VAULT_URL",
        _ => "VAULT_ADDR",
    }
}

/// The settings the provider needs (STARTER-FACTS B.4), with the answer each comes from.
fn provider_env(a: &Answers) -> Vec<(String, String, &'static str)> {
    let rt = &a.runtime;
    let loc = location(a);
    let mut env = vec![(
        "SECRETS_PROVIDER".to_string(),
        rt.provider.clone(),
        "secrets.provider",
    )];
    let addr = address_var(&rt.provider);
    let signing = match rt.provider.as_str() {
        "gcp_sm" => "GCP_SM_SIGNING_SECRET_NAME",
        "aws_sm" => "AWS_SM_SIGNING_SECRET_ARN",
        "azure_kv" => "AZURE_KV_SIGNING_SECRET_NAME",
        _ => "VAULT_TRANSIT_KEY",
    };
    if let Some(l) = loc {
        env.push((addr.into(), l, "secrets.location"));
    }
    env.push((
        signing.into(),
        rt.signing_secret.clone(),
        "secrets.signing_secret",
    ));
    if rt.provider == "vault_hcp" {
        env.push((
            "VAULT_VERIFY_ENABLED".into(),
            "true".into(),
            "secrets.provider",
        ));
    }
    env.push((
        "AUTH_KEY_STORAGE_BACKEND".into(),
        "secret-manager".into(),
        "secrets.provider",
    ));
    env.push((
        "AUTH_KEY_STORAGE_PROVIDER".into(),
        rt.provider.clone(),
        "secrets.provider",
    ));
    env.push((
        "AUTH_KEY_SECRET_NAME".into(),
        rt.keyset_secret.clone(),
        "secrets.keyset_secret",
    ));
    env
}

/// The API's (and the worker's) plain settings, with the answer each comes from. The billing
/// ownership flags are not here: they differ by role (`plan::billing_env`).
pub fn api_config(a: &Answers, allowed_hosts: &str) -> Vec<(String, String, &'static str)> {
    let mut env = vec![
        ("ENVIRONMENT".to_string(), environment(a), "environment"),
        (
            "APP_PUBLIC_URL".into(),
            format!("https://{}", a.domains.web),
            "domains.web",
        ),
        ("ALLOWED_HOSTS".into(), allowed_hosts.to_string(), "host"),
        ("AUTO_RUN_MIGRATIONS".into(), "false".into(), "host"),
        ("LOGGING_SINKS".into(), "stdout".into(), "host"),
    ];
    env.extend(provider_env(a));
    env.push((
        "STORAGE_PROVIDER".into(),
        a.runtime.storage.clone(),
        "storage.provider",
    ));
    if let Some(b) = bucket(a) {
        let var = match a.runtime.storage.as_str() {
            "s3" => "S3_BUCKET",
            "azure_blob" => "AZURE_BLOB_CONTAINER",
            _ => "GCS_BUCKET",
        };
        env.push((var.into(), b, "storage.bucket"));
    }
    env.extend(billing_config(a));
    env
}

/// `ENABLE_BILLING` and, with billing on, the stream that replay needs (BILL-010) and the
/// price map (JSON, BOOT-009).
pub fn billing_config(a: &Answers) -> Vec<(String, String, &'static str)> {
    let mut env = vec![(
        "ENABLE_BILLING".to_string(),
        a.runtime.billing.to_string(),
        "billing.enabled",
    )];
    if a.runtime.billing {
        env.push((
            "ENABLE_BILLING_STREAM".into(),
            "true".into(),
            "billing.enabled",
        ));
        if let Some(m) = &a.runtime.price_map {
            env.push((
                "STRIPE_PRODUCT_PRICE_MAP".into(),
                m.clone(),
                "billing.price_map",
            ));
        }
    }
    env
}

/// The API's (and the worker's) secrets, by name.
pub fn api_secrets(a: &Answers) -> Vec<&'static str> {
    let mut s = CORE_SECRETS.to_vec();
    if a.runtime.billing {
        s.extend(STRIPE_SECRETS);
    }
    if a.runtime.provider == "vault_hcp" {
        s.push("VAULT_TOKEN");
    }
    s
}

/// How a host's platform wires the settings.
pub struct Wiring {
    /// `ALLOWED_HOSTS` as the API needs it there (BOOT-005).
    pub allowed_hosts: String,
    /// The web's `API_BASE_URL` (BOOT-006).
    pub api_base_url: Option<String>,
    /// Whether the platform sets `HOSTNAME` to the container's name (BOOT-006).
    pub web_hostname: bool,
    /// The reference each secret is given by.
    pub reference: Box<dyn Fn(&str) -> String>,
    /// Where the references are set, for findings.
    pub origin: Origin,
}

/// Adds the startup settings to a plan built by `Plan::answered`: the API and the worker get
/// the same runtime settings and secrets, the web its API address.
pub fn wire(plan: &mut Plan, a: &Answers, w: &Wiring) {
    let config = api_config(a, &w.allowed_hosts);
    let secrets = api_secrets(a);
    for p in &mut plan.processes {
        match p.role {
            Role::Api | Role::Worker => {
                for (k, v, key) in &config {
                    p.env
                        .entry(k.clone())
                        .or_insert_with(|| Sourced::new(v.clone().into(), Origin::Answer(key)));
                }
                for s in &secrets {
                    p.secrets.insert(
                        s.to_string(),
                        Sourced::new((w.reference)(s), w.origin.clone()),
                    );
                }
            }
            Role::Web => {
                if let Some(url) = &w.api_base_url {
                    p.env.insert(
                        "API_BASE_URL".into(),
                        Sourced::new(url.clone().into(), Origin::Answer("host")),
                    );
                }
                if w.web_hostname {
                    p.env.insert(
                        "HOSTNAME".into(),
                        Sourced::new("0.0.0.0".into(), Origin::Answer("host")),
                    );
                }
                p.env.insert(
                    "APP_PUBLIC_URL".into(),
                    Sourced::new(
                        format!("https://{}", a.domains.web).into(),
                        Origin::Answer("domains.web"),
                    ),
                );
            }
        }
    }
    plan.startup.get_or_insert_with(Startup::default);
}
