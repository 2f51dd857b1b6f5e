#!/usr/bin/env bash
# Every figure in benches/README.md, measured in one run on this machine, each beside its
# baseline: criterion's benches (core, ingest, tui), hyperfine's whole-process timings against
# `true` (start-up) and `cat` of the same bytes (check), peak RSS from /usr/bin/time, and the
# wizard's first frame and idle CPU in a pseudo-terminal.
#
# usage: benches/run.sh [WORK_DIR]   (default target/bench-run; results in WORK_DIR/*.md, *.txt)
# needs: hyperfine, /usr/bin/time and perf (apt-get install hyperfine time linux-perf), python3;
# about 3 GB of free memory and disk for the 100,000-release stream.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${1:-target/bench-run}
rm -rf "$work" && mkdir -p "$work"
bin=$PWD/target/release/hostwiz

cargo build --release --quiet --bin hostwiz --example manifest_stream
echo "== machine" | tee "$work/machine.txt"
{ grep -m1 'model name' /proc/cpuinfo; nproc; uname -r; rustc --version; } | tee -a "$work/machine.txt"

# Inputs: generated manifest streams, a starter-sized checkout, an alias bomb.
for n in 1000 10000 20000 100000; do
  target/release/examples/manifest_stream "$n" >"$work/stream-$n.yaml"
done
repo=$work/repo
mkdir -p "$repo/ops/charts/starter" "$repo/ops/compose/caddy" "$repo/ops/infra/gcp"
for p in k8s-ha-worker vps-worker gcp-cloud-run-worker; do
  "$bin" apply --preset "$p" --out "$work/$p" --yes >/dev/null
done
cp tests/chart/starter/values.yaml "$repo/ops/charts/starter/values.yaml"
cp "$work/k8s-ha-worker/values-prod.yaml" "$repo/ops/charts/starter/values.prod.yaml"
cp tests/fixtures/compose/docker-compose.prod.yml "$repo/ops/compose/"
cp "$work/vps-worker/docker-compose.worker.yml" "$work/vps-worker/compose.env" "$repo/ops/compose/"
cp "$work/vps-worker/Caddyfile" "$repo/ops/compose/caddy/Caddyfile"
cp "$work/gcp-cloud-run-worker/prod.tfvars" "$repo/ops/infra/gcp/"
python3 - "$work/values-bomb.yaml" <<'PY'
import sys
lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * 10) + "]" for i in range(1, 10)]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY

echo "== criterion"
for b in core ingest tui; do
  cargo bench --quiet --bench "$b" -- --noplot 2>/dev/null | grep -E '^[a-z].*/|time:|thrpt:' | tee -a "$work/criterion.txt"
done

echo "== start-up and small commands (hyperfine, baseline: true)"
hyperfine -N --warmup 20 --runs 200 --export-markdown "$work/startup.md" \
  'true' "$bin --version" \
  "$bin apply --preset k8s-ha-worker --out $work/d --dry-run" \
  "$bin check --repo $repo"

echo "== check on manifest streams (hyperfine, baseline: cat of the same file)"
for n in 1000 10000 20000 100000; do
  hyperfine -N -i --warmup 3 --min-runs 10 --export-markdown "$work/check-$n.md" \
    "cat $work/stream-$n.yaml" "$bin check $work/stream-$n.yaml"
done
ls -l "$work"/stream-*.yaml | awk '{print $5, $9}' | tee "$work/stream-sizes.txt"

echo "== check on the chart's full output over many releases (baseline: cat of the same file)"
benches/releases.sh "$work"

echo "== alias bomb (refused)"
hyperfine -N -i --warmup 2 --min-runs 10 --export-markdown "$work/bomb.md" "$bin check $work/values-bomb.yaml"

echo "== peak RSS (kB)"
rss() { /usr/bin/time -f '%M' "$@" 2>&1 >/dev/null | tail -n 1; }
{
  echo "true $(rss true)"
  echo "apply $(rss "$bin" apply --preset k8s-ha-worker --out "$work/rss" --yes)"
  echo "check-repo $(rss "$bin" check --repo "$repo")"
  for n in 1000 10000 20000 100000; do echo "check-$n $(rss "$bin" check "$work/stream-$n.yaml")"; done
  echo "check-20000x3 $(rss "$bin" check "$work/stream-20000.yaml" "$work/stream-20000.yaml" "$work/stream-20000.yaml")"
  echo "alias-bomb $(rss "$bin" check "$work/values-bomb.yaml")"
} | tee "$work/rss.txt"

echo "== the wizard in a pseudo-terminal"
python3 benches/terminal_timings.py "$bin" 30 | tee "$work/terminal.txt"
