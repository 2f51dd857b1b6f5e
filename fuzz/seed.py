#!/usr/bin/env python3
"""Build the fuzz seed corpus from the files hostwiz's own tests use.

usage: fuzz/seed.py HOSTWIZ_BINARY CORPUS_DIR

Writes CORPUS_DIR/<target>/<name> for every target in fuzz/Cargo.toml:
- every preset's rendered files (Helm values, Caddyfile, compose.env, the worker override,
  tfvars, hostwiz.toml), through `hostwiz apply`;
- the test chart's values.yaml and the Compose fixtures in tests/fixtures;
- the Caddyfile corpus of tests/caddy_reading.rs;
- rendered manifests of every k8s preset, when target/venv has helm-python-sdk;
- the enabled-services list in each of the three gcloud forms `check` reads.
"""

import ast
import json
import re
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def put(corpus: Path, target: str, name: str, data: bytes) -> None:
    d = corpus / target
    d.mkdir(parents=True, exist_ok=True)
    # A name is a file name: test-case names may hold `/` or `:` (`ftp://a.example.com`).
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", name)
    (d / safe).write_bytes(data)


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    binary, corpus = sys.argv[1], Path(sys.argv[2])
    presets = sorted(p.stem for p in (ROOT / "presets").glob("*.toml"))
    helm_python = ROOT / "target/venv/bin/python"
    with tempfile.TemporaryDirectory() as tmp:
        for preset in presets:
            out = Path(tmp) / preset
            subprocess.run(
                [binary, "apply", "--preset", preset, "--out", str(out), "--yes"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
            for f in sorted(out.rglob("*")):
                data = f.read_bytes() if f.is_file() else None
                if data is None:
                    continue
                name = f"{preset}-{f.name}"
                if f.name == "hostwiz.toml":
                    # An answers file, then a few `--set` lines after the NUL.
                    put(corpus, "answers", name, data)
                    put(corpus, "answers", name + "-set", data + b"\0worker.mode=dedicated\napi.replicas=3\n")
                elif f.name == "Caddyfile":
                    put(corpus, "caddyfile", name, data)
                    env = out / "compose.env"
                    if env.exists():
                        put(corpus, "caddyfile", name + "-env", data + b"\0" + env.read_bytes())
                elif f.name.startswith("docker-compose"):
                    base = (ROOT / "tests/fixtures/compose/docker-compose.prod.yml").read_bytes()
                    env = (out / "compose.env").read_bytes()
                    put(corpus, "compose", name, base + b"\0" + data + b"\0" + env)
                elif f.suffix == ".tfvars":
                    put(corpus, "tfvars", name, data)
                elif f.suffix in (".yaml", ".yml"):
                    put(corpus, "helm_values", name, data)
                    if helm_python.exists():
                        rendered = subprocess.run(
                            [str(helm_python), str(ROOT / "tests/tools/helm_render.py"),
                             str(ROOT / "tests/chart/starter"), str(f)],
                            capture_output=True,
                        )
                        if rendered.returncode == 0:
                            put(corpus, "manifests", name, rendered.stdout)
    put(corpus, "helm_values", "chart-values.yaml",
        (ROOT / "tests/chart/starter/values.yaml").read_bytes())
    for f in sorted((ROOT / "tests/fixtures/compose").glob("*")):
        put(corpus, "compose", f.name, f.read_bytes())
    for preset in presets:
        put(corpus, "answers", f"preset-{preset}", (ROOT / "presets" / f"{preset}.toml").read_bytes())

    # The Caddyfile corpus: each entry of CORPUS in tests/caddy_reading.rs is ("name", "text").
    source = (ROOT / "tests/caddy_reading.rs").read_text()
    for name, text in re.findall(r'^\s*\(("[^"]*"), ("(?:[^"\\]|\\.)*")\),$', source, re.M):
        put(corpus, "caddyfile", ast.literal_eval(name).replace(" ", "-"),
            ast.literal_eval(text).encode())

    catalog = tomllib.loads((ROOT / "assets/gcp-services.toml").read_text())
    names = sorted({s["name"] for s in catalog.get("service", [])})
    put(corpus, "gcloud", "value", ("\n".join(names) + "\n").encode())
    table = "NAME                                 TITLE\n" + "".join(
        f"{n:<36} {n.split('.')[0].title()} API\n" for n in names)
    put(corpus, "gcloud", "table", table.encode())
    put(corpus, "gcloud", "json", json.dumps(
        [{"config": {"name": n, "title": n}, "state": "ENABLED"} for n in names],
        indent=2).encode())
    # Suppressions: every file of the other targets (their comments), and the forms the scanner
    # must tell apart (a comment, the mark inside a string, a block scalar, a heredoc).
    for target in ("helm_values", "caddyfile", "compose", "tfvars"):
        for f in sorted((corpus / target).glob("*"))[:20]:
            put(corpus, "suppress", f"{target}-{f.name}", f.read_bytes())
    put(corpus, "suppress", "forms", (
        'a: 1 # hostwiz:ignore BILL-004 reason="x y" until=2026-12-31\n'
        'image: "x # hostwiz:ignore BILL-004 reason=x"\n'
        'script: |\n  # hostwiz:ignore ROUTE-005 reason=x\n'
        'x = <<EOF\n# hostwiz:ignore ROUTE-005 reason=x\nEOF\n'
        '// hostwiz:ignore ROUTE-005 reason=x until=2028-02-29\n').encode())
    for target in ("helm_values", "manifests", "caddyfile", "compose", "tfvars", "gcloud", "answers",
                   "suppress"):
        count = len(list((corpus / target).glob("*"))) if (corpus / target).exists() else 0
        print(f"{target}: {count} seeds")
        if count == 0:
            why = " (rendered with helm-python-sdk from target/venv: run .ci/run first)" \
                if target == "manifests" else ""
            sys.stderr.write(f"seed.py: no seeds for {target}{why}\n")
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
