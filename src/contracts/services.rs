//! Services: a first GCP apply needs no manual API enablement, or says exactly what to enable.

use super::rules::{SVC_001, SVC_002, SVC_003, SVC_004, SVC_005};
use super::{Autofix, Finding, Severity};
use crate::catalog::{self, When};
use crate::plan::{Plan, Services};

pub fn check(plan: &Plan, out: &mut Vec<Finding>) {
    let Some(s) = &plan.services else { return };
    let always: Vec<&str> = catalog::with(When::Always)
        .map(|a| a.name.as_str())
        .collect();
    let bootstrap: Vec<&str> = catalog::with(When::Bootstrap)
        .map(|a| a.name.as_str())
        .collect();
    let missing_from = |have: &[String], want: &[&str]| -> Vec<String> {
        want.iter()
            .filter(|w| !have.iter().any(|h| h == *w))
            .map(|w| w.to_string())
            .collect()
    };

    if s.enable_project_services.value {
        if let Some(list) = &s.blueprint {
            let missing = missing_from(&list.value, &always);
            if !missing.is_empty() {
                out.push(
                    Finding::new(
                        &SVC_001,
                        list.origin.clone(),
                        format!("required_project_services lacks {}", missing.join(", ")),
                    )
                    .fix(format!(
                        "add {} to required_project_services",
                        quoted(&missing)
                    )),
                );
            }
        }
    } else {
        match &s.enabled {
            Some(enabled) => {
                for name in missing_from(&enabled.value, &always) {
                    out.push(
                        Finding::new(
                            &SVC_002,
                            s.enable_project_services.origin.clone(),
                            format!("enable_project_services = false and {name} is not enabled in the project"),
                        )
                        .fix(enable_command(s, &[name])),
                    );
                }
            }
            None => out.push(
                Finding::new(
                    &SVC_002,
                    s.enable_project_services.origin.clone(),
                    "enable_project_services = false: Terraform will not enable the APIs the blueprint needs",
                )
                .severity(Severity::Warning)
                .fix(enable_command(s, &always)),
            ),
        }
    }

    let origin = s.enable_project_services.origin.clone();
    match &s.enabled {
        Some(enabled) => {
            let missing = missing_from(&enabled.value, &bootstrap);
            if !missing.is_empty() {
                out.push(
                    Finding::new(
                        &SVC_003,
                        enabled.origin.clone(),
                        format!("bootstrap APIs not enabled: {}", missing.join(", ")),
                    )
                    .severity(Severity::Error)
                    .fix(enable_command(s, &missing)),
                );
            }
        }
        None => out.push(
            Finding::new(
                &SVC_003,
                origin,
                "enable the bootstrap APIs by hand before the first terraform apply",
            )
            .fix(enable_command(s, &bootstrap)),
        ),
    }

    for cond in &s.conditions {
        for api in catalog::with(When::If(cond.value)) {
            let enabled = s
                .enabled
                .as_ref()
                .is_some_and(|e| e.value.contains(&api.name));
            let planned = s.extra.iter().any(|e| e.value == api.name)
                || (s.enable_project_services.value
                    && s.blueprint
                        .as_ref()
                        .is_some_and(|b| b.value.contains(&api.name)));
            if !enabled && !planned {
                out.push(
                    Finding::new(
                        &SVC_004,
                        cond.origin.clone(),
                        format!(
                            "{} is needed ({}) and not enabled",
                            api.name,
                            cond.value.describe()
                        ),
                    )
                    .fix(enable_command(s, &[api.name.as_str()]))
                    .autofix(Autofix::Append {
                        key: "gcp.extra_services",
                        item: api.name.clone(),
                    }),
                );
            }
        }
    }

    if let Some(list) = &s.overrides {
        let missing = missing_from(&list.value, &always);
        if !missing.is_empty() {
            out.push(Finding::new(
                &SVC_005,
                list.origin.clone(),
                format!("the override list drops {}", missing.join(", ")),
            ));
        }
    }
}

/// The exact command an operator runs, with the project when it is known.
pub fn enable_command(s: &Services, apis: &[impl AsRef<str>]) -> String {
    let mut cmd = String::from("gcloud services enable");
    for a in apis {
        cmd.push(' ');
        cmd.push_str(a.as_ref());
    }
    if let Some(p) = &s.project_id {
        cmd.push_str(" --project ");
        cmd.push_str(&p.value);
    }
    cmd
}

fn quoted(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("\"{n}\""))
        .collect::<Vec<_>>()
        .join(", ")
}
