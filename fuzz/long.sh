#!/usr/bin/env bash
# A long fuzz campaign: each target for SECONDS (default 3600) or RUNS executions, one
# process per target at the lowest priority, one job each (the machine is shared).
#
#   fuzz/long.sh [-t SECONDS | -r RUNS] [-p PARALLEL] [-f] [TARGET...]   # default: every target
#
# -p N runs at most N targets at once (default: all at once). -f ("fast") builds without
# cargo-fuzz's compare tracing (`--no-trace-compares`, into target-fast/): 3-4x the executions
# per second on these parsers (profiling showed ~80 % of the time in
# __sanitizer_cov_trace_*cmp*), at the cost of less guidance on magic values. Grow the corpus
# with the default build first (it finds the keys and tokens), then run -f for volume on it.
#
# Binaries are copied out of target/ first, so rebuilding while a campaign runs is safe.
# Logs and the final libFuzzer stats go to fuzz/long-logs/<target>.log; a summary line per
# target (executions, crashes) is appended to fuzz/long-logs/summary.txt. Crash inputs land
# in fuzz/artifacts/<target>/: minimise them (cargo fuzz tmin), fix, and keep them under
# fuzz/regressions/<target>/ where plain `cargo test` replays them.
set -euo pipefail
cd "$(dirname "$0")"

limit=(-max_total_time=3600)
parallel=0
fast=0
while getopts "t:r:p:f" o; do
  case $o in
    t) limit=(-max_total_time="$OPTARG") ;;
    r) limit=(-runs="$OPTARG") ;;
    p) parallel=$OPTARG ;;
    f) fast=1 ;;
    *) exit 2 ;;
  esac
done
shift $((OPTIND - 1))

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi

# No sanitizer: memcg-core forbids unsafe code, and ASan would cost 2-3x the executions.
# (The ffi target is built with ASan by smoke.sh and `cargo fuzz run ffi`.)
build=(-s none)
tdir=target
mode=cmp
if [ "$fast" = 1 ]; then
  build+=(--no-trace-compares --target-dir target-fast)
  tdir=target-fast
  mode=fast
fi
cargo +nightly fuzz build "${build[@]}" >/dev/null
python3 seed.py >/dev/null 2>&1 || true
triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
stash=$(mktemp -d /tmp/memcg-fuzz-long.XXXXXX)
mkdir -p long-logs
for t in "${targets[@]}"; do
  cp "$tdir/$triple/release/$t" "$stash/$t"
done

commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- . ../memcg-core || echo +dirty)
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  (
    start=$(date +%s)
    rc=0
    nice -n 19 "$stash/$t" "corpus/$t" "${limit[@]}" -print_final_stats=1 -timeout=10 \
      -artifact_prefix="artifacts/$t/" -close_fd_mask=1 >"long-logs/$t.log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "long-logs/$t.log" | tail -1)
    # After a crash libFuzzer prints no final stats: take the last progress line.
    [ -n "$runs" ] || runs=$(grep -oE '^#[0-9]+' "long-logs/$t.log" | tail -1 | tr -d '#')
    crashes=$(find "artifacts/$t" -type f | wc -l)
    echo "$(date -u +%FT%TZ) $t rc=$rc execs=${runs:-?} seconds=$(($(date +%s) - start)) crash_files=$crashes build=$mode commit=$commit" >>long-logs/summary.txt
  ) &
  if [ "$parallel" -gt 0 ] && [ "$(jobs -rp | wc -l)" -ge "$parallel" ]; then
    wait -n
  fi
done
wait
cat long-logs/summary.txt
