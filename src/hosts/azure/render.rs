//! `<env>.tfvars` for the starter's Azure blueprint (`ops/infra/azure`), the citext patch, and
//! the host's parts of CHECKLIST.md with the blueprint patches the starter needs there.

use super::{
    log_analytics, prefix, secret_name, tfvars_file, vault_url, Module, BASE_ENV, CITEXT_PATCH,
    LAYOUT,
};
use crate::answers::Answers;
use crate::hosts::HostModule;
use crate::plan::Role;
use crate::render::hcl_str as q;
use crate::render::{hcl_group as group, hcl_map as map, Checklist};
use crate::runtime;

/// Migrations create the `citext` extension, which Flexible Server refuses until allow-listed
/// (STARTER-FACTS blocker 13).
pub(super) const CITEXT_TF: &str = r#"# Written by hostwiz: a patch for the starter's Azure blueprint (ops/infra/azure).
# The migrations run CREATE EXTENSION citext; Azure Database for PostgreSQL Flexible
# Server allows only the extensions azure.extensions lists.

resource "azurerm_postgresql_flexible_server_configuration" "hostwiz_extensions" {
  name      = "azure.extensions"
  server_id = azurerm_postgresql_flexible_server.main.id
  value     = "CITEXT"
}
"#;

/// The Key Vault secret holding `db_admin_password`, so every apply passes the same one.
const DB_PASSWORD: &str = "db-admin-password";

pub(super) fn tfvars(a: &Answers) -> String {
    let mut t = String::new();
    let w = &mut t;
    out!(
        w,
        "# Variables for the starter's Azure blueprint (ops/infra/azure), written by hostwiz."
    );
    out!(
        w,
        "# Every setting the contracts depend on is stated here, not left to defaults."
    );
    group(
        w,
        &[
            ("project_name", q(&a.azure.project_name)),
            ("environment", q(a.environment.as_str())),
            ("region", q(&a.azure.region)),
        ],
    );
    out!(w);
    out!(
        w,
        "# db_admin_password is not kept in files: export TF_VAR_db_admin_password (CHECKLIST.md)."
    );
    group(
        w,
        &[
            ("api_image", q(a.images.api.as_str())),
            ("web_image", q(a.images.web.as_str())),
        ],
    );
    group(
        w,
        &[
            (
                "storage_account_name",
                q(a.azure.storage_account.as_deref().unwrap_or_default()),
            ),
            (
                "key_vault_name",
                q(a.azure.key_vault.as_deref().unwrap_or_default()),
            ),
            ("log_analytics_name", q(&log_analytics(a))),
        ],
    );
    let mut secrets = vec![("secrets_provider", q(&a.runtime.provider))];
    if a.runtime.provider == "azure_kv" {
        secrets.push(("auth_signing_secret_name", q(&a.runtime.signing_secret)));
    }
    secrets.push(("auth_key_secret_name", q(&a.runtime.keyset_secret)));
    group(w, &secrets);
    let mut storage = vec![("storage_provider", q("azure_blob"))];
    if let Some(b) = &a.runtime.bucket {
        storage.push(("storage_bucket_name", q(b)));
    }
    group(w, &storage);
    let mut urls = vec![("app_public_url", q(&format!("https://{}", a.domains.web)))];
    if let Some(api) = &a.domains.api {
        urls.push(("api_base_url", q(&format!("https://{api}"))));
    }
    group(w, &urls);
    let plan = Module.plan(a);
    let (env, secrets) = crate::render::api_tfvars(&plan, &BASE_ENV);
    out!(w);
    out!(
        w,
        "# Merged over the blueprint's base env: ALLOWED_HOSTS widened for the probes' IP Host."
    );
    map(w, "api_env", &env);
    out!(w);
    out!(
        w,
        "# Next.js binds HOSTNAME; the platform sets it to the replica's name."
    );
    map(w, "web_env", &[("HOSTNAME", q("0.0.0.0"))]);
    out!(w);
    out!(
        w,
        "# Key Vault secret IDs (set the secrets before the apps; CHECKLIST.md). The keys stay the"
    );
    out!(
        w,
        "# env names; the patched container_apps.tf names each app secret lowercase-with-hyphens."
    );
    map(w, "api_secrets", &secrets);
    t
}

