//! Kubernetes with the starter's Helm chart (`ops/charts/starter`): values files written and
//! read with the chart's semantics, rendered manifests read as they are.

mod answers;
mod helm;
mod manifests;
mod migrate;
mod render;
mod split;
mod values;

pub use answers::K8s;
pub use helm::binary as helm_binary;
pub use manifests::manifests_plan;
pub use values::values_plan;

use super::{inputs, HostModule};
use crate::answers::{Answers, Host, Key, Section, WorkerMode};
use crate::contracts::Capability;
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::migrate::{Operations, Phase};
use crate::pipeline::{self, Context, Deployment, Found, Src};
use crate::plan::{Origin, Plan, Replicas, SecretStore, Shape, Sourced, Tls};
use crate::render::{Checklist, File};
use crate::runtime::{self, Wiring};
use std::path::Path;

pub struct Module;

/// `secrets-<env>.yaml`: the chart's own Secrets, for the operator to fill (never committed),
/// written when no External Secrets store is given.
pub fn secrets_file(a: &Answers) -> String {
    format!("secrets-{}.yaml", a.environment)
}

/// The prefix of every remote key: the answer, or `<release>-<environment>-`.
pub fn remote_key_prefix(a: &Answers) -> String {
    a.k8s
        .remote_key_prefix
        .clone()
        .unwrap_or_else(|| format!("{}-{}-", a.k8s.release, a.environment))
}

/// `values-<env>.yaml`, the file `apply` writes.
pub fn values_file(a: &Answers) -> String {
    format!("values-{}.yaml", a.environment)
}

impl HostModule for Module {
    fn host(&self) -> Host {
        Host::K8s
    }

