//! The Compose reader against the real thing: the starter's base file under hostwiz's rendered
//! worker override resolves the way the billing contract needs, `docker compose config` (v2)
//! agrees with `compose::load` on every scenario (and fails where it fails), env files parse
//! as compose reads them, and no malformed input makes either reader panic.

#[path = "support/validators.rs"]
mod validators;

use hostwiz::ingest::compose::{self, Compose};
use hostwiz::ingest::{envfile, Input, ParseError, Vars};
use hostwiz::plan::Origin;
use hostwiz::source::{self, Source};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

const FLAGS: [&str; 2] = [
    "ENABLE_BILLING_RETRY_WORKER",
    "ENABLE_BILLING_STREAM_REPLAY",
];
const ENV: &str =
    "APP_HOST=app.example.com\nAPI_IMAGE=ghcr.io/acme/api:1\nWEB_IMAGE=ghcr.io/acme/web:1\n";

fn base() -> String {
    std::fs::read_to_string(validators::compose_base_file()).unwrap()
}

fn rendered_worker() -> (hostwiz::Answers, BTreeMap<String, String>) {
    let answers = source::load(&Source::Preset("vps-worker".into()), &[]).unwrap();
    let files = hostwiz::render::render(&answers);
    (
        answers,
        files.into_iter().map(|f| (f.path, f.contents)).collect(),
    )
}

fn vars(text: &str) -> Vars {
    envfile::parse(&Input::new("vars.env", text)).unwrap()
}

/// Writes `files` under a fresh folder and reads back the Compose ones (all but `*.env`).
fn write(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<PathBuf>, Vec<Input>) {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        if !name.ends_with(".env") {
            paths.push(path);
        }
    }
    let inputs = paths.iter().map(|p| input(p)).collect();
    (dir, paths, inputs)
}

fn input(path: &Path) -> Input {
    Input::new(
        path.display().to_string(),
        std::fs::read_to_string(path).unwrap(),
    )
}

fn line_of(text: &str, needle: &str) -> (u32, u32) {
    let (i, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(needle))
        .unwrap();
    (i as u32 + 1, line.find(needle).unwrap() as u32 + 1)
}

#[test]
fn starter_base_under_the_rendered_worker_override() {
    let (answers, rendered) = rendered_worker();
    let override_text = &rendered["docker-compose.worker.yml"];
    let (dir, paths, inputs) = write(&[
        ("docker-compose.prod.yml", &base()),
        ("docker-compose.worker.yml", override_text),
    ]);
    let env = envfile::parse(&Input::new("compose.env", rendered["compose.env"].as_str())).unwrap();
    let c = compose::load(&inputs, &env, &[]).unwrap();
    let over = paths[1].display().to_string();

    let api = c.service("api").unwrap();
    let api_text = &override_text[override_text.find("  api:").unwrap()..];
    let api_line = override_text[..override_text.find("  api:").unwrap()]
        .lines()
        .count() as u32;
    for flag in FLAGS {
        let v = &api.environment[flag];
        assert_eq!(v.value, "false", "{flag}");
        let (line, _) = line_of(api_text, &format!("{flag}:"));
        let column = api_text
            .lines()
            .nth(line as usize - 1)
            .unwrap()
            .find('"')
            .unwrap() as u32
            + 1;
        let path = over.clone();
        assert_eq!(
            v.origin,
            Origin::File {
                path,
                line: api_line + line,
                column
            },
            "{flag}"
        );
    }
    assert_eq!(
        api.environment["BILLING_RETRY_DEPLOYMENT_MODE"].value,
        "dedicated"
    );
    assert_eq!(api.replicas.value, answers.scale.api_replicas);
    assert!(matches!(&api.replicas.origin, Origin::File { path, .. } if *path == over));
    // Values from the base file keep pointing there.
    let (line, _) = line_of(&base(), "REDIS_URL:");
    assert!(
        matches!(&api.environment["REDIS_URL"].origin, Origin::File { line: l, .. } if *l == line)
    );

    let worker = c.service("worker").unwrap();
    assert!(
        worker.active,
        "COMPOSE_PROFILES=worker in compose.env activates it"
    );
    assert_eq!(
        worker.image.as_ref().unwrap().value,
        answers.images.api.to_string()
    );
    assert_eq!(worker.replicas.value, answers.scale.worker_replicas);
    for flag in FLAGS {
        assert_eq!(worker.environment[flag].value, "true");
    }
    assert!(!c.service("postgres").unwrap().active);

    // Without COMPOSE_PROFILES (phase 1 of the migration) the API is off and the worker too.
    let mut phase1 = env.clone();
    phase1.0.remove("COMPOSE_PROFILES");
    let c = compose::load(&inputs, &phase1, &[]).unwrap();
    assert!(!c.service("worker").unwrap().active);
    assert_eq!(
        c.service("api").unwrap().environment[FLAGS[0]].value,
        "false"
    );
    drop(dir);
}

