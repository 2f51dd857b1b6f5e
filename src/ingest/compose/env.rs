//! A service's `environment` (map or list form, `!reset` per key) and its `env_file` entries.

use super::*;

impl Layer<'_> {
    pub(super) fn environment(&self, node: &Node, set: &mut Settings) -> Result<(), ParseError> {
        let from_vars = |name: &str| {
            let v = self.vars.get(name)?;
            Some(Sourced::new(
                Setting::Known(v.value.clone()),
                v.origin.clone(),
            ))
        };
        let (env, resettable) = (&mut set.env, set.env_map == Some(true));
        set.env_map = Some(set.env_map.is_none() && node.is_map());
        match &node.value {
            Value::Map(entries) => {
                for (k, v) in entries {
                    let name = k.as_str().unwrap_or_default().to_string();
                    if self.tag(v) == RESET {
                        if resettable {
                            env.remove(&name);
                        }
                        continue;
                    }
                    let value = match self.scalar_setting(v, &format!("environment.{name}"))? {
                        Some(s) => Some(Sourced::new(s, self.input.origin(v.line, v.column))),
                        None => from_vars(&name),
                    };
                    env.insert(name, value);
                }
            }
            Value::Seq(items) => {
                for item in items {
                    // Compose refuses a plain number, boolean or null as a list entry.
                    let text = match &item.value {
                        Value::Scalar { text, plain }
                            if !*plain || !item.is_null() && typed(text).is_none() =>
                        {
                            text
                        }
                        _ => return Err(self.err(item, "expected `KEY=VALUE` or `KEY`")),
                    };
                    let at = self.input.origin(item.line, item.column);
                    let text = match self.expand_setting(item, text)? {
                        Setting::Known(text) => text,
                        // `KEY=${VAR:?}`: the name is known, the value is not.
                        Setting::Unknown(why) => match text.split_once('=') {
                            Some((k, _)) if !k.contains('$') => {
                                let unknown = Sourced::new(Setting::Unknown(why), at);
                                env.insert(k.to_string(), Some(unknown));
                                continue;
                            }
                            _ => {
                                let what = format!("`{text}`: the name itself is unknown ({why})");
                                return Err(self.err(item, what));
                            }
                        },
                    };
                    let (name, value) = match text.split_once('=') {
                        Some((k, v)) => (k, Some(Sourced::new(Setting::from(v), at))),
                        None => (text.as_str(), from_vars(&text)),
                    };
                    if name.is_empty() || name.ends_with(char::is_whitespace) {
                        let what = format!("`{name}`: expected a name with no trailing space");
                        return Err(self.err(item, what));
                    }
                    env.insert(name.to_string(), value);
                }
            }
            _ => return Err(self.err(node, "`environment` must be a map or a list of KEY=VALUE")),
        }
        Ok(())
    }

    pub(super) fn env_files(
        &self,
        node: &Node,
        list: &mut Vec<EnvFileRef>,
    ) -> Result<(), ParseError> {
        let items = match &node.value {
            Value::Seq(items) => items.as_slice(),
            Value::Scalar { .. } if !node.is_null() => std::slice::from_ref(node),
            _ => return Err(self.err(node, "`env_file` must be a path or a list of paths")),
        };
        for item in items {
            let required = item.get("required").map(|r| self.scalar(r, "required"));
            let required = required.transpose()?.flatten().is_none_or(|r| r != "false");
            let format = item.get("format").map(|f| self.scalar(f, "format"));
            let format = format.transpose()?.flatten();
            let raw = match format.as_deref() {
                None => false,
                Some("raw") => true,
                Some(other) => {
                    let what = format!("unknown env_file format `{other}`: Compose knows `raw`");
                    return Err(self.err(item, what));
                }
            };
            let path = item.get("path").unwrap_or(item);
            let path = match self.scalar_setting(path, "env_file")? {
                // Only inside the tree: `/etc/passwd` or `/proc/self/environ` are nobody's env
                // file, and their lines must never reach a report.
                Some(Setting::Known(p)) if !p.is_empty() => {
                    let full = self.dir.join(&p);
                    if full.exists() && !crate::ingest::bounded::inside(&full, &self.dir) {
                        let what = format!(
                            "env_file `{p}` is outside the Compose file's folder and the current \
                             folder: hostwiz reads no file outside the tree"
                        );
                        return Err(self.err(item, what));
                    }
                    Ok(full)
                }
                Some(Setting::Unknown(why)) => Err(why),
                _ => return Err(self.err(item, "expected an env file path")),
            };
            let origin = self.input.origin(item.line, item.column);
            let entry = EnvFileRef {
                path,
                required,
                raw,
                origin,
            };
            // A path listed again keeps its place and takes the later settings.
            let same = |e: &EnvFileRef| e.path.is_ok() && e.path == entry.path;
            match list.iter_mut().find(|e| same(e)) {
                Some(e) => *e = entry,
                None => list.push(entry),
            }
        }
        Ok(())
    }
}
