#!/usr/bin/env bash
# Bounded fuzz smoke run for the test command: every target for SMOKE_SECONDS (default 10)
# from the seed corpus, after replaying the kept regression inputs. Total well under
# 4 minutes on the project's 2-core machine (build ~2 min cold, ~10 s warm).
#
#   fuzz/smoke.sh                 # every target
#   SMOKE_SECONDS=5 fuzz/smoke.sh pressure numa_stat
#
# Needs a nightly toolchain; installs cargo-fuzz (`cargo install cargo-fuzz --locked`) when
# it is missing and the registry is reachable. Without nightly, or when cargo-fuzz cannot be
# had, it says so and exits 0: the regression inputs are still replayed by plain
# `cargo test` (memcg-core/tests/fuzz_regressions.rs).
#
# Exit status: 0 when every target ran clean (or fuzzing is unavailable), 1 on a crash (the
# input is left in fuzz/artifacts/<target>/ and printed in base64).
set -uo pipefail
cd "$(dirname "$0")"

secs=${SMOKE_SECONDS:-10}

if ! cargo +nightly --version >/dev/null 2>&1; then
  echo "fuzz smoke: SKIPPED (no nightly toolchain; install one with 'rustup toolchain install nightly')"
  exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz smoke: cargo-fuzz missing, installing it (cargo install cargo-fuzz --locked)"
  if ! cargo install cargo-fuzz --locked >/tmp/memcg-cargo-fuzz-install.log 2>&1; then
    echo "fuzz smoke: SKIPPED (cargo-fuzz could not be installed; see /tmp/memcg-cargo-fuzz-install.log)"
    exit 0
  fi
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  mapfile -t targets < <(ls fuzz_targets | sed 's/\.rs$//')
fi

# No sanitizer: memcg-core forbids unsafe code, so ASan would only slow it down; debug
# assertions (overflow checks) stay on.
if ! cargo +nightly fuzz build -s none >/tmp/memcg-fuzz-build.log 2>&1; then
  cat /tmp/memcg-fuzz-build.log
  echo "fuzz smoke: FAILED to build the fuzz targets"
  exit 1
fi
python3 seed.py >/dev/null 2>&1 || echo "fuzz smoke: no python3, fuzzing from the regression inputs only"

triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
bin="target/$triple/release"
scratch=$(mktemp -d /tmp/memcg-fuzz-smoke.XXXXXX)
trap 'rm -rf "$scratch"' EXIT

passed=0
failed=0
total_runs=0
for t in "${targets[@]}"; do
  corpus="$scratch/$t"
  mkdir -p "$corpus" "artifacts/$t"
  [ -d "corpus/$t" ] && cp -r "corpus/$t/." "$corpus/" 2>/dev/null
  [ -d "regressions/$t" ] && cp -r "regressions/$t/." "$corpus/" 2>/dev/null
  log="$scratch/$t.log"
  nice "$bin/$t" "$corpus" -max_total_time="$secs" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="artifacts/$t/" -close_fd_mask=1 >"$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  total_runs=$((total_runs + ${runs:-0}))
  if [ $rc -eq 0 ]; then
    echo "fuzz smoke: $t: ok (${runs:-?} executions in ${secs}s)"
    passed=$((passed + 1))
  else
    echo "fuzz smoke: $t: CRASH"
    grep -E "panicked|ERROR|Base64|Test unit" -A3 "$log" | head -20
    failed=$((failed + 1))
  fi
done
echo "fuzz smoke: $total_runs executions over ${#targets[@]} targets"
echo "fuzz: $passed passed, $failed failed"
[ $failed -eq 0 ]
