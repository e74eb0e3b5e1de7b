#!/usr/bin/env bash
# Captures real cgroup v1 memory directories from this machine into tests/corpus-local/.
# Run as root on a cgroup v1 host: creates child cgroups under this process's own memory
# cgroup, sets a limit, runs a small workload inside, copies every readable memory.* file,
# and removes the cgroups.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
rel=$(awk -F: '$2 ~ /(^|,)memory(,|$)/ {print $3}' /proc/self/cgroup)
own=/sys/fs/cgroup/memory${rel}
[ -f "$own/memory.usage_in_bytes" ] || { echo "no v1 memory cgroup at $own" >&2; exit 1; }
kernel=$(uname -r | cut -d- -f1)
out="$here/corpus-local/v1-real-$kernel"
mkdir -p "$out"

capture() { # name limit python-workload
  local name=$1 limit=$2 code=$3
  local cg="$own/memcg-capture-$name-$$"
  mkdir "$cg"
  echo "$limit" > "$cg/memory.limit_in_bytes"
  python3 -c "$code" "$cg/cgroup.procs" &
  local pid=$!
  # The workload writes its PID into the cgroup, works, then prints READY to a fifo-less file.
  for _ in $(seq 1 100); do [ -f "/tmp/memcg-capture-$name.ready" ] && break; sleep 0.1; done
  mkdir -p "$out/$name"
  for f in "$cg"/memory.*; do
    cat "$f" > "$out/$name/$(basename "$f")" 2>/dev/null || rm -f "$out/$name/$(basename "$f")"
  done
  rm -f "$out/$name/memory.force_empty" "$out/$name/memory.pressure_level" "$out/$name/memory.kmem.slabinfo"
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -f "/tmp/memcg-capture-$name.ready"
  for _ in $(seq 1 50); do rmdir "$cg" 2>/dev/null && break; sleep 0.1; done
}

common='import sys,os,time,mmap
open(sys.argv[1],"w").write(str(os.getpid()))
'
# 32 MiB of anonymous memory, touched, under a 64 MiB limit.
capture anon-32m $((64<<20)) "$common
buf = bytearray(32<<20)
for i in range(0, len(buf), 4096): buf[i] = 1
open('/tmp/memcg-capture-anon-32m.ready','w').close()
time.sleep(30)"
# 8 MiB anonymous + 40 MiB of page cache written to a file, under 96 MiB.
capture pagecache-40m $((96<<20)) "$common
buf = bytearray(8<<20)
for i in range(0, len(buf), 4096): buf[i] = 1
p='/tmp/memcg-capture-pc.bin'
with open(p,'wb') as f:
    for _ in range(40): f.write(os.urandom(1<<20))
open('/tmp/memcg-capture-pagecache-40m.ready','w').close()
time.sleep(30)"
# 24 MiB of tmpfs-backed shared memory (shmem) under 64 MiB.
capture shmem-24m $((64<<20)) "$common
fd = os.open('/dev/shm/memcg-capture-shm', os.O_CREAT|os.O_RDWR)
os.ftruncate(fd, 24<<20)
m = mmap.mmap(fd, 24<<20)
for i in range(0, 24<<20, 4096): m[i] = 1
open('/tmp/memcg-capture-shmem-24m.ready','w').close()
time.sleep(30)"
rm -f /dev/shm/memcg-capture-shm /tmp/memcg-capture-pc.bin
# An OOM kill: 80 MiB under a 32 MiB limit; the kernel kills it, the directory keeps oom_kill.
name=oom-killed
cg="$own/memcg-capture-$name-$$"
mkdir "$cg"; echo $((32<<20)) > "$cg/memory.limit_in_bytes"
python3 -c "$common
buf = bytearray(80<<20)
for i in range(0, len(buf), 4096): buf[i] = 1" "$cg/cgroup.procs" || true
mkdir -p "$out/$name"
for f in "$cg"/memory.*; do cat "$f" > "$out/$name/$(basename "$f")" 2>/dev/null || rm -f "$out/$name/$(basename "$f")"; done
rm -f "$out/$name/memory.force_empty" "$out/$name/memory.pressure_level" "$out/$name/memory.kmem.slabinfo"
for _ in $(seq 1 50); do rmdir "$cg" 2>/dev/null && break; sleep 0.1; done
uname -r > "$out/KERNEL"
echo "captured into $out"
