//! Every combination of host × worker mode × API host × API replicas × worker replicas
//! (× GCP API enablement) is either refused with exactly the findings an independent reading of
//! CONTRACTS.md predicts, or written with exactly the files of DESIGN.md and no error. A host
//! without a worker (AWS) refuses dedicated mode in the answers themselves.

use hostwiz::answers::{Answers, Host, RawAnswers, WorkerMode};
use hostwiz::apply;
use hostwiz::contracts::Severity;
use hostwiz::write;

struct Case {
    host: Host,
    mode: WorkerMode,
    api_host: bool,
    api_replicas: u32,
    worker_replicas: u32,
    enable_services: bool,
}

impl Case {
    fn answers(&self) -> Answers {
        self.checked().unwrap()
    }

    fn checked(&self) -> Result<Answers, hostwiz::answers::AnswerError> {
        let mut raw = RawAnswers::from_toml(
            // The operator's own values: example ones would add ANS-001 to every case.
            "version = 1\n[domains]\nweb = \"app.acme.io\"\n[images]\napi = \"acme/api:1\"\nweb = \"acme/web:1\"\n\
             [gcp]\nproject_id = \"acme-shop\"\n[secrets]\nlocation = \"acme-shop\"\n",
        )
        .unwrap();
        let sets = [
            format!("host={}", self.host.as_str()),
            format!("billing.worker={}", self.mode.as_str()),
            format!(
                "domains.api={}",
                if self.api_host { "api.acme.io" } else { "" }
            ),
            format!("scale.api_replicas={}", self.api_replicas),
            format!("scale.worker_replicas={}", self.worker_replicas),
            "scale.autoscaling=true".into(),
            format!("gcp.enable_project_services={}", self.enable_services),
        ];
        for s in &sets {
            raw.set(s).unwrap();
        }
        if self.host == Host::Aws {
            for s in [
                "aws.account_id=210987654321",
                "aws.certificate_arn=arn:aws:acm:us-east-1:210987654321:certificate/abc-123",
                "secrets.provider=aws_sm",
                "storage.provider=s3",
                "storage.bucket=acme-shop-assets",
            ] {
                raw.set(s).unwrap();
            }
        }
        if self.host == Host::Azure {
            for s in [
                "azure.storage_account=acmeshopassets",
                "azure.key_vault=acme-shop-kv",
                "azure.blueprint_patched=true",
                "secrets.provider=azure_kv",
                "storage.provider=azure_blob",
            ] {
                raw.set(s).unwrap();
            }
        }
        Answers::from_raw(&raw)
    }

    /// The answer a host refuses outright: AWS and Azure have no worker (STARTER-FACTS G.4,
    /// G.7).
    fn refused_answer(&self) -> Option<&'static str> {
        let no_worker = matches!(self.host, Host::Aws | Host::Azure);
        (no_worker && self.mode == WorkerMode::Dedicated).then_some("billing.worker")
    }

    /// The findings CONTRACTS.md predicts for these answers, read from the rules' text rather
    /// than from the code that implements them.
    fn predicted(&self) -> Vec<(&'static str, Severity)> {
        let mut p = Vec::new();
        let dedicated = self.mode == WorkerMode::Dedicated;
        if !dedicated && self.api_replicas > 1 {
            p.push(("BILL-004", Severity::Error)); // inline: at most one API process
        }
        if matches!(self.host, Host::Aws | Host::Azure) {
            if self.api_replicas == 1 {
                p.push(("BILL-004", Severity::Warning)); // a deploy briefly runs two
            }
            // Azure falls back to the API app's own FQDN, under the platform's certificate.
            if !self.api_host && self.host == Host::Aws {
                p.push(("ROUTE-007", Severity::Error)); // the BFF would call the ALB's name
                p.push(("BOOT-006", Severity::Error)); // the web's API_BASE_URL is api_base_url
            }
        }
        if dedicated && self.worker_replicas != 1 {
            p.push(("BILL-005", Severity::Error)); // the worker runs exactly one instance
        }
        if self.host == Host::Gcp {
            if !self.api_host {
                p.push(("ROUTE-007", Severity::Error)); // api_base_url is required
                p.push(("BOOT-006", Severity::Error)); // the web's API_BASE_URL is api_base_url
            }
            if !self.enable_services {
                p.push(("SVC-002", Severity::Warning)); // no enabled list: a warning with the command
            }
            p.push(("SVC-003", Severity::Warning)); // bootstrap APIs, no enabled list
        }
        p.sort();
        p
    }

    fn files(&self) -> Vec<&'static str> {
        let mut f = vec!["CHECKLIST.md", "hostwiz.toml"];
        match self.host {
            Host::K8s => f.push("values-prod.yaml"),
            Host::Vps => {
                // The env file templates (0600) and the egress override of the startup contract.
                f.extend(["Caddyfile", "compose.env", "api.env.local", "web.env.local"]);
                f.push("docker-compose.egress.yml");
                if self.mode == WorkerMode::Dedicated {
                    f.push("docker-compose.worker.yml");
                }
            }
            Host::Gcp => {
                f.push("prod.tfvars");
                if !self.enable_services {
                    f.push("enable-apis.sh");
                }
            }
            // The tfvars and the IAM patch ECS needs to pull the secrets (BOOT-010).
            Host::Aws => f.extend(["prod.tfvars", "hostwiz-secrets-iam.tf"]),
            // The tfvars and the citext allow-list the blueprint lacks (blocker 13).
            Host::Azure => f.extend(["prod.tfvars", "hostwiz-postgres-citext.tf"]),
        }
        f.sort();
        f
    }
}

