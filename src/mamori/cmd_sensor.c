/* SPDX-License-Identifier: Apache-2.0 */
/* cmd_sensor.c: `mamori sensor` runs the sensor; `mamori sensor status` asks a running one for its
 * counters; `-t` checks a configuration; `--dump-config` prints the effective settings. */
#include "base/prelude.h"
#include "base/buf.h"
#include "base/log.h"
#include "sensor/config.h"
#include "sensor/sensor.h"
#include "commands.h"

#include <getopt.h>

#define SENSOR_DEFAULT_CONFIG "/etc/mamori/sensor.conf"

static void usage(FILE *f)
{
    fputs("usage: mamori sensor [-c FILE] [-t | --dump-config]\n"
          "       mamori sensor status [-c FILE | --socket PATH]\n\n"
          "Receive syslog (UDP, TCP, TLS), JSON lines and files; parse and normalise; write events.\n\n"
          "  -c, --config FILE  configuration (default " SENSOR_DEFAULT_CONFIG ")\n"
          "  -t, --test         check the configuration and exit (0 when valid)\n"
          "  --dump-config      print every setting with its effective value and exit\n"
          "  --socket PATH      status: the sensor's status socket\n\n"
          "Signals: SIGHUP reloads the configuration and reopens the output; SIGTERM and SIGINT\n"
          "stop gracefully (every accepted message is written first).\n",
          f);
}

static int sensor_status_cmd(int argc, char **argv)
{
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "socket", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = NULL, *sock = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "c:", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 's': sock = optarg; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    char path[256];
    struct mm_error err;
    if (!sock) {
        struct sensor_config cfg;
        if (sensor_config_load(&cfg, config ? config : SENSOR_DEFAULT_CONFIG, &err) != MM_OK) {
            die_msg("%s", err.msg);
            sensor_config_free(&cfg);
            return 1;
        }
        sensor_status_path(&cfg, path, sizeof path);
        sensor_config_free(&cfg);
        sock = path;
    }
    if (sensor_status_query(sock, stdout, &err) != MM_OK) {
        die_msg("%s", err.msg);
        return 1;
    }
    return 0;
}

int cmd_sensor(int argc, char **argv)
{
    if (argc >= 2 && !strcmp(argv[1], "status"))
        return sensor_status_cmd(argc - 1, argv + 1);
    static const struct option opts[] = {
        { "config", required_argument, NULL, 'c' },
        { "test", no_argument, NULL, 't' },
        { "dump-config", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *config = SENSOR_DEFAULT_CONFIG;
    bool test = false, dump = false;
    int c;
    while ((c = getopt_long(argc, argv, "c:t", opts, NULL)) != -1) {
        switch (c) {
        case 'c': config = optarg; break;
        case 't': test = true; break;
        case 'd': dump = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (optind < argc) {
        die_msg("sensor: unexpected argument '%s'", argv[optind]);
        return 2;
    }
    struct mm_error err;
    if (test || dump) {
        struct sensor_config cfg;
        enum mm_status st = sensor_config_load(&cfg, config, &err);
        if (st != MM_OK) {
            die_msg("%s", err.msg);
            sensor_config_free(&cfg);
            return 1;
        }
        if (dump) {
            sensor_config_dump(stdout, &cfg);
            sensor_config_free(&cfg);
            return 0;
        }
        struct buf report;
        buf_init(&report, BUF_NO_MAX);
        st = sensor_detection_check(&cfg, &report, &err);
        fwrite(report.data, 1, report.len, stdout);
        buf_release(&report);
        if (st != MM_OK) {
            die_msg("%s", err.msg);
            sensor_config_free(&cfg);
            return 1;
        }
        printf("configuration '%s' is valid: %zu listeners\n", config, cfg.nlisteners);
        sensor_config_free(&cfg);
        return 0;
    }
    sensor_block_signals();
    struct sensor *s;
    if (sensor_start(&s, config, &err) != MM_OK) {
        die_msg("sensor: %s", err.msg);
        return 1;
    }
    int rc = sensor_run(s);
    sensor_free(s);
    return rc;
}