    fn layout(&self) -> &'static str {
        "ops/charts/starter"
    }

    fn title(&self) -> &'static str {
        "Kubernetes (Helm)"
    }

    fn capabilities(&self) -> &'static [Capability] {
        &[
            Capability::ScaleRange,
            Capability::Autoscaler,
            Capability::IpProbes,
            Capability::ContainerHostname,
        ]
    }

    fn keys(&self) -> &'static [Key] {
        answers::KEYS
    }

    fn section(&self) -> Option<&'static Section> {
        Some(&answers::SECTION)
    }

    fn plan(&self, a: &Answers) -> Plan {
        let api = if a.scale.autoscaling {
            Replicas {
                min: a.scale.api_min_replicas,
                max: a.scale.api_replicas,
            }
        } else {
            Replicas::fixed(a.scale.api_replicas)
        };
        let mut plan = Plan::answered(
            a,
            Shape {
                api,
                web: if a.scale.autoscaling {
                    Replicas {
                        min: a.scale.web_min_replicas(),
                        max: a.scale.web_replicas,
                    }
                } else {
                    Replicas::fixed(a.scale.web_replicas)
                },
                worker: Replicas::fixed(a.scale.worker_replicas),
                api_env: true,
            },
        );
        let mut hosts = Vec::new();
        if a.k8s.tls_secret.is_some() {
            hosts.push(Sourced::new(
                a.domains.web.to_string(),
                Origin::Answer("k8s.tls_secret"),
            ));
        }
        // Without its own secret the API host falls back to ingress.tls, which lists only the
        // web host: the chart leaves it uncovered.
        if let (Some(h), Some(_)) = (&a.domains.api, &a.k8s.api_tls_secret) {
            hosts.push(Sourced::new(
                h.to_string(),
                Origin::Answer("k8s.api_tls_secret"),
            ));
        }
        plan.tls = Tls::Hosts(hosts);
        plan.api_addresses = vec!["starter-api".to_string()];
        let store = a.k8s.secret_store.clone();
        let (prefix, file) = (remote_key_prefix(a), secrets_file(a));
        runtime::wire(
            &mut plan,
            a,
            &Wiring {
                // Kubelet probes send the pod IP as Host: only `*` admits them (BOOT-005).
                allowed_hosts: "*".into(),
                api_base_url: Some("http://starter-api:8000".into()),
                web_hostname: true,
                reference: Box::new(move |name| match &store {
                    Some(_) => format!("{prefix}{}", runtime::kebab(name)),
                    None => file.clone(),
                }),
                origin: Origin::Answer("k8s.secret_store"),
            },
        );
        if let (Some(s), Some(startup)) = (&a.k8s.secret_store, plan.startup.as_mut()) {
            startup.secret_store = Some(SecretStore {
                name: Some(s.to_string()),
                api_version: None,
                origin: Origin::Answer("k8s.secret_store"),
            });
        }
        plan
    }

    fn render(&self, a: &Answers) -> Vec<File> {
        let plan = self.plan(a);
        let mut files = vec![File::new(values_file(a), render::values(a, &plan))];
        if a.k8s.secret_store.is_none() {
            files.push(File::new(secrets_file(a), render::secrets(a, &plan)).private());
        }
        files
    }

    fn checklist(&self, a: &Answers) -> Checklist {
        let ns = &a.k8s.namespace;
        let mut secrets = Vec::new();
        for (secret, host) in [
            (&a.k8s.tls_secret, Some(&a.domains.web)),
            (&a.k8s.api_tls_secret, a.domains.api.as_ref()),
        ] {
            if let (Some(secret), Some(host)) = (secret, host) {
                secrets.push(format!(
                    "- TLS Secret `{secret}` for `{host}` in namespace `{ns}` (cert-manager, or"
                ));
                secrets.push(format!(
                    "  `kubectl -n {ns} create secret tls {secret} --cert=… --key=…`)."
                ));
            }
        }
        let plan = self.plan(a);
        let keys: Vec<(String, String)> = plan
            .processes(crate::plan::Role::Api)
            .flat_map(|p| p.secrets.iter().map(|(k, v)| (k.clone(), v.value.clone())))
            .collect();
        match &a.k8s.secret_store {
            Some(store) => {
                secrets.push(format!(
                    "- In the backend of the External Secrets store `{store}` ({}), one secret per",
                    a.k8s.secret_store_kind
                ));
                // The chart names its ExternalSecrets after the Deployments they feed.
                let api = plan.api_addresses.first().cloned().unwrap_or_default();
                let readers = match (a.worker, api.strip_suffix("-api")) {
                    (WorkerMode::Dedicated, Some(full)) => {
                        format!("ExternalSecrets `{api}` and `{full}-worker` read them")
                    }
                    _ => format!("ExternalSecret `{api}` reads them"),
                };
                secrets.push(format!("  remote key (the {readers}):"));
                secrets.push(String::new());
                secrets.push("| remote key | setting | value |".into());
                secrets.push("| --- | --- | --- |".into());
                for (k, remote) in &keys {
                    secrets.push(format!(
                        "| `{remote}` | `{k}` | {} |",
                        runtime::how_to_obtain(k)
                    ));
                }
                secrets.push(String::new());
                secrets.push("- The chart's ExternalSecrets say `external-secrets.io/v1beta1`, which External".into());
                secrets.push(
                    "  Secrets ≥ 0.17 no longer serves; on such a cluster patch the chart first:"
                        .into(),
                );
                secrets.push(String::new());
                secrets.push("```sh".into());
                secrets.push(
                    "sed -i 's#external-secrets.io/v1beta1#external-secrets.io/v1#' \\".into(),
                );
                secrets.push("  ops/charts/starter/templates/externalsecrets.yaml".into());
                secrets.push(format!(
                    "kubectl -n {ns} get secretstore,clustersecretstore"
                ));
                secrets.push("```".into());
            }
            None => {
                secrets.push(format!(
                    "- Fill `{}` (mode 0600, never committed): every key with the value its comment",
                    secrets_file(a)
                ));
                secrets.push("  names; the chart turns it into the Secrets `starter-api` and `starter-worker`.".into());
                secrets.push(String::new());
                secrets.push("```sh".into());
                secrets.push(format!(
                    "install -m 600 \"$OUT/{}\" ops/charts/starter/{}",
                    secrets_file(a),
                    secrets_file(a)
                ));
                secrets.push("```".into());
            }
        }
        secrets.push(format!(
            "- The signing secret `{}` and the key set secret `{}` in {} (`secrets.provider`).",
            a.runtime.signing_secret, a.runtime.keyset_secret, a.runtime.provider
        ));
        let mut deploy = vec![
            format!(
                "helm upgrade --install {} ops/charts/starter \\",
                a.k8s.release
            ),
            format!("  --namespace {ns} --create-namespace \\"),
            match a.k8s.secret_store {
                Some(_) => format!("  -f ops/charts/starter/{}", values_file(a)),
                None => format!(
                    "  -f ops/charts/starter/{} -f ops/charts/starter/{}",
                    values_file(a),
                    secrets_file(a)
                ),
            },
            format!("kubectl -n {ns} rollout status deploy/starter-api"),
            format!("kubectl -n {ns} rollout status deploy/starter-web"),
        ];
        if a.worker == WorkerMode::Dedicated {
            deploy.push(format!(
                "kubectl -n {ns} rollout status deploy/starter-worker"
            ));
        }
        Checklist {
            title: "Kubernetes (Helm chart ops/charts/starter)",
            entry: format!("Ingress {}", a.k8s.ingress_class),
            place: vec![format!(
                "cp \"$OUT/{}\" ops/charts/starter/",
                values_file(a)
            )],
            dns_target: "the external address of the ingress controller's LoadBalancer Service",
            dns_record: "A / AAAA",
            dns_notes: Vec::new(),
            secrets,
            deploy,
            next: 0,
            migrations: [
                "# The production settings, from the secrets above:".into(),
                "export DATABASE_URL='postgresql+asyncpg://USER:PASSWORD@HOST:5432/DB?ssl=require'"
                    .into(),
                format!(
                    "export SECRETS_PROVIDER={} AUTH_KEY_STORAGE_BACKEND=secret-manager",
                    a.runtime.provider
                ),
                format!(
                    "export AUTH_KEY_STORAGE_PROVIDER={} AUTH_KEY_SECRET_NAME={}",
                    a.runtime.provider, a.runtime.keyset_secret
                ),
            ]
            .into_iter()
            // The provider's address: the key set is looked up there.
            .chain(
                runtime::location(a)
                    .map(|l| format!("export {}='{l}'", runtime::address_var(&a.runtime.provider))),
            )
            .collect(),
            logs: format!("kubectl -n {ns} logs -l app.kubernetes.io/component --prefix --tail=-1"),
        }
    }

    fn entry(&self, a: &Answers) -> String {
        format!("ingress {}", a.k8s.ingress_class)
    }

    fn check_args(&self, a: &Answers, out: &Path) -> String {
        out.join(values_file(a)).display().to_string()
    }

    fn prefill(&self, plan: &Plan, set: &mut dyn FnMut(&str, String)) {
        if let Some(api) = plan.processes(crate::plan::Role::Api).next() {
            let r = api.replicas.value;
            set("scale.autoscaling", (r.min != r.max).to_string());
        }
    }

    fn kinds(&self) -> &'static [Kind] {
        &[Kind::HelmValues, Kind::Manifests]
    }

    fn fallback_kind(&self) -> Option<Kind> {
        Some(Kind::HelmValues)
    }

    /// Every manifest stream on its own; values files layered in the order given.
    fn group(&self, files: Vec<(Kind, Src)>) -> Vec<Found> {
        let (manifests, values): (Vec<_>, Vec<_>) =
            files.into_iter().partition(|(k, _)| *k == Kind::Manifests);
        let mut found: Vec<Found> = manifests
            .into_iter()
            .map(|f| Found::new(Host::K8s, vec![f]))
            .collect();
        if !values.is_empty() {
            found.push(Found::new(Host::K8s, values));
        }
        found
    }

    /// Each values file as its own environment on top of the chart's `values.yaml`.
    fn discover(&self, chart: &Path, _ctx: &Context) -> Result<Vec<Found>> {
        let base_path = chart.join("values.yaml");
        let base = base_path
            .is_file()
            .then_some((Kind::HelmValues, Src::Path(base_path)));
        let envs = pipeline::files(chart, |n| {
            n != "values.yaml"
                && n.starts_with("values")
                && (n.ends_with(".yaml") || n.ends_with(".yml"))
        })?;
        let layered = |extra: Option<(Kind, Src)>| {
            Found::new(Host::K8s, base.iter().cloned().chain(extra).collect())
        };
        if envs.is_empty() {
            return Ok(vec![layered(None)]);
        }
        Ok(envs
            .into_iter()
            .map(|p| layered(Some((Kind::HelmValues, Src::Path(p)))))
            .collect())
    }

    fn read(&self, d: &Deployment, ctx: &Context) -> Result<Plan> {
        if let Some(m) = d.of(Kind::Manifests).next() {
            return Ok(manifests_plan(m)?);
        }
        let values = inputs(d, Kind::HelmValues);
        // With helm, the repo's own chart decides; without, its documented semantics.
        let mut plan = match (ctx.helm.as_deref(), helm::chart_of(&values)) {
            (Some(exe), Some(chart)) => helm::plan(
                exe,
                &chart,
                &values,
                ctx.release.as_deref().unwrap_or("starter"),
                ctx.namespace.as_deref().unwrap_or("default"),
            )?,
            (None, Some(chart)) => {
                let mut plan = values_plan(&values)?;
                // Unrendered, the chart's own template still says which ExternalSecret API
                // it asks the cluster for.
                if let Some(store) = plan
                    .startup
                    .as_mut()
                    .and_then(|s| s.secret_store.as_mut())
                    .filter(|s| s.api_version.is_none())
                {
                    store.api_version = helm::external_secret_api(&chart);
                }
                plan
            }
            _ => values_plan(&values)?,
        };
        if ctx.helm.is_none() && !values.is_empty() {
            plan.note = Some(
                "helm not found (--helm, HOSTWIZ_HELM or PATH): Helm values were judged by the \
                 documented chart semantics, not by rendering the repo's chart",
            );
        }
        Ok(plan)
    }

    /// A rendered stream once per release it holds (namespace and Helm release).
    fn split(&self, d: Deployment) -> Box<dyn Iterator<Item = Deployment> + Send> {
        match d.files.as_slice() {
            [(Kind::Manifests, _)] => {
                let host = d.host;
                let input = d.files.into_iter().next().map(|(_, i)| i);
                Box::new(
                    input
                        .into_iter()
                        .flat_map(split::releases)
                        .map(move |(_, input)| Deployment {
                            host,
                            files: vec![(Kind::Manifests, input)],
                        }),
                )
            }
            _ => Box::new(std::iter::once(d)),
        }
    }

    fn migratable(&self, d: &Deployment) -> Result<()> {
        if let Some(m) = d.of(Kind::Manifests).next() {
            return Err(Error::Usage(format!(
                "{} holds rendered manifests: migrate edits the Helm values files they come from",
                m.path
            )));
        }
        if d.of(Kind::HelmValues).next().is_none() {
            return Err(Error::Usage(format!(
                "{}: migrate needs a Helm values file to edit",
                d.primary()
            )));
        }
        Ok(())
    }

    fn phases(&self, d: &Deployment, _plan: &Plan) -> Result<(Phase, Phase)> {
        migrate::phases(d)
    }

    fn operations(
        &self,
        d: &Deployment,
        plan: &Plan,
        _p1: &Phase,
        _p2: &Phase,
        ctx: &Context,
    ) -> Operations {
        migrate::operations(d, plan, ctx)
    }
}
