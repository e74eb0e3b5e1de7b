/*
 * agent.c: polls one cgroup and prints its memory, growth and time-to-OOM.
 *
 *   agent [DIR|-] [COUNT] [INTERVAL_S]
 *
 * DIR is a cgroup directory (v1 or v2); "-" or nothing means this process's own cgroup.
 * COUNT samples (0 or nothing: until interrupted), every INTERVAL_S seconds (default 1).
 *
 * Build (from the repository root, after `cargo build -p memcg-ffi --release`):
 *   cc -std=c11 -Wall -Wextra -Werror -pedantic memcg-ffi/examples/agent.c \
 *      -Imemcg-ffi/include -Ltarget/release -Wl,-rpath,$PWD/target/release -lmemcg -o agent
 * or, after `make -C memcg-ffi install PREFIX=/usr/local`:
 *   cc agent.c $(pkg-config --cflags --libs memcg) -o agent
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memcg.h"

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_s(double s) {
    struct timespec ts;
    ts.tv_sec = (time_t)s;
    ts.tv_nsec = (long)((s - (double)ts.tv_sec) * 1e9);
    nanosleep(&ts, NULL);
}

static double mib(uint64_t bytes) { return (double)bytes / (1024.0 * 1024.0); }

static void print_limit(const char *name, memcg_limit l) {
    switch (l.kind) {
    case MEMCG_LIMIT_BYTES: printf(" %s=%.1fMiB", name, mib(l.bytes)); break;
    case MEMCG_LIMIT_UNLIMITED: printf(" %s=unlimited", name); break;
    default: printf(" %s=n/a", name); break;
    }
}

int main(int argc, char **argv) {
    const char *dir = argc > 1 && strcmp(argv[1], "-") != 0 ? argv[1] : NULL;
    long count = argc > 2 ? strtol(argv[2], NULL, 10) : 0;
    double interval = argc > 3 ? strtod(argv[3], NULL) : 1.0;
    if (interval <= 0.0) interval = 1.0;

    memcg_sampler *sampler = NULL;
    memcg_status st = memcg_sampler_open(dir, &sampler);
    if (st != MEMCG_OK) {
        fprintf(stderr, "agent: cannot open %s: %s\n", dir ? dir : "own cgroup",
                memcg_status_str(st));
        return 1;
    }
    memcg_detector *detector = NULL;
    st = memcg_detector_new(NULL, &detector); /* NULL: default configuration */
    if (st != MEMCG_OK) {
        fprintf(stderr, "agent: %s\n", memcg_status_str(st));
        memcg_sampler_free(sampler);
        return 1;
    }

    int rc = 0;
    memcg_snapshot snap; /* caller-owned, reused every sample */
    memcg_assessment a;
    for (long i = 0; count <= 0 || i < count; i++) {
        if (i > 0) sleep_s(interval);
        st = memcg_sampler_read(sampler, &snap);
        if (st == MEMCG_GONE) {
            printf("cgroup is gone\n");
            break;
        }
        if (st != MEMCG_OK) {
            fprintf(stderr, "agent: read: %s\n", memcg_status_str(st));
            rc = 1;
            break;
        }
        st = memcg_detector_update(detector, now_s(), &snap, &a);
        if (st != MEMCG_OK) {
            fprintf(stderr, "agent: update: %s\n", memcg_status_str(st));
            rc = 1;
            break;
        }
        printf("v%u usage=%.1fMiB working_set=%.1fMiB", (unsigned)snap.version,
               mib(snap.usage_bytes), mib(snap.working_set_bytes));
        print_limit("limit", snap.effective_limit_bytes);
        printf(" signal=%.1fMiB slope=%.3fMiB/s", mib(a.signal_bytes),
               a.slope_bytes_per_s / (1024.0 * 1024.0));
        if (a.time_to_limit_s.present)
            printf(" time_to_oom=%.0fs", a.time_to_limit_s.value);
        else
            printf(" time_to_oom=n/a");
        printf(" state=%s%s\n", memcg_state_str(a.state), a.imminent_oom ? " IMMINENT-OOM" : "");
        fflush(stdout);
    }
    memcg_detector_free(detector);
    memcg_sampler_free(sampler);
    return rc;
}
