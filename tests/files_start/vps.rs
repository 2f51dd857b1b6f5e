//! VPS: every preset configured by Docker Compose with the checklist's own commands: its
//! steps 1 and 2 run by the shell in a checkout laid out like the starter's (the env file
//! templates installed, the random secrets generated), the values left for the operator filled
//! with dummies, then its deploy line as `config`. Every service's resolved environment has
//! what the startup contract requires.

use super::{
    admits, answer, answers, contents, presets_of, server_problems, url_host, variants, written,
};
use crate::support::validators;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The `sh` blocks of the checklist section whose heading starts with `## <n>.`.
fn section_sh(checklist: &str, n: u32) -> String {
    let head = format!("## {n}.");
    let section = checklist
        .split("\n## ")
        .find(|s| format!("## {s}").starts_with(&head))
        .unwrap_or_else(|| panic!("no section {n}"));
    section
        .split("```sh\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect()
}

/// Dummy values for what the operator fills by hand (the checklist generates the random ones).
fn dummy(name: &str) -> String {
    match name {
        "DATABASE_URL" => "postgresql+asyncpg://app:pw@db.internal:5432/app?ssl=require".into(),
        "REDIS_URL" => "rediss://:pw@redis.internal:6379/0".into(),
        other => format!("dummy-{}", other.to_ascii_lowercase()),
    }
}

/// Fills every `KEY=` line of an env file with a dummy; returns the keys it filled.
fn fill(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut filled = Vec::new();
    let out: Vec<String> = text
        .lines()
        .map(|l| match l.strip_suffix('=') {
            Some(k) if !l.starts_with('#') => {
                filled.push(k.to_string());
                format!("{l}{}", dummy(k))
            }
            _ => l.to_string(),
        })
        .collect();
    std::fs::write(path, out.join("\n") + "\n").unwrap();
    filled
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn check(preset: &str, sets: &[String]) {
    let Some(compose) = validators::compose_v2() else {
        return;
    };
    let (out, files) = written(preset, sets);
    let checklist = contents(&files, "CHECKLIST.md");
    let what = format!("{preset} {sets:?}");
    let repo = tempfile::tempdir().unwrap();
    let ops = repo.path().join("ops/compose");
    std::fs::create_dir_all(ops.join("caddy")).unwrap();
    for dir in ["apps/api-service", "apps/web-app"] {
        std::fs::create_dir_all(repo.path().join(dir)).unwrap();
    }
    std::fs::copy(
        validators::manifest_dir()
            .join("tests/fixtures/compose-starter/ops/compose/docker-compose.prod.yml"),
        ops.join("docker-compose.prod.yml"),
    )
    .unwrap();
    // Steps 1 and 2 as written: the files in place, the env files installed and generated.
    let steps = format!(
        "set -eu\n{}{}",
        section_sh(checklist, 1),
        section_sh(checklist, 2)
    );
    let run = validators::output(
        Command::new("bash")
            .args(["-c", &steps])
            .current_dir(repo.path())
            .env("OUT", out.path()),
        None,
    );
    assert!(
        run.status.success(),
        "{what}: the checklist's steps 1-2 fail\n{steps}\n{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let api_env = repo.path().join("apps/api-service/.env.local");
    let web_env = repo.path().join("apps/web-app/.env.local");
    assert_eq!(mode(&api_env), 0o600, "{what}");
    assert_eq!(mode(&web_env), 0o600, "{what}");
    let generated = std::fs::read_to_string(&api_env).unwrap();
    for key in [
        "SECRET_KEY",
        "AUTH_PASSWORD_PEPPER",
        "AUTH_REFRESH_TOKEN_PEPPER",
    ] {
        let v = generated
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{key}=")))
            .unwrap_or_else(|| panic!("{what}: no {key} line"));
        assert!(
            v.len() == 64 && v.bytes().all(|b| b.is_ascii_hexdigit()),
            "{what}: step 2 generates {key}"
        );
    }
    // What the operator fills by hand: everything else that is still empty.
    let by_hand: Vec<String> = [&api_env, &web_env].iter().flat_map(|p| fill(p)).collect();

    // Step 4's deploy line, as `config`.
    let deploy = section_sh(checklist, 4);
    let line = deploy
        .lines()
        .find(|l| l.starts_with("docker compose "))
        .unwrap_or_else(|| panic!("{what}: no docker compose line\n{deploy}"));
    assert!(
        deploy.contains("cd ops/compose"),
        "{what}: deploys from ops/compose"
    );
    let args: Vec<&str> = line["docker compose ".len()..]
        .split_whitespace()
        .take_while(|a| *a != "up")
        .collect();
    let mut cmd = Command::new(compose);
    for var in validators::DEPLOY_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.args(&args)
        .args(["config", "--format", "json"])
        .current_dir(&ops);
    let json = validators::run(&mut cmd).stdout;
    let v: Value = serde_json::from_slice(&json).unwrap();

    let t = answers(&files);
    let billing = t["billing"]["enabled"].as_bool() == Some(true);
    let dedicated = answer(&t, "billing", "worker") == Some("dedicated");
    assert_eq!(!v["services"]["worker"].is_null(), dedicated, "{what}");
    let internal = |net: &str| v["networks"][net]["internal"] == true;
    let servers: &[&str] = if dedicated {
        &["api", "worker"]
    } else {
        &["api"]
    };
    for server in servers {
        let env = &v["services"][*server]["environment"];
        let get = |k: &str| env[k].as_str().map(str::to_string);
        // By reference: from the env file kept off git, filled there.
        let from_file = |k: &str| {
            generated.lines().any(|l| l.starts_with(&format!("{k}=")))
                && get(k).is_some_and(|v| !v.is_empty())
        };
        let problems = server_problems(&get, &from_file, billing);
        assert!(problems.is_empty(), "{what}: the {server}: {problems:?}");
        let nets = v["services"][*server]["networks"].as_object().unwrap();
        assert!(
            nets.keys().any(|n| !internal(n)),
            "{what}: the {server} has no egress: {nets:?}"
        );
        let hosts = get("ALLOWED_HOSTS").unwrap_or_default();
        for h in ["127.0.0.1", "api"] {
            assert!(admits(&hosts, h), "{what}: ALLOWED_HOSTS={hosts} lacks {h}");
        }
        if let Some(api) = answer(&t, "domains", "api").filter(|a| !a.is_empty()) {
            assert!(
                admits(&hosts, api),
                "{what}: ALLOWED_HOSTS={hosts} lacks {api}"
            );
        }
    }
    let web = &v["services"]["web"]["environment"];
    let base = web["API_BASE_URL"].as_str().unwrap_or("");
    assert_eq!(base, "http://api:8000", "{what}");
    assert!(!v["services"][url_host(base)].is_null());
    assert_eq!(web["HOSTNAME"], "0.0.0.0", "{what}");
    assert!(web["APP_PUBLIC_URL"]
        .as_str()
        .is_some_and(|u| u.starts_with("https://")));
    // The templates hold no value the operator must invent but a reference to fill.
    for k in &by_hand {
        assert!(
            ![
                "SECRET_KEY",
                "AUTH_PASSWORD_PEPPER",
                "AUTH_REFRESH_TOKEN_PEPPER"
            ]
            .contains(&k.as_str()),
            "{what}: {k} was left for the operator though step 2 generates it"
        );
    }
}

#[test]
fn every_vps_preset_configures_services_that_start() {
    for preset in presets_of("vps") {
        for sets in variants(&preset) {
            check(&preset, &sets);
        }
    }
}
