/*
 * C tests of the memcg C API, written against include/memcg.h alone.
 *
 * Usage: test_memcg CORPUS_DIR
 *   CORPUS_DIR is memcg-core/tests/corpus. Prints "ok - NAME", "FAIL - NAME" or
 *   "SKIP - NAME: why" per test, then a last line "N passed, M failed".
 *
 * Built with: gcc -std=c11 -Wall -Wextra -Werror -pedantic (see tests/run.sh).
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "memcg.h"

/* ---------------------------------------------------------------- harness */

static const char *g_corpus;
static int g_passed, g_failed, g_skipped;
static int g_case_failed;
static const char *g_skip_reason;

#define CHECK(cond)                                                                      \
    do {                                                                                 \
        if (!(cond)) {                                                                   \
            g_case_failed = 1;                                                           \
            fprintf(stderr, "  %s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
        }                                                                                \
    } while (0)

#define CHECK_U64(got, want)                                                             \
    do {                                                                                 \
        unsigned long long got_ = (unsigned long long)(got);                             \
        unsigned long long want_ = (unsigned long long)(want);                           \
        if (got_ != want_) {                                                             \
            g_case_failed = 1;                                                           \
            fprintf(stderr, "  %s:%d: %s == %llu, want %llu\n", __FILE__, __LINE__, #got, \
                    got_, want_);                                                        \
        }                                                                                \
    } while (0)

#define CHECK_STATUS(call, want)                                                         \
    do {                                                                                 \
        memcg_status st_ = (call);                                                       \
        if (st_ != (memcg_status)(want)) {                                               \
            g_case_failed = 1;                                                           \
            fprintf(stderr, "  %s:%d: %s returned %u (%s), want %s\n", __FILE__, __LINE__, \
                    #call, (unsigned)st_, memcg_status_str(st_), #want);                 \
        }                                                                                \
    } while (0)

#define CHECK_OPT(opt, want)                                                             \
    do {                                                                                 \
        CHECK((opt).present);                                                            \
        CHECK_U64((opt).value, want);                                                    \
    } while (0)

#define CHECK_ABSENT(opt) CHECK(!(opt).present && (opt).value == 0)

static void skip(const char *why) { g_skip_reason = why; }

static void run(const char *name, void (*fn)(void)) {
    g_case_failed = 0;
    g_skip_reason = NULL;
    fn();
    if (g_case_failed) {
        g_failed++;
        printf("FAIL - %s\n", name);
    } else if (g_skip_reason) {
        g_skipped++;
        printf("SKIP - %s: %s\n", name, g_skip_reason);
    } else {
        g_passed++;
        printf("ok - %s\n", name);
    }
    fflush(stdout);
}

/* Reads CORPUS/rel into a malloc'ed buffer (one spare byte so that an empty file still
 * gives a non-NULL pointer). */
static uint8_t *slurp(const char *rel, size_t *len) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", g_corpus, rel);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "  cannot open %s: %s\n", path, strerror(errno));
        g_case_failed = 1;
        *len = 0;
        return NULL;
    }
    size_t cap = 4096, n = 0;
    uint8_t *buf = malloc(cap);
    for (;;) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap) break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    fclose(f);
    *len = n;
    return buf;
}

static void corpus_dir(char *out, size_t cap, const char *rel) {
    snprintf(out, cap, "%s/%s", g_corpus, rel);
}

#define B(s) ((const uint8_t *)(s)), (sizeof(s) - 1)

static const char *SESSION =
    "elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/"
    "session-520.scope";
static const char *AMZN2 =
    "elastic-agent-system-metrics/amzn2/sys/fs/cgroup/memory/kubepods.slice/"
    "kubepods-burstable.slice/"
    "kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/"
    "cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope";
static const char *DOCKER_V1 =
    "elastic-agent-system-metrics/docker/sys/fs/cgroup/memory/docker/"
    "b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242";

/* ---------------------------------------------------------------- basics */

static void test_version_and_strings(void) {
    const char *v = memcg_version();
    CHECK(v != NULL && strcmp(v, "0.1.0") == 0);
    for (uint32_t s = 0; s <= MEMCG_INTERNAL_ERROR; s++) {
        const char *t = memcg_status_str(s);
        CHECK(t != NULL && strlen(t) > 0 && strcmp(t, "unknown status") != 0);
    }
    CHECK(strcmp(memcg_status_str(MEMCG_OK), "ok") == 0);
    CHECK(strcmp(memcg_status_str(12345), "unknown status") == 0);
    CHECK(strcmp(memcg_state_str(MEMCG_STATE_LEAKING), "leaking") == 0);
    CHECK(strcmp(memcg_state_str(MEMCG_STATE_WARMING_UP), "warming_up") == 0);
    CHECK(strcmp(memcg_state_str(77), "unknown") == 0);
    /* Explicit, stable values. */
    CHECK_U64(MEMCG_OK, 0);
    CHECK_U64(MEMCG_PARSE_ERROR, 3);
    CHECK_U64(MEMCG_PANIC, 15);
    CHECK_U64(MEMCG_FILE_V2_MEMORY_STAT, 10);
    CHECK_U64(MEMCG_FILE_V1_MEMORY_STAT, 45);
    CHECK(sizeof(memcg_status) == 4);
}

static void test_file_kind_from_name(void) {
    memcg_file_kind k = 0;
    CHECK_STATUS(memcg_file_kind_from_name("memory.stat", 1, &k), MEMCG_OK);
    CHECK_U64(k, MEMCG_FILE_V1_MEMORY_STAT);
    CHECK_STATUS(memcg_file_kind_from_name("/sys/fs/cgroup/x/memory.stat", 2, &k), MEMCG_OK);
    CHECK_U64(k, MEMCG_FILE_V2_MEMORY_STAT);
    CHECK_STATUS(memcg_file_kind_from_name("memory.limit_in_bytes", 2, &k), MEMCG_OK);
    CHECK_U64(k, MEMCG_FILE_V1_LIMIT_IN_BYTES);
    CHECK_STATUS(memcg_file_kind_from_name("/proc/pressure/memory", 0, &k), MEMCG_OK);
    CHECK_U64(k, MEMCG_FILE_PRESSURE);
    k = 999;
    CHECK_STATUS(memcg_file_kind_from_name("memory.bogus", 2, &k), MEMCG_NOT_FOUND);
    CHECK_U64(k, 999);
    CHECK_STATUS(memcg_file_kind_from_name(NULL, 2, &k), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_file_kind_from_name("memory.stat", 2, NULL), MEMCG_NULL_ARGUMENT);
}

/* ---------------------------------------------------------------- parsers on the corpus */

