#!/usr/bin/env python3
"""A `helm` command for tests: `helm template RELEASE CHART [--namespace NS] [-f VALUES]...`
rendered by the real Helm Go SDK (helm-python-sdk) through helm_render.py.

Documents are split as Helm splits them (pkg/releaseutil: `(?:^|\\s*\\n)---\\s*`), so a
separator glued to the next line (`---apiVersion`) splits too. Other commands exit 2.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import helm_render  # noqa: E402

helm_render.DOC_SEPARATOR = re.compile(r"(?:^|\s*\n)---\s*")


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "template":
        sys.stderr.write("helm (test shim): only `helm template` is supported\n")
        return 2
    args = argv[1:]
    positional: list[str] = []
    values: list[str] = []
    namespace = "default"
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-f", "--values"):
            values.append(args[i + 1])
            i += 2
        elif a in ("-n", "--namespace"):
            namespace = args[i + 1]
            i += 2
        elif a.startswith("-"):
            sys.stderr.write(f"helm (test shim): unsupported flag {a}\n")
            return 2
        else:
            positional.append(a)
            i += 1
    if len(positional) != 2:
        sys.stderr.write("helm (test shim): usage: helm template RELEASE CHART [-f FILE]...\n")
        return 2
    release, chart = positional
    return helm_render.main(["--release", release, "--namespace", namespace, chart, *values])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
