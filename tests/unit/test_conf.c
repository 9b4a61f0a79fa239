/* SPDX-License-Identifier: Apache-2.0 */
/* test_conf.c: unit tests for the sensor configuration (sensor_config_parse over the declarative
 * conf table): defaults, every value type, quoting and comments, and error messages that point at
 * the line and the setting. */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/mtime.h"
#include "net/framing.h"
#include "net/tls.h"
#include "sensor/config.h"
#include "unit.h"

#define NS MM_NS_PER_SEC

static struct sensor_config cfg;
static struct mm_error err;

static enum mm_status conf(const char *text)
{
    sensor_config_free(&cfg);
    err.msg[0] = '\0';
    return sensor_config_parse(&cfg, text, &err);
}

/* the text fails to parse with a message containing every given piece */
static bool fails_with(const char *text, const char *a, const char *b, const char *c)
{
    enum mm_status st = conf(text);
    bool ok = st != MM_OK && strstr(err.msg, a) && (!b || strstr(err.msg, b)) &&
              (!c || strstr(err.msg, c));
    if (!ok)
        printf("# status %d, message \"%s\"; wanted \"%s\" \"%s\" \"%s\"\n", st, err.msg, a,
               b ? b : "", c ? c : "");
    return ok;
}

static void test_defaults(void)
{
    CHECK(conf("") == MM_OK);
    CHECK(cfg.workers == 2);
    CHECK(cfg.max_message_size == 65536);
    CHECK(cfg.output && !strcmp(cfg.output, "-"));
    CHECK(cfg.output_format == OUTPUT_JSON);
    CHECK(!cfg.output_raw);
    CHECK(cfg.queue_size == 64ull << 20);
    CHECK(cfg.state_dir && !strcmp(cfg.state_dir, "/var/lib/mamori"));
    CHECK(cfg.status_socket && !strcmp(cfg.status_socket, ""));
    CHECK(cfg.clock_skew_threshold == 5 * NS);
    CHECK(cfg.max_sources == 65536);
    CHECK(cfg.udp_receive_buffer == 8ull << 20);
    CHECK(cfg.log_level && !strcmp(cfg.log_level, "info"));
    CHECK(cfg.nlisteners == 0);

    /* comments and blank lines only */
    CHECK(conf("# a comment\n; another\n\n   \t\n  # indented\n") == MM_OK);
    CHECK(cfg.workers == 2);

    /* listener defaults */
    CHECK(conf("[listener in]\ntype = udp\naddress = 0.0.0.0:514\n") == MM_OK);
    CHECK(cfg.nlisteners == 1);
    const struct listener_config *l = &cfg.listeners[0];
    CHECK(!strcmp(l->name, "in"));
    CHECK(l->type == LISTEN_UDP);
    CHECK(!strcmp(l->address, "0.0.0.0:514"));
    CHECK(l->framing == FRAMING_AUTO);
    CHECK(!strcmp(l->parser, "auto"));
    CHECK(!l->no_header);
    CHECK(!strcmp(l->timezone, "local"));
    CHECK(l->max_connections == 10000);
    CHECK(l->idle_timeout == 0);
    CHECK(l->certificate == NULL && l->key == NULL && l->client_ca == NULL && l->path == NULL);
    CHECK(l->client_auth == TLS_CLIENT_NONE);
    CHECK(l->follow && l->from_start);
    CHECK(!strcmp(listener_type_name(l->type), "udp"));
    CHECK(!strcmp(listener_type_name(LISTEN_FILE), "file"));
    CHECK(!strcmp(listener_type_name(99), "?"));
}