/// `docker compose config --format json` for the same files, profiles and variables, compared
/// service by service: which are active, image, replicas, and the whole environment.
fn agree(scenario: &str, files: &[(&str, &str)], profiles: &[&str], env: &str) -> Compose {
    let (_dir, paths, inputs) = write(files);
    let vars = vars(env);
    let owned: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
    let mine =
        compose::load(&inputs, &vars, &owned).unwrap_or_else(|e| panic!("{scenario}: {e:?}"));
    let pairs: Vec<(&str, &str)> = vars
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.value.as_str()))
        .collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    let Some(json) = validators::compose_config_json(&refs, profiles, &pairs) else {
        return mine;
    };
    let json: Value = serde_json::from_str(&json).unwrap();
    let theirs = json["services"].as_object().unwrap();
    let active: BTreeSet<&str> = mine
        .services
        .iter()
        .filter(|s| s.active)
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(
        active,
        theirs.keys().map(String::as_str).collect(),
        "{scenario}: active services"
    );
    // `config` writes a literal `$` as `$$`.
    let text = |v: &Value| v.as_str().map(|s| s.replace("$$", "$"));
    for (name, svc) in theirs {
        let m = mine.service(name).unwrap();
        let env: BTreeMap<String, String> = svc["environment"]
            .as_object()
            .into_iter()
            .flatten()
            .filter_map(|(k, v)| Some((k.clone(), text(v)?)))
            .collect();
        let my_env: BTreeMap<String, String> = m
            .environment
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect();
        assert_eq!(my_env, env, "{scenario}: {name} environment");
        assert_eq!(
            m.image.as_ref().map(|i| i.value.clone()),
            text(&svc["image"]),
            "{scenario}: {name} image"
        );
        let replicas = svc["deploy"]["replicas"]
            .as_u64()
            .or(svc["scale"].as_u64())
            .unwrap_or(1);
        assert_eq!(
            u64::from(m.replicas.value),
            replicas,
            "{scenario}: {name} replicas"
        );
    }
    mine
}

