#!/usr/bin/env bash
# Quick pass over every bench, so the benches never rot: builds the bench targets, runs each
# benchmark once in criterion's test mode (no measurement), then runs the report binary's
# allocation check (every memcg parse, Snapshot, sampler and detector path must allocate
# nothing). The full, measured run stays manual: see docs/performance.md.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$SECONDS
cargo bench -p benches --benches -- --test
cargo run -q -p benches --release --bin report -- --check
echo "benches/smoke.sh: every bench ran once and the allocation check passed in $((SECONDS - start)) s"