static void test_values(void)
{
    CHECK(conf("# sensor\n"
               "workers = 4\n"
               "max_message_size = 128k\n"
               "output = \"/var/log/mamori/events # 1.json\"   # inline comment\n"
               "output_format = raw\n"
               "output_raw = yes\n"
               "queue_size = 1g\n"
               "state_dir = /srv/mamori#state\n"
               "clock_skew_threshold = 500ms\n"
               "max_sources = 1024 # a comment after a bare value\n"
               "udp_receive_buffer = 0\n"
               "  log_level=debug  \r\n"
               "\n"
               "[listener syslog-udp]\n"
               "type = udp\n"
               "address = 0.0.0.0:514\n"
               "timezone = +09:00\n"
               "\n"
               "[ listener   tls-in ]\n"
               "type = tls\n"
               "address = [::]:6514\n"
               "certificate = /etc/mamori/cert.pem\n"
               "key = \"/etc/mamori/key with space.pem\"\n"
               "client_auth = required\n"
               "client_ca = /etc/mamori/ca.pem\n"
               "framing = octet\n"
               "idle_timeout = 5m\n"
               "max_connections = 500\n"
               "\n"
               "[listener squid]\n"
               "type = file\n"
               "path = /var/log/squid/access.log\n"
               "parser = generic\n"
               "no_header = on\n"
               "follow = false\n"
               "from_start = 0\n") == MM_OK);
    CHECK(err.msg[0] == '\0');
    CHECK(cfg.workers == 4);
    CHECK(cfg.max_message_size == 131072);
    CHECK(!strcmp(cfg.output, "/var/log/mamori/events # 1.json"));
    CHECK(cfg.output_format == OUTPUT_RAW);
    CHECK(cfg.output_raw);
    CHECK(cfg.queue_size == 1ull << 30);
    CHECK(
        !strcmp(cfg.state_dir, "/srv/mamori#state")); /* '#' starts a comment only after a blank */
    CHECK(cfg.clock_skew_threshold == 500000000);
    CHECK(cfg.max_sources == 1024);
    CHECK(cfg.udp_receive_buffer == 0);
    CHECK(!strcmp(cfg.log_level, "debug"));
    CHECK(cfg.nlisteners == 3);
    const struct listener_config *u = &cfg.listeners[0], *t = &cfg.listeners[1],
                                 *f = &cfg.listeners[2];
    CHECK(!strcmp(u->name, "syslog-udp") && u->type == LISTEN_UDP &&
          !strcmp(u->timezone, "+09:00"));
    CHECK(!strcmp(t->name, "tls-in") && t->type == LISTEN_TLS);
    CHECK(!strcmp(t->address, "[::]:6514"));
    CHECK(!strcmp(t->certificate, "/etc/mamori/cert.pem"));
    CHECK(!strcmp(t->key, "/etc/mamori/key with space.pem"));
    CHECK(t->client_auth == TLS_CLIENT_REQUIRED && !strcmp(t->client_ca, "/etc/mamori/ca.pem"));
    CHECK(t->framing == FRAMING_OCTET);
    CHECK(t->idle_timeout == 300 * NS);
    CHECK(t->max_connections == 500);
    CHECK(!strcmp(f->name, "squid") && f->type == LISTEN_FILE);
    CHECK(!strcmp(f->path, "/var/log/squid/access.log"));
    CHECK(!strcmp(f->parser, "generic"));
    CHECK(f->no_header && !f->follow && !f->from_start);
    CHECK(f->address == NULL);

    /* every spelling of a boolean */
    static const char *const yes[] = { "yes", "YES", "true", "True", "on", "ON", "1" };
    static const char *const no[] = { "no", "No", "false", "FALSE", "off", "Off", "0" };
    char text[128];
    int bad = 0;
    for (size_t i = 0; i < MM_ARRAY_LEN(yes); i++) {
        snprintf(text, sizeof text, "output_raw = %s\n", yes[i]);
        if (conf(text) != MM_OK || !cfg.output_raw)
            bad++;
        snprintf(text, sizeof text, "[listener f]\ntype = file\npath = /x\nfollow = %s\n", no[i]);
        if (conf(text) != MM_OK || cfg.listeners[0].follow)
            bad++;
    }
    CHECK(bad == 0);

    /* bounds are inclusive */
    CHECK(conf("workers = 1\n") == MM_OK && cfg.workers == 1);
    CHECK(conf("workers = 64\n") == MM_OK && cfg.workers == 64);
    CHECK(conf("max_message_size = 480\n") == MM_OK && cfg.max_message_size == 480);
    CHECK(conf("max_message_size = 16m\n") == MM_OK && cfg.max_message_size == 16u << 20);
    CHECK(conf("clock_skew_threshold = 1ms\n") == MM_OK && cfg.clock_skew_threshold == 1000000);
    CHECK(conf("clock_skew_threshold = 1d\n") == MM_OK && cfg.clock_skew_threshold == 86400 * NS);
    CHECK(conf("clock_skew_threshold = 30\n") == MM_OK && cfg.clock_skew_threshold == 30 * NS);
    CHECK(conf("output = \"\"\n") == MM_OK && !strcmp(cfg.output, ""));
    CHECK(conf("output =\n") == MM_OK && !strcmp(cfg.output, ""));
    CHECK(conf("output = a b  c \n") == MM_OK && !strcmp(cfg.output, "a b  c"));
    CHECK(conf("output = \"  padded  \"\n") == MM_OK && !strcmp(cfg.output, "  padded  "));
    /* no final newline */
    CHECK(conf("workers = 3") == MM_OK && cfg.workers == 3);
}

