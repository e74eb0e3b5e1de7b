#!/usr/bin/env bash
# End to end: memcg exporter -> a real Prometheus -> the shipped alert rules.
#
# Starts `memcg exporter` on loopback, a real Prometheus scraping it every second with
# docs/prometheus/memcg.rules.yml, and a leaking process in a child v1 cgroup with a limit. Asserts
# through Prometheus's HTTP query API that MemcgLeakSuspected fires before the OOM kill and that
# memcg_time_to_limit_seconds at the first alert is within 25 % of the true remaining time, and
# that `promtool check metrics` is clean on a scrape. Also runs promtool's own rule tests.
#
# Needs root and a cgroup v1 memory hierarchy (or a writable v2 cgroup); skips with a message
# otherwise. Installs Debian's prometheus package where missing.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$repo"

say() { echo "e2e: $*"; }

if ! command -v promtool >/dev/null || ! command -v prometheus >/dev/null; then
  say "installing Debian's prometheus package"
  if [ "$(id -u)" -eq 0 ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq prometheus) >/dev/null
  else
    say "SKIP: prometheus is not installed and installing it needs root"
    exit 0
  fi
fi

say "promtool check rules / test rules"
promtool check rules docs/prometheus/memcg.rules.yml
(cd docs/prometheus && promtool test rules memcg.rules.test.yml)

rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
own=/sys/fs/cgroup/memory${rel}
if [ ! -f "$own/memory.usage_in_bytes" ]; then
  say "SKIP: live part needs a cgroup v1 memory hierarchy (none at $own)"
  exit 0
fi
parent="$own/memcg-e2e-$$"
if ! mkdir "$parent" 2>/dev/null; then
  say "SKIP: cannot create child cgroups under $own (not root?)"
  exit 0
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  for d in "$parent"/*/; do [ -d "$d" ] && rmdir "$d" 2>/dev/null || true; done
  for _ in $(seq 1 30); do rmdir "$parent" 2>/dev/null && break; sleep 0.2; done
  rm -rf "$work"
}
trap cleanup EXIT

cargo build -q --release -p memcg-core --features cli
memcg=target/release/memcg
port_e=$((20000 + $$ % 20000))
port_p=$((port_e + 1))

"$memcg" exporter --listen "127.0.0.1:$port_e" --root "$own" --match "*memcg-e2e-$$*" --interval 1 \
  >"$work/exporter.log" 2>&1 &
pids+=($!)

cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
rule_files:
  - $repo/docs/prometheus/memcg.rules.yml
scrape_configs:
  - job_name: memcg
    static_configs:
      - targets: ['127.0.0.1:$port_e']
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/data" \
  --web.listen-address="127.0.0.1:$port_p" >"$work/prometheus.log" 2>&1 &
pids+=($!)

for _ in $(seq 1 100); do
  curl -sf "127.0.0.1:$port_p/-/ready" >/dev/null 2>&1 && curl -sf "127.0.0.1:$port_e/metrics" >/dev/null 2>&1 && break
  sleep 0.2
done

say "promtool check metrics on a scrape"
curl -sf "127.0.0.1:$port_e/metrics" | promtool check metrics

# The leak: 2 MiB/s of anonymous memory, touched, under a 192 MiB limit, until the OOM kill.
leak="$parent/leaky"
mkdir "$leak"
echo $((192 << 20)) >"$leak/memory.limit_in_bytes"
start=$(date +%s.%N)
/bin/sh -c 'echo $$ > "$0" && exec python3 -c "
import time
hold = []
t0 = time.monotonic()
while True:
    hold.append(b\"\\x01\" * (1 << 20))
    time.sleep(max(0.0, t0 + len(hold) * 0.5 - time.monotonic()))
"' "$leak/cgroup.procs" &
leak_pid=$!
pids+=($leak_pid)
say "leaking 2 MiB/s into $leak (limit 192 MiB)"

query() { # PromQL -> "value" of the first sample, or empty
  curl -sfG "127.0.0.1:$port_p/api/v1/query" --data-urlencode "query=$1" |
    python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; print(r[0]["value"][1] if r else "")'
}

first_alert=""
ttl_at_alert=""
samples="$work/ttl.txt"
: >"$samples"
while kill -0 "$leak_pid" 2>/dev/null; do
  now=$(date +%s.%N)
  ttl=$(query "memcg_time_to_limit_seconds{id=~\".*/leaky\"}" || true)
  firing=$(query "ALERTS{alertname=\"MemcgLeakSuspected\",alertstate=\"firing\",id=~\".*/leaky\"}" || true)
  [ -n "$ttl" ] && echo "$now $ttl" >>"$samples"
  if [ -n "$firing" ] && [ -z "$first_alert" ]; then
    first_alert=$now
    ttl_at_alert=$ttl
    say "MemcgLeakSuspected firing at t=$(python3 -c "print(round($now-$start,1))") s; time to limit then: ${ttl:-none} s"
  fi
  sleep 1
done
wait "$leak_pid" 2>/dev/null || true
oom=$(date +%s.%N)
kills=$(awk '$1=="oom_kill"{print $2}' "$leak/memory.oom_control")
say "leak ended at t=$(python3 -c "print(round($oom-$start,1))") s, oom_kill=$kills"

python3 - "$start" "$oom" "${first_alert:-}" "${ttl_at_alert:-}" "$samples" "$kills" <<'EOF'
import statistics, sys
start, oom = float(sys.argv[1]), float(sys.argv[2])
first, ttl0 = sys.argv[3], sys.argv[4]
kills = int(sys.argv[6] or 0)
assert kills >= 1, "the leak was not OOM-killed"
assert first, "MemcgLeakSuspected never fired before the OOM kill"
first = float(first)
assert first < oom, "alert after the OOM"
assert ttl0, "no memcg_time_to_limit_seconds at the first alert"
true_left = oom - first
err = abs(float(ttl0) - true_left) / true_left
print(f"e2e: at the first alert ({first-start:.1f} s) memcg projected {float(ttl0):.1f} s to the limit; "
      f"the OOM came {true_left:.1f} s later: error {err:.0%}")
errs = []
for line in open(sys.argv[5]):
    t, v = map(float, line.split())
    if t >= first and oom - t > 5:
        errs.append(abs(v - (oom - t)) / (oom - t))
if errs:
    print(f"e2e: median error of every projection after the alert: {statistics.median(errs):.0%} over {len(errs)} queries")
assert err <= 0.25, f"time-to-limit error {err:.0%} > 25%"
EOF
say "ok"
