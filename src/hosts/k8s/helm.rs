//! Values judged by rendering the repo's own chart with them (`helm template`), so what the
//! chart's templates do (an ingress that sends `/api` to the API) is what is judged, not what
//! the documented chart does. Each setting of the rendered plan points back at the values line
//! that set it when the values set it, otherwise at its template (`# Source:`).

use super::{manifests_plan, values_plan};
use crate::error::{Error, Result};
use crate::ingest::{shown_path, Input};
use crate::plan::{Origin, Plan, Sourced};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The `helm` to render with: `--helm`, then `HOSTWIZ_HELM`, then `helm` on PATH.
pub fn binary(given: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = given {
        return Some(p.to_path_buf());
    }
    if let Some(p) = std::env::var_os("HOSTWIZ_HELM").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("helm"))
        .find(|p| p.is_file())
}

/// The chart the values belong to: the folder of the first values file, when it holds a
/// `Chart.yaml`.
pub fn chart_of(values: &[Input]) -> Option<PathBuf> {
    let dir = Path::new(&values.first()?.path).parent()?.to_path_buf();
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    dir.join("Chart.yaml").is_file().then_some(dir)
}

/// The plan of the chart rendered with `values` (later files win, as `-f` layers them).
pub fn plan(
    helm: &Path,
    chart: &Path,
    values: &[Input],
    release: &str,
    namespace: &str,
) -> Result<Plan> {
    // The values as read (standard input, a migration phase's edits) go to helm as files in
    // a folder of this run's own, removed afterwards.
    static RUN: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = RUN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = std::env::temp_dir().join(format!("hostwiz-helm-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io(&tmp, "create", e))?;
    let mut cmd = Command::new(helm);
    cmd.args(["template", release])
        .arg(chart)
        .args(["--namespace", namespace]);
    for (i, v) in values.iter().enumerate() {
        let file = tmp.join(format!("{i}.yaml"));
        std::fs::write(&file, &v.text).map_err(|e| Error::io(&file, "write", e))?;
        cmd.arg("-f").arg(&file);
    }
    let out = cmd.output();
    let _ = std::fs::remove_dir_all(&tmp);
    let out = out.map_err(|e| Error::io(helm, "run", e))?;
    if !out.status.success() {
        return Err(Error::Parse {
            path: shown_path(chart),
            message: format!(
                "helm template failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        });
    }
    let stream = split_glued(&String::from_utf8_lossy(&out.stdout));
    let rendered = Input::new(format!("{} (helm template)", shown_path(chart)), stream);
    let mut plan = manifests_plan(&rendered)?;
    let from_values = values_plan(values).ok();
    let sources = Sources::new(&rendered, chart);
    remap(&mut plan, from_values.as_ref(), &sources, &rendered.path);
    Ok(plan)
}

/// Helm splits a template's output on `---` even when the next line is glued to it
/// (`---apiVersion: v1`); so does hostwiz.
pub fn split_glued(stream: &str) -> String {
    let mut out = String::with_capacity(stream.len());
    for line in stream.split_inclusive('\n') {
        match line.strip_prefix("---") {
            Some(rest) if !rest.trim().is_empty() && !rest.starts_with(['-', ' ', '\t', '#']) => {
                out.push_str("---\n");
                out.push_str(rest);
            }
            _ => out.push_str(line),
        }
    }
    out
}

/// Where each line of the rendered stream came from: its template and the template's text.
struct Sources {
    /// Per stream line (0-based): the template file as shown, and that template's lines.
    lines: Vec<Option<usize>>,
    templates: Vec<(String, Vec<String>)>,
    stream: Vec<String>,
}

impl Sources {
    fn new(rendered: &Input, chart: &Path) -> Self {
        let (mut lines, mut templates) = (Vec::new(), Vec::<(String, Vec<String>)>::new());
        let mut current = None;
        for line in rendered.text.lines() {
            if let Some(src) = line.strip_prefix("# Source: ") {
                // `starter/templates/x.yaml`: the chart's own folder name comes first.
                let rel = src.trim().split_once('/').map_or(src.trim(), |(_, r)| r);
                let path = chart.join(rel);
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                templates.push((
                    shown_path(&path),
                    text.lines().map(str::to_string).collect(),
                ));
                current = Some(templates.len() - 1);
            }
            lines.push(current);
        }
        let stream = rendered.text.lines().map(str::to_string).collect();
        Self {
            lines,
            templates,
            stream,
        }
    }

    /// The template line a rendered line came from: the line with the same text, else the
    /// one with the same key, else the template's first line.
    fn origin(&self, line: u32) -> Option<Origin> {
        let i = line.checked_sub(1)? as usize;
        let (path, tpl) = &self.templates[(*self.lines.get(i)?)?];
        let text = self.stream.get(i)?.trim().trim_start_matches("- ");
        let key = text.split_once(':').map(|(k, _)| format!("{}:", k.trim()));
        let found = tpl
            .iter()
            .position(|l| l.trim().trim_start_matches("- ") == text)
            .or_else(|| {
                let key = key.as_deref()?;
                tpl.iter()
                    .position(|l| l.trim().trim_start_matches("- ").starts_with(key))
            });
        let (line, column) = match found {
            Some(n) => (n + 1, tpl[n].len() - tpl[n].trim_start().len() + 1),
            None => (1, 1),
        };
        Some(Origin::File {
            path: path.clone(),
            line: line as u32,
            column: column as u32,
        })
    }
}

/// Every origin in the rendered stream, moved to the values line that set the same setting
/// when the values did, otherwise to its template.
fn remap(plan: &mut Plan, values: Option<&Plan>, sources: &Sources, stream: &str) {
    let to_template = |o: &mut Origin| {
        if let Origin::File { path, line, .. } = o {
            if path == stream {
                if let Some(t) = sources.origin(*line) {
                    *o = t;
                }
            }
        }
    };
    // A setting the values gave keeps the values' line; only file origins count (the chart
    // semantics' documented defaults say nothing about where the template took it from).
    let from_values = |found: Option<&Origin>, o: &mut Origin| match found {
        Some(v @ Origin::File { .. }) => *o = v.clone(),
        _ => to_template(o),
    };
    for h in plan.web_hosts.iter_mut() {
        let v = values.and_then(|v| v.web_hosts.iter().find(|w| w.value == h.value));
        from_values(v.map(|s| &s.origin), &mut h.origin);
    }
    if let Some(h) = plan.api_host.as_mut() {
        let v = values
            .and_then(|v| v.api_host.as_ref())
            .filter(|a| a.value == h.value);
        from_values(v.map(|s| &s.origin), &mut h.origin);
    }
    for r in plan.routes.iter_mut() {
        let v = values.and_then(|v| {
            v.routes
                .iter()
                .find(|x| x.host == r.host && x.prefix == r.prefix && x.target == r.target)
        });
        from_values(v.map(|x| &x.origin), &mut r.origin);
    }
    match &mut plan.tls {
        crate::plan::Tls::Automatic(o) => to_template(o),
        crate::plan::Tls::Hosts(hosts) => hosts.iter_mut().for_each(|h| to_template(&mut h.origin)),
    }
    for p in plan.processes.iter_mut() {
        let v = values.and_then(|v| v.processes(p.role).next());
        let same_replicas = v.filter(|v| v.replicas.value == p.replicas.value);
        from_values(
            same_replicas.map(|v| &v.replicas.origin),
            &mut p.replicas.origin,
        );
        from_values(
            same_replicas.map(|v| &v.replicas.min_origin),
            &mut p.replicas.min_origin,
        );
        for (k, s) in p.env.iter_mut() {
            let found = v
                .and_then(|v| v.env.get(k))
                .filter(|x| x.value == s.value)
                .map(|x: &Sourced<_>| &x.origin);
            from_values(found, &mut s.origin);
        }
        p.unread_env
            .iter_mut()
            .for_each(|u| to_template(&mut u.origin));
        from_values(v.map(|v| &v.origin), &mut p.origin);
    }
}

/// Without rendering: the `apiVersion` the chart's own templates give their ExternalSecrets
/// (the starter's say `external-secrets.io/v1beta1`, which current External Secrets no longer
/// serves), read from `templates/` as written. `None` when no template declares one literally.
pub fn external_secret_api(chart: &Path) -> Option<String> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(chart.join("templates"))
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    paths.iter().find_map(|p| {
        let bytes = crate::ingest::bounded::read(
            p,
            crate::ingest::bounded::MAX_LIST,
            "a chart template",
            "read the chart's templates",
        )
        .ok()?;
        let text = String::from_utf8(bytes).ok()?;
        text.split("\n---").find_map(|doc| {
            let lines = || doc.lines().map(str::trim);
            lines().any(|l| l == "kind: ExternalSecret").then_some(())?;
            lines()
                .find_map(|l| l.strip_prefix("apiVersion:"))
                .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
                .filter(|v| !v.is_empty() && !v.contains("{{"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_separators_split_as_helm_splits_them() {
        assert_eq!(
            split_glued("a: 1\n---apiVersion: v1\n---\nb: 2\n--- # c\n----\n"),
            "a: 1\n---\napiVersion: v1\n---\nb: 2\n--- # c\n----\n"
        );
    }
}
