#!/usr/bin/env python3
"""Read hostwiz's rendered files back with the real parser of each format, and check that an
accepted answer is read back literally.

usage: parse_literal.py MANIFEST

MANIFEST (written by tests/hostile.rs) is JSON:

    {"compose_base": PATH, "docker_compose": EXE, "caddy": EXE,
     "cases": [{"host", "key", "baseline", "value", "baseline_dir", "dir",
                "files": [[BASELINE_NAME, NAME], ...]}]}

Each case is a render whose answers differ from its baseline render in one key only: `baseline`
there, `value` here. Files are paired by position (the environment key renames them). For each
pair, the parsed file must equal the parsed baseline file with every string mapped through
`s.replace(baseline, value)`: the value reaches the reader as the same text, in the same places,
and nothing else moves. The baseline value is chosen by the test to occur nowhere else in the
files, so the replacement touches exactly the places that carry the answer.

Parsers: PyYAML `safe_load_all` (YAML), python-hcl2 with string values unquoted (`*.tfvars`),
tomllib (hostwiz.toml), Docker Compose v2 (`compose.env`: `config --environment` and
`config --format json` on the starter's base file, plus the render's worker override when
there is one; `*.env.local`: the `environment` Compose gives a service whose `env_file` it is),
Caddy (`caddy adapt`, with the environment Compose gives the caddy service).
CHECKLIST.md and enable-apis.sh are prose and a script, not configuration, and are skipped; a
file of any other name is an error, so a new file cannot go unchecked.

Prints every mismatch (host, key, value, file, path in the parsed tree) and exits 1 if there is
any; prints `checked N (case, file) pairs: ...` on success. Exits 3 when a Python module is
missing, 2 on a usage error.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

try:
    import tomllib

    import hcl2
    import yaml
    from hcl2.utils import SerializationOptions
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.stderr.write(
        f"parse_literal: cannot import {exc.name} ({exc}); run .ci/run, which installs "
        "PyYAML and python-hcl2 into target/venv (Python 3.11+ for tomllib)\n"
    )
    sys.exit(3)

# Prose and a shell script: nothing reads them as structured configuration.
SKIPPED = {"CHECKLIST.md", "enable-apis.sh"}
WORKER_OVERRIDE = "docker-compose.worker.yml"
ENV_FILE = "compose.env"
CADDYFILE = "Caddyfile"
# The env files the starter's Compose services read (`apps/*/.env.local`), as hostwiz names them.
SERVICE_ENV_SUFFIX = ".env.local"
# Compose prints these itself for `config --environment`; they depend on the process, not on
# the env file.
COMPOSE_OWN_VARS = {"PWD", "COMPOSE_PROJECT_NAME"}
MAX_REPORTED = 200


def kind(name: str) -> str | None:
    if name in SKIPPED:
        return None
    if name == "hostwiz.toml":
        return "toml"
    if name.endswith((".tfvars", ".tf")):
        return "hcl2"
    if name.endswith((".yaml", ".yml")):
        return "yaml"
    if name == ENV_FILE:
        return "compose"
    if name == CADDYFILE:
        return "caddy"
    if name.endswith(SERVICE_ENV_SUFFIX):
        return "env_file"
    raise SystemExit(f"parse_literal: no parser for {name!r}: add one to parse_literal.py")


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def run(cmd: list[str], env: dict[str, str], cwd: Path) -> str:
    # An empty environment apart from `env`: the caller's APP_HOST and friends must not leak in.
    out = subprocess.run(cmd, env=env, cwd=cwd, capture_output=True, text=True)
    if out.returncode != 0:
        raise ParseError(
            f"`{' '.join(cmd)}` exited {out.returncode}\n{out.stderr.strip()}"
        )
    return out.stdout


class ParseError(Exception):
    pass


def cached(cache: dict[Any, Any], key: Any, compute: Callable[[], Any]) -> Any:
    """`compute()` once per key; a ParseError is kept too, so a bad input is run only once."""
    if key not in cache:
        try:
            cache[key] = compute()
        except ParseError as exc:
            cache[key] = exc
    if isinstance(cache[key], ParseError):
        raise cache[key]
    return cache[key]


class Tools:
    """Runs Compose and Caddy once per distinct input, a few at a time."""

    def __init__(self, manifest: dict[str, Any], workdir: Path) -> None:
        self.compose_exe = manifest["docker_compose"]
        self.caddy_exe = manifest["caddy"]
        self.base = manifest["compose_base"]
        # One working directory for every run, so compose's PWD is the same for all.
        self.workdir = workdir
        self.compose_cache: dict[tuple[str, str | None], Any] = {}
        self.caddy_cache: dict[tuple[str, tuple[tuple[str, str], ...]], Any] = {}
        self.env_file_cache: dict[str, Any] = {}

    @staticmethod
    def compose_input(d: Path) -> tuple[str, str | None]:
        override = d / WORKER_OVERRIDE
        return read(d / ENV_FILE), read(override) if override.exists() else None

    def compose(self, d: Path) -> dict[str, Any]:
        """What Compose reads from the render: the interpolation environment (the env file as
        Compose parses it) and the resolved project."""
        key = self.compose_input(d)

        def read_project() -> dict[str, Any]:
            cmd = [self.compose_exe, "-f", self.base]
            if key[1] is not None:
                cmd += ["-f", str(d / WORKER_OVERRIDE)]
            cmd += ["--env-file", str(d / ENV_FILE), "config"]
            environment = {}
            # Line-based output; the test only accepts values without line breaks.
            for line in run(cmd + ["--environment"], {}, self.workdir).splitlines():
                name, _, value = line.partition("=")
                if name not in COMPOSE_OWN_VARS:
                    environment[name] = value
            config = json.loads(run(cmd + ["--format", "json"], {}, self.workdir))
            return {"environment": environment, "config": config}

        return cached(self.compose_cache, key, read_project)

    def caddy(self, d: Path) -> Any:
        """`caddy adapt` of the Caddyfile with the environment the caddy container gets: the
        caddy service's `environment:` as Compose resolves it from compose.env."""
        env = self.compose(d)["config"]["services"]["caddy"].get("environment") or {}
        env = {k: "" if v is None else str(v) for k, v in env.items()}
        key = (read(d / CADDYFILE), tuple(sorted(env.items())))
        cmd = [self.caddy_exe, "adapt", "--adapter", "caddyfile", "--config", str(d / CADDYFILE)]
        return cached(self.caddy_cache, key, lambda: json.loads(run(cmd, env, self.workdir)))

    def env_file(self, path: Path) -> Any:
        """The environment Compose gives a container from `env_file: <path>`."""
        text = read(path)

        def resolve() -> Any:
            project = {
                "services": {"probe": {"image": "busybox", "env_file": [str(path.resolve())]}}
            }
            name = f"env-file-{hashlib.sha256(text.encode()).hexdigest()[:16]}.json"
            compose_file = self.workdir / name
            compose_file.write_text(json.dumps(project), encoding="utf-8")
            cmd = [self.compose_exe, "-f", str(compose_file), "config", "--format", "json"]
            config = json.loads(run(cmd, {}, self.workdir))
            return config["services"]["probe"].get("environment") or {}

        return cached(self.env_file_cache, text, resolve)

    def warm(self, dirs: list[Path]) -> None:
        """Fills the caches in parallel: one process per distinct input, not per file."""
        with_compose = [d for d in dirs if (d / ENV_FILE).exists()]
        firsts: dict[tuple[str, str | None], Path] = {}
        for d in with_compose:
            firsts.setdefault(self.compose_input(d), d)
        workers = max(2, os.cpu_count() or 2)

        def quietly(f: Callable[[Path], Any], d: Path) -> None:
            try:
                f(d)
            except Exception:  # noqa: BLE001
                pass  # reported, with its case, when the pair is checked

        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda d: quietly(self.compose, d), firsts.values()))
        seen: dict[Any, Path] = {}
        for d in with_compose:
            if (d / CADDYFILE).exists():
                seen.setdefault((read(d / CADDYFILE), self.compose_input(d)), d)
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(lambda d: quietly(self.caddy, d), seen.values()))


