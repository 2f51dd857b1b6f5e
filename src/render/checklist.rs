//! `CHECKLIST.md`: the ordered steps, with exact commands, that take these files to a running
//! deployment — and the checks to pass before each next step.

use super::terraform::{manual_apis, ENABLE_SCRIPT};
use super::vps::{CADDYFILE, ENV_FILE, WORKER_OVERRIDE};
use super::{tfvars_file, values_file};
use crate::answers::{Answers, Host, WorkerMode};

pub fn render(a: &Answers) -> String {
    let mut c = String::new();
    let w = &mut c;
    let host_name = match a.host {
        Host::K8s => "Kubernetes (Helm chart ops/charts/starter)",
        Host::Vps => "a single VPS (Docker Compose + Caddy, ops/compose)",
        Host::Gcp => "GCP Cloud Run (Terraform blueprint ops/infra/gcp)",
    };
    out!(
        w,
        "# Deployment checklist: {} on {host_name}",
        a.environment
    );
    out!(w);
    out!(
        w,
        "Written by hostwiz from `hostwiz.toml`. Work through the steps in order; each ends"
    );
    out!(
        w,
        "with what to check before the next. Commands run from your checkout of the starter,"
    );
    out!(w, "with `OUT` set to the folder that holds this file.");
    out!(w);
    out!(
        w,
        "Contracts kept by these files: browser `/api` goes to the web app (BFF), never"
    );
    out!(w, "straight to the API; {}.", billing_summary(a));
    out!(w);
    topology(w, a);
    let mut step = Steps(0);
    place_files(w, &mut step, a);
    dns(w, &mut step, a);
    secrets(w, &mut step, a);
    deploy(w, &mut step, a);
    migrations(w, &mut step, a);
    verify(w, &mut step, a);
    c
}

struct Steps(u32);

impl Steps {
    fn next(&mut self, w: &mut String, title: &str) {
        self.0 += 1;
        out!(w, "## {}. {title}", self.0);
        out!(w);
    }
}

fn billing_summary(a: &Answers) -> &'static str {
    match a.worker {
        WorkerMode::Inline => "the single API process owns billing retries and stream replay (inline mode)",
        WorkerMode::Dedicated => {
            "one dedicated worker owns billing retries and stream replay, and every API process has both off"
        }
    }
}

fn topology(w: &mut String, a: &Answers) {
    let entry = match a.host {
        Host::K8s => format!("Ingress {}", a.k8s.ingress_class),
        Host::Vps => "Caddy".to_string(),
        Host::Gcp => "Cloud Run domain mapping".to_string(),
    };
    let api_count = if a.scale.autoscaling && a.host == Host::K8s || a.host == Host::Gcp {
        format!("{}–{}", a.scale.api_min_replicas, a.scale.api_replicas)
    } else {
        a.scale.api_replicas.to_string()
    };
    out!(w, "## Topology");
    out!(w);
    out!(w, "```mermaid");
    out!(w, "flowchart LR");
    out!(
        w,
        "  browser([Browser]) -->|https://{}| entry[\"{entry}\"]",
        a.domains.web
    );
    out!(w, "  entry -->|\"/ and /api\"| web[\"web: Next.js BFF\"]");
    out!(
        w,
        "  web -->|\"server-side only\"| api[\"api: FastAPI × {api_count}\"]"
    );
    if let Some(api) = &a.domains.api {
        out!(
            w,
            "  callers([Server-to-server callers]) -->|https://{api}| apientry[\"{entry}\"]"
        );
        out!(w, "  apientry --> api");
    }
    match a.worker {
        WorkerMode::Inline => out!(
            w,
            "  api -.-|\"owns billing retries + replay\"| billing[(Billing streams)]"
        ),
        WorkerMode::Dedicated => {
            out!(w, "  worker[\"worker × {}\"] -.-|\"owns billing retries + replay\"| billing[(Billing streams)]", a.scale.worker_replicas);
        }
    }
    out!(w, "```");
    out!(w);
}

fn place_files(w: &mut String, step: &mut Steps, a: &Answers) {
    step.next(w, "Put the files in place");
    out!(w, "```sh");
    match a.host {
        Host::K8s => out!(w, "cp \"$OUT/{}\" ops/charts/starter/", values_file(a)),
        Host::Vps => {
            out!(w, "cp \"$OUT/{CADDYFILE}\" ops/compose/caddy/Caddyfile");
            out!(w, "cp \"$OUT/{ENV_FILE}\" ops/compose/");
            if a.worker == WorkerMode::Dedicated {
                out!(w, "cp \"$OUT/{WORKER_OVERRIDE}\" ops/compose/");
            }
        }
        Host::Gcp => {
            out!(w, "cp \"$OUT/{}\" ops/infra/gcp/", tfvars_file(a));
            if !a.gcp.enable_project_services {
                out!(w, "cp \"$OUT/{ENABLE_SCRIPT}\" ops/infra/gcp/");
            }
        }
    }
    out!(w, "```");
    out!(w);
    out!(
        w,
        "Check: `git diff` shows only the settings you chose (`hostwiz.toml` records them)."
    );
    out!(w);
}