static void test_errors(void)
{
    CHECK(fails_with("workers = 2\n\nbogus = 1\n", "<config>:3", "'bogus'", "unknown setting"));
    CHECK(fails_with("[listener a]\ntype = udp\naddress = x:1\ncolour = red\n", "<config>:4",
                     "'colour'", "[listener]"));
    /* a top-level setting inside a section is unknown there */
    CHECK(fails_with("[listener a]\ntype = udp\naddress = x:1\nworkers = 2\n", ":4", "'workers'",
                     NULL));
    CHECK(fails_with("\n[receiver a]\n", "<config>:2", "[receiver]", "unknown section"));
    CHECK(fails_with("[listener]\n", "<config>:1", "needs a name", NULL));
    CHECK(fails_with("workers = 2\n[listener a\n", "<config>:2", "malformed section", NULL));
    CHECK(fails_with("[listener a] x\n", "<config>:1", "malformed section", NULL));
    CHECK(fails_with("workers = 2\nworkers = 3\n", "<config>:2", "'workers'", "twice"));
    CHECK(fails_with("[listener a]\ntype = udp\naddress = x:1\ntype = tcp\n", "<config>:4",
                     "'type'", "twice"));
    CHECK(fails_with("output_format = xml\n", "<config>:1", "'output_format'", "json, raw, none"));
    CHECK(strstr(err.msg, "'xml'") != NULL);
    CHECK(fails_with("\n\n[listener a]\ntype = carrier-pigeon\n", "<config>:4", "'type'",
                     "udp, tcp, tls, json, file"));
    CHECK(fails_with("[listener a]\ntype = udp\naddress = x:1\nframing = LF\n", ":4", "'framing'",
                     NULL)); /* enum choices are exact */
    CHECK(fails_with("output_raw = maybe\n", "<config>:1", "'output_raw'", "'maybe'"));
    CHECK(fails_with("output_raw = \n", "<config>:1", "'output_raw'", NULL));
    CHECK(fails_with("workers = two\n", "<config>:1", "'workers'", "integer"));
    CHECK(fails_with("workers = 0\n", "<config>:1", "'workers'", "between 1 and 64"));
    CHECK(fails_with("workers = 65\n", "<config>:1", "'workers'", "between 1 and 64"));
    CHECK(fails_with("workers = 2.5\n", "<config>:1", "'workers'", NULL));
    CHECK(fails_with("max_message_size = 1.5m\n", "<config>:1", "'max_message_size'", "size"));
    CHECK(fails_with("max_message_size = 479\n", "<config>:1", "'max_message_size'", "between"));
    CHECK(fails_with("max_message_size = 17m\n", "<config>:1", "'max_message_size'", "between"));
    CHECK(fails_with("clock_skew_threshold = 5 s\n", "<config>:1", "'clock_skew_threshold'",
                     "duration"));
    CHECK(
        fails_with("clock_skew_threshold = 0\n", "<config>:1", "'clock_skew_threshold'", "range"));
    CHECK(
        fails_with("clock_skew_threshold = 2d\n", "<config>:1", "'clock_skew_threshold'", "range"));
    CHECK(fails_with("just some words\n", "<config>:1", "key = value", NULL));
    CHECK(fails_with("output = \"abc\n", "<config>:1", "unterminated", NULL));
    CHECK(fails_with("output = \"abc\" def\n", "<config>:1", "text after", NULL));

    /* a required setting that is missing: the section, its name and the setting */
    CHECK(fails_with("[listener a]\naddress = x:1\n", "'type'", "[listener a]", NULL));
    CHECK(fails_with("workers = 2\n\n[listener first]\naddress = x:1\n\n[listener b]\ntype = udp\n",
                     "'type'", "[listener first]", NULL));
    /* ... and where that section starts */
    CHECK(fails_with("workers = 2\n\n[listener first]\naddress = x:1\n\n[listener b]\ntype = udp\n",
                     "<config>:3", NULL, NULL));

    /* a line longer than the parser's line buffer */
    char *longline = mm_malloc(6000);
    memcpy(longline, "output = ", 9);
    memset(longline + 9, 'x', 5000);
    memcpy(longline + 5009, "\n", 2);
    CHECK(fails_with(longline, "<config>:1", "longer than", NULL));
    mm_free(longline);

    /* parsing failed part way: nothing leaks and cfg can be freed (ASan checks) */
    CHECK(fails_with("[listener a]\ntype = udp\naddress = x:1\n[listener b]\nbogus = 1\n", ":5",
                     "'bogus'", NULL));
}

