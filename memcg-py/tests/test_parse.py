"""memcg.parse: dispatch by name, typed results, and error positions."""

import pickle

import pytest

import memcg


def test_v2_memory_stat_fields_and_unknown_keys() -> None:
    s = memcg.parse("memory.stat", b"anon 4096\nfile 8192\nbrand_new_key 7\n")
    assert isinstance(s, memcg.KeyedFile)
    assert (s.kind, s.version) == ("memory.stat", 2)
    assert (s.anon, s.file, s.shmem) == (4096, 8192, None)
    assert s["brand_new_key"] == 7 and s.brand_new_key == 7
    assert s.unknown == {"brand_new_key": 7} and s.unknown_keys == 1
    d = s.to_dict()
    assert d["anon"] == 4096 and d["shmem"] is None and d["brand_new_key"] == 7
    assert "anon" in s and "nope" not in s
    assert s.get("nope", 5) == 5
    with pytest.raises(AttributeError):
        s.nope  # noqa: B018
    with pytest.raises(KeyError):
        s["nope"]
    assert "anon=4096" in repr(s)


def test_version_picks_the_stat_format() -> None:
    v1 = memcg.parse("memory.stat", b"cache 1\nrss 2\ntotal_rss 3\n", version=1)
    assert (v1.version, v1.rss, v1.total_rss) == (1, 2, 3)
    # v2 has no `rss` key: it is kept as unknown.
    v2 = memcg.parse("memory.stat", b"cache 1\nrss 2\n")
    assert v2.unknown == {"cache": 1, "rss": 2}
    # A path works as well as a name; version is ignored for names only one version has.
    assert memcg.parse("/sys/fs/cgroup/memory/memory.limit_in_bytes", b"4096\n", version=2).version == 1
    with pytest.raises(ValueError, match="version"):
        memcg.parse("memory.stat", b"", version=3)


def test_negative_v1_counter_reads_as_zero() -> None:
    s = memcg.parse("memory.stat", b"dirty -307200\n", version=1)
    assert s.dirty == 0


def test_value_and_limit_files_keep_absent_unlimited_and_zero_apart() -> None:
    cur = memcg.parse("memory.current", b"123\n")
    assert isinstance(cur, memcg.ValueFile) and cur.value == 123 and int(cur) == 123
    assert cur.to_dict() == {"value": 123}
    unlimited = memcg.parse("memory.max", b"max\n")
    assert isinstance(unlimited, memcg.LimitFile)
    assert (unlimited.value, unlimited.unlimited) == (None, True)
    zero = memcg.parse("memory.max", b"0\n")
    assert (zero.value, zero.unlimited) == (0, False)
    assert zero.to_dict() == {"value": 0, "unlimited": False}
    # v1: at or above 2^62 is unlimited whatever the page size; -1 too.
    for raw in (b"9223372036854771712\n", b"9223372036854710272\n", b"-1\n"):
        lim = memcg.parse("memory.limit_in_bytes", raw)
        assert (lim.value, lim.unlimited) == (None, True), raw
    lim = memcg.parse("memory.limit_in_bytes", b"4611686018427387903\n")
    assert (lim.value, lim.unlimited) == (4611686018427387903, False)


def test_str_input_and_missing_trailing_newline() -> None:
    assert memcg.parse("memory.current", "42").value == 42
    assert memcg.parse("memory.events", "low 0\nhigh 1\nmax 2\noom 3\noom_kill 4").oom_kill == 4
    assert memcg.parse("memory.current", bytearray(b"7\n")).value == 7
    with pytest.raises(TypeError):
        memcg.parse("memory.current", 42)  # type: ignore[call-overload]


def test_pressure() -> None:
    p = memcg.parse(
        "memory.pressure",
        b"some avg10=1.50 avg60=0.25 avg300=0.00 total=123456\n"
        b"full avg10=0.00 avg60=0.00 avg300=0.00 total=789\n",
    )
    assert isinstance(p, memcg.Pressure)
    assert (p.some.avg10, p.some.total_us) == (1.5, 123456)
    assert p.full is not None and p.full.total_us == 789
    assert p.to_dict()["some"] == {"avg10": 1.5, "avg60": 0.25, "avg300": 0.0, "total_us": 123456}
    assert memcg.parse("/proc/pressure/memory", b"some avg10=0.00 avg60=0.00 avg300=0.00 total=0\n").full is None