static void test_v1_memory_stat_corpus(void) {
    size_t len;
    uint8_t *d = slurp("datadog-agent/v1/memory.stat", &len);
    memcg_v1_memory_stat s;
    memcg_parse_error e;
    CHECK_STATUS(memcg_v1_memory_stat_parse(d, len, &s, &e), MEMCG_OK);
    CHECK_OPT(s.total_inactive_file, 4595712);
    CHECK_OPT(s.total_rss, 19058688);
    CHECK_OPT(s.total_cache, 4866048);
    CHECK_OPT(s.total_swap, 0);
    CHECK_OPT(s.hierarchical_memory_limit, 107108864);
    CHECK_OPT(s.hierarchical_memsw_limit, 9223372036854771712ULL);
    free(d);

    /* Negative counters (per-CPU drift) read as 0; huge values are kept. */
    d = slurp("telegraf/memory/memory.stat", &len);
    CHECK_STATUS(memcg_v1_memory_stat_parse(d, len, &s, NULL), MEMCG_OK);
    CHECK_OPT(s.dirty, 0);
    CHECK_OPT(s.cache, 1739362304123123123ULL);
    free(d);

    /* Swap accounting off: no swap keys, absent rather than 0. */
    d = slurp("elastic-agent-system-metrics/ubuntu1804/sys/fs/cgroup/memory/system.slice/"
              "networkd-dispatcher.service/memory.stat",
              &len);
    CHECK_STATUS(memcg_v1_memory_stat_parse(d, len, &s, NULL), MEMCG_OK);
    CHECK_ABSENT(s.total_swap);
    CHECK_ABSENT(s.swap);
    CHECK_OPT(s.total_rss, 8404992);
    free(d);
}

static void test_v2_memory_stat_corpus(void) {
    size_t len;
    uint8_t *d = slurp("telegraf/v2/memory.stat", &len);
    memcg_v2_memory_stat s;
    CHECK_STATUS(memcg_v2_memory_stat_parse(d, len, &s, NULL), MEMCG_OK);
    CHECK_OPT(s.inactive_file, 2935459840ULL);
    CHECK_OPT(s.anon, 2471755776ULL);
    CHECK_OPT(s.file, 8532865024ULL);
    free(d);

    char rel[512];
    snprintf(rel, sizeof rel, "%s/memory.stat", SESSION);
    d = slurp(rel, &len);
    CHECK_STATUS(memcg_v2_memory_stat_parse(d, len, &s, NULL), MEMCG_OK);
    CHECK_OPT(s.anon, 1411100672ULL);
    CHECK_OPT(s.file, 8621432832ULL);
    CHECK_OPT(s.inactive_file, 6685749248ULL);
    free(d);

    /* below: a value above i64::MAX needs u64. */
    d = slurp("below/edge-cases/memory-stat-u64-overflow-i64/memory.stat", &len);
    CHECK_STATUS(memcg_v2_memory_stat_parse(d, len, &s, NULL), MEMCG_OK);
    CHECK_OPT(s.slab, 14914318128160131214ULL);
    CHECK_ABSENT(s.anon);
    free(d);

    /* Unknown keys are counted and stay reachable. */
    CHECK_STATUS(memcg_v2_memory_stat_parse(B("anon 4096\nnew_key 7\nfile 0\n"), &s, NULL),
                 MEMCG_OK);
    CHECK_OPT(s.anon, 4096);
    CHECK_OPT(s.file, 0);
    CHECK_ABSENT(s.shmem);
    CHECK_U64(s.unknown_keys, 1);
}

static void test_v2_events_corpus(void) {
    size_t len;
    char rel[512];
    memcg_v2_memory_events ev;
    snprintf(rel, sizeof rel, "%s/memory.events", SESSION);
    uint8_t *d = slurp(rel, &len);
    CHECK_STATUS(memcg_v2_memory_events_parse(d, len, &ev, NULL), MEMCG_OK);
    CHECK_OPT(ev.oom_kill, 0);
    CHECK_OPT(ev.max, 0);
    CHECK_OPT(ev.oom_group_kill, 0);
    CHECK_ABSENT(ev.sock_throttled);
    free(d);

    d = slurp("elastic-agent-system-metrics/docker/sys/fs/cgroup/system.slice/"
              "docker-1c8fa019edd4b9d4b2856f4932c55929c5c118c808ed5faee9a135ca6e84b039.scope/"
              "memory.events",
              &len);
    CHECK_STATUS(memcg_v2_memory_events_parse(d, len, &ev, NULL), MEMCG_OK);
    CHECK_OPT(ev.low, 10);
    CHECK_OPT(ev.high, 3);
    CHECK_OPT(ev.max, 2);
    CHECK_OPT(ev.oom, 1);
    CHECK_OPT(ev.oom_kill, 1);
    free(d);

    d = slurp("telegraf/v2/memory.events.local", &len);
    CHECK_STATUS(memcg_v2_memory_events_local_parse(d, len, &ev, NULL), MEMCG_OK);
    CHECK(ev.max.present);
    free(d);

    memcg_v2_swap_events se;
    d = slurp("telegraf/v2/memory.swap.events", &len);
    CHECK_STATUS(memcg_v2_swap_events_parse(d, len, &se, NULL), MEMCG_OK);
    CHECK(se.max.present && se.fail.present);
    free(d);

    memcg_v2_cgroup_stat cs;
    snprintf(rel, sizeof rel, "%s/cgroup.stat", SESSION);
    d = slurp(rel, &len);
    CHECK_STATUS(memcg_v2_cgroup_stat_parse(d, len, &cs, NULL), MEMCG_OK);
    CHECK(cs.nr_descendants.present);
    free(d);

    memcg_v1_oom_control oc;
    snprintf(rel, sizeof rel, "%s/memory.oom_control", AMZN2);
    d = slurp(rel, &len);
    CHECK_STATUS(memcg_v1_oom_control_parse(d, len, &oc, NULL), MEMCG_OK);
    CHECK_OPT(oc.oom_kill_disable, 0);
    CHECK_OPT(oc.under_oom, 0);
    CHECK_OPT(oc.oom_kill, 0);
    free(d);
}

static void test_pressure_corpus(void) {
    size_t len;
    char rel[512];
    memcg_pressure p;
    snprintf(rel, sizeof rel, "%s/memory.pressure", SESSION);
    uint8_t *d = slurp(rel, &len);
    CHECK_STATUS(memcg_pressure_parse(d, len, &p, NULL), MEMCG_OK);
    CHECK_OPT(p.some.total_us, 1736583);
    CHECK(p.has_full);
    CHECK_OPT(p.full.total_us, 1677369);
    CHECK(p.some.avg10 == 0.0);
    CHECK_ABSENT(p.aggr_us);
    free(d);

    CHECK_STATUS(memcg_pressure_parse(B("some avg10=1.50 avg60=0.25 avg300=0.00 total=123456\n"),
                                      &p, NULL),
                 MEMCG_OK);
    CHECK(p.some.avg10 == 1.5 && p.some.avg60 == 0.25);
    CHECK(!p.has_full);
    /* The pre-upstream format oomd still reads. */
    CHECK_STATUS(memcg_pressure_parse(B("aggr 128544748770\nsome 1.11 2.22 3.33\n"
                                        "full 4.44 5.55 6.66\n0 0 0\n0 0 0\n"),
                                      &p, NULL),
                 MEMCG_OK);
    CHECK_OPT(p.aggr_us, 128544748770ULL);
    CHECK_ABSENT(p.some.total_us);
    CHECK(p.some.avg60 == 2.22);
    CHECK_U64(p.extra_lines, 2);
}