static void test_validation(void)
{
    CHECK(fails_with("[listener t]\ntype = tls\naddress = :6514\n", "listener 't'", "certificate",
                     NULL));
    CHECK(fails_with("[listener t]\ntype = tls\naddress = :6514\ncertificate = /c.pem\n",
                     "listener 't'", "'key'", NULL));
    /* the message points at the section's header line */
    CHECK(fails_with("workers = 2\n[listener t]\ntype = tls\naddress = :6514\n",
                     "<config>:2: ", "listener 't'", "certificate"));
    CHECK(conf("[listener t]\ntype = tls\naddress = :6514\ncertificate = /c.pem\nkey = /k.pem\n") ==
          MM_OK);
    CHECK(
        fails_with("[listener t]\ntype = tls\naddress = :6514\ncertificate = /c.pem\nkey = /k.pem\n"
                   "client_auth = optional\n",
                   "listener 't'", "client_ca", NULL));
    CHECK(fails_with("[listener p]\ntype = udp\naddress = :514\nparser = nosuch\n", "listener 'p'",
                     "unknown parser 'nosuch'", NULL));
    CHECK(conf("[listener p]\ntype = udp\naddress = :514\nparser = generic\n") == MM_OK);
    CHECK(fails_with("[listener z]\ntype = udp\naddress = :514\ntimezone = +25:00\n",
                     "listener 'z'", "invalid timezone '+25:00'", NULL));
    CHECK(fails_with("[listener z]\ntype = udp\naddress = :514\ntimezone = Asia/Tokyo\n",
                     "listener 'z'", "timezone", NULL));
    CHECK(conf("[listener z]\ntype = udp\naddress = :514\ntimezone = UTC\n") == MM_OK);
    CHECK(conf("[listener z]\ntype = udp\naddress = :514\ntimezone = -0500\n") == MM_OK);
    CHECK(fails_with("[listener f]\ntype = file\n", "listener 'f'", "'path'", NULL));
    CHECK(fails_with("[listener n]\ntype = tcp\n", "listener 'n'", "'address'", NULL));
    CHECK(fails_with("[listener j]\ntype = json\naddress = :5140\nframing = octet\n",
                     "listener 'j'", "LF", NULL));
    CHECK(conf("[listener j]\ntype = json\naddress = :5140\nframing = lf\n") == MM_OK);
    /* the first listener is checked when the second section starts, not only at the end */
    CHECK(fails_with("[listener n]\ntype = tcp\n[listener m]\ntype = udp\naddress = :1\n",
                     "listener 'n'", "'address'", NULL));

    CHECK(fails_with(
        "[listener a]\ntype = udp\naddress = :1\n[listener b]\ntype = udp\naddress = :2\n"
        "[listener a]\ntype = tcp\naddress = :3\n",
        "two listeners are named 'a'", NULL, NULL));

    /* SENSOR_MAX_LISTENERS listeners are fine; one more is an error at its section header */
    size_t cap = (SENSOR_MAX_LISTENERS + 1) * 64;
    char *text = mm_malloc(cap);
    size_t n = 0;
    for (int i = 0; i < SENSOR_MAX_LISTENERS; i++)
        n += (size_t)snprintf(text + n, cap - n, "[listener l%d]\ntype = udp\naddress = :%d\n", i,
                              1000 + i);
    CHECK(conf(text) == MM_OK);
    CHECK(cfg.nlisteners == SENSOR_MAX_LISTENERS);
    CHECK(!strcmp(cfg.listeners[SENSOR_MAX_LISTENERS - 1].name, "l63"));
    snprintf(text + n, cap - n, "[listener one-more]\ntype = udp\naddress = :9999\n");
    char where[32];
    snprintf(where, sizeof where, "<config>:%d", 3 * SENSOR_MAX_LISTENERS + 1);
    CHECK(fails_with(text, where, "too many [listener]", NULL));
    CHECK(cfg.nlisteners == SENSOR_MAX_LISTENERS);
    mm_free(text);
}

