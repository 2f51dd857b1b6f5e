//! What the Terraform hosts (GCP, AWS, Azure) share: how a blueprint folder is found as
//! deployments and which files are a blueprint's, the processes' env its locals compose, and
//! the routes of a web app and an API that each have their own public URL.

use super::Host;
use crate::error::Result;
use crate::ingest::detect::Kind;
use crate::ingest::terraform::{self, Blueprint, Env};
use crate::ingest::Input;
use crate::pipeline::{self, Found, Src};
use crate::plan::{Origin, Role, Route, Sourced, Target};
use std::path::Path;

/// Each tfvars file with the blueprint's `.tf` files; the blueprint alone without any.
pub fn discover(host: Host, dir: &Path) -> Result<Vec<Found>> {
    let tf: Vec<(Kind, Src)> = pipeline::files(dir, |n| n.ends_with(".tf"))?
        .into_iter()
        .map(|p| (Kind::Terraform, Src::Path(p)))
        .collect();
    let tfvars = pipeline::files(dir, |n| {
        n.ends_with(".tfvars") || n.ends_with(".tfvars.json")
    })?;
    if tfvars.is_empty() {
        return Ok(vec![Found::new(host, tf)]);
    }
    Ok(tfvars
        .into_iter()
        .map(|p| {
            let mut files = vec![(Kind::Tfvars, Src::Path(p))];
            files.extend(tf.iter().cloned());
            Found::new(host, files)
        })
        .collect())
}

/// Whether a named Terraform file is a blueprint's: under `folder` (`infra/aws/`), declaring
/// resources of its provider (`resource "aws_`), or setting one of the variables only it has.
pub fn claims(input: &Input, folder: &str, resource: &str, own_vars: &[&str]) -> bool {
    let path = input.path.replace('\\', "/");
    path.contains(folder)
        || input.text.contains(resource)
        || input.text.lines().any(|l| {
            let l = l.trim_start().trim_start_matches('"');
            let declared = l.strip_prefix("variable \"");
            own_vars.iter().any(|v| {
                l.starts_with(v)
                    || declared
                        .and_then(|d| d.strip_prefix(v))
                        .is_some_and(|r| r.starts_with('"'))
            })
        })
}

/// The API's and the web's env as the blueprint's `local.api_env_combined` /
/// `local.web_env_combined` compose them, or `documented()` where its locals are not read.
pub fn api_web_env(
    b: &Blueprint,
    file: &Origin,
    documented: impl FnOnce() -> (Env, Env),
) -> (Env, Env) {
    let locals = b.locals();
    if !locals.defines("api_env_combined") {
        return documented();
    }
    let at = |name: &str| b.local_at(name, file);
    (
        terraform::env(&locals, "api_env_combined", at("api_env_combined")),
        terraform::env(&locals, "web_env_combined", at("web_env_combined")),
    )
}

/// The web's and the API's hosts, from their public URLs.
pub struct PublicHosts {
    pub web: Option<Sourced<String>>,
    pub api: Option<Sourced<String>>,
}

impl PublicHosts {
    pub fn new(app_url: Option<&Sourced<String>>, api_url: Option<&Sourced<String>>) -> Self {
        PublicHosts {
            web: app_url.and_then(host_of),
            api: api_url.and_then(host_of),
        }
    }

    /// Every path of the web's host goes to the web app, `/api` included (the BFF: each
    /// blueprint gives the web its own service and domain); the API's host to the API.
    pub fn routes(&self) -> Vec<Route> {
        let mut routes = Vec::new();
        if let Some(w) = &self.web {
            for prefix in ["/api", "/"] {
                routes.push(Route {
                    host: w.value.clone(),
                    prefix: prefix.into(),
                    target: Target::Service(Role::Web),
                    origin: w.origin.clone(),
                });
            }
        }
        if let Some(a) = &self.api {
            routes.push(Route {
                host: a.value.clone(),
                prefix: "/".into(),
                target: Target::Service(Role::Api),
                origin: a.origin.clone(),
            });
        }
        routes
    }
}

/// The host of a URL, lowercase, at the URL's origin; `None` when it has none.
fn host_of(u: &Sourced<String>) -> Option<Sourced<String>> {
    let rest = u.value.trim();
    let rest = rest.split_once("://").map_or(rest, |(_, r)| r);
    let host = rest
        .split(['/', ':', '?', '#'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    (!host.is_empty()).then(|| Sourced::new(host, u.origin.clone()))
}
