#!/bin/sh
# Regenerates include/memcg.h with the pinned cbindgen; `--verify` regenerates into a
# temporary file and fails if it differs from the committed header.
set -eu
CBINDGEN_VERSION=0.29.4
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
have=$(cbindgen --version 2>/dev/null | awk '{print $2}') || have=""
if [ "$have" != "$CBINDGEN_VERSION" ]; then
    echo "gen_header.sh: need cbindgen $CBINDGEN_VERSION (found '${have:-none}'):" >&2
    echo "  cargo install cbindgen --version $CBINDGEN_VERSION --locked" >&2
    exit 2
fi
if [ "${1:-}" = "--verify" ]; then
    tmp=$(mktemp)
    trap 'rm -f "$tmp"' EXIT
    cbindgen --quiet --config cbindgen.toml --crate memcg-ffi --output "$tmp" .
    if ! diff -u include/memcg.h "$tmp"; then
        echo "gen_header.sh: include/memcg.h is stale: run memcg-ffi/gen_header.sh and commit" >&2
        exit 1
    fi
    echo "gen_header.sh: include/memcg.h is up to date"
else
    mkdir -p include
    cbindgen --quiet --config cbindgen.toml --crate memcg-ffi --output include/memcg.h .
    echo "gen_header.sh: wrote include/memcg.h"
fi
