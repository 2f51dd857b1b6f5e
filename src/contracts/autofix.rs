//! The answer that fixes a finding, as data: the wizard applies it, nothing reads it back out
//! of a message.

/// One answer to change. Keys are the answers' dotted names (`billing.worker`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Autofix {
    /// Set an answer to this value.
    Set {
        key: &'static str,
        value: &'static str,
    },
    /// Set the `first` answer (key, value) while it is blank, the `then` answer once it is not.
    FillFirst {
        first: (&'static str, &'static str),
        then: (&'static str, &'static str),
    },
    /// Name a host beside another: `label.` and the parent domain of the host under `of`
    /// (`app.example.com` gives `api.example.com`).
    Sibling {
        key: &'static str,
        of: &'static str,
        label: &'static str,
    },
    /// Add an item to a comma-separated list answer.
    Append { key: &'static str, item: String },
}

impl Autofix {
    /// The answer to set and its new value, given each answer's text as it stands now.
    pub fn answer(&self, current: impl Fn(&str) -> String) -> (&'static str, String) {
        match self {
            Autofix::Set { key, value } => (key, value.to_string()),
            Autofix::FillFirst { first, then } => {
                let (key, value) = if current(first.0).is_empty() {
                    first
                } else {
                    then
                };
                (key, value.to_string())
            }
            Autofix::Sibling { key, of, label } => {
                let host = current(of);
                let parent = host.split_once('.').map_or(host.as_str(), |(_, p)| p);
                (key, format!("{label}.{parent}"))
            }
            Autofix::Append { key, item } => {
                let list = current(key);
                let mut items: Vec<&str> = list
                    .split(',')
                    .map(str::trim)
                    .filter(|x| !x.is_empty())
                    .collect();
                items.push(item);
                (key, items.join(","))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers(key: &str) -> String {
        match key {
            "domains.web" => "app.example.com".into(),
            "k8s.tls_secret" => "starter-tls".into(),
            "gcp.extra_services" => "a.googleapis.com, b.googleapis.com".into(),
            _ => String::new(),
        }
    }

    #[test]
    fn each_kind_gives_the_answer_to_set() {
        let set = Autofix::Set {
            key: "billing.worker",
            value: "dedicated",
        };
        assert_eq!(set.answer(answers), ("billing.worker", "dedicated".into()));
        let sibling = Autofix::Sibling {
            key: "domains.api",
            of: "domains.web",
            label: "api",
        };
        assert_eq!(
            sibling.answer(answers),
            ("domains.api", "api.example.com".into())
        );
        let append = Autofix::Append {
            key: "gcp.extra_services",
            item: "c.googleapis.com".into(),
        };
        assert_eq!(
            append.answer(answers).1,
            "a.googleapis.com,b.googleapis.com,c.googleapis.com"
        );
    }

    #[test]
    fn fill_first_moves_on_once_the_first_is_set() {
        let both = Autofix::FillFirst {
            first: ("k8s.tls_secret", "t"),
            then: ("k8s.api_tls_secret", "a"),
        };
        assert_eq!(both.answer(answers), ("k8s.api_tls_secret", "a".into()));
        assert_eq!(
            both.answer(|_| String::new()),
            ("k8s.tls_secret", "t".into())
        );
    }
}