#[test]
fn docker_compose_agrees() {
    let (_, rendered) = rendered_worker();
    let (base, worker) = (base(), rendered["docker-compose.worker.yml"].clone());
    let (b, w) = (
        ("docker-compose.prod.yml", base.as_str()),
        ("docker-compose.worker.yml", worker.as_str()),
    );
    let with = |extra: &str| format!("{ENV}{extra}");
    let list =
        "services:\n  api:\n    environment:\n      - ENABLE_BILLING_RETRY_WORKER=false\n      \
                - ENABLE_BILLING_STREAM_REPLAY\n      - BILLING_RETRY_DEPLOYMENT_MODE\n      \
                - \"PUBLIC_URL=https://${APP_HOST}/a=b\"\n";
    let env_file = "services:\n  api:\n    env_file: [flags.env]\n    environment:\n      \
                    ENABLE_BILLING_STREAM_REPLAY: \"false\"\n      REDIS_URL:\n  worker:\n    env_file:\n      \
                    - path: more.env\n      - path: absent.env\n        required: false\n";
    let flags = "# billing flags\nexport ENABLE_BILLING_RETRY_WORKER=false   # inline\nENABLE_BILLING_STREAM_REPLAY=true\n\
                 BILLING_RETRY_DEPLOYMENT_MODE=\"dedicated\"\nSINGLE='as ${APP_HOST} \\n is'\n\
                 DOUBLE=\"t\\tn\\n \\\"q\\\" $$ \\$HOME ${APP_HOST:-none}\"\nMULTI=\"a\nb\" # after\n\
                 YAML_STYLE: value\nURL=${APP_HOST}/p#frag\nHASH=a #c\nBARE_UNSET_HOSTWIZ\n  spaced  =  x y  \n";
    let more =
        "ENABLE_BILLING=true\nFROM_FIRST=${BILLING_RETRY_DEPLOYMENT_MODE:-no}\nOCTAL=\"\\0101\"\n";
    let scale =
        "services:\n  api:\n    deploy:\n      replicas: 3\n  web:\n    scale: 2\n  worker:\n    \
                 deploy:\n      replicas: \"${WORKER_REPLICAS:-1}\"\n";
    let flag_on = "services:\n  api:\n    environment:\n      ENABLE_BILLING_RETRY_WORKER: true\n";
    let tags = "services:\n  api:\n    environment: !override\n      ONLY: \"this\"\n  worker:\n    \
                environment:\n      ENABLE_BILLING_STREAM_REPLAY: !reset\n    deploy: !reset\n  postgres:\n    \
                profiles: !override [worker]\n  redis: !reset\n";
    let scalars = "services:\n  app:\n    image: \"busybox:${HOSTWIZ_TEST_TAG:-latest}\"\n    environment:\n      \
                   A: True\n      B: 1.0\n      C: 0x1F\n      D: 017\n      E: 1e6\n      F: yes\n      \
                   HOSTWIZ_NULL_UNSET: ~\n      H: !!str 1.50\n      I: 1_000\n      J: \"$${NOT_EXPANDED}\"\n      \
                   K: ${UNSET_ONE:-${APP_HOST:+set}}\n      L: ${APP_HOST-x}${EMPTY:-fallback}${EMPTY-kept}\n      \
                   M: 12345678901234567890\n      N: -0.0\n      O: .inf\n      P: 0.00001\n      Q: 123456789.5\n      \
                   R: 08\n      S: -0\n      T: +12\n    deploy:\n      replicas: 0x2\n";
    let multi = "x-flags: &flags\n  ENABLE_BILLING_RETRY_WORKER: \"false\"\nservices:\n  api:\n    image: a\n    \
                 environment:\n      <<: *flags\n      OTHER: \"1\"\n---\nservices:\n  api:\n    environment:\n      \
                 OTHER: \"2\"\n";

    let c = agree("base alone", &[b], &[], ENV);
    assert!(!c.service("api").unwrap().environment.contains_key(FLAGS[0]));
    agree(
        "base + override, --profile worker",
        &[b, w],
        &["worker"],
        ENV,
    );
    agree(
        "COMPOSE_PROFILES in vars",
        &[b, w],
        &[],
        &with("COMPOSE_PROFILES=worker\n"),
    );
    agree(
        "--profile replaces COMPOSE_PROFILES",
        &[b, w],
        &["local-db"],
        &with("COMPOSE_PROFILES=worker\n"),
    );
    agree(
        "COMPOSE_PROFILES with spaces, all profiles",
        &[b, w],
        &[],
        &with("COMPOSE_PROFILES= local-db , *\n"),
    );
    agree("override without the profile", &[b, w], &[], ENV);
    agree(
        "environment list form",
        &[b, ("list.yml", list)],
        &[],
        &with("ENABLE_BILLING_STREAM_REPLAY=false\n"),
    );
    let files = [
        b,
        ("sub/env-file.yml", env_file),
        ("flags.env", flags),
        ("more.env", more),
        w,
    ];
    agree(
        "env_file, relative to the project folder",
        &files,
        &["worker"],
        ENV,
    );
    agree(
        "deploy.replicas and scale",
        &[b, w, ("scale.yml", scale)],
        &["worker"],
        ENV,
    );
    agree(
        "nested default, worker image set",
        &[b, w],
        &["worker"],
        &with("WORKER_IMAGE=ghcr.io/acme/w:2\n"),
    );
    agree(
        "nested default, worker image empty",
        &[b, w],
        &["worker"],
        &with("WORKER_IMAGE=\n"),
    );
    agree(
        "a later file turns one flag back on",
        &[b, w, ("on.yml", flag_on)],
        &["worker"],
        ENV,
    );
    agree(
        "!reset and !override",
        &[b, w, ("tags.yml", tags)],
        &["worker"],
        ENV,
    );
    agree(
        "plain scalars and interpolation forms",
        &[("s.yml", scalars)],
        &[],
        &with("EMPTY=\n"),
    );
    agree(
        "two documents and a merge key",
        &[("m.yml", multi)],
        &[],
        ENV,
    );
}