static void test_single_values_corpus(void) {
    size_t len;
    uint64_t v = 0;
    memcg_limit l;
    uint8_t *d = slurp("telegraf/v2/memory.current", &len);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_CURRENT, d, len, &v, NULL), MEMCG_OK);
    CHECK_U64(v, 13071106048ULL);
    free(d);

    d = slurp("telegraf/v2/memory.peak", &len);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_PEAK, d, len, &v, NULL), MEMCG_OK);
    CHECK_U64(v, 87302021120ULL);
    free(d);

    d = slurp("datadog-agent/v1/memory.usage_in_bytes", &len);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V1_USAGE_IN_BYTES, d, len, &v, NULL), MEMCG_OK);
    CHECK_U64(v, 354488320);
    free(d);

    /* v2 limits: bytes and "max". */
    d = slurp("telegraf/v2/memory.max", &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_MAX, d, len, &l, NULL), MEMCG_OK);
    CHECK(l.kind == MEMCG_LIMIT_BYTES);
    CHECK_U64(l.bytes, 103079215104ULL);
    free(d);
    d = slurp("tikv/memory-max/max/memory.max", &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_MAX, d, len, &l, NULL), MEMCG_OK);
    CHECK(l.kind == MEMCG_LIMIT_UNLIMITED && l.bytes == 0);
    free(d);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_HIGH, B("0\n"), &l, NULL), MEMCG_OK);
    CHECK(l.kind == MEMCG_LIMIT_BYTES && l.bytes == 0); /* zero is not unlimited */

    /* v1 limits: the 2^62 cut, whatever the page size. */
    char rel[512];
    snprintf(rel, sizeof rel, "%s/memory.limit_in_bytes", AMZN2);
    d = slurp(rel, &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V1_LIMIT_IN_BYTES, d, len, &l, NULL), MEMCG_OK);
    CHECK(l.kind == MEMCG_LIMIT_BYTES);
    CHECK_U64(l.bytes, 2147483648ULL);
    free(d);
    snprintf(rel, sizeof rel, "%s/memory.limit_in_bytes", DOCKER_V1);
    d = slurp(rel, &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V1_LIMIT_IN_BYTES, d, len, &l, NULL), MEMCG_OK);
    CHECK(l.kind == MEMCG_LIMIT_UNLIMITED);
    free(d);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V1_LIMIT_IN_BYTES, B("9223372036854710272\n"), &l,
                                   NULL),
                 MEMCG_OK); /* 64 KiB pages */
    CHECK(l.kind == MEMCG_LIMIT_UNLIMITED);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V1_LIMIT_IN_BYTES, B("4611686018427387903\n"), &l,
                                   NULL),
                 MEMCG_OK); /* 2^62 - 1 */
    CHECK(l.kind == MEMCG_LIMIT_BYTES && l.bytes == 4611686018427387903ULL);
    /* The same number in a v2 file is a real byte count. */
    d = slurp("tikv/memory-max/v1-unlimited-pagealigned/memory.max", &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_MAX, d, len, &l, NULL), MEMCG_OK);
    CHECK(l.kind == MEMCG_LIMIT_BYTES && l.bytes == 9223372036854771712ULL);
    free(d);

    /* Kinds a function does not parse. */
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_MAX, B("1\n"), &v, NULL),
                 MEMCG_UNSUPPORTED_KIND);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_CURRENT, B("1\n"), &l, NULL),
                 MEMCG_UNSUPPORTED_KIND);
    CHECK_STATUS(memcg_counter_parse(9999, B("1\n"), &v, NULL), MEMCG_UNSUPPORTED_KIND);
    CHECK_STATUS(memcg_counter_parse(0, B("1\n"), &v, NULL), MEMCG_UNSUPPORTED_KIND);
}

struct kv_seen {
    int pairs;
    int stop_after;
    uint64_t new_key;
    int saw_new_key;
};

static int kv_cb(const char *key, size_t key_len, uint64_t value, void *userdata) {
    struct kv_seen *s = userdata;
    s->pairs++;
    if (key_len == 7 && memcmp(key, "new_key", 7) == 0) {
        s->saw_new_key = 1;
        s->new_key = value;
    }
    return s->stop_after && s->pairs >= s->stop_after;
}

static void test_keyed_foreach(void) {
    struct kv_seen s = {0, 0, 0, 0};
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_STAT, B("anon 1\nnew_key 7\nfile 2\n"),
                                     kv_cb, &s, NULL),
                 MEMCG_OK);
    CHECK(s.pairs == 3 && s.saw_new_key && s.new_key == 7);

    /* Stop early. */
    struct kv_seen stop = {0, 1, 0, 0};
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_STAT, B("anon 1\nnew_key 7\n"), kv_cb,
                                     &stop, NULL),
                 MEMCG_OK);
    CHECK(stop.pairs == 1);

    /* Every line of a real file. */
    size_t len;
    uint8_t *d = slurp("datadog-agent/v1/memory.stat", &len);
    struct kv_seen all = {0, 0, 0, 0};
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V1_MEMORY_STAT, d, len, kv_cb, &all, NULL),
                 MEMCG_OK);
    CHECK(all.pairs == 36);
    free(d);

    /* The pairs before a malformed line are visited, then the error. */
    struct kv_seen bad = {0, 0, 0, 0};
    memcg_parse_error e;
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_STAT, B("slab 1234\nlol\n"), kv_cb, &bad,
                                     &e),
                 MEMCG_PARSE_ERROR);
    CHECK(bad.pairs == 1);
    CHECK(e.kind == MEMCG_FILE_V2_MEMORY_STAT && e.reason == MEMCG_REASON_MISSING_VALUE);
    CHECK_U64(e.line, 2);
    CHECK_U64(e.offset, 13);

    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_STAT, B(""), kv_cb, &bad, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_EMPTY);
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_CURRENT, B("1\n"), kv_cb, &bad, NULL),
                 MEMCG_UNSUPPORTED_KIND);
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_STAT, B("a 1\n"), NULL, &bad, NULL),
                 MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_keyed_foreach(MEMCG_FILE_V2_MEMORY_STAT, NULL, 0, kv_cb, &bad, NULL),
                 MEMCG_NULL_ARGUMENT);
}

/* ---------------------------------------------------------------- malformed input */