static char *dump(void)
{
    char *p = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&p, &n);
    if (!f)
        return NULL;
    sensor_config_dump(f, &cfg);
    fclose(f);
    return p;
}

static void test_dump(void)
{
    /* the dump is a configuration that parses back to the same settings; secrets are masked */
    CHECK(conf("workers = 3\nclock_skew_threshold = 1500ms\noutput = /tmp/out.json\n"
               "[listener t]\ntype = tls\naddress = :6514\ncertificate = /c.pem\n"
               "key = /very/secret/key.pem\nidle_timeout = 90s\n"
               "[listener f]\ntype = file\npath = /var/log/x.log\nfollow = no\n") == MM_OK);
    char *first = dump();
    CHECK(first != NULL);
    CHECK(strstr(first, "workers = 3\n") != NULL);
    CHECK(strstr(first, "clock_skew_threshold = 1500ms\n") != NULL);
    CHECK(strstr(first, "output = \"/tmp/out.json\"\n") != NULL);
    CHECK(strstr(first, "\n[listener t]\n") != NULL);
    CHECK(strstr(first, "\n[listener f]\n") != NULL);
    CHECK(strstr(first, "idle_timeout = 90s\n") != NULL);
    CHECK(strstr(first, "follow = no\n") != NULL);
    CHECK(strstr(first, "key = <secret>\n") != NULL);
    CHECK(strstr(first, "very/secret") == NULL);
    CHECK(conf(first) == MM_OK);
    CHECK(cfg.workers == 3 && cfg.clock_skew_threshold == 1500000000 && cfg.nlisteners == 2);
    CHECK(cfg.listeners[0].idle_timeout == 90 * NS && !cfg.listeners[1].follow);
    char *second = dump();
    CHECK(second && !strcmp(first, second));
    free(first);
    free(second);
}

int main(void)
{
    test_defaults();
    test_values();
    test_errors();
    test_validation();
    test_dump();
    sensor_config_free(&cfg);
    return UNIT_DONE();
}
