/* SPDX-License-Identifier: Apache-2.0 */
/* benchtool.c: the timing harness of bench/ingest.sh (built by it; no mamori code).
 *
 *   benchtool run [conditions] -- SENDER ARGS...
 *
 * starts the clock, starts the sender, and stops the clock the moment the receiver has written
 * (or, with --sink, received) everything; prints one line of key=value results. Conditions:
 *
 *   --sink PORT --bytes N     be the receiver: a null sink on 127.0.0.1:PORT (one thread per
 *                             connection, blocking reads into a 256 KiB buffer, discard); done
 *                             when N bytes have arrived. Measures the sender's own ceiling.
 *   --file F --bytes N        done when file F has N bytes (rsyslog, mamori raw output)
 *   --file F --status S --received N
 *                             done when the sensor's status socket S reports N received, nothing
 *                             queued, everything written, and F has stopped growing; the time is
 *                             when F reached its final size (mamori JSON output)
 *   --status S --received N   done when S reports N received (mamori output_format = none)
 *   --pid P                   also report the CPU time (user + system) P used during the run
 *   --timeout SECONDS         give up (default 120)
 *
 * Output: elapsed_s=... cpu_s=... (sink: sink_cpu_s) sender_rc=... timed_out=0|1 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_ms(double ms)
{
    struct timespec ts = { (time_t)(ms / 1000), (long)((ms - (double)(time_t)(ms / 1000) * 1000) * 1e6) };
    nanosleep(&ts, NULL);
}

/* user + system seconds of a process, from /proc/PID/stat */
static double proc_cpu(pid_t pid)
{
    char path[64], buf[4096];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *p = strrchr(buf, ')'); /* the command name may hold spaces */
    if (!p)
        return -1;
    unsigned long ut = 0, st = 0;
    /* after ')': state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime */
    if (sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut, &st) != 2)
        return -1;
    return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* ---- null sink ---- */
static _Atomic uint64_t sink_bytes;
static uint64_t sink_expect;
static pthread_mutex_t sink_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t sink_done = PTHREAD_COND_INITIALIZER;
static double sink_done_at;

static void *sink_conn(void *arg)
{
    int fd = (int)(intptr_t)arg;
    char *buf = malloc(256 * 1024);
    ssize_t n;
    while ((n = read(fd, buf, 256 * 1024)) > 0) {
        uint64_t total = atomic_fetch_add(&sink_bytes, (uint64_t)n) + (uint64_t)n;
        if (total >= sink_expect && total - (uint64_t)n < sink_expect) {
            pthread_mutex_lock(&sink_lock);
            sink_done_at = now_s();
            pthread_cond_signal(&sink_done);
            pthread_mutex_unlock(&sink_lock);
        }
    }
    free(buf);
    close(fd);
    return NULL;
}

static void *sink_accept(void *arg)
{
    int lfd = (int)(intptr_t)arg;
    for (;;) {
        int fd = accept(lfd, NULL, NULL);
        if (fd < 0) {
            if (errno == EINTR)
                continue;
            return NULL;
        }
        pthread_t t;
        pthread_create(&t, NULL, sink_conn, (void *)(intptr_t)fd);
        pthread_detach(t);
    }
}

static int sink_listen(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
                              .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 64) < 0) {
        fprintf(stderr, "benchtool: cannot listen on port %d: %s\n", port, strerror(errno));
        exit(1);
    }
    return fd;
}

/* ---- sensor status ---- */
static uint64_t store_records; /* records the store reported in the last status */

static bool status_get(const char *path, uint64_t *received, uint64_t *queued, uint64_t *written)
{
    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    static char buf[1 << 20];
    size_t len = 0;
    ssize_t n;
    while (len < sizeof buf - 1 && (n = read(fd, buf + len, sizeof buf - 1 - len)) > 0)
        len += (size_t)n;
    close(fd);
    buf[len] = '\0';
    const char *r = strstr(buf, "\"received\":"), *q = strstr(buf, "\"queued_bytes\":"),
               *w = strstr(buf, "\"written_bytes\":");
    if (!r)
        return false;
    *received = strtoull(r + 11, NULL, 10);
    *queued = q ? strtoull(q + 15, NULL, 10) : 0;
    const char *st = strstr(buf, "\"store\":{");
    const char *sr = st ? strstr(st, "\"records\":") : NULL;
    store_records = sr ? strtoull(sr + 10, NULL, 10) : 0;
    *written = w ? strtoull(w + 16, NULL, 10) : 0;
    return true;
}