/// Both readers refuse: hostwiz with a ParseError at the given line, compose with a failure.
fn both_refuse(files: &[(&str, &str)], env: &str, line: u32, says: &str) {
    let (_dir, paths, inputs) = write(files);
    let err: ParseError = compose::load(&inputs, &vars(env), &[]).unwrap_err();
    assert_eq!(err.line, line, "{err:?}");
    assert!(err.message.contains(says), "{err:?}");
    let Some(exe) = validators::compose_v2() else {
        return;
    };
    let mut cmd = Command::new(exe);
    for var in validators::DEPLOY_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(vars(env).0.into_iter().map(|(k, v)| (k, v.value)));
    paths.iter().for_each(|p| drop(cmd.arg("-f").arg(p)));
    validators::run_expect_failure(cmd.arg("config"), None);
}

#[test]
fn errors_carry_lines_and_match_compose_refusals() {
    let base = base();
    let b = ("docker-compose.prod.yml", base.as_str());
    let (line, _) = line_of(&base, "image: ${API_IMAGE:?");
    both_refuse(
        &[b],
        "APP_HOST=a\nWEB_IMAGE=w\n",
        line,
        "required variable API_IMAGE is missing a value",
    );
    let missing = "services:\n  api:\n    image: x\n    env_file:\n      - nope.env\n";
    both_refuse(
        &[("c.yml", missing)],
        "",
        5,
        "cannot read env_file `nope.env`",
    );
    let differ = "services:\n  api:\n    image: x\n    deploy:\n      replicas: 2\n    scale: 3\n";
    both_refuse(&[("c.yml", differ)], "", 6, "differ");
    both_refuse(
        &[("c.yml", "services:\n  a:\n    image: \"${A B}\"\n")],
        "",
        3,
        "invalid interpolation",
    );
    both_refuse(
        &[("c.yml", "- services\n")],
        "",
        1,
        "expected a Compose file with a `services` map",
    );
    both_refuse(
        &[(
            "c.yml",
            "services:\n  a:\n    image: x\n    environment: [\"K =1\"]\n",
        )],
        "",
        4,
        "trailing",
    );
    both_refuse(
        &[("c.yml", "services:\n  a:\n    image: [x]\n")],
        "",
        3,
        "must be a string",
    );
    both_refuse(
        &[("c.yml", "services:\n  a: [x]\n")],
        "",
        2,
        "must be a map",
    );

    let bad_yaml = compose::load(
        &[Input::new("c.yml", "services:\n  api: [1, 2\n  web: {\n")],
        &Vars::default(),
        &[],
    );
    let err = bad_yaml.unwrap_err();
    assert!(
        err.message.starts_with("invalid YAML") && err.line >= 2,
        "{err:?}"
    );
    for text in ["", "# nothing\n", "services: 3\n", "volumes: {}\n"] {
        let err = compose::load(&[Input::new("c.yml", text)], &Vars::default(), &[]).unwrap_err();
        assert_eq!(
            (err.path.as_str(), err.message.as_str()),
            ("c.yml", "expected a Compose file with a `services` map")
        );
    }
}

