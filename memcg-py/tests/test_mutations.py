"""100,000 random mutations of the vendored real cgroup files through the Python binding:
every one gives a value or ``memcg.ParseError`` (with a line and an offset inside the input),
never another exception. The mutator mirrors memcg-core/tests/common/mutate.rs (byte flips
and replacements, insertions, deletions, grammar tokens, truncation, repeated lines, splices
between files); a failure prints its seed."""

import random
from typing import List, Tuple

import memcg
from conftest import CORPUS

MUTATIONS = 100_000
INTERESTING = b" \n\t\r-=.0123456789+xX\x00\xff\x7f_:"
TOKENS = [b"max", b"18446744073709551615", b"18446744073709551616", b"99999999999999999999999",
          b"-1", b"-307200", b"some avg10=", b"full ", b"total=", b"N0=", b"anon ", b"\r\n", b"  ", b"\n\n"]


def _inputs() -> List[Tuple[str, int, bytes]]:
    out = []
    for p in sorted(CORPUS.rglob("memory.*")):
        if not p.is_file() or p.stat().st_size > 64 * 1024:
            continue
        data = p.read_bytes()
        for version in (1, 2):
            try:
                memcg.parse(p.name, data, version=version)
            except memcg.ParseError:
                pass
            except ValueError:  # a file memcg does not read (memory.reclaim, memory.min, …)
                continue
            out.append((p.name, version, data))
    return out


def _mutate(rng: random.Random, data: bytes, other: bytes) -> bytes:
    m = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        at = rng.randint(0, len(m))
        op = rng.randrange(9)
        if op == 0 and at < len(m):
            m[at] ^= 1 << rng.randrange(8)
        elif op == 1 and at < len(m):
            m[at] = rng.choice(INTERESTING)
        elif op == 2:
            m[at:at] = bytes([rng.choice(INTERESTING)])
        elif op == 3:
            del m[at:at + 1 + rng.randrange(16)]
        elif op == 4:
            m[at:at] = rng.choice(TOKENS)
        elif op == 5:
            del m[at:]
        elif op == 6:
            start = m.rfind(b"\n", 0, at) + 1
            end = m.find(b"\n", at)
            end = len(m) if end < 0 else end + 1
            m[end:end] = m[start:end]
        elif op == 7:
            f = rng.randint(0, len(other))
            m[at:at] = other[f:f + rng.randrange(64)]
        elif at < len(m) and chr(m[at]).isdigit():
            m[at:at] = b"0" * 20
    return bytes(m)


def test_a_hundred_thousand_mutations_give_values_or_parse_errors() -> None:
    inputs = _inputs()
    assert len(inputs) > 300, len(inputs)
    rng = random.Random(0x6D656D6367)
    ok = errors = 0
    for i in range(MUTATIONS):
        name, version, data = inputs[rng.randrange(len(inputs))]
        m = _mutate(rng, data, inputs[rng.randrange(len(inputs))][2])
        try:
            memcg.parse(name, m, version=version)
        except memcg.ParseError as e:
            assert e.line >= 1 and 0 <= e.offset <= len(m), (i, name, m)
            errors += 1
        except Exception as e:  # noqa: BLE001 - the point: nothing but ParseError
            raise AssertionError(f"mutation {i} of {name} (v{version}) raised {e!r}: {m!r}") from e
        else:
            ok += 1
    assert ok > MUTATIONS // 10 and errors > MUTATIONS // 10, (ok, errors)
