"""hypothesis: parse never gives anything but a result or ParseError."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import memcg

RESULTS = (memcg.KeyedFile, memcg.ValueFile, memcg.LimitFile, memcg.Pressure)
names = st.sampled_from(memcg.FILE_NAMES + ("/proc/pressure/memory",))
versions = st.sampled_from([None, 1, 2])
# Near-valid text: the alphabet of cgroup files, so that the parsers get past the first byte.
alphabet = st.sampled_from(list("0123456789 \n\t=.-_abcdefgmnoprstuxNAXM") + ["max", "some ", "full ", "avg10=", "total=", "anon ", "N0="])
texty = st.lists(alphabet, max_size=80).map(lambda xs: "".join(xs).encode())


def check(name: str, data: bytes, version: "int | None") -> None:
    try:
        r = memcg.parse(name, data, version=version)
    except memcg.ParseError as e:
        assert e.line >= 1 and 0 <= e.offset <= len(data), (e.line, e.offset, len(data))
        assert data[: e.offset].count(b"\n") + 1 == e.line
        assert isinstance(str(e), str)
    else:
        assert isinstance(r, RESULTS)
        r.to_dict()
        repr(r)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names, st.binary(max_size=200), versions)
def test_parse_binary(name: str, data: bytes, version: "int | None") -> None:
    check(name, data, version)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names, texty, versions)
def test_parse_near_valid(name: str, data: bytes, version: "int | None") -> None:
    check(name, data, version)


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=100))
def test_parse_str(data: str) -> None:
    check("memory.stat", data.encode(), None)
    try:
        memcg.parse("memory.stat", data)
    except memcg.ParseError:
        pass


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.from_regex(r"\A[a-z_]{1,20}\Z"), st.integers(0, 2**64 - 1), max_size=30))
def test_memory_stat_roundtrip(d: "dict[str, int]") -> None:
    data = "".join(f"{k} {v}\n" for k, v in d.items()).encode()
    if not d:
        return
    r = memcg.parse("memory.stat", data)
    out = r.to_dict()
    for k, v in d.items():
        assert out[k] == v and r[k] == v
