//! Discovery conformance: every `/proc/<pid>/cgroup` and mountinfo sample of the corpus, the
//! pairs that resolve to a directory (EXPECTED.md section 5), container search over the
//! corpus trees, and the host itself.
//!
//! The GPL samples (`openjdk/`) are read from `../shared/corpus` when that directory exists;
//! otherwise their tests print that they skip.

use std::path::{Path, PathBuf};

use memcg_core::discovery::{self, DiscoveryError, Found};
use memcg_core::proc::{cgroup, mountinfo};
use memcg_core::{FileKind, ParseError, Reason, Version};

// ---------------------------------------------------------------------------------------------
// Corpus helpers
// ---------------------------------------------------------------------------------------------

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// `../shared/corpus` (from the workspace root) when it exists and holds the GPL folders.
fn gpl_corpus() -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/corpus");
    p.join("openjdk").is_dir().then_some(p)
}

fn read(rel: &str) -> Vec<u8> {
    let p = corpus().join(rel);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Reads an `openjdk/…` sample, or prints that it skips.
fn read_gpl(rel: &str) -> Option<Vec<u8>> {
    match gpl_corpus() {
        Some(root) => Some(std::fs::read(root.join(rel)).expect("GPL corpus file")),
        None => {
            println!("skip: {rel} (GPL sample; ../shared/corpus not present)");
            None
        }
    }
}

/// Every file of a corpus root whose name satisfies `pred`, as paths relative to the root.
fn files(root: &Path, pred: &dyn Fn(&str) -> bool) -> Vec<String> {
    fn walk(dir: &Path, root: &Path, pred: &dyn Fn(&str) -> bool, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).expect("corpus dir") {
            let e = e.expect("dir entry");
            let p = e.path();
            if p.is_dir() {
                walk(&p, root, pred, out);
            } else if pred(&e.file_name().to_string_lossy()) {
                let rel = p.strip_prefix(root).expect("under root");
                out.push(rel.to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, pred, &mut out);
    out.sort();
    out
}

fn is_cgroup_file(name: &str) -> bool {
    name == "cgroup" || name.starts_with("cgroup-")
}

fn is_mountinfo_file(name: &str) -> bool {
    name.starts_with("mountinfo")
}

fn s(b: &[u8]) -> &str {
    std::str::from_utf8(b).expect("utf-8")
}

fn entries(input: &[u8]) -> Vec<cgroup::Entry<'_>> {
    cgroup::entries(input)
        .collect::<Result<_, _>>()
        .expect("parses")
}

fn mounts(input: &[u8]) -> Vec<mountinfo::Mount<'_>> {
    mountinfo::mounts(input)
        .collect::<Result<_, _>>()
        .expect("parses")
}

fn found(dir: &str, version: Version) -> Found {
    Found {
        dir: PathBuf::from(dir),
        version,
    }
}

// ---------------------------------------------------------------------------------------------
// /proc/<pid>/cgroup: every sample
// ---------------------------------------------------------------------------------------------

/// What a `/proc/<pid>/cgroup` sample must parse to.
enum CgroupExpect {
    /// Parses to `count` entries with this v1 memory path and v2 path.
    Ok {
        count: usize,
        v1: Option<&'static str>,
        v2: Option<&'static str>,
    },
    /// Fails on this line, at this offset, for this reason.
    Err(u32, usize, Reason),
}

const KUBEPODS_AMZN2: &str = "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope";
const DOCKER_985: &str = "/docker/b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242";
const DOCKER_312: &str =
    "/system.slice/docker-1c8fa019edd4b9d4b2856f4932c55929c5c118c808ed5faee9a135ca6e84b039.scope";
const TIKV: &str = "/kubepods/burstable/poda2ebe2cd-64c7-11ea-8799-eeeeeeeeeeee/a026c487f1168b7f5442444ac8e35161dfcde87c175ef27d9a806270e267a575";
const OCI_SESSION: &str = "/user.slice/user-1001.slice/session-1.scope";
const JDK_COLONS: &str = "/system.slice/containerd.service/kubepods-burstable-podf65e797d_d5f9_4604_9773_94f4bb9946a0.slice:cri-containerd:86ac6260f9f8a9c1276748250f330ae9c2fcefe5ae809364ad1e45f3edf7e08a";
const JDK_VTE: &str = "/user.slice/user-1000.slice/user@1000.service/apps.slice/apps-org.gnome.Terminal.slice/vte-spawn-3c00b338-5b65-439f-8e97-135e183d135d.scope";

fn cgroup_expect(rel: &str) -> CgroupExpect {
    use CgroupExpect::{Err, Ok};
    if let Some(rest) = rel.strip_prefix("v2-real-6.1/") {
        // Twelve captures of one v2 VM: the process sat in the scenario's cgroup.
        let scenario = rest.split('/').next().expect("scenario");
        let v2 = match scenario {
            "01_linear_oom" => "/01_linear_oom",
            "05_pagecache_write" => "/05_pagecache_write",
            "10_high_throttle" => "/10_high_throttle",
            "root" => "/",
            other => panic!("unexpected v2-real-6.1 scenario {other}"),
        };
        return Ok {
            count: 1,
            v1: None,
            v2: Some(v2),
        };
    }
    match rel {
        "automaxprocs/proc/cgroups/cgroup" => Ok {
            count: 3,
            v1: Some("/docker/large"),
            v2: None,
        },
        // `invalid-line:` has one colon: the second is expected at the end of line 2.
        "automaxprocs/proc/invalid-cgroup/cgroup" => Err(2, 24, Reason::InvalidField),
        "automaxprocs/proc/untranslatable/cgroup" => Ok {
            count: 2,
            v1: None,
            v2: None,
        },
        // `0\using\colons\/`: no colon at all.
        "automaxprocs/proc/v2/cgroup-invalid" => Err(1, 16, Reason::InvalidField),
        // `1::/` is not v2 (hierarchy ID must be 0).
        "automaxprocs/proc/v2/cgroup-no-match" => Ok {
            count: 1,
            v1: None,
            v2: None,
        },
        "automaxprocs/proc/v2/cgroup-root" => Ok {
            count: 1,
            v1: None,
            v2: Some("/"),
        },
        "automaxprocs/proc/v2/cgroup-subdir" => Ok {
            count: 1,
            v1: None,
            v2: Some("/Example"),
        },
        // Tab-indented lines.
        "containerd-cgroups/proc-self-cgroup/v1-desktop/cgroup" => Ok {
            count: 11,
            v1: Some("/"),
            v2: Some("/user.slice/user-1000.slice/user@1000.service/gnome-terminal-server.service"),
        },
        "containerd-cgroups/proc-self-cgroup/v1-docker-service/cgroup" => Ok {
            count: 9,
            v1: Some("/system.slice/docker.service"),
            v2: Some("/system.slice/docker.service"),
        },
        // Relative path after `0::` (a test artefact, kept as written).
        "datadog-agent/self-reader/self/cgroup" => Ok {
            count: 1,
            v1: None,
            v2: Some("./testdata/self-reader"),
        },
        "elastic-agent-system-metrics/amzn2/proc/1/cgroup" => Ok {
            count: 12,
            v1: Some("/"),
            v2: Some("/"),
        },
        "elastic-agent-system-metrics/amzn2/proc/493239/cgroup" => Ok {
            count: 12,
            v1: Some(KUBEPODS_AMZN2),
            v2: Some("/"),
        },
        "elastic-agent-system-metrics/docker/proc/1/cgroup" => Ok {
            count: 10,
            v1: Some("/docker/123"),
            v2: None,
        },
        "elastic-agent-system-metrics/docker/proc/312/cgroup" => Ok {
            count: 1,
            v1: None,
            v2: Some(DOCKER_312),
        },
        "elastic-agent-system-metrics/docker/proc/985/cgroup" => Ok {
            count: 10,
            v1: Some(DOCKER_985),
            v2: None,
        },
        "elastic-agent-system-metrics/docker2/proc/2233801/cgroup" => Ok {
            count: 1,
            v1: None,
            v2: Some("/../../user-1000.slice/session-520.scope"),
        },
        "elastic-agent-system-metrics/ubuntu1804/proc/3757/cgroup" => Ok {
            count: 13,
            v1: Some("/system.slice/networkd-dispatcher.service"),
            v2: Some("/system.slice/networkd-dispatcher.service"),
        },
        "golang-go/proc-self-cgroup/empty/cgroup" => Ok {
            count: 0,
            v1: None,
            v2: None,
        },
        "golang-go/proc-self-cgroup/mixed/cgroup" => Ok {
            count: 3,
            v1: None,
            v2: Some("/a/b/v2"),
        },
        "golang-go/proc-self-cgroup/v1/cgroup" => Ok {
            count: 2,
            v1: None,
            v2: None,
        },
        "golang-go/proc-self-cgroup/v2/cgroup" => Ok {
            count: 1,
            v1: None,
            v2: Some("/a/b/c"),
        },
        "opencontainers-cgroups/proc-self-cgroup/hybrid/cgroup" => Ok {
            count: 3,
            v1: None,
            v2: Some(OCI_SESSION),
        },
        "opencontainers-cgroups/proc-self-cgroup/unified/cgroup" => Ok {
            count: 1,
            v1: None,
            v2: Some(OCI_SESSION),
        },
        // No unified path.
        "opencontainers-cgroups/proc-self-cgroup/v1-only/cgroup" => Ok {
            count: 2,
            v1: None,
            v2: None,
        },
        "openjdk/proc-self-cgroup/cgroupv1SelfCgroupContent/cgroup" => Ok {
            count: 12,
            v1: Some("/user.slice/user-1000.slice/user@1000.service"),
            v2: Some(JDK_VTE),
        },
        "openjdk/proc-self-cgroup/cgroupv1SelfColonsContent/cgroup" => Ok {
            count: 12,
            v1: Some(JDK_COLONS),
            v2: Some(JDK_VTE),
        },
        "openjdk/proc-self-cgroup/cgroupv1SelfOnlyFreezerContent/cgroup" => Ok {
            count: 2,
            v1: None,
            v2: Some("/user.slice/user-1000.slice/session-2.scope"),
        },
        "openjdk/proc-self-cgroup/cgroupv2SelfCgroupContent/cgroup" => Ok {
            count: 1,
            v1: None,
            v2: Some("/user.slice/user-1000.slice/session-2.scope"),
        },
        "openjdk/proc-self-cgroup/selfCgroupNonZeroJoinControllers/cgroup" => Ok {
            count: 10,
            v1: Some("/user.slice/user-1000.slice/session-3.scope"),
            v2: Some("/user.slice/user-1000.slice/session-3.scope"),
        },
        // Space-indented lines, a leading blank line and a whitespace-only last line.
        "tikv/proc-self-cgroup/v1-kubepods-indented/cgroup" => Ok {
            count: 3,
            v1: Some(TIKV),
            v2: None,
        },
        other => panic!("no expectation for cgroup sample {other}: add one"),
    }
}

fn check_cgroup_sample(rel: &str, input: &[u8]) -> usize {
    match cgroup_expect(rel) {
        CgroupExpect::Ok { count, v1, v2 } => {
            let es = cgroup::entries(input)
                .collect::<Result<Vec<_>, _>>()
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(es.len(), count, "{rel}: entry count");
            let paths = cgroup::MemoryPaths::parse(input).expect("parses");
            assert_eq!(paths.v1.map(|e| s(e.path)), v1, "{rel}: v1 memory path");
            assert_eq!(paths.v2.map(|e| s(e.path)), v2, "{rel}: v2 path");
            assert_eq!(
                cgroup::memory_v1_path(input).expect("ok").map(s),
                v1,
                "{rel}"
            );
            assert_eq!(cgroup::v2_path(input).expect("ok").map(s), v2, "{rel}");
            count
        }
        CgroupExpect::Err(line, offset, reason) => {
            let err = cgroup::entries(input)
                .find_map(Result::err)
                .unwrap_or_else(|| panic!("{rel}: expected an error"));
            assert_eq!(err.kind, FileKind::ProcCgroup, "{rel}");
            assert_eq!(
                (err.line, err.offset, err.reason),
                (line, offset, reason),
                "{rel}"
            );
            assert_eq!(cgroup::memory_v1_path(input), Err(err), "{rel}");
            0
        }
    }
}

#[test]
fn every_cgroup_sample_parses_to_its_expected_paths() {
    let root = corpus();
    let samples = files(&root, &is_cgroup_file);
    assert!(
        samples.len() >= 34,
        "found only {} cgroup samples",
        samples.len()
    );
    for rel in &samples {
        check_cgroup_sample(rel, &read(rel));
    }
    match gpl_corpus() {
        Some(gpl) => {
            let jdk = files(&gpl.join("openjdk"), &is_cgroup_file);
            assert_eq!(jdk.len(), 5, "openjdk cgroup samples");
            for rel in jdk {
                let rel = format!("openjdk/{rel}");
                check_cgroup_sample(&rel, &std::fs::read(gpl.join(&rel)).expect("read"));
            }
        }
        None => println!("skip: openjdk/ cgroup samples (../shared/corpus not present)"),
    }
}

#[test]
fn cgroup_entries_carry_id_controllers_and_line() {
    let input = read("containerd-cgroups/proc-self-cgroup/v1-desktop/cgroup");
    let es = entries(&input);
    assert_eq!(
        (es[0].hierarchy_id, s(es[0].controllers), s(es[0].path)),
        (10, "devices", "/user.slice")
    );
    // Line 2 is tab-indented: the entry starts after the tab.
    assert_eq!(
        (es[1].line, es[1].offset),
        (2, "10:devices:/user.slice\n\t".len())
    );
    assert_eq!(s(es[1].controllers), "net_cls,net_prio");
    assert!(es[1].has_controller(b"net_prio") && !es[1].has_controller(b"net"));
    assert_eq!(s(es[9].controllers), "name=systemd");
    assert!(!es[9].has_controller(b"systemd"));
    assert!(es[10].is_v2() && es[10].controllers.is_empty());
    assert!(es[6].is_memory_v1() && es[6].hierarchy_id == 4);

    // Go's mixed sample: for the cpu controller the v1 line is `/a/b/cpu`.
    let mixed = read("golang-go/proc-self-cgroup/mixed/cgroup");
    let cpu = entries(&mixed)
        .into_iter()
        .find(|e| e.has_controller(b"cpu"))
        .expect("cpu line");
    assert_eq!((cpu.hierarchy_id, s(cpu.path)), (2, "/a/b/cpu"));
    assert_eq!(
        cpu.controller_names().collect::<Vec<_>>(),
        [&b"cpu"[..], b"cpuacct"]
    );

    // `1::/` is not the v2 entry.
    let no_match = read("automaxprocs/proc/v2/cgroup-no-match");
    let e = entries(&no_match)[0];
    assert_eq!(
        (e.hierarchy_id, e.controllers, s(e.path)),
        (1, &b""[..], "/")
    );
    assert!(!e.is_v2() && !e.is_memory_v1());

    // The colons sample: the path is everything after the second colon.
    if let Some(colons) = read_gpl("openjdk/proc-self-cgroup/cgroupv1SelfColonsContent/cgroup") {
        let mem = entries(&colons)[0];
        assert_eq!((mem.hierarchy_id, s(mem.controllers)), (11, "memory"));
        assert_eq!(s(mem.path), JDK_COLONS);
        assert_eq!(mem.path.iter().filter(|&&b| b == b':').count(), 2);
    }
}

#[test]
fn cgroup_malformed_lines_give_typed_errors() {
    let err = |input: &[u8]| -> ParseError {
        cgroup::entries(input)
            .find_map(Result::err)
            .expect("an error")
    };
    let e = err(b"x:memory:/\n");
    assert_eq!((e.line, e.offset, e.reason), (1, 0, Reason::InvalidNumber));
    let e = err(b"0::/\n4294967296:memory:/\n");
    assert_eq!((e.line, e.offset, e.reason), (2, 5, Reason::Overflow));
    let e = err(b"4:memory:\n");
    assert_eq!((e.line, e.offset, e.reason), (1, 9, Reason::InvalidField));
    let e = err(b"4:memory:/a\0b\n");
    assert_eq!((e.line, e.offset, e.reason), (1, 11, Reason::InvalidByte));
    assert_eq!(
        e.to_string(),
        "cgroup: line 1, byte 11: unexpected control byte"
    );
    // The iterator goes on after a bad line.
    let all: Vec<_> = cgroup::entries(b"bad\n0::/ok\n").collect();
    assert!(all[0].is_err());
    assert_eq!(all[1].as_ref().map(|e| s(e.path)), Ok("/ok"));
    // `\r\n` line ends.
    assert_eq!(
        cgroup::v2_path(b"0::/a b\r\n").expect("ok"),
        Some(&b"/a b"[..])
    );
}

// ---------------------------------------------------------------------------------------------
// mountinfo: every sample
// ---------------------------------------------------------------------------------------------

/// What a mountinfo sample must parse to.
enum MountExpect {
    /// `count` mounts; the memory hierarchy is mounted at this path with this version.
    Ok {
        count: usize,
        memory: Option<(&'static str, Version)>,
    },
    /// Fails on this line, at this offset, for this reason.
    Err(u32, usize, Reason),
}

fn mountinfo_expect(rel: &str) -> MountExpect {
    use MountExpect::{Err, Ok};
    use Version::{V1, V2};
    if rel.starts_with("v2-real-6.1/") {
        return Ok {
            count: 7,
            memory: Some(("/sys/fs/cgroup", V2)),
        };
    }
    match rel {
        "automaxprocs/proc/cgroups/mountinfo" | "automaxprocs/proc/v2/mountinfo" => Ok {
            count: 8,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        // No superblock options after the source `/dev/sda1`.
        "automaxprocs/proc/invalid-mountinfo/mountinfo" => Err(1, 48, Reason::InvalidField),
        "automaxprocs/proc/untranslatable/mountinfo" => Ok {
            count: 2,
            memory: None,
        },
        "automaxprocs/proc/v2/mountinfo-v1-v2" => Ok {
            count: 15,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        // The second line (fstype `foo`, source `cgroup`) is not a cgroup mount.
        "automaxprocs/proc/v2/mountinfo-v2" => Ok {
            count: 2,
            memory: Some(("/sys/fs/cgroup", V2)),
        },
        "elastic-agent-system-metrics/amzn2/proc/self/mountinfo" => Ok {
            count: 32,
            memory: Some(("testdata/amzn2/sys/fs/cgroup/memory", V1)),
        },
        "elastic-agent-system-metrics/docker/proc/self/mountinfo" => Ok {
            count: 30,
            memory: Some(("testdata/docker/sys/fs/cgroup/memory", V1)),
        },
        "elastic-agent-system-metrics/docker2/proc/self/mountinfo" => Ok {
            count: 4,
            memory: Some(("/sys/fs/cgroup", V2)),
        },
        "elastic-agent-system-metrics/ubuntu1804/proc/self/mountinfo" => Ok {
            count: 34,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "golang-go/mountinfo/mixed/mountinfo" => Ok {
            count: 9,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "golang-go/mountinfo/v1/mountinfo" => Ok {
            count: 8,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "golang-go/mountinfo/v2-escaped/mountinfo" => Ok {
            count: 4,
            memory: Some(("/sys/fs/cgroup/tab\ttab", V2)),
        },
        "golang-go/mountinfo/v2/mountinfo" => Ok {
            count: 4,
            memory: Some(("/sys/fs/cgroup", V2)),
        },
        // Five mounts of each hierarchy: the one under /sys/fs/cgroup wins.
        "opencontainers-cgroups/mountinfo/bedrockMountinfo/mountinfo" => Ok {
            count: 55,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        // cgroup2 mounted at /sys/fs/cgroup/systemd: v1 memory wins.
        "opencontainers-cgroups/mountinfo/cgroup2Mountinfo/mountinfo" => Ok {
            count: 26,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "opencontainers-cgroups/mountinfo/fedoraMountinfo/mountinfo" => Ok {
            count: 58,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "opencontainers-cgroups/mountinfo/systemdMountinfo/mountinfo" => Ok {
            count: 23,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "openjdk/mountinfo/mntInfoCgroupsV1DoubleCpuset/mountinfo"
        | "openjdk/mountinfo/mntInfoColons/mountinfo" => Ok {
            count: if rel.contains("Double") { 14 } else { 13 },
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "openjdk/mountinfo/mntInfoHybrid/mountinfo" => Ok {
            count: 13,
            memory: Some(("/sys/fs/cgroup/memory", V1)),
        },
        "openjdk/mountinfo/mntInfoCgroupsV1SystemdOnly/mountinfo" => Ok {
            count: 2,
            memory: None,
        },
        "openjdk/mountinfo/mntInfoCgroupsV2Only/mountinfo" => Ok {
            count: 1,
            memory: Some(("/sys/fs/cgroup", V2)),
        },
        "openjdk/mountinfo/mntInfoCgroupv1JoinControllers/mountinfo" => Ok {
            count: 11,
            memory: Some((
                "/sys/fs/cgroup/cpu,cpuacct,net_cls,net_prio,hugetlb,memory",
                V1,
            )),
        },
        "openjdk/mountinfo/mntInfoOnlyFreezerInV1/mountinfo" => Ok {
            count: 2,
            memory: Some(("/sys/fs/cgroup", V2)),
        },
        "prometheus-procfs/proc/26231/mountinfo" => Ok {
            count: 8,
            memory: None,
        },
        other => panic!("no expectation for mountinfo sample {other}: add one"),
    }
}

fn check_mountinfo_sample(rel: &str, input: &[u8]) {
    match mountinfo_expect(rel) {
        MountExpect::Ok { count, memory } => {
            let ms = mountinfo::mounts(input)
                .collect::<Result<Vec<_>, _>>()
                .unwrap_or_else(|e| panic!("{rel}: {e}"));
            assert_eq!(ms.len(), count, "{rel}: mount count");
            for m in &ms {
                assert!(
                    !m.fstype.is_empty() && !m.source.is_empty() && !m.super_options.is_empty()
                );
                assert!(!m.root.is_empty() && !m.mount_point.is_empty() && !m.options.is_empty());
            }
            match (discovery::memory_mount(input), memory) {
                (Ok((dir, v)), Some((want, wv))) => {
                    assert_eq!((dir.as_path(), v), (Path::new(want), wv), "{rel}");
                }
                (Err(DiscoveryError::NoCgroupMount), None) => {}
                (got, want) => panic!("{rel}: memory mount {got:?}, expected {want:?}"),
            }
        }
        MountExpect::Err(line, offset, reason) => {
            let err = mountinfo::mounts(input)
                .find_map(Result::err)
                .unwrap_or_else(|| panic!("{rel}: expected an error"));
            assert_eq!(err.kind, FileKind::ProcMountinfo, "{rel}");
            assert_eq!(
                (err.line, err.offset, err.reason),
                (line, offset, reason),
                "{rel}"
            );
            match discovery::memory_mount(input) {
                Err(DiscoveryError::Parse(e)) => assert_eq!(e, err),
                other => panic!("{rel}: {other:?}"),
            }
        }
    }
}

#[test]
fn every_mountinfo_sample_parses_to_its_expected_memory_mount() {
    let root = corpus();
    let samples = files(&root, &is_mountinfo_file);
    assert!(
        samples.len() >= 31,
        "found only {} mountinfo samples",
        samples.len()
    );
    for rel in &samples {
        check_mountinfo_sample(rel, &read(rel));
    }
    match gpl_corpus() {
        Some(gpl) => {
            let jdk = files(&gpl.join("openjdk"), &is_mountinfo_file);
            assert_eq!(jdk.len(), 7, "openjdk mountinfo samples");
            for rel in jdk {
                let rel = format!("openjdk/{rel}");
                check_mountinfo_sample(&rel, &std::fs::read(gpl.join(&rel)).expect("read"));
            }
        }
        None => println!("skip: openjdk/ mountinfo samples (../shared/corpus not present)"),
    }
}

#[test]
fn mountinfo_fields_are_taken_from_the_line() {
    let input = read("automaxprocs/proc/cgroups/mountinfo");
    let ms = mounts(&input);
    let mem = ms.iter().find(|m| m.is_memory_v1()).expect("memory mount");
    assert_eq!(
        (mem.mount_id, mem.parent_id, mem.major, mem.minor),
        (8, 5, 0, 7)
    );
    assert_eq!(s(mem.root), "/docker");
    assert_eq!(s(mem.mount_point), "/sys/fs/cgroup/memory");
    assert_eq!(s(mem.options), "rw,nosuid,nodev,noexec,relatime");
    assert_eq!(s(mem.optional_fields), "shared:8");
    assert_eq!(
        (s(mem.fstype), s(mem.source), s(mem.super_options)),
        ("cgroup", "cgroup", "rw,memory")
    );
    assert!(mem.has_super_option(b"memory") && !mem.has_super_option(b"mem"));
    assert_eq!(mem.line, 8);

    // No optional field at all (Go's samples).
    let go = read("golang-go/mountinfo/v2/mountinfo");
    let cg2 = mounts(&go)
        .into_iter()
        .find(|m| m.is_cgroup2())
        .expect("cgroup2");
    assert_eq!((cg2.mount_id, cg2.optional_fields), (25, &b""[..]));
    assert_eq!(s(cg2.super_options), "rw");

    // fstype `foo` with source `cgroup` is not cgroup; fstype `cgroup2` with source `cgroup` is.
    let v2 = read("automaxprocs/proc/v2/mountinfo-v2");
    let ms = mounts(&v2);
    assert!(ms[0].is_cgroup2() && s(ms[0].source) == "cgroup");
    assert!(!ms[1].is_cgroup2() && !ms[1].is_cgroup1() && s(ms[1].fstype) == "foo");
    assert_eq!(s(ms[1].mount_point), "/sys/fs/foo");

    // Hybrid: cgroup2 is present at /sys/fs/cgroup/unified but v1 memory is the memory root.
    let hybrid = read("automaxprocs/proc/v2/mountinfo-v1-v2");
    let ms = mounts(&hybrid);
    let cg2: Vec<_> = ms
        .iter()
        .filter(|m| m.is_cgroup2())
        .map(|m| s(m.mount_point))
        .collect();
    assert_eq!(cg2, ["/sys/fs/cgroup/unified"]);
    let cfg = read("opencontainers-cgroups/mountinfo/cgroup2Mountinfo/mountinfo");
    let ms = mounts(&cfg);
    let cg2: Vec<_> = ms
        .iter()
        .filter(|m| m.is_cgroup2())
        .map(|m| s(m.mount_point))
        .collect();
    assert_eq!(cg2, ["/sys/fs/cgroup/systemd"]);

    // Bedrock: the memory hierarchy is mounted five times.
    let bedrock = read("opencontainers-cgroups/mountinfo/bedrockMountinfo/mountinfo");
    let mem: Vec<_> = mounts(&bedrock)
        .into_iter()
        .filter(|m| m.is_memory_v1())
        .map(|m| (m.mount_id, s(m.mount_point).to_owned()))
        .collect();
    assert_eq!(mem.len(), 5);
    assert_eq!(mem[0], (165, "/sys/fs/cgroup/memory".to_owned()));
    assert_eq!(
        mem[1],
        (169, "/bedrock/strata/arch/sys/fs/cgroup/memory".to_owned())
    );

    // Two spaces between root and mount point (prometheus procfs).
    let prom = read("prometheus-procfs/proc/26231/mountinfo");
    let first = mounts(&prom)[0];
    assert_eq!(
        (s(first.root), s(first.mount_point), s(first.fstype)),
        ("/", "/root", "rootfs")
    );
    let nfs = mounts(&prom)[4];
    assert_eq!(
        (s(nfs.fstype), s(nfs.source)),
        ("nfs4", "192.168.1.1:/srv/test")
    );

    // Co-mounted controllers; a root in a cgroup namespace (GPL samples).
    if let Some(join) = read_gpl("openjdk/mountinfo/mntInfoCgroupv1JoinControllers/mountinfo") {
        let ms = mounts(&join);
        let mem = ms.iter().find(|m| m.is_memory_v1()).expect("memory");
        assert!(mem.has_super_option(b"hugetlb") && mem.has_super_option(b"cpu"));
    }
    if let Some(v2only) = read_gpl("openjdk/mountinfo/mntInfoCgroupsV2Only/mountinfo") {
        assert_ne!(
            v2only.last(),
            Some(&b'\n'),
            "single line, no trailing newline"
        );
        let m = mounts(&v2only)[0];
        assert!(m.is_cgroup2());
        assert_eq!((s(m.source), s(m.mount_point)), ("none", "/sys/fs/cgroup"));
    }
    if let Some(colons) = read_gpl("openjdk/mountinfo/mntInfoColons/mountinfo") {
        let ms = mounts(&colons);
        let mem = ms.iter().find(|m| m.is_memory_v1()).expect("memory");
        assert_eq!(s(mem.root), JDK_COLONS);
        assert_eq!(mem.mount_id, 4624);
    }
}

#[test]
fn mountinfo_escapes_are_decoded_without_allocating() {
    let go = read("golang-go/mountinfo/v2-escaped/mountinfo");
    let m = mounts(&go)
        .into_iter()
        .find(|m| m.is_cgroup2())
        .expect("cgroup2");
    assert_eq!(s(m.mount_point), r"/sys/fs/cgroup/tab\011tab");
    let mut buf = [0u8; 64];
    assert_eq!(
        mountinfo::unescape_into(m.mount_point, &mut buf),
        Ok(&b"/sys/fs/cgroup/tab\ttab"[..])
    );
    assert_eq!(
        m.mount_point_unescaped().collect::<Vec<u8>>(),
        b"/sys/fs/cgroup/tab\ttab"
    );

    let all = br"/a\040b\011c\012d\134e";
    assert_eq!(
        mountinfo::unescape(all).collect::<Vec<u8>>(),
        b"/a b\tc\nd\\e"
    );
    // Not an escape: kept as is.
    assert_eq!(
        mountinfo::unescape(br"\1x\9999\").collect::<Vec<u8>>(),
        br"\1x\9999\"
    );
    assert_eq!(mountinfo::unescape(br"\400").collect::<Vec<u8>>(), br"\400");
    // Exactly fitting and too small buffers.
    let mut four = [0u8; 4];
    assert_eq!(
        mountinfo::unescape_into(br"/a\040b", &mut four),
        Ok(&b"/a b"[..])
    );
    assert_eq!(
        mountinfo::unescape_into(br"/a\040b", &mut [0u8; 3]),
        Err(mountinfo::BufferTooSmall {
            capacity: 3,
            needed: 4
        })
    );
    // A root with a space resolves to a directory with a space.
    let mi = b"1 0 0:1 / /mnt/my\\040cgroup rw - cgroup2 cgroup2 rw\n";
    assert_eq!(
        discovery::resolve(b"0::/a\n", mi).expect("ok"),
        found("/mnt/my cgroup/a", Version::V2)
    );
}

#[test]
fn mountinfo_malformed_lines_give_typed_errors() {
    let err = |input: &[u8]| -> ParseError {
        mountinfo::mounts(input)
            .find_map(Result::err)
            .expect("an error")
    };
    // No ` - ` separator: the optional-field loop runs off the line.
    let e = err(b"1 0 0:1 / /x rw shared:1 cgroup2 none rw\n");
    assert_eq!((e.line, e.reason), (1, Reason::InvalidField));
    // Bad IDs and device numbers.
    let e = err(b"x 0 0:1 / /x rw - cgroup2 none rw\n");
    assert_eq!((e.offset, e.reason), (0, Reason::InvalidNumber));
    let e = err(b"1 0 01 / /x rw - cgroup2 none rw\n");
    assert_eq!((e.offset, e.reason), (6, Reason::InvalidField));
    let e = err(b"1 0 0:y / /x rw - cgroup2 none rw\n");
    assert_eq!((e.offset, e.reason), (6, Reason::InvalidNumber));
    // Superblock options are the rest of the line (cifs prints spaces unescaped: fedora sample).
    let fedora = read("opencontainers-cgroups/mountinfo/fedoraMountinfo/mountinfo");
    let cifs = mounts(&fedora)
        .into_iter()
        .find(|m| m.fstype == b"cifs")
        .expect("cifs");
    assert_eq!(
        (cifs.line, s(cifs.source)),
        (58, r"//foo/BLA\040BLA\040BLA/")
    );
    assert!(s(cifs.super_options).contains(r"unc=\\foo\BLA BLA BLA,username=my_login"));
    // Truncated line.
    let e = err(b"1 0 0:1 /\n");
    assert_eq!((e.offset, e.reason), (9, Reason::InvalidField));
    assert_eq!(e.to_string(), "mountinfo: line 1, byte 9: malformed field");
}

// ---------------------------------------------------------------------------------------------
// Pairs: cgroup + mountinfo → directory
// ---------------------------------------------------------------------------------------------

fn resolve_rel(cgroup_rel: &str, mountinfo_rel: &str) -> Result<Found, DiscoveryError> {
    discovery::resolve(&read(cgroup_rel), &read(mountinfo_rel))
}

/// The corpus directory that a `testdata/<case>/…` mount point of an elastic sample stands
/// for.
fn elastic_dir(dir: &Path) -> PathBuf {
    let rel = dir.strip_prefix("testdata").expect("testdata/ prefix");
    corpus().join("elastic-agent-system-metrics").join(rel)
}

#[test]
fn automaxprocs_pairs_resolve() {
    use Version::{V1, V2};
    // Mount root `/docker`, path `/docker/large`.
    let r = resolve_rel(
        "automaxprocs/proc/cgroups/cgroup",
        "automaxprocs/proc/cgroups/mountinfo",
    );
    assert_eq!(r.expect("ok"), found("/sys/fs/cgroup/memory/large", V1));
    // No memory line, no v2 line.
    let r = resolve_rel(
        "automaxprocs/proc/untranslatable/cgroup",
        "automaxprocs/proc/untranslatable/mountinfo",
    );
    assert!(
        matches!(r, Err(DiscoveryError::NoMemoryController)),
        "{r:?}"
    );

    let v2 = "automaxprocs/proc/v2/";
    let pair = |c: &str, m: &str| resolve_rel(&format!("{v2}{c}"), &format!("{v2}{m}"));
    assert_eq!(
        pair("cgroup-root", "mountinfo-v2").expect("ok"),
        found("/sys/fs/cgroup", V2)
    );
    assert_eq!(
        pair("cgroup-subdir", "mountinfo-v2").expect("ok"),
        found("/sys/fs/cgroup/Example", V2)
    );
    // `1::/` is not v2.
    assert!(matches!(
        pair("cgroup-no-match", "mountinfo-v2"),
        Err(DiscoveryError::NoMemoryController)
    ));
    // A v2 path but no cgroup2 mount.
    match pair("cgroup-subdir", "mountinfo") {
        Err(e @ DiscoveryError::NotMounted { version: V2 }) => {
            assert_eq!(
                e.to_string(),
                "the memory cgroup is cgroup v2, but mountinfo has no `cgroup2` filesystem mount"
            );
        }
        other => panic!("{other:?}"),
    }
    match pair("cgroup-invalid", "mountinfo-v2") {
        Err(DiscoveryError::Parse(e)) => {
            assert_eq!(
                (e.kind, e.line, e.offset, e.reason),
                (FileKind::ProcCgroup, 1, 16, Reason::InvalidField)
            );
        }
        other => panic!("{other:?}"),
    }
    // A malformed mountinfo is reported as such.
    let r = resolve_rel(
        "automaxprocs/proc/cgroups/cgroup",
        "automaxprocs/proc/invalid-mountinfo/mountinfo",
    );
    match r {
        Err(DiscoveryError::Parse(e)) => assert_eq!((e.kind, e.line), (FileKind::ProcMountinfo, 1)),
        other => panic!("{other:?}"),
    }
    let r = resolve_rel(
        "automaxprocs/proc/invalid-cgroup/cgroup",
        "automaxprocs/proc/cgroups/mountinfo",
    );
    match r {
        Err(DiscoveryError::Parse(e)) => {
            assert_eq!(
                (e.kind, e.line, e.reason),
                (FileKind::ProcCgroup, 2, Reason::InvalidField)
            );
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn elastic_pairs_resolve_to_the_captured_directories() {
    use Version::{V1, V2};
    let e = "elastic-agent-system-metrics/";
    let pair = |c: &str, m: &str| resolve_rel(&format!("{e}{c}"), &format!("{e}{m}"));

    // Kubernetes v1 container, mount root `/`: the captured directory.
    let r = pair("amzn2/proc/493239/cgroup", "amzn2/proc/self/mountinfo").expect("ok");
    assert_eq!(
        r,
        found(
            &format!("testdata/amzn2/sys/fs/cgroup/memory{KUBEPODS_AMZN2}"),
            V1
        )
    );
    assert!(elastic_dir(&r.dir).join("memory.usage_in_bytes").is_file());
    let r = pair("amzn2/proc/1/cgroup", "amzn2/proc/self/mountinfo").expect("ok");
    assert_eq!(r, found("testdata/amzn2/sys/fs/cgroup/memory", V1));

    let r = pair(
        "ubuntu1804/proc/3757/cgroup",
        "ubuntu1804/proc/self/mountinfo",
    )
    .expect("ok");
    assert_eq!(
        r,
        found(
            "/sys/fs/cgroup/memory/system.slice/networkd-dispatcher.service",
            V1
        )
    );
    let captured = corpus().join(format!("{e}ubuntu1804{}", r.dir.display()));
    assert!(
        captured.join("memory.usage_in_bytes").is_file(),
        "{}",
        captured.display()
    );

    // A v2-only process on a host whose mountinfo also has v1 mounts: the `0::` line.
    let r = pair("docker/proc/312/cgroup", "docker/proc/self/mountinfo").expect("ok");
    assert_eq!(
        r,
        found(&format!("testdata/docker/sys/fs/cgroup{DOCKER_312}"), V2)
    );
    assert!(elastic_dir(&r.dir).join("memory.current").is_file());

    // The memory mount shows only `/docker/3fc9…` (the reader's own container): another
    // container's path is not under it, so the mount point itself is returned.
    for pid in ["1", "985"] {
        let r = pair(
            &format!("docker/proc/{pid}/cgroup"),
            "docker/proc/self/mountinfo",
        )
        .expect("ok");
        assert_eq!(
            r,
            found("testdata/docker/sys/fs/cgroup/memory", V1),
            "pid {pid}"
        );
    }

    // `0::/../../user-1000.slice/session-520.scope`: outside the reader's cgroup namespace;
    // among four cgroup2 mounts the one at /sys/fs/cgroup is used, as is.
    let r = pair("docker2/proc/2233801/cgroup", "docker2/proc/self/mountinfo").expect("ok");
    assert_eq!(r, found("/sys/fs/cgroup", V2));
}

#[test]
fn golang_pairs_resolve() {
    use Version::{V1, V2};
    let go = "golang-go/";
    let pair = |c: &str, m: &str| {
        resolve_rel(
            &format!("{go}proc-self-cgroup/{c}/cgroup"),
            &format!("{go}mountinfo/{m}/mountinfo"),
        )
    };
    assert_eq!(
        pair("v2", "v2").expect("ok"),
        found("/sys/fs/cgroup/a/b/c", V2)
    );
    assert_eq!(
        pair("v2", "v2-escaped").expect("ok"),
        found("/sys/fs/cgroup/tab\ttab/a/b/c", V2)
    );
    assert!(matches!(
        pair("v1", "v1"),
        Err(DiscoveryError::NoMemoryController)
    ));
    assert!(matches!(
        pair("empty", "v2"),
        Err(DiscoveryError::NoMemoryController)
    ));
    // No memory line: the `0::` entry.
    assert_eq!(
        pair("mixed", "mixed").expect("ok"),
        found("/sys/fs/cgroup/a/b/v2", V2)
    );

    // The rule Go applies to cpu in the mixed sample (the v1 line wins over `0::`) applied to
    // memory: the same file with the cpu controller renamed memory.
    let mixed = read("golang-go/proc-self-cgroup/mixed/cgroup");
    let as_memory = String::from_utf8(mixed)
        .expect("utf-8")
        .replace("cpu,cpuacct", "memory");
    let r = discovery::resolve(
        as_memory.as_bytes(),
        &read("golang-go/mountinfo/mixed/mountinfo"),
    );
    assert_eq!(r.expect("ok"), found("/sys/fs/cgroup/memory/a/b/cpu", V1));
}

#[test]
fn opencontainers_mountinfos_resolve() {
    use Version::V1;
    let oc = "opencontainers-cgroups/mountinfo/";
    // Inside a Docker container: the memory mount's root is the container's own cgroup, which
    // is also the process's path: the directory is the mount point.
    let systemd = read(&format!("{oc}systemdMountinfo/mountinfo"));
    let mem = mounts(&systemd)
        .into_iter()
        .find(|m| m.is_memory_v1())
        .expect("memory mount");
    let root = s(mem.root);
    assert_eq!(root, "/system.slice/docker-dc4eaa1a34ec4d593bc0125d31eea823a1d76ae483aeb1409cca80304e34da2e.scope");
    let own = format!("4:memory:{root}\n");
    assert_eq!(
        discovery::resolve(own.as_bytes(), &systemd).expect("ok"),
        found("/sys/fs/cgroup/memory", V1)
    );
    let child = format!("4:memory:{root}/sub\n");
    assert_eq!(
        discovery::resolve(child.as_bytes(), &systemd).expect("ok"),
        found("/sys/fs/cgroup/memory/sub", V1)
    );

    // Bedrock: the mount under /sys/fs/cgroup, not /bedrock/strata/*/sys/fs/cgroup.
    let bedrock = read(&format!("{oc}bedrockMountinfo/mountinfo"));
    let r = discovery::resolve(b"5:memory:/user.slice\n", &bedrock).expect("ok");
    assert_eq!(r, found("/sys/fs/cgroup/memory/user.slice", V1));

    // A v1 memory line but only the hybrid's v1 hierarchies: v1 memory at /sys/fs/cgroup/memory
    // even though cgroup2 is mounted (at /sys/fs/cgroup/systemd).
    let cg2 = read(&format!("{oc}cgroup2Mountinfo/mountinfo"));
    let hybrid = read("opencontainers-cgroups/proc-self-cgroup/hybrid/cgroup");
    let with_memory = [b"3:memory:/foo\n".as_slice(), &hybrid].concat();
    assert_eq!(
        discovery::resolve(&with_memory, &cg2).expect("ok"),
        found("/sys/fs/cgroup/memory/foo", V1)
    );
    let fedora = read(&format!("{oc}fedoraMountinfo/mountinfo"));
    assert!(matches!(
        discovery::resolve(
            &read("opencontainers-cgroups/proc-self-cgroup/v1-only/cgroup"),
            &fedora
        ),
        Err(DiscoveryError::NoMemoryController)
    ));
}

#[test]
fn openjdk_pairs_resolve() {
    use Version::{V1, V2};
    let Some(gpl) = gpl_corpus() else {
        println!("skip: openjdk/ pairs (GPL samples; ../shared/corpus not present)");
        return;
    };
    let pair = |c: &str, m: &str| {
        let c = std::fs::read(gpl.join(format!("openjdk/proc-self-cgroup/{c}/cgroup")))
            .expect("cgroup");
        let m =
            std::fs::read(gpl.join(format!("openjdk/mountinfo/{m}/mountinfo"))).expect("mountinfo");
        discovery::resolve(&c, &m)
    };
    // The memory mount's root is the container's cgroup path, equal to the process's path.
    assert_eq!(
        pair("cgroupv1SelfColonsContent", "mntInfoColons").expect("ok"),
        found("/sys/fs/cgroup/memory", V1)
    );
    // Hybrid: the v1 memory line wins over `0::`.
    assert_eq!(
        pair("cgroupv1SelfCgroupContent", "mntInfoHybrid").expect("ok"),
        found(
            "/sys/fs/cgroup/memory/user.slice/user-1000.slice/user@1000.service",
            V1
        )
    );
    assert_eq!(
        pair("selfCgroupNonZeroJoinControllers", "mntInfoCgroupv1JoinControllers").expect("ok"),
        found("/sys/fs/cgroup/cpu,cpuacct,net_cls,net_prio,hugetlb,memory/user.slice/user-1000.slice/session-3.scope", V1)
    );
    assert_eq!(
        pair("cgroupv1SelfOnlyFreezerContent", "mntInfoOnlyFreezerInV1").expect("ok"),
        found(
            "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope",
            V2
        )
    );
    assert_eq!(
        pair("cgroupv2SelfCgroupContent", "mntInfoCgroupsV2Only").expect("ok"),
        found(
            "/sys/fs/cgroup/user.slice/user-1000.slice/session-2.scope",
            V2
        )
    );
    // A v1 memory line and no memory hierarchy mounted.
    assert!(matches!(
        pair("cgroupv1SelfCgroupContent", "mntInfoCgroupsV1SystemdOnly"),
        Err(DiscoveryError::NotMounted { version: V1 })
    ));
}

#[test]
fn v2_real_pairs_resolve_to_the_scenario_cgroup() {
    let root = corpus().join("v2-real-6.1");
    let dirs: Vec<String> = files(&root, &|n| n == "cgroup")
        .into_iter()
        .map(|p| p.trim_end_matches("/proc/self/cgroup").to_owned())
        .collect();
    assert_eq!(dirs.len(), 12);
    for d in dirs {
        let base = root.join(&d).join("proc/self");
        let r = discovery::resolve(
            &std::fs::read(base.join("cgroup")).expect("cgroup"),
            &std::fs::read(base.join("mountinfo")).expect("mountinfo"),
        )
        .unwrap_or_else(|e| panic!("{d}: {e}"));
        let scenario = d.split('/').next().expect("scenario");
        let want = if scenario == "root" {
            "/sys/fs/cgroup".to_owned()
        } else {
            format!("/sys/fs/cgroup/{scenario}")
        };
        assert_eq!(r, found(&want, Version::V2), "{d}");
    }
}

#[test]
fn namespace_fallbacks_and_ranking() {
    use Version::{V1, V2};
    // Path not under the mount root: the mount point.
    let mi = b"1 0 0:1 /docker/a /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
    assert_eq!(
        discovery::resolve(b"4:memory:/docker/b\n", mi).expect("ok"),
        found("/sys/fs/cgroup/memory", V1)
    );
    // `/docker/ab` is not under `/docker/a`.
    assert_eq!(
        discovery::resolve(b"4:memory:/docker/ab\n", mi).expect("ok"),
        found("/sys/fs/cgroup/memory", V1)
    );
    // A mount whose root contains the path beats one under /sys/fs/cgroup that does not.
    let two = b"1 0 0:1 /docker/a /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n\
                2 0 0:1 / /host/sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n";
    assert_eq!(
        discovery::resolve(b"4:memory:/docker/b\n", two).expect("ok"),
        found("/host/sys/fs/cgroup/memory/docker/b", V1)
    );
    // Relative and `..` paths: the mount point.
    let v2 = b"1 0 0:1 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n";
    assert_eq!(
        discovery::resolve(b"0::./x\n", v2).expect("ok"),
        found("/sys/fs/cgroup", V2)
    );
    assert_eq!(
        discovery::resolve(b"0::/a/../b\n", v2).expect("ok"),
        found("/sys/fs/cgroup", V2)
    );
    // A v1 memory line with no v1 memory mount: not mounted, even with cgroup2 present.
    assert!(matches!(
        discovery::resolve(b"4:memory:/\n0::/\n", v2),
        Err(DiscoveryError::NotMounted { version: V1 })
    ));
    // `name=memory` is not the memory controller.
    assert!(matches!(
        discovery::resolve(b"4:name=memory:/\n", v2),
        Err(DiscoveryError::NoMemoryController)
    ));
}

// ---------------------------------------------------------------------------------------------
// Container search
// ---------------------------------------------------------------------------------------------

#[test]
fn containers_are_found_in_the_corpus_trees() {
    let e = corpus().join("elastic-agent-system-metrics");
    // Docker on v1 (cgroupfs driver): memory/docker/<id>.
    let dir = discovery::find_container(&e.join("docker/sys/fs/cgroup/memory"), "b29faf21b7ef")
        .expect("found");
    assert_eq!(
        dir,
        e.join(format!("docker/sys/fs/cgroup/memory{DOCKER_985}"))
    );
    // Docker on v2 (systemd driver): system.slice/docker-<id>.scope, full ID, upper case.
    let id = "1C8FA019EDD4B9D4B2856F4932C55929C5C118C808ED5FAEE9A135CA6E84B039";
    let dir = discovery::find_container(&e.join("docker/sys/fs/cgroup"), id).expect("found");
    assert_eq!(dir, e.join(format!("docker/sys/fs/cgroup{DOCKER_312}")));
    // containerd/CRI under kubepods, four levels deep.
    let dir = discovery::find_container(&e.join("amzn2/sys/fs/cgroup/memory"), "1d3d308a7d48a278")
        .expect("found");
    assert_eq!(
        dir,
        e.join(format!("amzn2/sys/fs/cgroup/memory{KUBEPODS_AMZN2}"))
    );
    // Not there.
    match discovery::find_container(&e.join("amzn2/sys/fs/cgroup/memory"), "b29faf21b7ef") {
        Err(err @ DiscoveryError::ContainerNotFound { .. }) => {
            assert!(
                err.to_string()
                    .starts_with("container b29faf21b7ef not found"),
                "{err}"
            );
        }
        other => panic!("{other:?}"),
    }
}

/// A scratch directory removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let p = std::env::temp_dir().join(format!("memcg-discovery-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("scratch dir");
        Scratch(p)
    }
    fn mkdir(&self, rel: &str) -> PathBuf {
        let p = self.0.join(rel);
        std::fs::create_dir_all(&p).expect("mkdir");
        p
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const A: &str = "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000001";
const B: &str = "aaaaaaaaaaaa0000000000000000000000000000000000000000000000000002";
const C: &str = "cccccccccccc0000000000000000000000000000000000000000000000000003";

#[test]
fn container_runtimes_naming_is_recognised() {
    let t = Scratch::new("names");
    let cases = [
        format!("system.slice/docker-{A}.scope"),
        format!("machine.slice/libpod-{C}.scope"),
    ];
    for c in &cases {
        t.mkdir(c);
    }
    t.mkdir(&format!("machine.slice/libpod-conmon-{C}.scope"));
    assert_eq!(
        discovery::find_container(&t.0, &A[..12]).expect("docker"),
        t.0.join(&cases[0])
    );
    // The conmon scope (sorted first) is not the container.
    assert_eq!(
        discovery::find_container(&t.0, &C[..20]).expect("podman"),
        t.0.join(&cases[1])
    );

    for (name, layout) in [
        ("crio", format!("kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod1.slice/crio-{A}.scope")),
        ("cri", format!("kubepods.slice/kubepods-pod1.slice/cri-containerd-{A}.scope")),
        ("cgroupfs", format!("kubepods/burstable/poda2ebe2cd-64c7-11ea-8799-aaaaaaaaaaaa/{A}")),
        ("colons", format!("system.slice/containerd.service/kubepods-pod1.slice:cri-containerd:{A}")),
        ("docker-v1", format!("docker/{A}")),
    ] {
        let t = Scratch::new(name);
        let want = t.mkdir(&layout);
        // The pod directory's UID ends in 12 hex characters but is no container.
        assert_eq!(discovery::find_container(&t.0, &A[..12]).expect(name), want, "{name}");
        assert!(matches!(
            discovery::find_container(&t.0, "aaaaaaaaaaaa1"),
            Err(DiscoveryError::ContainerNotFound { .. })
        ));
    }
}

#[test]
fn container_search_is_bounded_and_checks_ids() {
    let t = Scratch::new("bounds");
    // Two containers share the 12-character prefix.
    t.mkdir(&format!("docker/{A}"));
    t.mkdir(&format!("system.slice/docker-{B}.scope"));
    match discovery::find_container(&t.0, &A[..12]) {
        Err(DiscoveryError::AmbiguousContainer { id, first, second }) => {
            assert_eq!(id, &A[..12]);
            assert_eq!(first, t.0.join(format!("docker/{A}")));
            assert_eq!(second, t.0.join(format!("system.slice/docker-{B}.scope")));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        discovery::find_container(&t.0, A).expect("unique"),
        t.0.join(format!("docker/{A}"))
    );

    // Deeper than MAX_SEARCH_DEPTH: not found.
    let deep: String = (0..discovery::MAX_SEARCH_DEPTH)
        .map(|i| format!("l{i}/"))
        .collect();
    t.mkdir(&format!("{deep}docker-{C}.scope"));
    assert!(matches!(
        discovery::find_container(&t.0, &C[..12]),
        Err(DiscoveryError::ContainerNotFound {
            depth: discovery::MAX_SEARCH_DEPTH,
            ..
        })
    ));
    let shallow: String = (0..discovery::MAX_SEARCH_DEPTH - 1)
        .map(|i| format!("m{i}/"))
        .collect();
    let want = t.mkdir(&format!("{shallow}docker-{C}.scope"));
    assert_eq!(
        discovery::find_container(&t.0, &C[..12]).expect("at the limit"),
        want
    );

    for bad in [
        "",
        "aaaaaaaaaaa",
        "aaaaaaaaaaaz",
        "docker-aaaaaaaaaaaa",
        &format!("{A}0"),
    ] {
        match discovery::find_container(&t.0, bad) {
            Err(e @ DiscoveryError::InvalidContainerId { .. }) => {
                assert!(e
                    .to_string()
                    .contains("expected 12 to 64 hexadecimal characters"));
            }
            other => panic!("{bad:?}: {other:?}"),
        }
        assert!(matches!(
            discovery::container_cgroup(bad),
            Err(DiscoveryError::InvalidContainerId { .. })
        ));
    }
    // An unreadable root is an I/O error.
    assert!(matches!(
        discovery::find_container(&t.0.join("missing"), &A[..12]),
        Err(DiscoveryError::Io { .. })
    ));
}

// ---------------------------------------------------------------------------------------------
// This host
// ---------------------------------------------------------------------------------------------

#[test]
fn self_cgroup_is_the_directory_holding_the_memory_files() {
    let me = discovery::self_cgroup().expect("self cgroup");
    println!(
        "self: {} (cgroup v{})",
        me.dir.display(),
        me.version.number()
    );
    let file = match me.version {
        Version::V1 => "memory.usage_in_bytes",
        Version::V2 => "memory.current",
    };
    // In the v2 root cgroup there is no memory.current; everywhere else there is.
    if !(me.version == Version::V2 && me.dir == Path::new("/sys/fs/cgroup")) {
        assert!(
            me.dir.join(file).is_file(),
            "{} has no {file}",
            me.dir.display()
        );
    }
    // It agrees with the files the kernel gives.
    let cg = std::fs::read("/proc/self/cgroup").expect("read");
    let expect_v1 = cgroup::memory_v1_path(&cg).expect("parses").is_some();
    assert_eq!(me.version == Version::V1, expect_v1);
    let snap = memcg_core::Snapshot::read_dir(&me.dir);
    assert!(snap.is_ok(), "{:?}", snap.err());

    assert_eq!(discovery::pid_cgroup(std::process::id()).expect("pid"), me);

    let (root, version) = discovery::cgroup_root().expect("root");
    println!("root: {} (cgroup v{})", root.display(), version.number());
    assert_eq!(version, me.version);
    assert!(
        me.dir.starts_with(&root),
        "{} not under {}",
        me.dir.display(),
        root.display()
    );
    assert!(root.is_dir());
}

#[test]
fn missing_pids_and_containers_are_typed_errors() {
    match discovery::pid_cgroup(u32::MAX) {
        Err(e @ DiscoveryError::PidNotFound { pid: u32::MAX }) => {
            assert_eq!(
                e.to_string(),
                "no process with PID 4294967295 (/proc/4294967295/cgroup does not exist)"
            );
        }
        other => panic!("{other:?}"),
    }
    let id = "0123456789abcdef0123456789abcdef";
    match discovery::container_cgroup(id) {
        Err(DiscoveryError::ContainerNotFound {
            id: got,
            root,
            depth,
        }) => {
            assert_eq!(got, id);
            assert_eq!(root, discovery::cgroup_root().expect("root").0);
            assert_eq!(depth, discovery::MAX_SEARCH_DEPTH);
        }
        other => panic!("{other:?}"),
    }
    // Through ReadError, as the CLI sees it.
    let err: memcg_core::ReadError = discovery::pid_cgroup(u32::MAX).expect_err("missing").into();
    assert!(err
        .to_string()
        .starts_with("cannot find the memory cgroup: no process with PID"));
}

// ---------------------------------------------------------------------------------------------
// Arbitrary input: no panic
// ---------------------------------------------------------------------------------------------

proptest::proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(
        cg in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
        mi in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..256),
        cap in 0usize..64,
    ) {
        for e in cgroup::entries(&cg).flatten() {
            let _ = (e.is_v2(), e.is_memory_v1(), e.controller_names().count());
        }
        for m in mountinfo::mounts(&mi).flatten() {
            let _ = (m.is_memory_v1(), m.is_cgroup2(), m.optional_field_names().count());
            let _ = mountinfo::unescape_into(m.mount_point, &mut vec![0u8; cap]);
        }
        let _ = mountinfo::unescape_into(&mi, &mut vec![0u8; cap]);
        let _ = discovery::resolve(&cg, &mi);
        let _ = discovery::memory_mount(&mi);
    }

    #[test]
    fn cgroup_lines_round_trip(
        id in 0u32..100,
        ctl in "[a-z_,=]{0,20}",
        path in "/[a-zA-Z0-9_.:@/ -]{0,40}",
    ) {
        let line = format!("{id}:{ctl}:{path}\n");
        let e = cgroup::entries(line.as_bytes()).next().expect("one line").expect("parses");
        proptest::prop_assert_eq!((e.hierarchy_id, s(e.controllers), s(e.path)), (id, ctl.as_str(), path.as_str()));
    }
}
