#!/usr/bin/env python3
"""Lint a Helm chart with the real Helm Go SDK (helm-python-sdk), like `helm lint`.

usage: helm_lint.py [--strict] [--kube-version v1.30.0] CHART_DIR [VALUES_FILE...]

Values files layer like `helm lint -f a.yaml -f b.yaml` (later wins, maps merge deeply).
Prints one line per finding as `[SEVERITY] path: message`; exits 1 when there is an error
(or, with --strict, a warning), 2 on a usage or input error, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, str(Path(__file__).resolve().parent))
from helm_render import helm, load_values  # noqa: E402

SEVERITY = {0: "UNKNOWN", 1: "INFO", 2: "WARNING", 3: "ERROR"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="helm_lint.py", description="helm lint through the Helm Go SDK (helm-python-sdk)."
    )
    parser.add_argument("--strict", action="store_true", help="fail on warnings too")
    parser.add_argument("--kube-version", default=None, help="e.g. v1.30.0")
    parser.add_argument("chart_dir", metavar="CHART_DIR")
    parser.add_argument("values_files", metavar="VALUES_FILE", nargs="*")
    args = parser.parse_args(argv)

    if not (Path(args.chart_dir) / "Chart.yaml").is_file():
        sys.stderr.write(f"helm_lint: {args.chart_dir} is not a chart (no Chart.yaml)\n")
        return 2
    values = load_values(args.values_files)
    try:
        report = helm.lint(
            args.chart_dir, values, strict=args.strict, kube_version=args.kube_version
        )
    except helm.HelmError as exc:
        sys.stderr.write(f"helm_lint: linting {args.chart_dir} failed: {exc}\n")
        return 2

    worst = 0
    for msg in report.get("messages") or []:
        sev = int(msg.get("severity", 0))
        worst = max(worst, sev)
        print(f"[{SEVERITY.get(sev, sev)}] {msg.get('path', '')}: {msg.get('error', '')}")
    errors = report.get("errors") or []
    for err in errors:
        print(f"[ERROR] {err}")
    charts = report.get("total_charts_linted", 0)
    failed = bool(errors) or worst >= 3 or (args.strict and worst >= 2)
    print(f"{charts} chart(s) linted, {'1 chart(s) failed' if failed else '0 chart(s) failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
