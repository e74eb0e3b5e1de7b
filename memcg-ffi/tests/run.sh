#!/bin/sh
# Builds libmemcg, checks the header for drift, compiles the C tests and the example agent
# with -std=c11 -Wall -Wextra -Werror -pedantic, links them statically and dynamically, runs
# them under AddressSanitizer + UndefinedBehaviorSanitizer and once under valgrind memcheck.
# Exits non-zero on any failure; the last line is "N passed, M failed".
#
# Environment: CC (default gcc), PROFILE (release|debug, default release),
# MEMCG_SKIP_VALGRIND=1 / MEMCG_SKIP_HEADER_CHECK=1 to skip those steps (reported as SKIP).
set -u

here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/.." && pwd)
CC=${CC:-gcc}
PROFILE=${PROFILE:-release}
target=${CARGO_TARGET_DIR:-$root/target}
libdir="$target/$PROFILE"
corpus="$root/memcg-core/tests/corpus"
out=$(mktemp -d "${TMPDIR:-/tmp}/memcg-ffi-tests.XXXXXX")
trap 'rm -rf "$out"' EXIT

CFLAGS="-std=c11 -Wall -Wextra -Werror -pedantic -g -O1 -I$here/include"
# What a Rust staticlib needs from the C library (`--print native-static-libs`).
STATIC_LIBS="-lgcc_s -lutil -lrt -lpthread -lm -ldl -lc"
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
bad() { failed=$((failed + 1)); echo "FAIL - $1"; }
step() { # step NAME CMD...: runs CMD, counts it
    name=$1
    shift
    if "$@" >"$out/log" 2>&1; then ok "$name"; else
        cat "$out/log"
        bad "$name"
    fi
}
# Runs a test binary; adds its own "N passed, M failed" to the totals.
run_tests() { # run_tests NAME CMD...
    name=$1
    shift
    echo "# $name"
    "$@" >"$out/log" 2>&1
    rc=$?
    sed 's/^/    /' "$out/log"
    line=$(tail -n 1 "$out/log")
    p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
    f=$(echo "$line" | sed -n 's/^\([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
    if [ -z "$p" ]; then
        bad "$name: no summary line (exit $rc)"
        return
    fi
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then bad "$name: exit status $rc"; fi
}

echo "# build"
if [ "$PROFILE" = release ]; then
    step "cargo build -p memcg-ffi --release" cargo build -p memcg-ffi --release --manifest-path "$root/Cargo.toml"
else
    step "cargo build -p memcg-ffi" cargo build -p memcg-ffi --manifest-path "$root/Cargo.toml"
fi

step "cargo test -p memcg-ffi (Rust unit tests, zero-allocation tests)" \
    cargo test -q -p memcg-ffi --manifest-path "$root/Cargo.toml"

echo "# header drift"
# The pinned cbindgen is installed here when missing (a fresh CI machine has none).
if [ "${MEMCG_SKIP_HEADER_CHECK:-0}" != 1 ] &&
    [ "$(cbindgen --version 2>/dev/null | awk '{print $2}')" != "0.29.4" ]; then
    echo "installing cbindgen 0.29.4 (cargo install --locked)"
    cargo install -q cbindgen --version 0.29.4 --locked || echo "cbindgen install failed"
fi
if [ "${MEMCG_SKIP_HEADER_CHECK:-0}" = 1 ]; then
    echo "SKIP - header drift (MEMCG_SKIP_HEADER_CHECK=1)"
else
    step "include/memcg.h matches cbindgen output" "$here/gen_header.sh" --verify
fi

echo "# compile"
step "header compiles as C++ too" \
    sh -c "printf '#include \"memcg.h\"\nint main(void){return 0;}\n' | g++ -std=c++11 -Wall -Wextra -Werror -pedantic -I'$here/include' -x c++ -fsyntax-only -"
step "test_memcg: static, ASan+UBSan" \
    $CC $CFLAGS $SAN "$here/tests/test_memcg.c" "$libdir/libmemcg.a" $STATIC_LIBS -o "$out/t_static_asan"
step "test_memcg: shared, ASan+UBSan" \
    $CC $CFLAGS $SAN "$here/tests/test_memcg.c" -L"$libdir" -Wl,-rpath,"$libdir" -lmemcg -lm -o "$out/t_shared_asan"
step "test_memcg: static, plain (for valgrind)" \
    $CC $CFLAGS "$here/tests/test_memcg.c" "$libdir/libmemcg.a" $STATIC_LIBS -o "$out/t_static"
step "test_memcg: shared, plain (for valgrind)" \
    $CC $CFLAGS "$here/tests/test_memcg.c" -L"$libdir" -Wl,-rpath,"$libdir" -lmemcg -lm -o "$out/t_shared"
step "examples/agent.c: static" \
    $CC $CFLAGS "$here/examples/agent.c" "$libdir/libmemcg.a" $STATIC_LIBS -o "$out/agent_static"
step "examples/agent.c: shared, ASan+UBSan" \
    $CC $CFLAGS $SAN "$here/examples/agent.c" -L"$libdir" -Wl,-rpath,"$libdir" -lmemcg -o "$out/agent_asan"

echo "# run"
export ASAN_OPTIONS="detect_leaks=1:abort_on_error=0:halt_on_error=1:exitcode=99"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
[ -x "$out/t_static_asan" ] && run_tests "static library, ASan+UBSan" "$out/t_static_asan" "$corpus"
[ -x "$out/t_shared_asan" ] && run_tests "shared library, ASan+UBSan" "$out/t_shared_asan" "$corpus"
[ -x "$out/agent_asan" ] && step "agent: 2 samples of its own cgroup, ASan+UBSan" "$out/agent_asan" - 2 0.2
unset ASAN_OPTIONS UBSAN_OPTIONS

if ! command -v valgrind >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing valgrind (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind) >/dev/null 2>&1 || true
fi
VG="valgrind --quiet --error-exitcode=1 --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --track-origins=yes"
if [ "${MEMCG_SKIP_VALGRIND:-0}" = 1 ]; then
    echo "SKIP - valgrind (MEMCG_SKIP_VALGRIND=1)"
elif ! command -v valgrind >/dev/null 2>&1; then
    echo "SKIP - valgrind (not installed)"
else
    [ -x "$out/t_static" ] && run_tests "static library, valgrind memcheck" $VG "$out/t_static" "$corpus"
    [ -x "$out/t_shared" ] && run_tests "shared library, valgrind memcheck" $VG "$out/t_shared" "$corpus"
    [ -x "$out/agent_static" ] && step "agent under valgrind" $VG "$out/agent_static" - 2 0.2
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