pub(super) fn checklist(a: &Answers) -> Checklist {
    let vars = tfvars_file(a);
    let env = &a.environment;
    let p = prefix(a);
    let kv = a.azure.key_vault.as_deref().unwrap_or_default();
    let apps = format!("{LAYOUT}/container_apps.tf");
    let mut place = vec![
        format!("cp \"$OUT/{vars}\" {LAYOUT}/"),
        "# Blueprint patches (STARTER-FACTS blockers 11-13, G.7); review each diff.".into(),
        format!("cp \"$OUT/{CITEXT_PATCH}\" {LAYOUT}/"),
        "# Container App secret names must be lowercase-with-hyphens; the env names stay.".into(),
        format!(
            "sed -i -E 's/^([[:space:]]*name[[:space:]]*=[[:space:]]*)secret\\.value\\.name$/\\1lower(replace(secret.value.name, \"_\", \"-\"))/' {apps}"
        ),
        format!(
            "sed -i -E 's/^([[:space:]]*secret_name[[:space:]]*=[[:space:]]*)env\\.value\\.name$/\\1lower(replace(env.value.name, \"_\", \"-\"))/' {apps}"
        ),
        "# Inline billing: a fixed number of API replicas (one), never zero.".into(),
        format!(
            "sed -i '/^resource \"azurerm_container_app\" \"api\"/,/^}}/ s/^  template {{$/  template {{\\n    min_replicas = {n}\\n    max_replicas = {n}/' {apps}",
            n = a.scale.api_replicas
        ),
        "# Key Vault access before the apps: by hand in identity.tf and container_apps.tf, a".into(),
        "# user-assigned identity with its access policy, used by both apps and their secrets.".into(),
    ];
    place.push(format!("git diff {LAYOUT}"));
    // The password comes from the vault, never a fresh random one: a different value on a
    // later apply would change the server's admin password under DATABASE_URL.
    let mut deploy = vec![
        "# Kept out of files: the Postgres admin password, the one stored in step 2.".to_string(),
        format!(
            "export TF_VAR_db_admin_password=\"$(az keyvault secret show --vault-name {kv} --name {DB_PASSWORD} --query value -o tsv)\""
        ),
        format!("terraform -chdir={LAYOUT} init"),
    ];
    let next = deploy.len() + 1;
    deploy.extend([
        "# Then the whole stack, once the secrets are in the vault:".to_string(),
        format!("terraform -chdir={LAYOUT} plan -var-file={vars} -out={env}.tfplan"),
        format!("terraform -chdir={LAYOUT} apply {env}.tfplan"),
    ]);
    let mut secrets = vec![
        "- The stack creates the Key Vault the secrets live in: create it (and its resource".into(),
        "  group) first, give yourself access, then set every secret `api_secrets` names.".into(),
        "  `DATABASE_URL` and `REDIS_URL` point at Postgres and Redis, known after the full".into(),
        "  apply: set placeholders now and new versions once `terraform output` shows them".into(),
        format!(
            "  (`rediss://:ACCESS_KEY@<prefix>-redis.redis.cache.windows.net:6380/0`; the Postgres password is `{DB_PASSWORD}`)."
        ),
        String::new(),
        "```sh".into(),
        "export TF_VAR_db_admin_password=\"$(openssl rand -hex 24)\"".into(),
        format!("terraform -chdir={LAYOUT} init"),
        format!(
            "terraform -chdir={LAYOUT} apply -var-file={vars} -target=azurerm_key_vault.main"
        ),
        format!(
            "az keyvault set-policy --name {kv} --upn \"$(az account show --query user.name -o tsv)\" --secret-permissions get list set"
        ),
        format!(
            "printf '%s' \"$TF_VAR_db_admin_password\" | az keyvault secret set --vault-name {kv} --name {DB_PASSWORD} --file /dev/stdin"
        ),
    ];
    let set = |source: String, name: &str| {
        format!(
            "{source} | az keyvault secret set --vault-name {kv} --name {name} --file /dev/stdin"
        )
    };
    let values: Vec<(String, String)> = runtime::billing_config(a)
        .into_iter()
        .map(|(k, v, _)| (k, v))
        .collect();
    if let Some(api) = Module.plan(a).processes(Role::Api).next() {
        for k in api.secrets.keys() {
            let source = match values.iter().find(|(n, _)| n == k) {
                Some((_, v)) => format!("printf '%s' '{v}'"),
                None if runtime::RANDOM_SECRETS.contains(&k.as_str()) => {
                    "openssl rand -hex 32 | tr -d '\\n'".into()
                }
                None => format!("printf '%s' \"${k}\""),
            };
            secrets.push(set(source, &secret_name(k)));
        }
    }
    if a.runtime.provider == "azure_kv" {
        secrets.push(set(
            "openssl rand -hex 32 | tr -d '\\n'".into(),
            &a.runtime.signing_secret,
        ));
    }
    secrets.extend([
        "```".into(),
        String::new(),
        "  Lines with `$NAME` read the value from your shell: set each first (`read -rs NAME`)."
            .into(),
    ]);
    let api_host = a.domains.api.as_ref().map(|h| h.to_string());
    let mut dns_notes = vec![
        "Then bind each host to its app with a managed certificate:".into(),
        String::new(),
        "```sh".into(),
        format!(
            "az containerapp hostname add --hostname {} --name {p}-web --resource-group {p}-rg",
            a.domains.web
        ),
        format!(
            "az containerapp hostname bind --hostname {} --name {p}-web --resource-group {p}-rg --environment {p}-cae --validation-method CNAME",
            a.domains.web
        ),
    ];
    if let Some(h) = &api_host {
        dns_notes.push(format!(
            "az containerapp hostname add --hostname {h} --name {p}-api --resource-group {p}-rg"
        ));
        dns_notes.push(format!(
            "az containerapp hostname bind --hostname {h} --name {p}-api --resource-group {p}-rg --environment {p}-cae --validation-method CNAME"
        ));
    }
    dns_notes.extend(["```".into(), String::new()]);
    Checklist {
        title: "Azure Container Apps (Terraform blueprint ops/infra/azure)",
        entry: "Container Apps ingress".into(),
        place,
        dns_target: "its app's FQDN (`az containerapp show -n <prefix>-<role> -g <prefix>-rg --query properties.configuration.ingress.fqdn`) and a TXT asuid record",
        dns_record: "CNAME",
        dns_notes,
        secrets,
        deploy,
        next,
        migrations: vec![
            "# The production settings (Postgres is private: run from a host in the VNet, or a jump box):".into(),
            format!(
                "export DATABASE_URL=\"$(az keyvault secret show --vault-name {kv} --name {} --query value -o tsv)\"",
                secret_name(runtime::DATABASE_URL)
            ),
            format!(
                "export SECRETS_PROVIDER={} AZURE_KEY_VAULT_URL={} AUTH_KEY_STORAGE_BACKEND=secret-manager",
                a.runtime.provider,
                vault_url(a)
            ),
            format!(
                "export AUTH_KEY_STORAGE_PROVIDER={} AUTH_KEY_SECRET_NAME={}",
                a.runtime.provider, a.runtime.keyset_secret
            ),
        ],
        logs: format!(
            "az containerapp logs show --name {p}-api --resource-group {p}-rg --tail 300"
        ),
    }
}