static void usage(void)
{
    fputs("usage: benchtool run [--sink PORT | --file F] [--bytes N] [--status SOCK --received N]\n"
          "                     [--store-records N]  (also wait for the sensor's store to hold N)\n"
          "                     [--pid P] [--timeout S] -- SENDER ARGS...\n", stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "run") != 0)
        usage();
    int sink_port = 0;
    const char *file = NULL, *status = NULL;
    uint64_t bytes = 0, received = 0, want_store = 0;
    pid_t pid = 0;
    double timeout = 120;
    int i = 2;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (i + 1 >= argc)
            usage();
        if (!strcmp(argv[i], "--sink"))
            sink_port = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--file"))
            file = argv[++i];
        else if (!strcmp(argv[i], "--bytes"))
            bytes = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--status"))
            status = argv[++i];
        else if (!strcmp(argv[i], "--received"))
            received = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--store-records"))
            want_store = strtoull(argv[++i], NULL, 10);
        else if (!strcmp(argv[i], "--pid"))
            pid = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--timeout"))
            timeout = atof(argv[++i]);
        else
            usage();
    }
    if (i >= argc - 1 || (!sink_port && !file && !status) || (sink_port && !bytes))
        usage();
    char **cmd = argv + i + 1;
    signal(SIGPIPE, SIG_IGN);
    if (sink_port) {
        sink_expect = bytes;
        int lfd = sink_listen(sink_port);
        pthread_t t;
        pthread_create(&t, NULL, sink_accept, (void *)(intptr_t)lfd);
        pthread_detach(t);
    }

    double cpu0 = pid ? proc_cpu(pid) : 0;
    double t0 = now_s();
    pid_t child = fork();
    if (child == 0) {
        execvp(cmd[0], cmd);
        fprintf(stderr, "benchtool: cannot run %s: %s\n", cmd[0], strerror(errno));
        _exit(127);
    }
    double done_at = 0;
    bool timed_out = false;
    if (sink_port) {
        struct timespec dl;
        clock_gettime(CLOCK_REALTIME, &dl);
        dl.tv_sec += (time_t)timeout;
        pthread_mutex_lock(&sink_lock);
        while (!sink_done_at && !timed_out)
            timed_out = pthread_cond_timedwait(&sink_done, &sink_lock, &dl) == ETIMEDOUT;
        done_at = sink_done_at;
        pthread_mutex_unlock(&sink_lock);
    } else {
        off_t last_size = -1;
        double last_change = t0, last_status = 0;
        int confirmations = 0;
        for (;;) {
            double t = now_s();
            if (t - t0 > timeout) {
                timed_out = true;
                break;
            }
            struct stat st;
            off_t size = file && stat(file, &st) == 0 ? st.st_size : 0;
            if (size != last_size) {
                last_size = size;
                last_change = t;
                confirmations = 0;
            }
            if (file && bytes && !status) {
                if ((uint64_t)size >= bytes) {
                    done_at = t;
                    break;
                }
            } else if ((!file || t - last_change >= 0.01) && t - last_status >= 0.005) {
                uint64_t r, q, w;
                last_status = t;
                if (status_get(status, &r, &q, &w) && r >= received && q == 0 &&
                    (!file || w == (uint64_t)size) && store_records >= want_store) {
                    if (!file) {
                        done_at = t;
                        break;
                    }
                    /* twice, 10 ms apart, so a batch still in a worker's hands is not missed */
                    if (++confirmations == 2) {
                        done_at = last_change;
                        break;
                    }
                }
            }
            sleep_ms(1);
        }
    }
    double cpu1 = pid ? proc_cpu(pid) : 0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    int wst = 0;
    if (timed_out)
        kill(child, SIGTERM);
    waitpid(child, &wst, 0);
    printf("elapsed_s=%.4f cpu_s=%.2f sink_cpu_s=%.2f sender_rc=%d timed_out=%d\n",
           done_at ? done_at - t0 : -1.0, pid ? cpu1 - cpu0 : -1.0,
           sink_port ? (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
                           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6
                     : -1.0,
           WIFEXITED(wst) ? WEXITSTATUS(wst) : 128 + WTERMSIG(wst), timed_out);
    return timed_out ? 1 : 0;
}