static void test_malformed_positions(void) {
    size_t len;
    memcg_parse_error e;
    memcg_v2_memory_stat s, before;
    memset(&s, 0xAB, sizeof s);
    memcpy(&before, &s, sizeof s);

    /* below: "slab 1234\nlol\n" */
    uint8_t *d = slurp("below/edge-cases/memory-stat-garbage-line/memory.stat", &len);
    CHECK_STATUS(memcg_v2_memory_stat_parse(d, len, &s, &e), MEMCG_PARSE_ERROR);
    CHECK(e.kind == MEMCG_FILE_V2_MEMORY_STAT);
    CHECK(e.reason == MEMCG_REASON_MISSING_VALUE);
    CHECK_U64(e.line, 2);
    CHECK_U64(e.offset, 13);
    CHECK(memcmp(&s, &before, sizeof s) == 0); /* out untouched on error */
    free(d);

    CHECK_STATUS(memcg_v2_memory_stat_parse(B("anon 1\nfile x\n"), &s, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_INVALID_NUMBER && e.line == 2 && e.offset == 12);
    char msg[128];
    size_t n = 0;
    CHECK_STATUS(memcg_parse_error_format(&e, msg, sizeof msg, &n), MEMCG_OK);
    CHECK(strcmp(msg, "memory.stat (cgroup v2): line 2, byte 12: invalid number") == 0);
    CHECK_U64(n, strlen(msg));
    /* snprintf-style truncation. */
    char small[8];
    CHECK_STATUS(memcg_parse_error_format(&e, small, sizeof small, &n), MEMCG_OK);
    CHECK(strcmp(small, "memory.") == 0);
    CHECK_U64(n, strlen(msg));
    CHECK_STATUS(memcg_parse_error_format(&e, NULL, 0, &n), MEMCG_OK);
    CHECK_U64(n, strlen(msg));
    memcg_parse_error bogus = e;
    bogus.kind = 9999;
    CHECK_STATUS(memcg_parse_error_format(&bogus, msg, sizeof msg, &n), MEMCG_INVALID_ARGUMENT);

    /* below: "1234.0\n" in memory.current */
    d = slurp("below/edge-cases/memory-current-float/memory.current", &len);
    uint64_t v = 42;
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_CURRENT, d, len, &v, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.kind == MEMCG_FILE_V2_MEMORY_CURRENT && e.reason == MEMCG_REASON_INVALID_NUMBER);
    CHECK_U64(e.line, 1);
    CHECK_U64(e.offset, 4);
    CHECK_U64(v, 42);
    free(d);

    /* below: empty files */
    d = slurp("below/edge-cases/memory-stat-empty/memory.stat", &len);
    CHECK_U64(len, 0);
    CHECK_STATUS(memcg_v2_memory_stat_parse(d, len, &s, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_EMPTY && e.line == 1 && e.offset == 0);
    free(d);

    /* "-1" is not a v2 limit; 2^64 overflows; a second line is trailing data. */
    memcg_limit l;
    d = slurp("below/edge-cases/memory-max-negative/memory.max", &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_MAX, d, len, &l, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_INVALID_NUMBER && e.offset == 0);
    free(d);
    d = slurp("tikv/memory-max/overflow-u64/memory.max", &len);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_MAX, d, len, &l, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_OVERFLOW && e.offset == 0);
    free(d);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_CURRENT, B("1\n2\n"), &v, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_TRAILING_DATA && e.line == 2 && e.offset == 2);

    /* A NUL byte, a duplicate key, a PSI line without total=. */
    CHECK_STATUS(memcg_v2_memory_stat_parse((const uint8_t *)"a 1\nb\0 2", 8, &s, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_INVALID_BYTE && e.line == 2 && e.offset == 5);
    CHECK_STATUS(memcg_v2_memory_stat_parse(B("anon 1\nanon 2\n"), &s, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_DUPLICATE_KEY && e.line == 2 && e.offset == 7);
    memcg_pressure p;
    CHECK_STATUS(memcg_pressure_parse(B("some avg10=0.00 avg60=0.00 avg300=0.00\n"), &p, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.kind == MEMCG_FILE_PRESSURE && e.reason == MEMCG_REASON_INVALID_PRESSURE);
    CHECK(e.line == 1 && e.offset == 38);

    /* err_out may be NULL. */
    CHECK_STATUS(memcg_v2_memory_stat_parse(B("lol\n"), &s, NULL), MEMCG_PARSE_ERROR);
}

static void test_null_and_empty_arguments(void) {
    memcg_v1_memory_stat s1;
    memcg_v2_memory_stat s2;
    memcg_v2_memory_events ev;
    memcg_pressure p;
    memcg_parse_error e;
    uint64_t v;
    memcg_limit l;
    const uint8_t empty[1] = {0};

    CHECK_STATUS(memcg_v1_memory_stat_parse(NULL, 0, &s1, &e), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_v1_memory_stat_parse(NULL, 10, &s1, &e), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_v1_memory_stat_parse(B("rss 1\n"), NULL, &e), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_v2_memory_stat_parse(NULL, 0, &s2, NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_v2_memory_events_parse(B("max 1\n"), NULL, NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_pressure_parse(NULL, 0, &p, NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_CURRENT, NULL, 0, &v, NULL),
                 MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V2_MEMORY_CURRENT, B("1\n"), NULL, NULL),
                 MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V2_MEMORY_MAX, NULL, 0, &l, NULL),
                 MEMCG_NULL_ARGUMENT);
    /* Zero-length (non-NULL) input: an empty file, a parse error at line 1, byte 0. */
    CHECK_STATUS(memcg_v1_memory_stat_parse(empty, 0, &s1, &e), MEMCG_PARSE_ERROR);
    CHECK(e.kind == MEMCG_FILE_V1_MEMORY_STAT && e.reason == MEMCG_REASON_EMPTY);
    CHECK(e.line == 1 && e.offset == 0);
    CHECK_STATUS(memcg_v2_memory_events_parse(empty, 0, &ev, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_EMPTY);
    CHECK_STATUS(memcg_pressure_parse(empty, 0, &p, &e), MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_EMPTY);
    CHECK_STATUS(memcg_counter_parse(MEMCG_FILE_V1_USAGE_IN_BYTES, empty, 0, &v, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_EMPTY);
    CHECK_STATUS(memcg_limit_parse(MEMCG_FILE_V1_LIMIT_IN_BYTES, empty, 0, &l, &e),
                 MEMCG_PARSE_ERROR);
    CHECK(e.reason == MEMCG_REASON_EMPTY);
    /* A length no buffer can have. */
    CHECK_STATUS(memcg_v2_memory_stat_parse(empty, SIZE_MAX, &s2, &e), MEMCG_INVALID_ARGUMENT);

    /* Objects and snapshots. */
    memcg_snapshot snap;
    memcg_sampler *smp = NULL;
    memcg_detector *det = NULL;
    memcg_assessment a;
    size_t count;
    CHECK_STATUS(memcg_snapshot_read("/", NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_sampler_open("/", NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_sampler_read(NULL, &snap), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_sampler_version(NULL, NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_detector_new(NULL, NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_detector_update(NULL, 0.0, &snap, &a), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_detector_reset(NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_detector_config_default(NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_snapshot_stat_count(NULL, &count), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_snapshot_from_v1(NULL, &snap, NULL), MEMCG_NULL_ARGUMENT);
    CHECK_STATUS(memcg_snapshot_from_v2(NULL, &snap, NULL), MEMCG_NULL_ARGUMENT);
    memcg_sampler_free(NULL);
    memcg_detector_free(NULL);

    /* A snapshot memcg did not fill is refused, not trusted. */
    memset(&snap, 0, sizeof snap);
    CHECK_STATUS(memcg_snapshot_stat_count(&snap, &count), MEMCG_INVALID_ARGUMENT);
    CHECK_STATUS(memcg_detector_new(NULL, &det), MEMCG_OK);
    CHECK_STATUS(memcg_detector_update(det, 0.0, &snap, &a), MEMCG_INVALID_ARGUMENT);
    CHECK_STATUS(memcg_detector_update(det, 0.0, NULL, &a), MEMCG_NULL_ARGUMENT);
    memcg_detector_free(det);

    /* Directories that are not cgroups. */
    CHECK_STATUS(memcg_snapshot_read("/", &snap), MEMCG_NOT_A_CGROUP);
    CHECK_STATUS(memcg_snapshot_read("/nonexistent/memcg-ffi", &snap), MEMCG_NOT_FOUND);
    CHECK_STATUS(memcg_sampler_open("/", &smp), MEMCG_NOT_A_CGROUP);
    CHECK(smp == NULL);
    CHECK_STATUS(memcg_snapshot_read("", &snap), MEMCG_NOT_FOUND);
}

/* ---------------------------------------------------------------- snapshots vs expected.json */

struct expect {
    const char *dir;
    uint32_t version;
    uint64_t usage;
    memcg_limit_kind limit_kind;
    uint64_t limit;
    uint64_t working_set;
    int64_t anon, file, swap, oom_kill, max_events, peak; /* -1: null */
};

/* Values copied from memcg-core/tests/corpus/expected.json (max_events is v2 `max` or v1
 * `failcnt`; peak is `max_usage`). */
static const struct expect EXPECTED[] = {
    {"datadog-agent/v1", 1, 354488320, MEMCG_LIMIT_BYTES, 67108864, 349892608, 19058688,
     4866048, 0, -1, 0, -1},
    {"elastic-agent-system-metrics/docker/sys/fs/cgroup/memory/docker/"
     "b29faf21b7eff959f64b4192c34d5d67a707fe8561e9eaa608cb27693fba4242",
     1, 295997440, MEMCG_LIMIT_UNLIMITED, 0, 255889408, 230662144, 65101824, 0, -1, 0,
     298532864},
    {"elastic-agent-system-metrics/docker/sys/fs/cgroup/memory", 1, 484491264,
     MEMCG_LIMIT_UNLIMITED, 0, 443785216, 18067456, 170680320, 0, -1, 0, 0},
    {"elastic-agent-system-metrics/amzn2/sys/fs/cgroup/memory/kubepods.slice/"
     "kubepods-burstable.slice/kubepods-burstable-pod7a96c459_d529_44ae_9f99_90d3798d6426.slice/"
     "cri-containerd-1d3d308a7d48a27814a68bf33a44acf4441c9c02463ca0bc1cdfdc8c0b4a8496.scope",
     1, 1215860736, MEMCG_LIMIT_BYTES, 2147483648ULL, 1137303552, 1119465472, 78397440, 0, 0,
     0, -2},
    {"elastic-agent-system-metrics/docker2/sys/fs/cgroup/user.slice/user-1000.slice/"
     "session-520.scope",
     2, 10498404352ULL, MEMCG_LIMIT_UNLIMITED, 0, 3812655104ULL, 1411100672, 8621432832LL,
     17715200, 0, 0, 18772946944LL},
    {"telegraf/v2", 2, 13071106048ULL, MEMCG_LIMIT_BYTES, 103079215104ULL, 10135646208ULL,
     2471755776LL, 8532865024LL, 0, 0, 0, 87302021120LL},
    {"opencontainers-cgroups/fs2-example", 2, 4194304, MEMCG_LIMIT_UNLIMITED, 0, 0, 790425600,
     6502666240LL, -1, -1, -1, -1},
};

static void check_opt_expect(memcg_opt_u64 got, int64_t want, const char *what, const char *dir) {
    if (want == -2) return; /* not in expected.json */
    if (want == -1) {
        if (got.present) {
            g_case_failed = 1;
            fprintf(stderr, "  %s: %s present (%llu), want null\n", dir, what,
                    (unsigned long long)got.value);
        }
    } else if (!got.present || got.value != (uint64_t)want) {
        g_case_failed = 1;
        fprintf(stderr, "  %s: %s = %s%llu, want %lld\n", dir, what, got.present ? "" : "null/",
                (unsigned long long)got.value, (long long)want);
    }
}

static void test_snapshot_read_matches_expected_json(void) {
    for (size_t i = 0; i < sizeof EXPECTED / sizeof EXPECTED[0]; i++) {
        const struct expect *x = &EXPECTED[i];
        char dir[1024];
        corpus_dir(dir, sizeof dir, x->dir);
        memcg_snapshot s;
        memcg_status st = memcg_snapshot_read(dir, &s);
        if (st != MEMCG_OK) {
            g_case_failed = 1;
            fprintf(stderr, "  %s: memcg_snapshot_read: %s\n", x->dir, memcg_status_str(st));
            continue;
        }
        CHECK_U64(s.version, x->version);
        CHECK_U64(s.usage_bytes, x->usage);
        CHECK_U64(s.limit_bytes.kind, x->limit_kind);
        CHECK_U64(s.limit_bytes.bytes, x->limit);
        CHECK_U64(s.working_set_bytes, x->working_set);
        check_opt_expect(s.anon_bytes, x->anon, "anon_bytes", x->dir);
        check_opt_expect(s.file_bytes, x->file, "file_bytes", x->dir);
        check_opt_expect(s.swap_bytes, x->swap, "swap_bytes", x->dir);
        check_opt_expect(s.oom_kills, x->oom_kill, "oom_kills", x->dir);
        check_opt_expect(s.max_events, x->max_events, "max_events", x->dir);
        check_opt_expect(s.peak_bytes, x->peak, "peak_bytes", x->dir);
        if (x->version == 1) CHECK(s.high_limit_bytes.kind == MEMCG_LIMIT_ABSENT);
        CHECK(x->version == 2 || !s.high_events.present);
    }

    /* The v1 effective limit is hierarchical_memory_limit (here unlike the own limit). */
    char dir[1024];
    memcg_snapshot s;
    corpus_dir(dir, sizeof dir, "datadog-agent/v1");
    CHECK_STATUS(memcg_snapshot_read(dir, &s), MEMCG_OK);
    CHECK(s.effective_limit_bytes.kind == MEMCG_LIMIT_BYTES);
    CHECK_U64(s.effective_limit_bytes.bytes, 107108864);
    CHECK(!s.has_pressure);

    /* A rich v2 directory: PSI, high, swap limit, stat entries. */
    corpus_dir(dir, sizeof dir, SESSION);
    CHECK_STATUS(memcg_snapshot_read(dir, &s), MEMCG_OK);
    CHECK(s.has_pressure);
    CHECK_OPT(s.pressure.some.total_us, 1736583);
    CHECK(s.high_limit_bytes.kind == MEMCG_LIMIT_UNLIMITED);
    CHECK(s.swap_limit_bytes.kind != MEMCG_LIMIT_ABSENT);
    CHECK_OPT(s.high_events, 0);

    memcg_snapshot copy = s; /* plain data: copies work */
    size_t count = 0;
    CHECK_STATUS(memcg_snapshot_stat_count(&copy, &count), MEMCG_OK);
    CHECK(count > 30);
    int saw_anon = 0;
    for (size_t i = 0; i < count; i++) {
        const char *key = NULL;
        size_t key_len = 0;
        uint64_t value = 0;
        CHECK_STATUS(memcg_snapshot_stat_get(&copy, i, &key, &key_len, &value), MEMCG_OK);
        CHECK(key != NULL && key_len > 0);
        if (key_len == 4 && memcmp(key, "anon", 4) == 0) saw_anon = value == 1411100672ULL;
    }
    CHECK(saw_anon);
    const char *key;
    size_t key_len;
    uint64_t value;
    CHECK_STATUS(memcg_snapshot_stat_get(&copy, count, &key, &key_len, &value),
                 MEMCG_OUT_OF_RANGE);
    CHECK_STATUS(memcg_snapshot_stat_find(&copy, "inactive_file", &value), MEMCG_OK);
    CHECK_U64(value, 6685749248ULL);
    CHECK_STATUS(memcg_snapshot_stat_find(&copy, "no_such_key", &value), MEMCG_NOT_FOUND);

    memcg_v2_memory_stat st2;
    memcg_v1_memory_stat st1;
    CHECK_STATUS(memcg_snapshot_v2_stat(&copy, &st2), MEMCG_OK);
    CHECK_OPT(st2.anon, 1411100672ULL);
    CHECK_STATUS(memcg_snapshot_v1_stat(&copy, &st1), MEMCG_NOT_FOUND);
    uint64_t unrec = 0;
    CHECK_STATUS(memcg_snapshot_unreclaimable_bytes(&copy, &unrec), MEMCG_OK);
    CHECK(unrec >= 1411100672ULL + 17715200ULL);

    /* A malformed file inside a directory is a parse error, not a crash. */
    corpus_dir(dir, sizeof dir, "below/edge-cases/memory-current-float");
    CHECK_STATUS(memcg_snapshot_read(dir, &s), MEMCG_PARSE_ERROR);
}

static void test_snapshot_from_bytes(void) {
    memcg_v2_files f;
    memset(&f, 0, sizeof f);
    static const char current[] = "104857600\n";
    static const char max[] = "209715200\n";
    static const char stat[] = "anon 52428800\nfile 41943040\ninactive_file 31457280\nshmem 0\n"
                               "brand_new_key 5\n";
    f.current.data = (const uint8_t *)current;
    f.current.len = sizeof current - 1;
    f.max.data = (const uint8_t *)max;
    f.max.len = sizeof max - 1;
    f.stat.data = (const uint8_t *)stat;
    f.stat.len = sizeof stat - 1;
    f.ancestors_limit.kind = MEMCG_LIMIT_BYTES;
    f.ancestors_limit.bytes = 157286400;
    memcg_snapshot s;
    memcg_parse_error e;
    CHECK_STATUS(memcg_snapshot_from_v2(&f, &s, &e), MEMCG_OK);
    CHECK_U64(s.version, 2);
    CHECK_U64(s.usage_bytes, 104857600);
    CHECK(s.limit_bytes.kind == MEMCG_LIMIT_BYTES && s.limit_bytes.bytes == 209715200);
    CHECK_U64(s.effective_limit_bytes.bytes, 157286400);
    CHECK_U64(s.working_set_bytes, 104857600 - 31457280);
    CHECK_OPT(s.anon_bytes, 52428800);
    CHECK_OPT(s.shmem_bytes, 0);
    CHECK_ABSENT(s.swap_bytes);
    CHECK_ABSENT(s.peak_bytes);
    CHECK(s.high_limit_bytes.kind == MEMCG_LIMIT_ABSENT);
    uint64_t v = 0;
    CHECK_STATUS(memcg_snapshot_stat_find(&s, "brand_new_key", &v), MEMCG_OK);
    CHECK_U64(v, 5);

    /* The first malformed file is named. */
    static const char bad_events[] = "low 0\nmax x\n";
    f.events.data = (const uint8_t *)bad_events;
    f.events.len = sizeof bad_events - 1;
    CHECK_STATUS(memcg_snapshot_from_v2(&f, &s, &e), MEMCG_PARSE_ERROR);
    CHECK(e.kind == MEMCG_FILE_V2_MEMORY_EVENTS && e.line == 2 && e.offset == 10);
    f.events.data = NULL;
    f.ancestors_limit.kind = 7;
    CHECK_STATUS(memcg_snapshot_from_v2(&f, &s, &e), MEMCG_INVALID_ARGUMENT);
    f.ancestors_limit.kind = MEMCG_LIMIT_ABSENT;
    f.current.data = NULL;
    CHECK_STATUS(memcg_snapshot_from_v2(&f, &s, &e), MEMCG_NULL_ARGUMENT);

    /* v1, from the corpus bytes. */
    size_t ulen, llen, slen;
    uint8_t *u = slurp("datadog-agent/v1/memory.usage_in_bytes", &ulen);
    uint8_t *l = slurp("datadog-agent/v1/memory.limit_in_bytes", &llen);
    uint8_t *st = slurp("datadog-agent/v1/memory.stat", &slen);
    memcg_v1_files g;
    memset(&g, 0, sizeof g);
    g.usage_in_bytes.data = u;
    g.usage_in_bytes.len = ulen;
    g.limit_in_bytes.data = l;
    g.limit_in_bytes.len = llen;
    g.stat.data = st;
    g.stat.len = slen;
    CHECK_STATUS(memcg_snapshot_from_v1(&g, &s, &e), MEMCG_OK);
    CHECK_U64(s.version, 1);
    CHECK_U64(s.usage_bytes, 354488320);
    CHECK_U64(s.working_set_bytes, 349892608);
    CHECK_U64(s.limit_bytes.bytes, 67108864);
    CHECK_ABSENT(s.max_events); /* no memory.failcnt given */
    memcg_v1_memory_stat st1;
    CHECK_STATUS(memcg_snapshot_v1_stat(&s, &st1), MEMCG_OK);
    CHECK_OPT(st1.total_rss, 19058688);
    free(u);
    free(l);
    free(st);
}

/* ---------------------------------------------------------------- detector */

static void make_v2_snapshot(memcg_snapshot *out, uint64_t anon, uint64_t limit) {
    char current[32], stat[160], max[32];
    snprintf(current, sizeof current, "%llu\n", (unsigned long long)(anon + (64u << 20)));
    snprintf(stat, sizeof stat, "anon %llu\nfile %llu\nshmem 0\ninactive_file %llu\n",
             (unsigned long long)anon, 64ull << 20, 32ull << 20);
    snprintf(max, sizeof max, "%llu\n", (unsigned long long)limit);
    memcg_v2_files f;
    memset(&f, 0, sizeof f);
    f.current.data = (const uint8_t *)current;
    f.current.len = strlen(current);
    f.stat.data = (const uint8_t *)stat;
    f.stat.len = strlen(stat);
    f.max.data = (const uint8_t *)max;
    f.max.len = strlen(max);
    memcg_status st = memcg_snapshot_from_v2(&f, out, NULL);
    CHECK(st == MEMCG_OK);
}

static int finite_assessment(const memcg_assessment *a) {
    return isfinite(a->slope_bytes_per_s) && isfinite(a->slope_low) && isfinite(a->slope_high) &&
           isfinite(a->age_s) && isfinite(a->time_to_limit_s.value) &&
           isfinite(a->onset_s.value) && a->state <= MEMCG_STATE_LEAKING &&
           a->leak == (a->state == MEMCG_STATE_LEAKING);
}

static void test_detector_config(void) {
    memcg_detector_config c;
    CHECK_STATUS(memcg_detector_config_default(&c), MEMCG_OK);
    CHECK(c.min_age_s == 30.0 && c.max_window_s == 3600.0);
    CHECK_U64(c.min_growth_bytes, 8u << 20);
    CHECK(c.min_limit_share == 0.02 && c.restart_drop_fraction == 0.25 && c.use_swap);
    CHECK(c.floor_min_window_s == 5.0 && c.fall_fraction == 0.2 && c.horizon_share == 0.25);
    CHECK(c.horizon_cap_s == 240.0 && c.imminent_horizon_s == 30.0 && c.imminent_fill == 0.7);
    c.min_age_s = 10.0;
    memcg_detector *d = NULL;
    CHECK_STATUS(memcg_detector_new(&c, &d), MEMCG_OK);
    memcg_detector_config back;
    CHECK_STATUS(memcg_detector_config_get(d, &back), MEMCG_OK);
    CHECK(back.min_age_s == 10.0);
    memcg_detector_free(d);
    d = NULL;
    c.max_window_s = NAN;
    CHECK_STATUS(memcg_detector_new(&c, &d), MEMCG_INVALID_ARGUMENT);
    CHECK(d == NULL);
    c.max_window_s = -1.0;
    CHECK_STATUS(memcg_detector_new(&c, &d), MEMCG_INVALID_ARGUMENT);
}

static void test_detector_synthetic_leak(void) {
    const uint64_t limit = 2048ull << 20;
    const uint64_t start = 100ull << 20, rate = 10ull << 20; /* 10 MiB/s */
    memcg_detector *d = NULL;
    CHECK_STATUS(memcg_detector_new(NULL, &d), MEMCG_OK);
    if (!d) return;
    memcg_snapshot s;
    memcg_assessment a;
    memset(&a, 0, sizeof a);
    const double t0 = 1000.0;
    for (int i = 0; i <= 150; i++) {
        uint64_t anon = start + rate * (uint64_t)i;
        make_v2_snapshot(&s, anon, limit);
        memcg_status st = memcg_detector_update(d, t0 + i, &s, &a);
        if (st != MEMCG_OK) {
            g_case_failed = 1;
            fprintf(stderr, "  update %d: %s\n", i, memcg_status_str(st));
            break;
        }
        CHECK(finite_assessment(&a));
        CHECK_U64(a.signal_bytes, anon); /* v2 signal: anon + shmem + kernel + swap */
        CHECK(a.limit_bytes.present && a.limit_bytes.value >= limit);
        CHECK(a.age_s == (double)i);
    }
    /* Errors leave the state unchanged. */
    memcg_assessment before = a;
    CHECK_STATUS(memcg_detector_update(d, t0, &s, &a), MEMCG_TIME_WENT_BACKWARDS);
    CHECK_STATUS(memcg_detector_update(d, NAN, &s, &a), MEMCG_NON_FINITE_TIME);
    CHECK_STATUS(memcg_detector_update(d, INFINITY, &s, &a), MEMCG_NON_FINITE_TIME);
    CHECK(memcmp(&before, &a, sizeof a) == 0);

    /* The verdict: 150 s of steady 10 MiB/s growth, 1.6 GiB of 2 GiB used. */
    CHECK(a.leak || a.imminent_oom);
    CHECK(a.state == MEMCG_STATE_LEAKING || a.state == MEMCG_STATE_GROWING);
    CHECK(fabs(a.slope_bytes_per_s - (double)rate) < 0.2 * (double)rate);
    CHECK(a.slope_low <= a.slope_bytes_per_s && a.slope_bytes_per_s <= a.slope_high);
    CHECK(a.time_to_limit_s.present); /* (2048 - 1600) MiB at 10 MiB/s: about 45 s */
    CHECK(a.time_to_limit_s.value > 10.0 && a.time_to_limit_s.value < 120.0);
    if (!a.leak || !a.time_to_limit_s.present)
        fprintf(stderr, "  state=%s slope=%.0f ttl=%.1f\n", memcg_state_str(a.state),
                a.slope_bytes_per_s, a.time_to_limit_s.value);

    /* Reset: history forgotten, the clock kept (time still may not go backwards). */
    CHECK_STATUS(memcg_detector_reset(d), MEMCG_OK);
    CHECK_STATUS(memcg_detector_update(d, t0 + 100.0, &s, &a), MEMCG_TIME_WENT_BACKWARDS);
    CHECK_STATUS(memcg_detector_update(d, t0 + 200.0, &s, &a), MEMCG_OK);
    CHECK(a.age_s == 0.0 && a.state == MEMCG_STATE_WARMING_UP);
    memcg_detector_free(d);
}

static void test_detector_flat_is_not_a_leak(void) {
    memcg_detector *d = NULL;
    CHECK_STATUS(memcg_detector_new(NULL, &d), MEMCG_OK);
    if (!d) return;
    memcg_snapshot s;
    memcg_assessment a;
    for (int i = 0; i <= 300; i += 2) {
        make_v2_snapshot(&s, (200ull << 20) + (uint64_t)(i % 3) * 4096, 2048ull << 20);
        CHECK_STATUS(memcg_detector_update(d, (double)i, &s, &a), MEMCG_OK);
        CHECK(finite_assessment(&a));
        CHECK(!a.leak && !a.imminent_oom);
    }
    CHECK(a.state == MEMCG_STATE_STABLE || a.state == MEMCG_STATE_WARMING_UP);
    memcg_detector_free(d);
}

/* ---------------------------------------------------------------- sampler, real cgroups */

static void test_sampler_own_cgroup(void) {
    memcg_sampler *smp = NULL;
    memcg_status st = memcg_sampler_open(NULL, &smp);
    if (st == MEMCG_DISCOVERY_FAILED) {
        skip("no memory cgroup for this process");
        return;
    }
    CHECK_STATUS(st, MEMCG_OK);
    if (!smp) return;
    memcg_snapshot s, s2;
    uint32_t version = 0;
    CHECK_STATUS(memcg_sampler_version(smp, &version), MEMCG_OK);
    CHECK(version == 1 || version == 2);
    memcg_detector *d = NULL;
    CHECK_STATUS(memcg_detector_new(NULL, &d), MEMCG_OK);
    memcg_assessment a;
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(memcg_sampler_read(smp, &s), MEMCG_OK);
        CHECK(s.usage_bytes > 0);
        CHECK_U64(s.version, version);
        CHECK_STATUS(memcg_detector_update(d, (double)i, &s, &a), MEMCG_OK);
    }
    CHECK_STATUS(memcg_snapshot_read(NULL, &s2), MEMCG_OK);
    CHECK_U64(s2.version, version);
    CHECK(s2.usage_bytes > 0);
    memcg_detector_free(d);
    memcg_sampler_free(smp);
}

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    int saved = errno;
    close(fd);
    errno = saved;
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

/* The v1 memory cgroup path of this process, from /proc/self/cgroup. */
static int own_v1_memory_dir(char *out, size_t cap) {
    FILE *f = fopen("/proc/self/cgroup", "r");
    if (!f) return -1;
    char line[4096];
    int found = -1;
    while (fgets(line, sizeof line, f)) {
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (!c2) continue;
        *c2 = 0;
        if (strcmp(c1 + 1, "memory") != 0) continue;
        char *path = c2 + 1;
        path[strcspn(path, "\n")] = 0;
        snprintf(out, cap, "/sys/fs/cgroup/memory%s", strcmp(path, "/") == 0 ? "" : path);
        found = 0;
        break;
    }
    fclose(f);
    return found;
}

static void test_sampler_v1_child_cgroup(void) {
    char base[2048], dir[2300], file[2400];
    if (geteuid() != 0) {
        skip("not root: cannot create a v1 memory cgroup");
        return;
    }
    if (own_v1_memory_dir(base, sizeof base) != 0) {
        skip("no v1 memory controller in /proc/self/cgroup");
        return;
    }
    snprintf(dir, sizeof dir, "%s/memcg-ffi-test-%ld", base, (long)getpid());
    if (mkdir(dir, 0755) != 0) {
        static char why[2600];
        snprintf(why, sizeof why, "cannot create %s: %s", dir, strerror(errno));
        skip(why);
        return;
    }
    /* Room for sanitizer and valgrind overhead: the child's whole footprint is charged. */
    const uint64_t limit = 256ull << 20, alloc = 16ull << 20;
    snprintf(file, sizeof file, "%s/memory.limit_in_bytes", dir);
    CHECK(write_file(file, "268435456") == 0);

    int ready[2], done[2];
    CHECK(pipe(ready) == 0 && pipe(done) == 0);
    pid_t pid = fork();
    if (pid == 0) {
        close(ready[0]);
        close(done[1]);
        char me[32];
        snprintf(me, sizeof me, "%ld", (long)getpid());
        snprintf(file, sizeof file, "%s/cgroup.procs", dir);
        if (write_file(file, me) != 0) _exit(3);
        /* Touch every page through a volatile pointer so that no optimiser (and no
         * sanitizer allocator trick) skips the charge. */
        volatile char *p = malloc(alloc);
        if (!p) _exit(4);
        for (size_t i = 0; i < alloc; i += 4096) p[i] = (char)(i >> 12 | 1);
        char c = 'r';
        if (write(ready[1], &c, 1) != 1) _exit(5);
        (void)!read(done[0], &c, 1); /* wait to be killed */
        free((void *)p);
        _exit(0);
    }
    CHECK(pid > 0);
    close(ready[1]); /* so that a child that dies gives EOF, not a hang */
    close(done[0]);
    char c = 0;
    int child_ready = pid > 0 && read(ready[0], &c, 1) == 1 && c == 'r';
    CHECK(child_ready);

    memcg_sampler *smp = NULL;
    if (child_ready) {
        CHECK_STATUS(memcg_sampler_open(dir, &smp), MEMCG_OK);
    }
    if (smp) {
        memcg_snapshot s;
        CHECK_STATUS(memcg_sampler_read(smp, &s), MEMCG_OK);
        CHECK_U64(s.version, 1);
        CHECK(s.usage_bytes > 0);
        if (s.usage_bytes < alloc)
            fprintf(stderr, "  usage %llu < %llu allocated\n", (unsigned long long)s.usage_bytes,
                    (unsigned long long)alloc);
        CHECK(s.usage_bytes >= alloc);
        CHECK(s.limit_bytes.kind == MEMCG_LIMIT_BYTES);
        CHECK_U64(s.limit_bytes.bytes, limit);
        CHECK(s.effective_limit_bytes.kind == MEMCG_LIMIT_BYTES);
        CHECK(s.effective_limit_bytes.bytes <= limit);
        CHECK(s.anon_bytes.present && s.anon_bytes.value >= alloc);
        CHECK(s.working_set_bytes > 0);
        CHECK(s.peak_bytes.present && s.peak_bytes.value >= s.usage_bytes);
        /* The one-shot read agrees. */
        memcg_snapshot r;
        CHECK_STATUS(memcg_snapshot_read(dir, &r), MEMCG_OK);
        CHECK_U64(r.limit_bytes.bytes, limit);
        CHECK(r.usage_bytes > 0);
        /* The detector accepts sampler snapshots. */
        memcg_detector *d = NULL;
        memcg_assessment a;
        CHECK_STATUS(memcg_detector_new(NULL, &d), MEMCG_OK);
        CHECK_STATUS(memcg_detector_update(d, 0.0, &s, &a), MEMCG_OK);
        CHECK(a.signal_bytes >= alloc);
        CHECK(a.limit_bytes.present && a.limit_bytes.value >= limit);
        memcg_detector_free(d);
    }

    if (pid > 0) {
        kill(pid, SIGKILL);
        int wst;
        waitpid(pid, &wst, 0);
    }
    close(ready[0]);
    close(done[1]);
    int removed = -1;
    for (int i = 0; i < 50 && removed != 0; i++) {
        removed = rmdir(dir);
        if (removed != 0) {
            struct timespec ts = {0, 20 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    CHECK(removed == 0);
    if (smp) {
        /* A removed cgroup reads as gone, never as zero. */
        memcg_snapshot s;
        CHECK_STATUS(memcg_sampler_read(smp, &s), MEMCG_GONE);
        memcg_sampler_free(smp);
    }
    /* A directory that no longer exists is not found. */
    CHECK_STATUS(memcg_sampler_open(dir, &smp), MEMCG_NOT_FOUND);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR\n", argv[0]);
        return 2;
    }
    g_corpus = argv[1];
    run("version_and_strings", test_version_and_strings);
    run("file_kind_from_name", test_file_kind_from_name);
    run("v1_memory_stat_corpus", test_v1_memory_stat_corpus);
    run("v2_memory_stat_corpus", test_v2_memory_stat_corpus);
    run("v2_events_corpus", test_v2_events_corpus);
    run("pressure_corpus", test_pressure_corpus);
    run("single_values_corpus", test_single_values_corpus);
    run("keyed_foreach", test_keyed_foreach);
    run("malformed_positions", test_malformed_positions);
    run("null_and_empty_arguments", test_null_and_empty_arguments);
    run("snapshot_read_matches_expected_json", test_snapshot_read_matches_expected_json);
    run("snapshot_from_bytes", test_snapshot_from_bytes);
    run("detector_config", test_detector_config);
    run("detector_synthetic_leak", test_detector_synthetic_leak);
    run("detector_flat_is_not_a_leak", test_detector_flat_is_not_a_leak);
    run("sampler_own_cgroup", test_sampler_own_cgroup);
    run("sampler_v1_child_cgroup", test_sampler_v1_child_cgroup);
    if (g_skipped) printf("%d skipped\n", g_skipped);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
