#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each, from seeds built out of the
# files hostwiz's tests use. A crash stops the run, exits non-zero and leaves the input in
# fuzz/artifacts/<target>/; replay it with `RUSTC_BOOTSTRAP=1 cargo fuzz run <target> <file>`.
#
# usage: fuzz/run.sh SECONDS [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
# cargo-fuzz passes nightly-only flags (-Zsanitizer, sanitizer coverage); this machine has only
# the stable toolchain, which accepts them when told it is bootstrapping.
export RUSTC_BOOTSTRAP=1

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --version 0.13.2
if [ $# -eq 0 ]; then
  mapfile -t targets < <(cargo fuzz list)
else
  targets=("$@")
fi

cargo build --release --quiet --bin hostwiz
python3 fuzz/seed.py target/release/hostwiz target/fuzz/seeds
cargo fuzz build --release

for t in "${targets[@]}"; do
  mkdir -p "target/fuzz/corpus/$t" "fuzz/regressions/$t"
  echo "== fuzz $t for ${seconds}s"
  # fuzz/regressions/<target>/ keeps every input that once crashed or hung, so each run
  # starts by proving the fix still holds.
  cargo fuzz run --release "$t" "target/fuzz/corpus/$t" "target/fuzz/seeds/$t" "fuzz/regressions/$t" -- \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    2> "target/fuzz/$t.log" || { tail -n 60 "target/fuzz/$t.log"; exit 1; }
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "target/fuzz/$t.log" | sort -u
  grep -E '^Done [0-9]+ runs' "target/fuzz/$t.log" || true
done
