//! Value types that validate at the border, so nothing below the CLI ever holds an unchecked
//! hostname, image or identifier. Each `parse` returns what is accepted as its error, which the
//! answers layer turns into a message naming the key.

use std::fmt;

/// Why a value was refused: a sentence fragment that completes "expected …".
pub type Expected = &'static str;

macro_rules! string_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
    };
}

string_type!(
    /// A DNS hostname per RFC 1123, lower-cased, with at least two labels.
    Hostname
);
string_type!(
    /// A container image reference: `[registry[:port]/]path[:tag][@algo:digest]`.
    ImageRef
);
string_type!(
    /// An environment name; it names output files, so it is kept to a safe alphabet.
    EnvName
);
string_type!(
    /// A Kubernetes object name (RFC 1123 subdomain, or label where `label` says so).
    K8sName
);
string_type!(
    /// An e-mail address for the ACME account.
    Email
);
string_type!(
    /// A GCP project ID.
    ProjectId
);
string_type!(
    /// A GCP region such as `us-central1`.
    Region
);
string_type!(
    /// A Google API service name such as `run.googleapis.com`.
    ServiceName
);

pub const HOSTNAME_EXPECTED: Expected =
    "a DNS hostname (RFC 1123): dot-separated labels of letters, digits and hyphens, \
     such as app.example.com, with no scheme, port, path, spaces, braces or quotes";

impl Hostname {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        let lower = raw.to_ascii_lowercase();
        if lower.len() > 253 || !lower.contains('.') {
            return Err(HOSTNAME_EXPECTED);
        }
        let labels: Vec<&str> = lower.split('.').collect();
        if !labels.iter().all(|l| is_dns_label(l, 63)) {
            return Err(HOSTNAME_EXPECTED);
        }
        // An all-numeric last label makes an IP address, not a name a certificate can carry.
        if labels
            .last()
            .is_some_and(|l| l.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(HOSTNAME_EXPECTED);
        }
        Ok(Self(lower))
    }
}

fn is_dns_label(label: &str, max: usize) -> bool {
    let b = label.as_bytes();
    !b.is_empty()
        && b.len() <= max
        && b.iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        && b[0] != b'-'
        && b[b.len() - 1] != b'-'
}

const IMAGE_EXPECTED: Expected = "an image reference such as ghcr.io/acme/starter-api:1.4.0 \
     ([registry/]path[:tag][@sha256:digest], lower-case path, no spaces or quotes)";

impl ImageRef {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        if raw.is_empty() || raw.len() > 512 {
            return Err(IMAGE_EXPECTED);
        }
        let (name_tag, digest) = match raw.split_once('@') {
            Some((n, d)) => (n, Some(d)),
            None => (raw, None),
        };
        if let Some(d) = digest {
            let (algo, hex) = d.split_once(':').ok_or(IMAGE_EXPECTED)?;
            let algo_ok = !algo.is_empty()
                && algo
                    .bytes()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || b"+._-".contains(&c));
            // The registered algorithms have a fixed length (OCI image spec), in lower case.
            let lower_hex = hex
                .bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c));
            let hex_ok = match algo {
                "sha256" => hex.len() == 64 && lower_hex,
                "sha512" => hex.len() == 128 && lower_hex,
                _ => hex.len() >= 32 && hex.bytes().all(|c| c.is_ascii_hexdigit()),
            };
            if !algo_ok || !hex_ok {
                return Err(IMAGE_EXPECTED);
            }
        }
        // The tag is whatever follows the last ':' after the last '/', so a registry port is not a tag.
        let last_slash = name_tag.rfind('/').map_or(0, |i| i + 1);
        let (name, tag) = match name_tag[last_slash..].rfind(':') {
            Some(i) => (
                &name_tag[..last_slash + i],
                Some(&name_tag[last_slash + i + 1..]),
            ),
            None => (name_tag, None),
        };
        if let Some(tag) = tag {
            let t = tag.as_bytes();
            let ok = !t.is_empty()
                && t.len() <= 128
                && (t[0].is_ascii_alphanumeric() || t[0] == b'_')
                && t.iter()
                    .all(|c| c.is_ascii_alphanumeric() || b"_.-".contains(c));
            if !ok {
                return Err(IMAGE_EXPECTED);
            }
        }
        // Docker refuses a repository name (registry included) over 255 characters.
        if name.len() > 255 {
            return Err(IMAGE_EXPECTED);
        }
        let mut parts: Vec<&str> = name.split('/').collect();
        if parts.len() > 1 && is_registry(parts[0]) {
            parts.remove(0);
        }
        if parts.is_empty() || !parts.iter().all(|p| is_path_component(p)) {
            return Err(IMAGE_EXPECTED);
        }
        Ok(Self(raw.to_string()))
    }
}

