#!/usr/bin/env bash
# Issue 14's figures for `check` on the realistic stream: the starter chart's full output over
# N releases, each release with its own names, hosts and instance label, as `helm template` of
# N releases prints it. Per size: wall time of `check` and of `cat` of the same file
# (hyperfine, same run), CPU time (user + sys) and peak RSS (/usr/bin/time, median of 3), and
# the peak RSS of `check` on one release, the process's own memory.
#
# usage: benches/releases.sh [WORK_DIR] [SIZES...]   (default target/bench-run; 1000 4000 16000
# 64000 100000). Needs hyperfine and /usr/bin/time; about 3 GB of memory and disk for 100,000.
set -eu  # no pipefail: check exits 1 on these streams (their findings)
cd "$(dirname "$0")/.."
work=${1:-target/bench-run}
shift || true
sizes=${*:-1000 4000 16000 64000 100000}
mkdir -p "$work"
bin=$PWD/target/release/hostwiz
cargo build --release --quiet --bin hostwiz --example manifest_stream
target/release/examples/manifest_stream --releases 1 >"$work/releases-1.yaml"
one=$(/usr/bin/time -f '%M' "$bin" check "$work/releases-1.yaml" 2>&1 >/dev/null | tail -n 1)
echo "one release: peak RSS $one kB" | tee "$work/releases.txt"
for n in $sizes; do
  f=$work/releases-$n.yaml
  [ -s "$f" ] || target/release/examples/manifest_stream --releases "$n" >"$f"
  runs=10; [ "$n" -ge 16000 ] && runs=3
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/releases-$n.json" \
    "cat $f" "$bin check $f" >/dev/null
  for _ in 1 2 3; do
    /usr/bin/time -f '%U %S %M' "$bin" check "$f" 2>&1 >/dev/null | tail -n 1
  done | sort -n | sed -n 2p >"$work/releases-$n.time"
  python3 - "$n" "$f" "$work/releases-$n.json" "$work/releases-$n.time" "$one" <<'PY' | tee -a "$work/releases.txt"
import json, os, sys
n, f, js, tm, one = sys.argv[1:]
size = os.path.getsize(f)
r = json.load(open(js))["results"]
cat, check = r[0]["median"], r[1]["median"]
user, sys_, rss = open(tm).read().split()
cpu = float(user) + float(sys_)
rss = int(rss) * 1024
print(f"{n} releases, {size/1e6:.1f} MB: check {check:.3f} s ({size/1e6/check:.0f} MB/s), "
      f"cat {cat*1000:.1f} ms (x{check/cat:.0f}), CPU {cpu:.2f} s ({size/1e6/cpu:.0f} MB/s), "
      f"peak RSS {rss/1e6:.1f} MB ({rss/size:.2f}x the input; "
      f"{(rss - int(one)*1024)/size:.2f}x above one release's)")
PY
done