#[test]
fn env_files_parse_as_compose_reads_them() {
    let text = "\u{feff}# comment\n\nexport A=1\nB = two words  # note\nC=\"x \\\"y\\\" \\n ${A}\"\nD='lit ${A} \\' \\n'\n\
                E=a#b\nF=\nG=\"multi\nline\" # c\nH: yaml\nI=${A:-z}$$ ${NOPE-d}\nexportJ=3\nA=again\n";
    let v = envfile::parse(&Input::new("x.env", text)).unwrap();
    let got: Vec<(&str, &str, u32)> =
        v.0.iter()
            .map(|(k, s)| {
                (
                    k.as_str(),
                    s.value.as_str(),
                    match s.origin {
                        Origin::File { line, .. } => line,
                        _ => 0,
                    },
                )
            })
            .collect();
    assert_eq!(
        got,
        [
            ("A", "again", 14),
            ("B", "two words", 4),
            ("C", "x \"y\" \n 1", 5),
            ("D", "lit ${A} ' \\n", 6),
            ("E", "a#b", 7),
            ("F", "", 8),
            ("G", "multi\nline", 9),
            ("H", "yaml", 11),
            ("I", "1$ d", 12),
            ("exportJ", "3", 13),
        ]
    );
    let bad = [
        ("A=1\nKEY WITH SPACE=1\n", 2, "cannot contain a space"),
        ("A=1\n\nB=\"open\nC=2\n", 3, "unterminated"),
        ("=value\n", 1, "expected a variable name before `=`"),
        ("A=1\nK+=1\n", 2, "unexpected `+`"),
        ("A=\"x\" junk\n", 1, "after the quote"),
        (
            "A=${NOPE:?set NOPE}\n",
            1,
            "required variable NOPE is missing a value: set NOPE",
        ),
        ("A=1\nB=${A\n", 2, "invalid interpolation"),
    ];
    for (text, line, says) in bad {
        let err = envfile::parse(&Input::new("x.env", text)).unwrap_err();
        assert_eq!(err.line, line, "{text:?}: {err:?}");
        assert!(err.message.contains(says), "{text:?}: {err:?}");
    }
}

/// A small linear congruential generator: reproducible mutations without a new crate.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, below: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % below.max(1)
    }
}

#[test]
fn mutated_files_never_panic() {
    let (_, rendered) = rendered_worker();
    let seeds = [
        base(),
        rendered["docker-compose.worker.yml"].clone(),
        rendered["compose.env"].clone(),
    ];
    let alphabet = b"${}[]:-?+=#'\"\\\n \t!&*<>|,.0aZ_~";
    let vars = vars(&format!("{ENV}COMPOSE_PROFILES=worker\n"));
    let mut rng = Lcg(0x5eed);
    for round in 0..3000 {
        let mut bytes = seeds[round % seeds.len()].clone().into_bytes();
        for _ in 0..1 + rng.next(6) {
            let at = rng.next(bytes.len() + 1);
            match rng.next(4) {
                0 => drop(bytes.splice(at..(at + rng.next(40)).min(bytes.len()), [])),
                1 => bytes.insert(at, alphabet[rng.next(alphabet.len())]),
                2 => {
                    let from = rng.next(bytes.len());
                    let piece: Vec<u8> =
                        bytes[from..(from + rng.next(30)).min(bytes.len())].to_vec();
                    bytes.splice(at..at, piece);
                }
                _ => bytes.insert(at, rng.next(256) as u8),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let file = Input::new("fuzz/docker-compose.yml", text.as_str());
        let _ = compose::load(&[file], &vars, &[]);
        let _ = envfile::parse(&Input::new("fuzz/compose.env", text));
    }
    let deep = format!("{}x{}", "${A:-".repeat(5000), "}".repeat(5000));
    let file = Input::new(
        "deep.yml",
        format!("services:\n  a:\n    image: \"{deep}\"\n"),
    );
    let _ = compose::load(&[file], &vars, &[]);
}
