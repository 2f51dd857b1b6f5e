//! The Compose reader against the real thing: the starter's base file under hostwiz's rendered
//! worker override resolves the way the billing contract needs, `docker compose config` (v2)
//! agrees with `compose::load` on every scenario (and refuses where it refuses), env files
//! parse as compose reads them, and no mutated input makes either reader panic.

use crate::support::validators;

use hostwiz::ingest::compose::{self, Compose};
use hostwiz::ingest::{envfile, Input, Vars};
use hostwiz::plan::{Origin, Setting, Unknown};
use hostwiz::source::{self, Source};
use serde_json::Value;
use std::collections::BTreeMap;
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

/// The files `hostwiz apply --preset vps-worker` writes, by name.
fn rendered_worker() -> (hostwiz::Answers, BTreeMap<String, String>) {
    let answers = source::load(&Source::Preset("vps-worker".into()), &[]).unwrap();
    let files = hostwiz::render::render(&answers).into_iter();
    (answers, files.map(|f| (f.path, f.contents)).collect())
}

fn vars(text: &str) -> Vars {
    envfile::parse(&Input::new("vars.env", text)).unwrap()
}

/// Writes `files` under a fresh folder; returns the Compose ones (all but `*.env`) read back.
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
    let read =
        |p: &PathBuf| Input::new(p.display().to_string(), std::fs::read_to_string(p).unwrap());
    let inputs = paths.iter().map(read).collect();
    (dir, paths, inputs)
}

/// `path:line:column` of `value` on the first line that contains `line_with`.
fn at(path: &Path, text: &str, line_with: &str, value: &str) -> Origin {
    let (i, l) = text
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains(line_with))
        .unwrap();
    let (line, column) = (i as u32 + 1, l.find(value).unwrap() as u32 + 1);
    Origin::File {
        path: path.display().to_string(),
        line,
        column,
    }
}

#[test]
fn starter_base_under_the_rendered_worker_override() {
    let (answers, rendered) = rendered_worker();
    let over = &rendered["docker-compose.worker.yml"];
    let (_dir, paths, inputs) = write(&[
        ("docker-compose.prod.yml", &base()),
        ("docker-compose.worker.yml", over),
    ]);
    let env = envfile::parse(&Input::new("compose.env", rendered["compose.env"].as_str())).unwrap();
    // `--profile worker`, as the checklist passes it with the override.
    let c = compose::load(&inputs, &env, &["worker".to_string()]).unwrap();

    let api = c.service("api").unwrap();
    for flag in FLAGS {
        let value = &api.environment[flag];
        assert_eq!(value.value, "false");
        let origin = at(&paths[1], over, &format!("{flag}: \"false\""), "\"false\"");
        assert_eq!(value.origin, origin, "{flag}: the override's line");
    }
    assert_eq!(
        api.environment["BILLING_RETRY_DEPLOYMENT_MODE"].value,
        "dedicated"
    );
    let n = answers.scale.api_replicas.to_string();
    assert_eq!(api.replicas.value.to_string(), n);
    assert_eq!(
        api.replicas.origin,
        at(&paths[1], over, &format!("replicas: {n}"), &n)
    );
    // A value only the base file sets keeps pointing there.
    let redis = at(&paths[0], &base(), "REDIS_URL:", "${REDIS_URL");
    assert_eq!(api.environment["REDIS_URL"].origin, redis);

    let worker = c.service("worker").unwrap();
    assert!(worker.active, "--profile worker activates it");
    assert_eq!(
        worker.image.as_ref().unwrap().value,
        answers.images.api.to_string()
    );
    assert_eq!(worker.replicas.value, answers.scale.worker_replicas);
    assert!(FLAGS.iter().all(|f| worker.environment[*f].value == "true"));
    assert!(!c.service("postgres").unwrap().active);

    // Without the profile (phase 1 of the migration, or a plain `up`) the API is off and the
    // worker too: compose.env never turns it on.
    assert!(!env.0.contains_key("COMPOSE_PROFILES"));
    let c = compose::load(&inputs, &env, &[]).unwrap();
    assert!(!c.service("worker").unwrap().active);
    assert_eq!(
        c.service("api").unwrap().environment[FLAGS[0]].value,
        "false"
    );
}

/// Active services by name: image, replicas, environment.
type View = BTreeMap<String, (Option<String>, u64, BTreeMap<String, String>)>;

fn view_of(c: &Compose) -> View {
    let active = c.services.iter().filter(|s| s.active);
    let env = |s: &compose::Service| {
        s.environment
            .iter()
            .map(|(k, v)| (k.clone(), v.value.to_string()))
            .collect()
    };
    let image = |s: &compose::Service| s.image.as_ref().map(|i| i.value.clone());
    active
        .map(|s| {
            (
                s.name.clone(),
                (image(s), u64::from(s.replicas.value), env(s)),
            )
        })
        .collect()
}