fn is_registry(part: &str) -> bool {
    let (host, port) = match part.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (part, None),
    };
    let host_ok = (host.contains('.') || host == "localhost")
        && host.split('.').all(|l| {
            is_dns_label(&l.to_ascii_lowercase(), 63)
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
        });
    let port_ok = port.is_none_or(|p| {
        p.bytes().all(|c| c.is_ascii_digit()) && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    host_ok && port_ok
}

/// Docker's reference grammar for one path component: `[a-z0-9]+` runs joined by `.`, `_`,
/// `__` or a run of `-`, so a separator never starts, ends or doubles up.
fn is_path_component(p: &str) -> bool {
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    let mut rest = p.as_bytes();
    loop {
        let run = rest.iter().take_while(|c| alnum(c)).count();
        if run == 0 {
            return false;
        }
        rest = &rest[run..];
        if rest.is_empty() {
            return true;
        }
        let sep = rest.iter().take_while(|c| !alnum(c)).count();
        let ok =
            matches!(&rest[..sep], b"." | b"_" | b"__") || rest[..sep].iter().all(|&c| c == b'-');
        if !ok {
            return false;
        }
        rest = &rest[sep..];
    }
}

const ENV_EXPECTED: Expected =
    "1 to 32 lower-case letters, digits or hyphens, starting with a letter (it names output files)";

impl EnvName {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        let b = raw.as_bytes();
        let ok =
            !b.is_empty() && b.len() <= 32 && b[0].is_ascii_lowercase() && is_dns_label(raw, 32);
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(ENV_EXPECTED)
        }
    }
}

const K8S_LABEL_EXPECTED: Expected =
    "a Kubernetes name: 1 to 53 lower-case letters, digits or hyphens, starting and ending with a letter or digit";
const K8S_SUBDOMAIN_EXPECTED: Expected =
    "a Kubernetes name: dot-separated lower-case labels of letters, digits and hyphens, at most 253 characters";

impl K8sName {
    /// A release or namespace name: one DNS label (Helm caps release names at 53).
    pub fn label(raw: &str) -> Result<Self, Expected> {
        if is_dns_label(raw, 53) {
            Ok(Self(raw.to_string()))
        } else {
            Err(K8S_LABEL_EXPECTED)
        }
    }

    /// A Secret or IngressClass name: an RFC 1123 subdomain.
    pub fn subdomain(raw: &str) -> Result<Self, Expected> {
        if raw.len() <= 253 && raw.split('.').all(|l| is_dns_label(l, 63)) {
            Ok(Self(raw.to_string()))
        } else {
            Err(K8S_SUBDOMAIN_EXPECTED)
        }
    }
}

const EMAIL_EXPECTED: Expected =
    "an e-mail address such as ops@example.com (letters, digits and . _ % + - before the @, a hostname after it)";

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        let (local, domain) = raw.split_once('@').ok_or(EMAIL_EXPECTED)?;
        // A dot-atom (no dot first, last or doubled), and no leading `-` that a mail or ACME
        // tool could read as an option.
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && local
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || b"._%+-".contains(&c))
            && !local.starts_with(['.', '-'])
            && !local.ends_with('.')
            && !local.contains("..");
        if !local_ok || Hostname::parse(domain).is_err() {
            return Err(EMAIL_EXPECTED);
        }
        Ok(Self(raw.to_string()))
    }
}

const PROJECT_EXPECTED: Expected =
    "a GCP project ID: 6 to 30 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen";

impl ProjectId {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        let b = raw.as_bytes();
        let ok = (6..=30).contains(&b.len())
            && b[0].is_ascii_lowercase()
            && b[b.len() - 1] != b'-'
            && b.iter()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-');
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(PROJECT_EXPECTED)
        }
    }
}

const REGION_EXPECTED: Expected =
    "a GCP region such as us-central1 or europe-west4 (lower-case words joined by hyphens, ending in a digit)";