fn cases() -> Vec<Case> {
    let mut all = Vec::new();
    for host in Host::ALL {
        for mode in [WorkerMode::Inline, WorkerMode::Dedicated] {
            for api_host in [false, true] {
                for api_replicas in [1, 2, 5] {
                    for worker_replicas in [1, 2] {
                        let enablement: &[bool] = if host == Host::Gcp {
                            &[true, false]
                        } else {
                            &[true]
                        };
                        for &enable_services in enablement {
                            all.push(Case {
                                host,
                                mode,
                                api_host,
                                api_replicas,
                                worker_replicas,
                                enable_services,
                            });
                        }
                    }
                }
            }
        }
    }
    all
}

#[test]
fn every_combination_is_refused_as_predicted_or_written_clean() {
    let cases = cases();
    assert_eq!(cases.len(), 144);
    let (mut refused, mut written, mut refused_answers) = (0, 0, 0);
    for case in cases {
        let name = format!(
            "{} {} api_host={} api={} worker={} services={}",
            case.host.as_str(),
            case.mode.as_str(),
            case.api_host,
            case.api_replicas,
            case.worker_replicas,
            case.enable_services
        );
        if let Some(key) = case.refused_answer() {
            let err = case.checked().expect_err(&name);
            assert_eq!(err.key, key, "{name}");
            refused_answers += 1;
            continue;
        }
        let predicted = case.predicted();
        let expect_refusal = predicted.iter().any(|(_, s)| *s == Severity::Error);
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        match apply::prepare(case.answers(), Some(&out)) {
            Err((findings, _)) => {
                let mut got: Vec<_> = findings.iter().map(|f| (f.rule, f.severity)).collect();
                got.sort();
                assert_eq!(got, predicted, "{name}");
                assert!(expect_refusal, "{name}: refused without a predicted error");
                assert!(!out.exists(), "{name}: nothing is written when refused");
                refused += 1;
            }
            Ok(outcome) => {
                assert!(
                    !expect_refusal,
                    "{name}: written despite predicted errors {predicted:?}"
                );
                let mut got: Vec<_> = outcome
                    .findings
                    .iter()
                    .map(|f| (f.rule, f.severity))
                    .collect();
                got.sort();
                assert_eq!(got, predicted, "{name}");
                write::commit(&outcome.out, &outcome.planned).unwrap();
                let mut files: Vec<String> = std::fs::read_dir(&out)
                    .unwrap()
                    .map(|e| e.unwrap().file_name().into_string().unwrap())
                    .collect();
                files.sort();
                assert_eq!(files, case.files(), "{name}");
                written += 1;
            }
        }
    }
    // Both outcomes are exercised in quantity, so neither branch is vacuous.
    assert!(
        refused >= 40 && written >= 20 && refused_answers == 24,
        "refused {refused}, written {written}, answers refused {refused_answers}"
    );
}