def test_numa_stat_units_and_nodes() -> None:
    v2 = memcg.parse("memory.numa_stat", b"anon N0=4096 N1=8192\nfile N0=0 N1=4096\n")
    assert (v2.anon, v2.file, v2.nodes) == (12288, 4096, 2)
    v1 = memcg.parse("memory.numa_stat", b"total=10 N0=4 N1=6\nanon=3 N0=1 N1=2\n", version=1)
    assert (v1.total, v1.anon, v1.nodes, v1.foreign_lines) == (10, 3, 2, 0)


@pytest.mark.parametrize(
    ("name", "data", "version", "line", "offset", "reason"),
    [
        ("memory.stat", b"anon 1\nfile x\n", None, 2, 12, "invalid number"),
        ("memory.stat", b"slab 1234\nlol\n", None, 2, 13, "missing value"),
        ("memory.stat", b"", None, 1, 0, "empty file"),
        ("memory.stat", b"anon 1\nanon 2\n", None, 2, 7, "duplicate key"),
        ("memory.current", b"1234.0\n", None, 1, 4, "invalid number"),
        ("memory.current", b"", None, 1, 0, "empty file"),
        ("memory.current", b"18446744073709551616\n", None, 1, 0, "number does not fit in 64 bits"),
        ("memory.max", b"-1\n", None, 1, 0, "invalid number"),
        ("memory.limit_in_bytes", b"123max\n", 1, 1, 3, "invalid number"),
        ("memory.events", b"low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\nx\x00 1\n", None, 6, 37, "unexpected control byte"),
    ],
)
def test_parse_error_positions(
    name: str, data: bytes, version: "int | None", line: int, offset: int, reason: str
) -> None:
    with pytest.raises(memcg.ParseError) as info:
        memcg.parse(name, data, version=version)
    e = info.value
    assert (e.line, e.offset, e.reason) == (line, offset, reason), str(e)
    assert e.kind == name
    assert isinstance(e, ValueError) and isinstance(e, memcg.MemcgError)
    assert e.path is None
    assert f"line {line}, byte {offset}" in str(e)


def test_parse_error_attributes_and_pickling() -> None:
    with pytest.raises(memcg.ParseError) as info:
        memcg.parse("memory.stat", b"anon 1\nfile x\n")
    e = info.value
    assert (e.kind, e.version, e.line, e.offset, e.reason) == ("memory.stat", 2, 2, 12, "invalid number")
    assert str(e) == "memory.stat (cgroup v2): line 2, byte 12: invalid number"
    back = pickle.loads(pickle.dumps(e))
    assert type(back) is memcg.ParseError and (back.line, back.offset) == (2, 12)


def test_unknown_file_name_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown cgroup memory file"):
        memcg.parse("memory.bogus", b"1\n")
    with pytest.raises(ValueError):
        memcg.parse("mountinfo", b"")


def test_file_names() -> None:
    assert "memory.stat" in memcg.FILE_NAMES and "memory.limit_in_bytes" in memcg.FILE_NAMES
    assert list(memcg.FILE_NAMES) == sorted(set(memcg.FILE_NAMES))
    for name in memcg.FILE_NAMES:
        try:
            memcg.parse(name, b"0\n")
        except memcg.ParseError:
            pass


def test_exception_hierarchy() -> None:
    assert issubclass(memcg.ParseError, memcg.MemcgError) and issubclass(memcg.ParseError, ValueError)
    assert issubclass(memcg.TimeWentBackwards, memcg.InvalidTimestamp)
    assert issubclass(memcg.InvalidTimestamp, ValueError)
    assert issubclass(memcg.CgroupReadError, OSError)
    for cls in (memcg.CgroupGone, memcg.NotACgroup, memcg.DiscoveryError):
        assert issubclass(cls, memcg.MemcgError)
    assert memcg.MemcgError.__bases__ == (Exception,)
    assert memcg.ParseError.__module__ == "memcg"