fn dns(w: &mut String, step: &mut Steps, a: &Answers) {
    step.next(w, "Create the DNS records");
    let target = match a.host {
        Host::K8s => "the external address of the ingress controller's LoadBalancer Service",
        Host::Vps => "the VPS's public IPv4 (A) and IPv6 (AAAA) addresses",
        Host::Gcp => "the records Cloud Run shows for the domain mapping",
    };
    out!(w, "| name | record | points at |");
    out!(w, "| --- | --- | --- |");
    let kind = if a.host == Host::Gcp {
        "as shown"
    } else {
        "A / AAAA"
    };
    out!(w, "| `{}` | {kind} | {target} (web) |", a.domains.web);
    if let Some(api) = &a.domains.api {
        out!(w, "| `{api}` | {kind} | {target} (api) |");
    }
    out!(w);
    if a.host == Host::Gcp {
        out!(
            w,
            "Map `{}` to the web service{} and read the records to create:",
            a.domains.web,
            if a.domains.api.is_some() {
                " and the API host to the api service"
            } else {
                ""
            }
        );
        out!(w);
        out!(w, "```sh");
        out!(
            w,
            "gcloud beta run domain-mappings describe --domain {} --region {}",
            a.domains.web,
            a.gcp.region
        );
        out!(w, "```");
        out!(w);
        if a.gcp.cloud_dns {
            out!(
                w,
                "Cloud DNS manages these domains: create the records in its zone."
            );
            out!(w);
        }
    }
    out!(
        w,
        "Check: `dig +short {}` answers with that address.",
        a.domains.web
    );
    out!(w);
}

fn secrets(w: &mut String, step: &mut Steps, a: &Answers) {
    step.next(w, "Provide the secrets");
    match a.host {
        Host::K8s => {
            let ns = &a.k8s.namespace;
            for (secret, host) in [
                (&a.k8s.tls_secret, Some(&a.domains.web)),
                (&a.k8s.api_tls_secret, a.domains.api.as_ref()),
            ] {
                if let (Some(secret), Some(host)) = (secret, host) {
                    out!(w, "- TLS Secret `{secret}` for `{host}` in namespace `{ns}` (cert-manager, or");
                    out!(
                        w,
                        "  `kubectl -n {ns} create secret tls {secret} --cert=… --key=…`)."
                    );
                }
            }
            out!(
                w,
                "- The app's secrets (database URL, Redis URL, Stripe keys) as the starter's"
            );
            out!(w, "  hosting guide describes, in namespace `{ns}`.");
        }
        Host::Vps => {
            match &a.domains.tls_email {
                Some(email) => out!(
                    w,
                    "- Caddy obtains certificates itself; the ACME account is `{email}`."
                ),
                None => out!(
                    w,
                    "- Caddy obtains certificates itself; set `CADDY_EMAIL` for expiry mail."
                ),
            }
            out!(
                w,
                "- The app's secrets (database URL, Redis URL, Stripe keys) in the env files"
            );
            out!(
                w,
                "  the starter's `docker-compose.prod.yml` reads, never in `{ENV_FILE}`."
            );
        }
        Host::Gcp => {
            out!(
                w,
                "- The app's secrets (database password, Stripe keys, signing keys) in Secret"
            );
            out!(
                w,
                "  Manager, under the names the blueprint's Cloud Run env references."
            );
        }
    }
    out!(w);
    out!(
        w,
        "Check: no secret value appears in any file in `$OUT` or in git."
    );
    out!(w);
}

