#!/usr/bin/env python3
"""Render a Helm chart offline with the real Helm Go SDK (helm-python-sdk).

usage: helm_render.py [--release NAME] [--namespace NS] CHART_DIR [VALUES_FILE...]

Values files layer like `helm template -f a.yaml -f b.yaml`: later files win and maps merge
deeply (lists and scalars are replaced); the chart's values.yaml is coalesced underneath by Helm
itself, so a `key: null` in a values file deletes that default, as with the helm CLI.
The release name defaults to `starter`.

Prints every rendered manifest as one multi-document YAML stream on stdout, each document
preceded by `---` and `# Source: <template path>`, templates in path order. Exits 1 with a
message on stderr when loading, parsing or rendering fails (for example a `required` value is
missing), 2 on a usage error.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

try:
    import helm_python as helm
except ImportError as exc:  # pragma: no cover - depends on the environment
    sys.stderr.write(
        f"helm_render: cannot import helm_python ({exc}); run .ci/run or "
        "`pip install helm-python-sdk` into target/venv\n"
    )
    sys.exit(2)

DOC_SEPARATOR = re.compile(r"^---[ \t]*(?:#.*)?$", re.MULTILINE)


def merge_values(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's `-f` layering (pkg/cli/values mergeMaps): maps merge, anything else is replaced."""
    out = dict(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_values(out[key], value)
        else:
            out[key] = value
    return out


def load_values(files: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in files:
        try:
            text = Path(name).read_text(encoding="utf-8")
        except OSError as exc:
            raise SystemExit(f"helm_render: cannot read values file {name}: {exc}") from exc
        try:
            # Helm's own YAML parser, so `yes`, `on`, numbers... mean what they mean to helm.
            layer = helm.values_from_yaml(text) if text.strip() else {}
        except helm.HelmError as exc:
            raise SystemExit(f"helm_render: {name}: invalid values YAML: {exc}") from exc
        if layer is None:
            layer = {}
        if not isinstance(layer, dict):
            raise SystemExit(f"helm_render: {name}: values must be a YAML mapping")
        values = merge_values(values, layer)
    return values


def is_empty(doc: str) -> bool:
    return all(not line.strip() or line.lstrip().startswith("#") for line in doc.splitlines())


def render(chart_dir: str, values: dict[str, Any], release: str, namespace: str) -> str:
    with helm.Chart.load(chart_dir) as chart:
        manifests = chart.render(values, name=release, namespace=namespace, is_install=True)
    out: list[str] = []
    for path in sorted(manifests):
        base = path.rsplit("/", 1)[-1]
        if base.startswith("_") or base == "NOTES.txt":
            continue
        for doc in DOC_SEPARATOR.split(manifests[path]):
            if is_empty(doc):
                continue
            out.append(f"---\n# Source: {path}\n{doc.strip(chr(10))}\n")
    return "".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="helm_render.py",
        description="Render a Helm chart offline with the Helm Go SDK (helm-python-sdk).",
    )
    parser.add_argument("--release", default="starter", help="release name (default: starter)")
    parser.add_argument("--namespace", default="default", help="namespace (default: default)")
    parser.add_argument("chart_dir", metavar="CHART_DIR")
    parser.add_argument("values_files", metavar="VALUES_FILE", nargs="*")
    args = parser.parse_args(argv)

    if not (Path(args.chart_dir) / "Chart.yaml").is_file():
        sys.stderr.write(f"helm_render: {args.chart_dir} is not a chart (no Chart.yaml)\n")
        return 2
    values = load_values(args.values_files)
    try:
        stream = render(args.chart_dir, values, args.release, args.namespace)
    except helm.HelmError as exc:
        sys.stderr.write(f"helm_render: rendering {args.chart_dir} failed: {exc}\n")
        return 1
    sys.stdout.write(stream)
    return 0


if __name__ == "__main__":
    sys.exit(main())
