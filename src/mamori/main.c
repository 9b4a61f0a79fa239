/* SPDX-License-Identifier: Apache-2.0 */
/* main.c: the mamori binary dispatches to its subcommands, like git. */
#include "base/prelude.h"
#include "commands.h"

static const struct command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
} commands[] = {
    { "sensor", cmd_sensor, "receive, parse and normalise logs (syslog UDP/TCP/TLS, JSON lines, files)" },
    { "log", cmd_log, "work with logs: parse, and the sealed store (verify, search, export, ...)" },
    { "rules", cmd_rules, "Sigma rules: check them, and test them on logs" },
    { "ioc", cmd_ioc, "indicators of compromise: check feeds, match them against logs" },
    { "alerts", cmd_alerts, "list and show the alerts in a sensor's spool" },
    { "server", cmd_server, "the HTTPS API and web UI: organisations, people, alerts, notifications" },
    { "admin", cmd_admin, "administer the server from its machine: bootstrap, imports, credentials" },
};

void die_msg(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("mamori: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void usage(FILE *f)
{
    fputs("usage: mamori <command> [options]\n\ncommands:\n", f);
    for (size_t i = 0; i < MM_ARRAY_LEN(commands); i++)
        fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].summary);
    fputs("\n'mamori <command> --help' describes a command.\n", f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version")) {
        puts("mamori 0.1.0");
        return 0;
    }
    for (size_t i = 0; i < MM_ARRAY_LEN(commands); i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].run(argc - 1, argv + 1);
    die_msg("unknown command '%s'", argv[1]);
    usage(stderr);
    return 2;
}
