//! A service as the files define it, finished: its effective env (env files under
//! `environment`), replicas and whether a profile activates it.

use super::*;

impl Settings {
    /// What `!reset` and `!override` on a service key drop before anything is merged.
    pub(super) fn clear(&mut self, key: &str) {
        match key {
            "image" => self.image = None,
            "environment" => (self.env, self.env_map) = (BTreeMap::new(), None),
            "env_file" => self.env_files.clear(),
            "profiles" => {
                self.profiles.clear();
                self.unknown_profiles.clear();
            }
            "deploy" => self.replicas = None,
            "scale" => self.scale = None,
            "networks" => self.networks.clear(),
            _ => {}
        }
    }
}

impl Acc {
    pub(super) fn finish(self, active: &[String], vars: &Vars) -> Result<Service, ParseError> {
        let s = self.set;
        let unprofiled = s.profiles.is_empty() && s.unknown_profiles.is_empty();
        let is_active = unprofiled || active.iter().any(|a| a == "*" || s.profiles.contains(a));
        // `${VAR}` in an env file reads the project's variables, then the service's own
        // `environment`, then earlier env files and lines (found with `docker compose config`).
        let own = s.env.iter().filter_map(|(k, v)| {
            let v = v.as_ref()?;
            let known = v.value.known()?.to_string();
            Some((k.clone(), Sourced::new(known, v.origin.clone())))
        });
        let mut outer = Vars(own.collect());
        outer.extend(vars.clone());
        let mut from_files = Vars::default();
        // What earlier env files set, made unknown by a later missing one that may override it.
        let mut unknown_from_files: BTreeMap<String, Sourced<Setting>> = BTreeMap::new();
        let mut missing_env_files = Vec::new();
        for EnvFileRef {
            path,
            required,
            raw,
            origin,
        } in &s.env_files
        {
            let full = match path {
                Ok(full) => full,
                // `env_file: ${DIR:?}/x.env` with DIR unset: which file, and so what it sets,
                // is unknown.
                Err(why) => {
                    if is_active && *required {
                        for (k, v) in std::mem::take(&mut from_files.0) {
                            let unknown = Setting::Unknown(why.clone());
                            unknown_from_files.insert(k, Sourced::new(unknown, v.origin));
                        }
                        missing_env_files.push(Sourced::new(why.clone(), origin.clone()));
                    }
                    continue;
                }
            };
            let path = full.display();
            let shown = crate::ingest::shown_path(full);
            // Only regular files, read with a bound: a FIFO or a device such as /dev/zero would
            // never end.
            let read = match std::fs::metadata(full) {
                Ok(meta) if !meta.is_file() => Err((false, "not a regular file".to_string())),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err((true, e.to_string())),
                _ => crate::ingest::bounded::read(
                    full,
                    crate::ingest::bounded::MAX_LIST,
                    "an env file",
                    "read",
                )
                .map_err(|e| (false, e.to_string())),
            };
            let text =
                read.and_then(|b| String::from_utf8(b).map_err(|_| (false, "not UTF-8".into())));
            // Compose reads the env files of active services only.
            let text = match text {
                Ok(text) => text,
                Err(_) if !is_active || !*required => continue,
                // A gitignored env file is absent from every fresh clone: what it would set is
                // unknown, not an error.
                Err((true, _)) => {
                    let why = Unknown::MissingFile(shown);
                    for (k, v) in std::mem::take(&mut from_files.0) {
                        let unknown = Setting::Unknown(why.clone());
                        unknown_from_files.insert(k, Sourced::new(unknown, v.origin));
                    }
                    missing_env_files.push(Sourced::new(why, origin.clone()));
                    continue;
                }
                Err((false, why)) => {
                    let what = format!("cannot read env_file `{path}` ({shown}): {why}");
                    return Err(error_at(origin, what));
                }
            };
            let input = Input::new(shown, text);
            let parsed = match raw {
                true => refs::parse_raw(&input).map(|vars| {
                    let mut merged = from_files.clone();
                    merged.extend(vars);
                    merged
                }),
                false => envfile::parse_with(&input, &outer, from_files.clone()),
            };
            match parsed {
                Ok(merged) => from_files = merged,
                Err(e) if is_active => return Err(e),
                Err(_) => {}
            }
        }
        let mut environment = unknown_from_files;
        environment.extend(
            from_files
                .0
                .into_iter()
                .map(|(k, v)| (k, Sourced::new(Setting::Known(v.value), v.origin))),
        );
        for (key, value) in s.env {
            match value {
                Some(v) => environment.insert(key, v),
                None => environment.remove(&key),
            };
        }
        let replicas = match (s.replicas, s.scale) {
            (Some(r), Some(n)) if r.value.is_ok() && n.value.is_ok() && r.value != n.value => {
                let (rv, nv) = (r.value.unwrap_or_default(), n.value.unwrap_or_default());
                let what = format!("`scale: {nv}` and `deploy.replicas: {rv}` differ");
                return Err(error_at(&n.origin, what));
            }
            (Some(r), _) | (None, Some(r)) => r,
            (None, None) => Sourced::new(Ok(1), Origin::Default("Compose replicas")),
        };
        let (replicas, replicas_unknown) = match replicas.value {
            Ok(n) => (Sourced::new(n, replicas.origin), None),
            Err(why) => (Sourced::new(1, replicas.origin), Some(why)),
        };
        let (name, origin, image, profiles) = (self.name, self.origin, s.image, s.profiles);
        let active = is_active;
        Ok(Service {
            name,
            origin,
            image,
            environment,
            missing_env_files,
            replicas,
            replicas_unknown,
            profiles,
            active,
            networks: s.networks,
        })
    }
}
