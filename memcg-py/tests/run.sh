#!/usr/bin/env bash
# Builds the memcg wheel fresh and runs the Python test suite against it:
#   memcg-py/tests/run.sh [pytest args…]
# A venv under memcg-py/target/venv-test gets maturin, pytest, hypothesis and mypy; maturin
# builds a release abi3 wheel, which is force-reinstalled; mypy.stubtest checks the stubs;
# the Rust `memcg` command is built to compare outputs; pytest runs with warnings as errors and prints the closing summary line. Exits non-zero if
# the build, stubtest or any test fails.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # memcg-py/
venv="${MEMCG_PY_VENV:-$here/target/venv-test}"
wheels="$here/target/wheels-test"
python="${PYTHON:-python3}"

if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet "maturin>=1.5,<2" pytest hypothesis mypy

rm -rf "$wheels"
"$venv/bin/maturin" build --release --manifest-path "$here/Cargo.toml" -o "$wheels"
"$venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$wheels"/memcg-*.whl

# The Rust `memcg` command, to compare `python -m memcg` with it (tests/test_cli.py).
if cargo build --quiet --manifest-path "$here/../Cargo.toml" -p memcg-core --features cli --bin memcg; then
    export MEMCG_BIN="$here/../target/debug/memcg"
else
    echo "warning: could not build the memcg command; the output comparison is skipped" >&2
fi

# Run from a directory that does not shadow the installed package.
cd "$here/tests"

stub_status=0
"$venv/bin/python" -m mypy.stubtest memcg --allowlist "$here/tests/stubtest-allowlist.txt" \
    || stub_status=$?
if [ "$stub_status" -ne 0 ]; then
    echo "mypy.stubtest FAILED (status $stub_status)" >&2
fi

test_status=0
"$venv/bin/python" -m pytest -W error -p no:cacheprovider "$here/tests" "$@" || test_status=$?

if [ "$stub_status" -ne 0 ]; then
    exit "$stub_status"
fi
exit "$test_status"