fn deploy(w: &mut String, step: &mut Steps, a: &Answers) {
    step.next(w, "Deploy");
    out!(w, "```sh");
    match a.host {
        Host::K8s => {
            let (release, ns) = (&a.k8s.release, &a.k8s.namespace);
            out!(w, "helm upgrade --install {release} ops/charts/starter \\");
            out!(w, "  --namespace {ns} --create-namespace \\");
            out!(w, "  -f ops/charts/starter/{}", values_file(a));
            out!(w, "kubectl -n {ns} rollout status deploy/starter-api");
            out!(w, "kubectl -n {ns} rollout status deploy/starter-web");
            if a.worker == WorkerMode::Dedicated {
                out!(w, "kubectl -n {ns} rollout status deploy/starter-worker");
            }
        }
        Host::Vps => {
            out!(w, "cd ops/compose");
            match a.worker {
                WorkerMode::Inline => {
                    out!(
                        w,
                        "docker compose -f docker-compose.prod.yml --env-file {ENV_FILE} up -d"
                    );
                }
                WorkerMode::Dedicated => {
                    out!(
                        w,
                        "docker compose -f docker-compose.prod.yml -f {WORKER_OVERRIDE} \\"
                    );
                    out!(w, "  --env-file {ENV_FILE} --profile worker up -d");
                }
            }
        }
        Host::Gcp => {
            let project = a
                .gcp
                .project_id
                .as_ref()
                .map(|p| p.as_str())
                .unwrap_or_default();
            out!(
                w,
                "# Before the first apply: Terraform cannot enable these for itself."
            );
            out!(
                w,
                "gcloud services enable {} --project {project}",
                manual_apis(a).join(" ")
            );
            if !a.gcp.enable_project_services {
                out!(
                    w,
                    "# enable_project_services = false: enable everything else by hand too."
                );
                out!(w, "sh ops/infra/gcp/{ENABLE_SCRIPT} {project}");
            }
            let vars = tfvars_file(a);
            out!(w, "terraform -chdir=ops/infra/gcp init");
            out!(
                w,
                "terraform -chdir=ops/infra/gcp plan -var-file={vars} -out={}.tfplan",
                a.environment
            );
            out!(
                w,
                "terraform -chdir=ops/infra/gcp apply {}.tfplan",
                a.environment
            );
        }
    }
    out!(w, "```");
    out!(w);
    out!(
        w,
        "Check: every command exits 0 and no old API process remains."
    );
    out!(w);
}

fn migrations(w: &mut String, step: &mut Steps, a: &Answers) {
    step.next(w, "Run the database migrations");
    out!(
        w,
        "Run the API service's database migrations (the migration task of the starter's"
    );
    out!(
        w,
        "`apps/api-service`) once, from one API process, before the new version takes traffic."
    );
    match a.host {
        Host::K8s => {
            out!(w, "A shell in an API pod:");
            out!(w);
            out!(w, "```sh");
            out!(
                w,
                "kubectl -n {} exec -it deploy/starter-api -- sh",
                a.k8s.namespace
            );
            out!(w, "```");
        }
        Host::Vps => {
            out!(w, "A shell in the API container:");
            out!(w);
            out!(w, "```sh");
            out!(
                w,
                "docker compose -f docker-compose.prod.yml --env-file {ENV_FILE} exec api sh"
            );
            out!(w, "```");
        }
        Host::Gcp => {
            out!(
                w,
                "Run it as a one-off Cloud Run job on the API image `{}`, with the API's",
                a.images.api
            );
            out!(w, "environment and secrets, in region `{}`.", a.gcp.region);
        }
    }
    out!(w);
    out!(
        w,
        "Check: the migration reports the schema at the latest revision."
    );
    out!(w);
}

fn verify(w: &mut String, step: &mut Steps, a: &Answers) {
    step.next(w, "Verify");
    out!(w, "```sh");
    out!(
        w,
        "# The web app answers, and /api reaches it (the BFF), not the API:"
    );
    out!(w, "curl -fsS https://{}/api/health/ready", a.domains.web);
    if let Some(api) = &a.domains.api {
        out!(
            w,
            "# The API host reaches the API, for server-to-server callers:"
        );
        out!(w, "curl -fsS https://{api}/health/ready");
    }
    let logs = match (a.host, a.worker) {
        (Host::K8s, _) => format!("kubectl -n {} logs -l app.kubernetes.io/component --prefix --tail=-1", a.k8s.namespace),
        (Host::Vps, _) => "docker compose -f docker-compose.prod.yml logs api worker".to_string(),
        (Host::Gcp, _) => format!(
            "gcloud logging read 'resource.type=\"cloud_run_revision\"' --project {} --freshness=1h",
            a.gcp.project_id.as_ref().map(|p| p.as_str()).unwrap_or_default()
        ),
    };
    out!(w, "# Exactly one process starts the billing retry worker:");
    out!(w, "{logs} | grep -i 'retry worker'");
    out!(w, "```");
    out!(w);
    let owner = match a.worker {
        WorkerMode::Inline => "the one API process",
        WorkerMode::Dedicated => "the worker",
    };
    out!(
        w,
        "Check: both health checks return 200; {owner} logs that the retry worker started and"
    );
    out!(
        w,
        "every other process logs \"Stripe dispatch retry worker disabled\";"
    );
    out!(
        w,
        "`stripe_dispatch_retry_total{{result!=\"success\"}}` does not rise."
    );
}
