//! What kind of file an input is: by its name first (the starter's layout names its files
//! plainly), then by its content, for stdin and unusual names.

use super::Input;
use crate::answers::Host;
use crate::hosts;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    HelmValues,
    Manifests,
    Caddyfile,
    Compose,
    EnvFile,
    Tfvars,
    Terraform,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::HelmValues,
        Kind::Manifests,
        Kind::Caddyfile,
        Kind::Compose,
        Kind::EnvFile,
        Kind::Tfvars,
        Kind::Terraform,
    ];

    /// The host that reads this kind of file.
    pub fn host(self) -> Host {
        hosts::of_kind(self)
    }

    pub fn describe(self) -> &'static str {
        match self {
            Kind::HelmValues => "Helm values",
            Kind::Manifests => "Kubernetes manifests",
            Kind::Caddyfile => "Caddyfile",
            Kind::Compose => "Compose file",
            Kind::EnvFile => "env file",
            Kind::Tfvars => "Terraform variables",
            Kind::Terraform => "Terraform configuration",
        }
    }
}

pub fn detect(input: &Input) -> Option<Kind> {
    by_name(&input.path).or_else(|| by_content(&input.text))
}

fn by_name(path: &str) -> Option<Kind> {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    let lower = name.to_ascii_lowercase();
    let yaml = lower.ends_with(".yaml") || lower.ends_with(".yml");
    if lower == "caddyfile" || lower.ends_with(".caddyfile") || lower.starts_with("caddyfile.") {
        Some(Kind::Caddyfile)
    } else if lower.ends_with(".tfvars") || lower.ends_with(".tfvars.json") {
        Some(Kind::Tfvars)
    } else if lower.ends_with(".tf") {
        Some(Kind::Terraform)
    } else if lower == ".env" || lower.ends_with(".env") || lower.starts_with(".env.") {
        Some(Kind::EnvFile)
    } else if yaml && (lower.contains("compose")) {
        Some(Kind::Compose)
    } else if yaml && lower.starts_with("values") {
        Some(Kind::HelmValues)
    } else {
        None
    }
}

fn by_content(text: &str) -> Option<Kind> {
    let lines = || {
        text.lines()
            .map(str::trim_end)
            .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
    };
    if lines().any(|l| l.starts_with("apiVersion:")) && lines().any(|l| l.starts_with("kind:")) {
        return Some(Kind::Manifests);
    }
    let top_keys: Vec<&str> = lines()
        .filter(|l| !l.starts_with([' ', '\t', '-']))
        .filter_map(|l| l.split_once(':').map(|(k, _)| k.trim()))
        .collect();
    if top_keys.contains(&"services") {
        return Some(Kind::Compose);
    }
    if top_keys.iter().any(|k| {
        matches!(
            *k,
            "ingress" | "api" | "web" | "worker" | "autoscaling" | "ingressPaths"
        )
    }) {
        return Some(Kind::HelmValues);
    }
    if lines().any(|l| {
        l.starts_with("variable ") || l.starts_with("locals ") || l.starts_with("resource ")
    }) {
        return Some(Kind::Terraform);
    }
    if lines().all(|l| {
        l.split_once('=')
            .is_some_and(|(k, _)| is_env_key(k.trim_start_matches("export ")))
    }) {
        return Some(Kind::EnvFile);
    }
    if lines().any(|l| {
        l.split_once('=')
            .is_some_and(|(k, _)| k.trim().chars().all(|c| c.is_ascii_lowercase() || c == '_'))
    }) {
        return Some(Kind::Tfvars);
    }
    if lines().any(|l| l.contains("reverse_proxy") || l.trim_end().ends_with('{')) {
        return Some(Kind::Caddyfile);
    }
    None
}

fn is_env_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(path: &str, text: &str) -> Option<Kind> {
        detect(&Input::new(path, text))
    }

    #[test]
    fn by_names_of_the_starter_layout() {
        assert_eq!(
            kind("ops/compose/caddy/Caddyfile", ""),
            Some(Kind::Caddyfile)
        );
        assert_eq!(
            kind("ops/compose/docker-compose.prod.yml", ""),
            Some(Kind::Compose)
        );
        assert_eq!(kind("ops/compose/.env", ""), Some(Kind::EnvFile));
        assert_eq!(kind("out/compose.env", ""), Some(Kind::EnvFile));
        assert_eq!(
            kind("ops/charts/starter/values.prod.yaml", ""),
            Some(Kind::HelmValues)
        );
        assert_eq!(kind("ops/infra/gcp/prod.tfvars", ""), Some(Kind::Tfvars));
        assert_eq!(kind("ops/infra/gcp/locals.tf", ""), Some(Kind::Terraform));
    }

    #[test]
    fn by_content_for_stdin() {
        assert_eq!(
            kind("-", "---\napiVersion: v1\nkind: Service\n"),
            Some(Kind::Manifests)
        );
        assert_eq!(
            kind("-", "services:\n  api:\n    image: x\n"),
            Some(Kind::Compose)
        );
        assert_eq!(
            kind("-", "ingress:\n  enabled: true\n"),
            Some(Kind::HelmValues)
        );
        assert_eq!(kind("-", "APP_HOST=a.example.com\n"), Some(Kind::EnvFile));
        assert_eq!(kind("-", "project_id = \"x\"\n"), Some(Kind::Tfvars));
        assert_eq!(
            kind("-", "{$APP_HOST} {\n\treverse_proxy web:3000\n}\n"),
            Some(Kind::Caddyfile)
        );
        assert_eq!(kind("-", "hello"), None);
    }
}