/// The same view of `config --format json`, which drops inactive services, writes a literal
/// `$` as `$$` and a null environment value as null.
fn view_of_json(json: &Value) -> View {
    let text = |v: &Value| v.as_str().map(|s| s.replace("$$", "$"));
    let services = json["services"].as_object().unwrap().iter();
    let env = |s: &Value| {
        let vars = s["environment"].as_object().into_iter().flatten();
        vars.filter_map(|(k, v)| Some((k.clone(), text(v)?)))
            .collect()
    };
    let replicas = |s: &Value| {
        s["deploy"]["replicas"]
            .as_u64()
            .or(s["scale"].as_u64())
            .unwrap_or(1)
    };
    services
        .map(|(name, s)| (name.clone(), (text(&s["image"]), replicas(s), env(s))))
        .collect()
}

/// A scenario: its name, files (relative path, text), `--profile` values, variables.
type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str], &'a str);

fn agree((scenario, files, profiles, env): Case) -> Compose {
    let (_dir, paths, inputs) = write(files);
    let vars = vars(env);
    let owned: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
    let mine =
        compose::load(&inputs, &vars, &owned).unwrap_or_else(|e| panic!("{scenario}: {e:?}"));
    let pairs: Vec<_> = vars
        .0
        .iter()
        .map(|(k, v)| (k.as_str(), v.value.as_str()))
        .collect();
    let refs: Vec<&Path> = paths.iter().map(PathBuf::as_path).collect();
    if let Some(json) = validators::compose_config_json(&refs, profiles, &pairs) {
        let json: Value = serde_json::from_str(&json).unwrap();
        assert_eq!(view_of(&mine), view_of_json(&json), "{scenario}");
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
        "ENABLE_BILLING=true\nFROM_OWN=${BILLING_RETRY_DEPLOYMENT_MODE:-no}\nOCTAL=\"\\0101\"\n";
    let edge =
        "A=\"\\a\\x41 \\0101 \\01 \\' \\\\ \\c\"\r\nexport\tB=x=y\r\nÜBER=ü \t\nC='it\\'s'\n\
                D=\"${A:+set}\" #\n";
    let edge_yml = "services:\n  app:\n    image: x\n    env_file: edge.env\n";
    let scale =
        "services:\n  api:\n    deploy:\n      replicas: 3\n  web:\n    scale: 2\n  worker:\n    \
                 deploy:\n      replicas: \"${WORKER_REPLICAS:-1}\"\n";
    let flag_on = "services:\n  api:\n    environment:\n      ENABLE_BILLING_RETRY_WORKER: true\n";
    // `KEY: !reset` removes a key only while compose still holds that environment as one
    // file's map (web's); once two files' environments merged (worker's), it does nothing.
    let tags = "services:\n  api:\n    environment: !override\n      ONLY: \"this\"\n  worker:\n    \
                environment:\n      ENABLE_BILLING_STREAM_REPLAY: !reset\n    deploy: !reset\n  postgres:\n    \
                profiles: !override [worker]\n  redis: !reset\n  web:\n    environment:\n      API_BASE_URL: !reset\n";
    let scalars = "services:\n  app:\n    image: \"busybox:${HOSTWIZ_TEST_TAG:-latest}\"\n    environment:\n      \
                   A: True\n      B: 1.0\n      C: 0x1F\n      D: 017\n      E: 1e6\n      F: yes\n      \
                   HOSTWIZ_NULL_UNSET: ~\n      H: !!str 1.50\n      I: 1_000\n      J: \"$${NOT_EXPANDED}\"\n      \
                   K: ${UNSET_ONE:-${APP_HOST:+set}}\n      L: ${APP_HOST-x}${EMPTY:-fallback}${EMPTY-kept}\n      \
                   M: 12345678901234567890\n      N: -0.0\n      O: .inf\n      P: 0.00001\n      Q: 123456789.5\n      \
                   R: 08\n      S: -0\n      T: +12\n    deploy:\n      replicas: 0x2\n";
    let multi = "x-flags: &flags\n  ENABLE_BILLING_RETRY_WORKER: \"false\"\nservices:\n  api:\n    image: a\n    \
                 environment:\n      <<: *flags\n      OTHER: \"1\"\n---\nservices:\n  api:\n    environment:\n      \
                 OTHER: \"2\"\n";
    let (profiles, local_db) = (
        with("COMPOSE_PROFILES=worker\n"),
        with("COMPOSE_PROFILES=local-db\n"),
    );
    let (all, replay_off) = (
        with("COMPOSE_PROFILES= local-db , *\n"),
        with("ENABLE_BILLING_STREAM_REPLAY=false\n"),
    );
    let (worker_image, worker_empty) = (
        with("WORKER_IMAGE=ghcr.io/acme/w:2\n"),
        with("WORKER_IMAGE=\n"),
    );
    let env_files = [
        b,
        ("sub/env-file.yml", env_file),
        ("flags.env", flags),
        ("more.env", more),
        w,
    ];
    // One scenario a line: name, files, `--profile` values, variables.
    #[rustfmt::skip]
    let cases: [Case; 17] = [
        ("base alone", &[b], &[], ENV),
        ("base + override, --profile worker", &[b, w], &["worker"], ENV),
        ("COMPOSE_PROFILES in vars", &[b, w], &[], &profiles),
        ("--profile replaces COMPOSE_PROFILES", &[b, w], &["local-db"], &profiles),
        ("--profile worker over COMPOSE_PROFILES=local-db", &[b, w], &["worker"], &local_db),
        ("COMPOSE_PROFILES with spaces, all", &[b, w], &[], &all),
        ("override without the profile", &[b, w], &[], ENV),
        ("environment list form", &[b, ("list.yml", list)], &[], &replay_off),
        ("env_file, from the project folder", &env_files, &["worker"], ENV),
        ("env file edge cases", &[("c.yml", edge_yml), ("edge.env", edge)], &[], ENV),
        ("deploy.replicas and scale", &[b, w, ("scale.yml", scale)], &["worker"], ENV),
        ("nested default, worker image set", &[b, w], &["worker"], &worker_image),
        ("nested default, worker image empty", &[b, w], &["worker"], &worker_empty),
        ("a later file turns a flag back on", &[b, w, ("on.yml", flag_on)], &["worker"], ENV),
        ("!reset and !override", &[b, w, ("tags.yml", tags)], &["worker"], ENV),
        ("plain scalars, interpolation", &[("s.yml", scalars)], &[], &with("EMPTY=\n")),
        ("two documents and a merge key", &[("m.yml", multi)], &[], ENV),
    ];
    for case in cases {
        let c = agree(case);
        if case.0 == "base alone" {
            assert!(!c.service("api").unwrap().environment.contains_key(FLAGS[0]));
        }
    }
}

/// Both readers refuse: hostwiz with a ParseError at `line` saying `says`, compose by failing.
fn both_refuse(files: &[(&str, &str)], env: &str, line: u32, says: &str) {
    let (_dir, paths, inputs) = write(files);
    let err = compose::load(&inputs, &vars(env), &[]).unwrap_err();
    assert!(err.line == line && err.message.contains(says), "{err:?}");
    let Some(exe) = validators::compose_v2() else {
        return;
    };
    let mut cmd = Command::new(exe);
    for var in validators::DEPLOY_ENV_VARS {
        cmd.env_remove(var);
    }
    cmd.envs(vars(env).0.into_iter().map(|(k, v)| (k, v.value)));
    for path in &paths {
        cmd.arg("-f").arg(path);
    }
    validators::run_expect_failure(cmd.arg("config"), None);
}

/// What a fresh clone lacks (a required variable, a gitignored env file) makes compose refuse,
/// but hostwiz reads it as unknown: a check in CI has neither.
#[test]
fn unset_required_variables_and_missing_env_files_are_unknown() {
    let base = base();
    let (_dir, _paths, inputs) = write(&[("docker-compose.prod.yml", &base)]);
    let c = compose::load(&inputs, &vars("APP_HOST=a\nWEB_IMAGE=w\n"), &[]).unwrap();
    assert_eq!(c.service("api").unwrap().image, None);
    let missing = "services:\n  api:\n    image: x\n    env_file:\n      - a.env\n      - nope.env\n    environment:\n      K: ${K:?set K}\n      L: \"1\"\n";
    let (_tmp, _paths, inputs) = write(&[("c.yml", missing), ("a.env", "A=1\nL=0\n")]);
    let c = compose::load(&inputs, &vars(""), &[]).unwrap();
    let api = c.service("api").unwrap();
    let unknown = |why: Unknown| Setting::Unknown(why);
    let dir = Path::new(&inputs[0].path).parent().unwrap();
    let nope = Unknown::MissingFile(dir.join("nope.env").display().to_string());
    assert_eq!(api.environment["A"].value, unknown(nope));
    assert_eq!(
        api.environment["K"].value,
        unknown(Unknown::Unset("K".into()))
    );
    assert_eq!(api.environment["L"].value, Setting::from("1"));
    assert_eq!(api.missing_env_files.len(), 1);
    assert_eq!(api.missing_env_files[0].origin, inputs[0].origin(6, 9));
}

#[test]
fn errors_carry_lines_and_match_compose_refusals() {
    let differ = "services:\n  api:\n    image: x\n    deploy:\n      replicas: 2\n    scale: 3\n";
    both_refuse(&[("c.yml", differ)], "", 6, "differ");
    let refused = [
        (
            "services:\n  a:\n    image: \"${A B}\"\n",
            3,
            "invalid interpolation",
        ),
        (
            "- services\n",
            1,
            "expected a Compose file with a `services` map",
        ),
        (
            "services:\n  a:\n    image: x\n    environment: [\"K =1\"]\n",
            4,
            "trailing space",
        ),
        (
            "services:\n  a:\n    image: x\n    environment: [1]\n",
            4,
            "expected `KEY=VALUE`",
        ),
        ("services:\n  a:\n    image: [x]\n", 3, "must be a string"),
        ("services:\n  a: [x]\n", 2, "must be a map"),
        (
            "services:\n  a:\n    image: x\n    profiles: worker\n",
            4,
            "must be a list",
        ),
        (
            "services:\n  a:\n    image: x\n    deploy: {replicas: -1}\n",
            4,
            "0 or more",
        ),
    ];
    for (text, line, says) in refused {
        both_refuse(&[("c.yml", text)], "", line, says);
    }
    let load = |text: &str| compose::load(&[Input::new("c.yml", text)], &Vars::default(), &[]);
    let err = load("services:\n  api: [1, 2\n  web: {\n").unwrap_err();
    assert!(
        err.message.starts_with("invalid YAML") && err.line >= 2,
        "{err:?}"
    );
    // Compose accepts a file without services; as a check's input it is the wrong file.
    for text in ["", "# nothing\n", "services: 3\n", "volumes: {}\n"] {
        let err = load(text).unwrap_err();
        assert_eq!((err.path.as_str(), err.line), ("c.yml", 1), "{text:?}");
        assert_eq!(err.message, "expected a Compose file with a `services` map");
    }
}

#[test]
fn env_files_parse_as_compose_reads_them() {
    let text = "\u{feff}# comment\n\nexport A=1\nB = two words  # note\nC=\"x \\\"y\\\" \\n ${A}\"\n\
                D='lit ${A} \\' \\n'\nE=a#b\nF=\nG=\"multi\nline\" # c\nH: yaml\nI=${A:-z}$$ ${NOPE-d}\n\
                exportJ=3\nA=again\n";
    let v = envfile::parse(&Input::new("x.env", text)).unwrap();
    let line = |o: &Origin| match o {
        Origin::File { line, .. } => *line,
        _ => 0,
    };
    let got: Vec<String> =
        v.0.iter()
            .map(|(k, s)| format!("{k}={}@{}", s.value, line(&s.origin)))
            .collect();
    let want = [
        "A=again@14",
        "B=two words@4",
        "C=x \"y\" \n 1@5",
        "D=lit ${A} ' \\n@6",
        "E=a#b@7",
        "F=@8",
        "G=multi\nline@9",
        "H=yaml@11",
        "I=1$ d@12",
        "exportJ=3@13",
    ];
    assert_eq!(got, want);
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
        assert!(
            err.line == line && err.message.contains(says),
            "{text:?}: {err:?}"
        );
    }
}

/// A small linear congruential generator: reproducible mutations without a new crate.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
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
        for _ in 0..1 + rng.below(6) {
            let at = rng.below(bytes.len() + 1);
            match rng.below(4) {
                0 => drop(bytes.splice(at..(at + rng.below(40)).min(bytes.len()), [])),
                1 => bytes.insert(at, alphabet[rng.below(alphabet.len())]),
                2 => {
                    let from = rng.below(bytes.len());
                    let piece = bytes[from..(from + rng.below(30)).min(bytes.len())].to_vec();
                    bytes.splice(at..at, piece);
                }
                _ => bytes.insert(at, rng.below(256) as u8),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let _ = compose::load(
            &[Input::new("fuzz/docker-compose.yml", text.as_str())],
            &vars,
            &[],
        );
        let _ = envfile::parse(&Input::new("fuzz/compose.env", text));
    }
    let deep = format!("{}x{}", "${A:-".repeat(5000), "}".repeat(5000));
    let file = Input::new(
        "deep.yml",
        format!("services:\n  a:\n    image: \"{deep}\"\n"),
    );
    assert!(
        compose::load(&[file], &vars, &[]).is_err(),
        "nesting beyond 32 levels is refused"
    );
}
