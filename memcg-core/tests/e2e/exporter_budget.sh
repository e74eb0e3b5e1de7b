#!/usr/bin/env bash
# The exporter's cost for N cgroups sampled each second (default 1000), on a cgroup tree
# generated on a tmpfs from real v2 files (memcg-core/tests/corpus/v2-real-6.1).
#
#   bash memcg-core/tests/e2e/exporter_budget.sh [N] [SECONDS]
#
# Prints CPU (% of one core, from /proc/<pid>/stat utime+stime over the steady window) and
# resident memory (VmRSS, VmHWM). Note: a tmpfs file costs less to read than a real cgroupfs
# file (the kernel does not generate text), so this measures memcg's own cost; the kernel's
# share on a real node is measured by the sampler bench (docs/performance.md).
set -euo pipefail
n=${1:-1000}
secs=${2:-30}
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"
cargo build -q --release -p memcg-core --features cli
root=$(mktemp -d /dev/shm/memcg-budget.XXXXXX)
trap 'kill $pid 2>/dev/null || true; rm -rf "$root"' EXIT
src=memcg-core/tests/corpus/v2-real-6.1/01_linear_oom/near-limit
echo "memory cpu io" >"$root/cgroup.controllers"
for i in $(seq 1 "$n"); do
  d="$root/kubepods.slice/pod$((i % 50)).slice/cri-containerd-$(printf '%064x' "$i").scope"
  mkdir -p "$d"
  cp "$src"/memory.* "$d"/ 2>/dev/null || true
done
port=$((30000 + $$ % 20000))
./target/release/memcg exporter --root "$root" --listen "127.0.0.1:$port" --interval 1 2>/dev/null &
pid=$!
sleep 5 # warm-up: discovery and the first pass
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
t0=$(ticks); s0=$(date +%s.%N)
sleep "$secs"
t1=$(ticks); s1=$(date +%s.%N)
curl -sf "127.0.0.1:$port/metrics" >/dev/null
tracked=$(curl -sf "127.0.0.1:$port/metrics" | awk '$1=="memcg_exporter_cgroups_tracked"{print $2}')
pass=$(curl -sf "127.0.0.1:$port/metrics" | awk '$1=="memcg_exporter_sample_duration_seconds"{print $2}')
rss=$(awk '/VmRSS/{print $2}' "/proc/$pid/status")
hwm=$(awk '/VmHWM/{print $2}' "/proc/$pid/status")
python3 - "$t0" "$t1" "$s0" "$s1" "$hz" "$tracked" "$pass" "$rss" "$hwm" "$n" <<'PY'
import sys
t0, t1, s0, s1, hz = map(float, sys.argv[1:6])
tracked, pas, rss, hwm, n = sys.argv[6], float(sys.argv[7]), int(sys.argv[8]), int(sys.argv[9]), int(sys.argv[10])
cpu = (t1 - t0) / hz / (s1 - s0) * 100
print(f"cgroups: {n} generated, {tracked} tracked; sampling every 1 s")
print(f"CPU: {cpu:.2f} % of one core (target < 5 %); last pass {pas*1000:.1f} ms")
print(f"resident: {rss/1024:.1f} MiB (peak {hwm/1024:.1f} MiB; target < 16 MiB)")
PY
