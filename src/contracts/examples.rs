//! ANS-001: answers that are still example values, or images on a mutable tag. Unlike the
//! contracts, this judges the answers themselves (what was typed), not the deployment they
//! describe, so `apply` and the wizards run it beside [`super::check`].

use super::rules::ANS_001;
use super::Finding;
use crate::answers::{Answers, KEYS};
use crate::plan::Origin;

/// Domains reserved for documentation and tests (RFC 2606, RFC 6761): never a real deployment.
const RESERVED: &[&str] = &[
    "example.com",
    "example.org",
    "example.net",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// The keys whose values name something the operator owns.
const OWNED: &[&str] = &[
    "domains.web",
    "domains.api",
    "domains.tls_email",
    "images.api",
    "images.web",
    "images.worker",
    "gcp.project_id",
];

/// One ANS-001 warning per answer that is an example value or an image on a mutable tag.
pub fn check_answers(a: &Answers) -> Vec<Finding> {
    let raw = a.to_raw();
    let mut out = Vec::new();
    for key in KEYS.iter().map(|k| k.name).filter(|k| OWNED.contains(k)) {
        let value = raw.get(key);
        if value.is_empty() || !a_key_of(a, key) {
            continue;
        }
        let (message, fix) = if is_example(key, &value) {
            (
                format!("{key} = {value:?} is an example value, not yours"),
                format!("set your own: --set {key}=…"),
            )
        } else if key.starts_with("images.") && is_mutable(&value) {
            (
                format!("{key} = {value:?} is not pinned: a mutable tag runs whatever it points at when pulled"),
                "pin a version tag (:1.4.0) or a digest (@sha256:…)".to_string(),
            )
        } else {
            continue;
        };
        out.push(Finding::new(&ANS_001, Origin::Answer(key), message).fix(fix));
    }
    out
}

/// Whether the key means something for these answers' host.
fn a_key_of(a: &Answers, key: &str) -> bool {
    crate::answers::find(key).is_some_and(|k| k.applies_to(a.host))
}

fn is_example(key: &'static str, value: &str) -> bool {
    // The domain of an e-mail, the registry of an image (port removed), or the name itself.
    let host = match key {
        "domains.tls_email" => value.rsplit('@').next().unwrap_or(value),
        _ => value.split(['/', ':', '@']).next().unwrap_or(value),
    };
    let reserved = RESERVED
        .iter()
        .any(|r| host == *r || host.ends_with(&format!(".{r}")));
    let shipped = crate::presets::builtin_values().any(|(k, v)| *k == key && v == value);
    let documented = crate::answers::find(key).is_some_and(|k| k.example == value);
    reserved || shipped || documented
}

/// No tag and no digest, or the `latest` tag.
fn is_mutable(image: &str) -> bool {
    if image.contains('@') {
        return false;
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.rsplit_once(':') {
        Some((_, tag)) => tag == "latest",
        None => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::answers::RawAnswers;

    fn warned(sets: &[&str]) -> Vec<String> {
        let mut raw = RawAnswers::blank();
        for s in [
            "host=k8s",
            "domains.web=shop.acme.io",
            "images.api=r.acme.io/api:1.2",
            "images.web=r.acme.io/web:1.2",
        ]
        .iter()
        .chain(sets)
        {
            raw.set(s).unwrap();
        }
        check_answers(&Answers::from_raw(&raw).unwrap())
            .into_iter()
            .map(|f| f.message)
            .collect()
    }

    #[test]
    fn own_pinned_values_pass() {
        assert!(warned(&[]).is_empty());
        assert!(
            warned(&["images.api=r.acme.io/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"])
                .is_empty()
        );
    }

    #[test]
    fn example_values_and_mutable_tags_are_warned() {
        let w = warned(&["domains.web=app.example.com"]);
        assert!(w[0].contains("example value"), "{w:?}");
        let w = warned(&["images.api=ghcr.io/acme/starter-api:1.4.0"]);
        assert!(w[0].contains("example value"), "{w:?}");
        let w = warned(&["images.web=r.acme.io/web:latest"]);
        assert!(w[0].contains("not pinned"), "{w:?}");
        let w = warned(&["images.web=r.acme.io/web"]);
        assert!(w[0].contains("not pinned"), "{w:?}");
        let w = warned(&["images.web=localhost:5000/web:2"]);
        assert!(w[0].contains("example value"), "{w:?}");
        let w = warned(&["host=vps", "domains.tls_email=ops@example.org"]);
        assert!(w[0].contains("domains.tls_email"), "{w:?}");
    }
}