def parse(tools: Tools, k: str, d: Path, name: str) -> Any:
    path = d / name
    if k == "yaml":
        return list(yaml.safe_load_all(read(path)))
    if k == "toml":
        return tomllib.loads(read(path))
    if k == "hcl2":
        # Unquoted, escapes resolved: the string's value, not its source text.
        return hcl2.loads(
            read(path), serialization_options=SerializationOptions(strip_string_quotes=True)
        )
    if k == "compose":
        return tools.compose(d)
    if k == "caddy":
        return tools.caddy(d)
    if k == "env_file":
        return tools.env_file(path)
    raise AssertionError(k)


def replaced(tree: Any, old: str, new: str) -> Any:
    if isinstance(tree, str):
        return tree.replace(old, new)
    if isinstance(tree, dict):
        return {replaced(k, old, new): replaced(v, old, new) for k, v in tree.items()}
    if isinstance(tree, list):
        return [replaced(v, old, new) for v in tree]
    return tree


def carries(tree: Any, text: str) -> bool:
    if isinstance(tree, str):
        return text in tree
    if isinstance(tree, dict):
        return any(carries(k, text) or carries(v, text) for k, v in tree.items())
    if isinstance(tree, list):
        return any(carries(v, text) for v in tree)
    return False


def differences(expected: Any, got: Any, path: str, out: list[tuple[str, Any, Any]]) -> None:
    if type(expected) is not type(got):
        out.append((path, expected, got))
    elif isinstance(expected, dict):
        for k in sorted(set(expected) | set(got), key=repr):
            sub = f"{path}.{k}" if isinstance(k, str) else f"{path}[{k!r}]"
            if k not in got:
                out.append((sub, expected[k], "<missing>"))
            elif k not in expected:
                out.append((sub, "<absent>", got[k]))
            else:
                differences(expected[k], got[k], sub, out)
    elif isinstance(expected, list):
        if len(expected) != len(got):
            out.append((f"{path} (length)", len(expected), len(got)))
        for i, (e, g) in enumerate(zip(expected, got)):
            differences(e, g, f"{path}[{i}]", out)
    elif expected != got:
        out.append((path, expected, got))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        sys.stderr.write(__doc__)
        return 2
    manifest_path = Path(argv[1])
    manifest = json.loads(read(manifest_path))
    cases = manifest["cases"]
    tools = Tools(manifest, manifest_path.parent)
    dirs = {Path(c["dir"]) for c in cases} | {Path(c["baseline_dir"]) for c in cases}
    tools.warm(sorted(dirs))

    checked: dict[str, int] = {}
    carried: dict[str, int] = {}
    problems: list[str] = []
    for case in cases:
        who = f"{case['host']}: {case['key']} = {case['value']!r}"
        old, new = case["baseline"], case["value"]
        base_dir, dir_ = Path(case["baseline_dir"]), Path(case["dir"])
        read_back = False
        for base_name, name in case["files"]:
            k = kind(name)
            if kind(base_name) != k:
                problems.append(f"{who}: {name} pairs with {base_name}, a different kind of file")
                continue
            if k is None:
                continue
            try:
                baseline = parse(tools, k, base_dir, base_name)
            # Whatever a parser raises (lark, YAML, TOML, a tool's exit status) is a finding.
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{who}: the baseline {base_name} does not parse ({k}): {exc}")
                continue
            try:
                got = parse(tools, k, dir_, name)
            except Exception as exc:  # noqa: BLE001
                problems.append(f"{who}: {name} does not parse ({k}): {exc}")
                continue
            checked[k] = checked.get(k, 0) + 1
            if carries(baseline, old):
                carried[k] = carried.get(k, 0) + 1
                read_back = True
            diffs: list[tuple[str, Any, Any]] = []
            differences(replaced(baseline, old, new), got, "$", diffs)
            for path, want, have in diffs:
                problems.append(
                    f"{who}: {name} ({k}) at {path}: expected {want!r}, read {have!r}"
                )
        if not read_back:
            problems.append(f"{who}: no parsed file carries the answer (baseline {old!r})")

    total = sum(checked.values())
    by_tool = ", ".join(
        f"{k} {checked[k]} ({carried.get(k, 0)} carrying the value)" for k in sorted(checked)
    )
    if problems:
        print(f"{len(problems)} mismatches in {len(cases)} accepted cases:")
        for p in problems[:MAX_REPORTED]:
            print(f"  {p}")
        if len(problems) > MAX_REPORTED:
            print(f"  ... and {len(problems) - MAX_REPORTED} more")
        print(f"(checked {total} (case, file) pairs: {by_tool})")
        return 1
    print(f"checked {total} (case, file) pairs of {len(cases)} accepted cases: {by_tool}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