impl Region {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        let parts: Vec<&str> = raw.split('-').collect();
        let ok = raw.len() <= 40
            && parts.len() >= 2
            && parts[..parts.len() - 1]
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase()))
            && parts.last().is_some_and(|last| {
                let letters = last.trim_end_matches(|c: char| c.is_ascii_digit());
                !letters.is_empty()
                    && letters.len() < last.len()
                    && letters.bytes().all(|c| c.is_ascii_lowercase())
            });
        if ok {
            Ok(Self(raw.to_string()))
        } else {
            Err(REGION_EXPECTED)
        }
    }
}

const SERVICE_EXPECTED: Expected = "a Google API name such as run.googleapis.com";

impl ServiceName {
    pub fn parse(raw: &str) -> Result<Self, Expected> {
        match raw.strip_suffix(".googleapis.com") {
            Some(prefix) if prefix.split('.').all(|l| is_dns_label(l, 63)) => {
                Ok(Self(raw.to_string()))
            }
            _ => Err(SERVICE_EXPECTED),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames() {
        assert_eq!(
            Hostname::parse("App.Example.COM").unwrap().as_str(),
            "app.example.com"
        );
        for bad in [
            "",
            "app",
            "https://app.example.com",
            "app.example.com:443",
            "app.example.com/x",
            "app example.com",
            "app.example.com { respond 1 }",
            "-app.example.com",
            "app-.example.com",
            "app..example.com",
            "app.example.com.",
            "10.0.0.1",
            "ap\"p.example.com",
            "app.exam_ple.com",
            "{$APP_HOST}",
            "äpp.example.com",
        ] {
            assert!(Hostname::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Hostname::parse(&format!("{}.com", "a".repeat(63))).is_ok());
        assert!(Hostname::parse(&format!("{}.com", "a".repeat(64))).is_err());
    }

    #[test]
    fn images() {
        for good in [
            "ghcr.io/acme/starter-api:1.4.0",
            "starter-api",
            "localhost:5000/api:dev",
            "us-docker.pkg.dev/acme-prod/starter/api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "acme/api_x:latest",
            "acme/my__api---x.y:1",
        ] {
            assert!(ImageRef::parse(good).is_ok(), "{good:?} refused");
        }
        for bad in [
            "",
            "Acme/Api",
            "api:",
            "api:-x",
            "a b",
            "api\n",
            "${API_IMAGE}",
            "api@sha256:xyz",
            "api@sha256:0123456789abcdef0123456789abcdef",
            "api@sha256:0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
            "api@sha512:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "registry.example.com:99999/api:1",
            "registry.example.com:0/api:1",
            "api:\"1\"",
            "app-.example.com",
            "acme/-api",
            "acme/api_",
            "acme/a___b",
            "acme/a-_b",
            "acme/a..b",
            &"a".repeat(256),
        ] {
            assert!(ImageRef::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn gcp_names() {
        assert!(ProjectId::parse("acme-prod").is_ok());
        assert!(ProjectId::parse("acme").is_err());
        assert!(ProjectId::parse("1acme-prod").is_err());
        assert!(ProjectId::parse("acme-prod-").is_err());
        for good in ["us-central1", "europe-west4", "northamerica-northeast1"] {
            assert!(Region::parse(good).is_ok(), "{good}");
        }
        for bad in ["us-central", "central1", "US-central1", "us-central1-a"] {
            assert!(Region::parse(bad).is_err(), "{bad}");
        }
        assert!(ServiceName::parse("dns.googleapis.com").is_ok());
        assert!(ServiceName::parse("dns.example.com").is_err());
    }

    #[test]
    fn small_names() {
        assert!(EnvName::parse("prod").is_ok());
        assert!(EnvName::parse("../prod").is_err());
        assert!(EnvName::parse("Prod").is_err());
        assert!(K8sName::label("starter").is_ok());
        assert!(K8sName::label("Starter").is_err());
        assert!(K8sName::subdomain("starter-tls.v1").is_ok());
        assert!(Email::parse("ops@example.com").is_ok());
        assert!(Email::parse("ops{x}@example.com").is_err());
        assert!(Email::parse("first.last+tag@example.com").is_ok());
        for bad in [".@x.com", "-x@x.com", "a.@x.com", "a..b@x.com", ".a@x.com"] {
            assert!(Email::parse(bad).is_err(), "{bad} accepted");
        }
    }
}
