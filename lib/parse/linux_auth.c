/* SPDX-License-Identifier: Apache-2.0 */
/* linux_auth.c: what Linux writes to /var/log/auth.log: sshd, sudo, su, PAM modules of any
 * program, login and systemd-logind sessions, the shadow tools (useradd, usermod, passwd, ...)
 * and cron sessions. The message stays in the event, so Sigma's keyword rules still match. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"
#include "cursor.h"

#define AUTH_MAX_PAIRS 32 /* "k=v" pairs read from one PAM or shadow message */

/* Remove a trailing " [preauth]"; true when there was one. */
static bool strip_preauth(struct slice *s)
{
    if (!scan_ends_with(*s, " [preauth]"))
        return false;
    s->len -= sizeof(" [preauth]") - 1;
    return true;
}

static void add_user(struct event *ev, struct slice user)
{
    if (!user.len)
        return;
    event_add_slice(ev, "User", user);
    event_add_slice(ev, "username", user);
}

/* An address sshd or PAM logged: an IP literal is src_ip, a resolved name src_host. */
static void add_source(struct event *ev, struct slice host)
{
    if (!host.len)
        return;
    event_add_slice(ev, parse_is_ip(host) ? "src_ip" : "src_host", host);
}

/* The account in front of an address, with sshd's qualifiers taken off. */
static void add_ssh_user(struct event *ev, struct slice who)
{
    bool invalid = false;
    if (cursor_eat(&who, "invalid user ") || cursor_eat(&who, "illegal user "))
        invalid = true;
    else if (!cursor_eat(&who, "authenticating user "))
        cursor_eat(&who, "user ");
    add_user(ev, who);
    if (invalid)
        event_add_bool(ev, "invalid_user", true);
}

/* s is "[<who> [from ]]<addr> port <port><rest>"; adds the user, address and port and leaves
 * <rest> in *rest. False when there is no " port " after an address. */
static bool ssh_who_addr_port(struct event *ev, struct slice s, struct slice *rest)
{
    size_t q = scan_last_lit(s, " port ");
    if (q == s.len)
        return false;
    struct slice before = slice_make(s.p, q);
    struct slice after = slice_make(s.p + q + 6, s.len - q - 6);
    size_t sp = scan_last_lit(before, " ");
    bool has_who = sp < before.len;
    struct slice who = slice_make(before.p, has_who ? sp : 0);
    struct slice addr = has_who ? slice_make(before.p + sp + 1, before.len - who.len - 1) : before;
    if (scan_ends_with(who, " from"))
        who.len -= 5;
    else if (slice_eq(who, "from"))
        who.len = 0;
    size_t nport = scan_digits(after);
    if (!addr.len || !nport)
        return false;
    add_ssh_user(ev, who);
    add_source(ev, addr);
    event_add_num(ev, "src_port", after.p, nport);
    *rest = slice_make(after.p + nport, after.len - nport);
    return true;
}

/* "ssh2: RSA SHA256:..." after an Accepted/Failed publickey */
static void add_ssh_key(struct event *ev, struct slice rest)
{
    if (!cursor_eat(&rest, " ssh2: ") && !cursor_eat(&rest, ": "))
        return;
    struct slice type = cursor_take_until(&rest, ' ');
    if (type.len)
        event_add_slice(ev, "key_type", type);
    rest = cursor_take_until(&rest, ' ');
    if (rest.len)
        event_add_slice(ev, "key_fingerprint", rest);
}

/* "<addr> port <port>" at the start of s, for the messages without a user */
static bool ssh_addr_port(struct event *ev, struct slice *s)
{
    struct slice addr = cursor_take_until(s, ' ');
    if (!addr.len || !cursor_eat(s, "port "))
        return false;
    size_t n = scan_digits(*s);
    if (!n)
        return false;
    add_source(ev, addr);
    event_add_num(ev, "src_port", s->p, n);
    s->p += n;
    s->len -= n;
    return true;
}

static void add_reason(struct event *ev, struct slice reason)
{
    reason = scan_trim(reason);
    if (reason.len)
        event_add_slice(ev, "reason", reason);
}

static void pam_message(struct event *ev, struct slice s);

/* Returns false when the message is not one of the known sshd kinds (the event still belongs to
 * sshd's log source). */
static bool sshd_message(struct event *ev, struct slice s)
{
    struct slice rest;
    bool preauth = strip_preauth(&s);
    bool known = true;
    if (slice_starts(s, "pam_")) {
        pam_message(ev, s);
        return true;
    }
    if (slice_starts(s, "Accepted ") || slice_starts(s, "Failed ")) {
        bool ok = s.p[0] == 'A';
        cursor_take_until(&s, ' ');
        struct slice method = cursor_take_until(&s, ' ');
        if (!cursor_eat(&s, "for ") || !method.len)
            return false;
        parse_add_action(ev, "login", ok ? "success" : "failure");
        event_add_slice(ev, "auth_method", method);
        if (!ssh_who_addr_port(ev, s, &rest))
            return false;
        add_ssh_key(ev, rest);
    } else if (cursor_eat(&s, "Invalid user ") || cursor_eat(&s, "Illegal user ")) {
        parse_add_action(ev, "invalid_user", "failure");
        if (!ssh_who_addr_port(ev, s, &rest))
            return false;
        event_add_bool(ev, "invalid_user", true);
    } else if (cursor_eat(&s, "error: maximum authentication attempts exceeded for ")) {
        parse_add_action(ev, "auth_attempts_exceeded", "failure");
        known = ssh_who_addr_port(ev, s, &rest);
    } else if (cursor_eat(&s, "Connection from ")) {
        parse_add_action(ev, "connect", NULL);
        known = ssh_addr_port(ev, &s);
        if (known && cursor_eat(&s, " on ")) {
            struct slice dst = cursor_take_until(&s, ' ');
            if (parse_is_ip(dst))
                event_add_slice(ev, "dst_ip", dst);
            size_t n = cursor_eat(&s, "port ") ? scan_digits(s) : 0;
            if (n)
                event_add_num(ev, "dst_port", s.p, n);
        }
    } else if (cursor_eat(&s, "Connection closed by ") || cursor_eat(&s, "Connection reset by ") ||
               cursor_eat(&s, "Disconnected from ")) {
        /* "Disconnected from user bob ..." ends an authenticated session; the others do not */
        bool logout = slice_starts(s, "user ") && ev->message.p[0] == 'D';
        parse_add_action(ev, logout ? "logout" : "disconnect", NULL);
        known = ssh_who_addr_port(ev, s, &rest);
    } else if (cursor_eat(&s, "Disconnecting ")) {
        parse_add_action(ev, "disconnect", NULL);
        known = ssh_who_addr_port(ev, s, &rest);
        if (known && cursor_eat(&rest, ": "))
            add_reason(ev, rest);
    } else if (cursor_eat(&s, "Received disconnect from ")) {
        parse_add_action(ev, "disconnect", NULL);
        known = ssh_addr_port(ev, &s);
        /* ":11: disconnected by user" */
        if (known && cursor_eat(&s, ":")) {
            cursor_take_until(&s, ':');
            add_reason(ev, s);
        }
    } else if (cursor_eat(&s, "banner exchange: Connection from ") ||
               cursor_eat(&s, "Unable to negotiate with ") ||
               cursor_eat(&s, "Did not receive identification string from ") ||
               cursor_eat(&s, "Bad protocol version identification ")) {
        parse_add_action(ev, "protocol_error", "failure");
        if (slice_starts(s, "'")) { /* "'GET / HTTP/1.1' from 10.0.0.5 port 5555" */
            s.p++;
            s.len--;
            cursor_take_until_lit(&s, "' from ", &rest);
        }
        known = ssh_addr_port(ev, &s);
        if (known && cursor_eat(&s, ": "))
            add_reason(ev, cursor_take_until(&s, '.'));
    } else {
        known = false;
    }
    if (known && preauth)
        event_add_bool(ev, "preauth", true);
    return known;
}

/* "k=v k2= k3=v" as PAM writes them (empty values allowed, two spaces before user=). */
static void pam_pairs(struct event *ev, struct slice s)
{
    for (unsigned i = 0; i < AUTH_MAX_PAIRS && s.len; i++) {
        struct slice pair = cursor_take_until(&s, ' ');
        struct slice key = cursor_take_until(&pair, '=');
        if (!pair.len)
            continue;
        if (slice_eq(key, "user"))
            add_user(ev, pair);
        else if (slice_eq(key, "rhost")) {
            event_add_slice(ev, "rhost", pair);
            if (parse_is_ip(pair))
                event_add_slice(ev, "src_ip", pair);
        } else if (slice_eq(key, "ruser"))
            event_add_slice(ev, "ruser", pair);
        else if (slice_eq(key, "logname"))
            event_add_slice(ev, "logname", pair);
        else if (slice_eq(key, "tty"))
            event_add_slice(ev, "tty", pair);
        else if (slice_eq(key, "uid"))
            event_add_num(ev, "uid", pair.p, pair.len);
        else if (slice_eq(key, "euid"))
            event_add_num(ev, "euid", pair.p, pair.len);
    }
}

/* "<name>(uid=<n>)" or "<name>" or "(uid=<n>)": the name part */
static struct slice name_before_uid(struct slice s)
{
    return cursor_take_until(&s, '(');
}

enum pam_kind {
    PAM_OTHER,
    PAM_OPEN,
    PAM_CLOSE,
    PAM_LOCKED,
    PAM_AUTH_FAILED,
    PAM_AUTH_OK,
    PAM_PASSWORD
};

/* "pam_<module>(<service>:<type>): <text>" from any program. */
static void pam_message(struct event *ev, struct slice s)
{
    struct slice module = cursor_take_until(&s, '(');
    struct slice service = cursor_take_until(&s, ':');
    struct slice type = cursor_take_until(&s, ')');
    cursor_eat(&s, ": ");
    struct slice user;
    enum pam_kind kind = PAM_OTHER;
    if (cursor_eat(&s, "session opened for user ")) {
        kind = PAM_OPEN;
        parse_add_action(ev, "session_open", "success");
    } else if (cursor_eat(&s, "session closed for user ")) {
        kind = PAM_CLOSE;
        parse_add_action(ev, "session_close", NULL);
    } else if (cursor_eat(&s, "Consecutive login failures for user ")) {
        kind = PAM_LOCKED;
        parse_add_action(ev, "account_locked", "failure");
    } else if (cursor_eat(&s, "authentication failure; ") ||
               cursor_eat(&s, "auth could not identify password for ") ||
               cursor_eat(&s, "check pass; ") || cursor_eat(&s, "received for user ")) {
        kind = PAM_AUTH_FAILED;
        parse_add_action(ev, "auth", "failure");
    } else if (cursor_eat(&s, "authentication success; ")) {
        kind = PAM_AUTH_OK;
        parse_add_action(ev, "auth", "success");
    } else if (cursor_eat(&s, "password changed for ")) {
        kind = PAM_PASSWORD;
        parse_add_action(ev, "password_change", "success");
    }
    event_add_slice(ev, "pam_module", module);
    event_add_slice(ev, "pam_service", service);
    event_add_slice(ev, "pam_type", type);
    switch (kind) {
    case PAM_OTHER:
        break;
    case PAM_OPEN: {
        /* "bob(uid=1000) by (uid=0)" or "root by bob(uid=1000)" */
        struct slice rest = s;
        if (!cursor_take_until_lit(&rest, " by ", &user)) {
            user = s;
            rest.len = 0;
        }
        add_user(ev, name_before_uid(user));
        struct slice by = name_before_uid(rest);
        if (by.len)
            event_add_slice(ev, "by_user", by);
        break;
    }
    case PAM_CLOSE:
    case PAM_PASSWORD:
        add_user(ev, scan_trim(s));
        break;
    case PAM_LOCKED: /* "bob account temporarily locked" */
        add_user(ev, cursor_take_until(&s, ' '));
        add_reason(ev, s);
        break;
    case PAM_AUTH_FAILED:
    case PAM_AUTH_OK:
        if (cursor_eat(&s, "[")) { /* "auth could not identify password for [bob]" */
            add_user(ev, cursor_take_until(&s, ']'));
            add_reason(ev, SLICE_LIT("could not identify password"));
        } else if (cursor_eat(&s, "user unknown")) {
            add_reason(ev, SLICE_LIT("user unknown"));
        } else if (mm_memmem(s.p, s.len, "=")) {
            pam_pairs(ev, s);
        } else { /* pam_sss "bob: 7 (Authentication failure)" */
            add_user(ev, cursor_take_until(&s, ':'));
            add_reason(ev, s);
        }
        break;
    }
}

/* "bob : TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/id", optionally with a reason
 * ("3 incorrect password attempts") as the first item; COMMAND is always last and may hold " ; ".
 */
static bool sudo_message(struct event *ev, struct slice s)
{
    struct slice user, item;
    if (slice_starts(scan_trim(s), "pam_")) {
        pam_message(ev, scan_trim(s));
        return true;
    }
    if (!cursor_take_until_lit(&s, " : ", &user) || !scan_trim(user).len)
        return false;
    struct slice reason = { 0 };
    struct slice tty = { 0 }, pwd = { 0 }, target = { 0 }, group = { 0 }, command = { 0 };
    for (unsigned i = 0; i < AUTH_MAX_PAIRS && s.len; i++) {
        if (cursor_eat(&s, "COMMAND=")) {
            command = s;
            break;
        }
        if (!cursor_take_until_lit(&s, " ; ", &item)) {
            item = s;
            s.len = 0;
        }
        item = scan_trim(item);
        if (cursor_eat(&item, "TTY="))
            tty = item;
        else if (cursor_eat(&item, "PWD="))
            pwd = item;
        else if (cursor_eat(&item, "USER="))
            target = item;
        else if (cursor_eat(&item, "GROUP="))
            group = item;
        else if (i == 0)
            reason = item;
    }
    parse_add_action(ev, "sudo", reason.len ? "failure" : "success");
    add_user(ev, scan_trim(user));
    if (reason.len)
        event_add_slice(ev, "reason", reason);
    if (tty.len)
        event_add_slice(ev, "tty", tty);
    if (pwd.len)
        event_add_slice(ev, "pwd", pwd);
    if (target.len) {
        event_add_slice(ev, "USER", target); /* the name SigmaHQ's sudo rules use */
        event_add_slice(ev, "target_user", target);
    }
    if (group.len)
        event_add_slice(ev, "target_group", group);
    if (command.len)
        event_add_slice(ev, "command", command);
    return true;
}

/* util-linux su: "(to root) bob on pts/0", "FAILED SU (to root) bob on pts/0" */
static bool su_message(struct event *ev, struct slice s)
{
    if (slice_starts(s, "pam_")) {
        pam_message(ev, s);
        return true;
    }
    bool failed = cursor_eat(&s, "FAILED SU ");
    struct slice target, user;
    if (!cursor_eat(&s, "(to "))
        return false;
    target = cursor_take_until(&s, ')');
    cursor_eat(&s, " ");
    if (!cursor_take_until_lit(&s, " on ", &user))
        return false;
    parse_add_action(ev, "su", failed ? "failure" : "success");
    add_user(ev, user);
    event_add_slice(ev, "target_user", target);
    if (s.len)
        event_add_slice(ev, "tty", s);
    return true;
}

/* systemd-logind and login */
static bool session_message(struct event *ev, struct slice s)
{
    struct slice id;
    if (slice_starts(s, "pam_")) {
        pam_message(ev, s);
        return true;
    }
    if (cursor_eat(&s, "New session ")) {
        id = cursor_take_until(&s, ' ');
        if (!cursor_eat(&s, "of user "))
            return false;
        if (s.len && s.p[s.len - 1] == '.')
            s.len--;
        parse_add_action(ev, "session_open", "success");
        add_user(ev, s);
        event_add_num(ev, "session_id", id.p, id.len);
        return true;
    }
    if (cursor_eat(&s, "Removed session ")) {
        id = cursor_take_until(&s, '.');
        parse_add_action(ev, "session_close", NULL);
        event_add_num(ev, "session_id", id.p, id.len);
        return true;
    }
    if (cursor_eat(&s, "Session ") &&
        (id = cursor_take_until(&s, ' '), cursor_eat(&s, "logged out"))) {
        parse_add_action(ev, "logout", NULL);
        event_add_num(ev, "session_id", id.p, id.len);
        return true;
    }
    /* "FAILED LOGIN (1) on '/dev/tty1' FOR 'bob', Authentication failure" */
    if (cursor_eat(&s, "FAILED LOGIN ")) {
        struct slice tty, user;
        cursor_take_until(&s, ' ');
        if (!cursor_eat(&s, "on '") ||
            (tty = cursor_take_until(&s, '\''), !cursor_eat(&s, " FOR '")))
            return false;
        user = cursor_take_until(&s, '\'');
        parse_add_action(ev, "login", "failure");
        add_user(ev, user);
        event_add_slice(ev, "tty", tty);
        if (cursor_eat(&s, ", "))
            add_reason(ev, s);
        return true;
    }
    if (cursor_eat(&s, "ROOT LOGIN ")) { /* " on '/dev/tty1'" */
        parse_add_action(ev, "login", "success");
        add_user(ev, SLICE_LIT("root"));
        s = scan_trim(s);
        if (cursor_eat(&s, "on '"))
            event_add_slice(ev, "tty", cursor_take_until(&s, '\''));
        return true;
    }
    return false;
}

/* "name=eve, UID=1001, GID=1001, home=/home/eve, shell=/bin/bash, from=/dev/pts/0" */
static void shadow_pairs(struct event *ev, struct slice s)
{
    for (unsigned i = 0; i < AUTH_MAX_PAIRS && s.len; i++) {
        struct slice item, key;
        if (!cursor_take_until_lit(&s, ", ", &item)) {
            item = s;
            s.len = 0;
        }
        key = cursor_take_until(&item, '=');
        if (slice_eq(key, "UID"))
            event_add_num(ev, "uid", item.p, item.len);
        else if (slice_eq(key, "GID"))
            event_add_num(ev, "gid", item.p, item.len);
        else if (slice_eq(key, "home"))
            event_add_slice(ev, "home", item);
        else if (slice_eq(key, "shell"))
            event_add_slice(ev, "shell", item);
        else if (slice_eq(key, "from") && item.len && !slice_eq(item, "none"))
            event_add_slice(ev, "tty", item);
    }
}

/* useradd, userdel, usermod, groupadd, groupdel, gpasswd, passwd, chpasswd, chage */
static bool shadow_message(struct event *ev, struct slice s)
{
    struct slice user, group, by;
    if (slice_starts(s, "pam_")) {
        pam_message(ev, s);
        return true;
    }
    if (cursor_eat(&s, "new user: name=")) {
        parse_add_action(ev, "user_add", "success");
        add_user(ev, cursor_take_until(&s, ','));
        cursor_eat(&s, " ");
        shadow_pairs(ev, s);
    } else if (cursor_eat(&s, "new group: name=") ||
               (cursor_eat(&s, "group added to ") &&
                cursor_take_until_lit(&s, ": name=", &group))) {
        /* groupadd also says "group added to /etc/group: name=dev, GID=1002" */
        parse_add_action(ev, "group_add", "success");
        event_add_slice(ev, "group", cursor_take_until(&s, ','));
        cursor_eat(&s, " ");
        shadow_pairs(ev, s);
    } else if (cursor_eat(&s, "delete user ")) {
        parse_add_action(ev, "user_delete", "success");
        add_user(ev, cursor_take_quoted(&s, '\''));
    } else if (cursor_eat(&s, "removed group ") || cursor_eat(&s, "removed shadow group ")) {
        parse_add_action(ev, "group_delete", "success");
        event_add_slice(ev, "group", cursor_take_quoted(&s, '\''));
    } else if (slice_starts(s, "group '") && mm_memmem(s.p, s.len, "' removed")) {
        cursor_eat(&s, "group ");
        parse_add_action(ev, "group_delete", "success");
        event_add_slice(ev, "group", cursor_take_quoted(&s, '\''));
    } else if (slice_starts(s, "add ") || slice_starts(s, "delete ")) {
        /* "add 'eve' to [shadow ]group 'sudo'", "delete 'eve' from [shadow ]group 'sudo'" */
        bool add = s.p[0] == 'a';
        cursor_take_until(&s, ' ');
        user = cursor_take_quoted(&s, '\'');
        if (!(cursor_eat(&s, " to ") || cursor_eat(&s, " from ")))
            return false;
        cursor_eat(&s, "shadow ");
        if (!cursor_eat(&s, "group "))
            return false;
        parse_add_action(ev, add ? "group_member_add" : "group_member_remove", "success");
        add_user(ev, user);
        event_add_slice(ev, "group", cursor_take_quoted(&s, '\''));
    } else if (cursor_eat(&s, "user ") && mm_memmem(s.p, s.len, " by ")) {
        /* gpasswd: "user eve added by root to group sudo", "user eve removed by root from group
         * sudo" */
        user = cursor_take_until(&s, ' ');
        bool add = cursor_eat(&s, "added by ");
        if (!add && !cursor_eat(&s, "removed by "))
            return false;
        by = cursor_take_until(&s, ' ');
        if (!cursor_eat(&s, "to group ") && !cursor_eat(&s, "from group "))
            return false;
        parse_add_action(ev, add ? "group_member_add" : "group_member_remove", "success");
        add_user(ev, user);
        event_add_slice(ev, "group", s);
        event_add_slice(ev, "by_user", by);
    } else if (cursor_eat(&s, "password for ")) {
        /* passwd: "password for 'eve' changed by 'root'" */
        user = cursor_take_quoted(&s, '\'');
        if (!cursor_eat(&s, " changed by "))
            return false;
        parse_add_action(ev, "password_change", "success");
        add_user(ev, user);
        event_add_slice(ev, "by_user", cursor_take_quoted(&s, '\''));
    } else if (cursor_eat(&s, "changed password expiry for ")) {
        parse_add_action(ev, "password_expiry_change", "success");
        add_user(ev, s);
    } else if (cursor_eat(&s, "change user ") || cursor_eat(&s, "lock user ") ||
               cursor_eat(&s, "unlock user ")) {
        /* usermod: "change user 'eve' shell from ...", "change user name 'eve' to 'eve2'" */
        parse_add_action(ev, "user_change", "success");
        cursor_eat(&s, "name ");
        add_user(ev, cursor_take_quoted(&s, '\''));
    } else {
        return false;
    }
    return true;
}

/* cron: "(root) CMD (command)" besides its PAM session lines */
static bool cron_message(struct event *ev, struct slice s)
{
    struct slice user;
    if (slice_starts(s, "pam_")) {
        pam_message(ev, s);
        return true;
    }
    if (!cursor_eat(&s, "("))
        return false;
    user = cursor_take_until(&s, ')');
    if (!cursor_eat(&s, " CMD ("))
        return false;
    if (s.len && s.p[s.len - 1] == ')')
        s.len--;
    parse_add_action(ev, "cron_command", NULL);
    add_user(ev, user);
    event_add_slice(ev, "command", scan_trim(s));
    return true;
}

static bool program_is(struct slice prog, const char *name)
{
    return mm_bytes_eq_nocase(prog.p, prog.len, name);
}

/* "pam_<module>(<service>:<type>): " at the start, for messages from programs we do not know */
static bool is_pam_line(const char *p, size_t len)
{
    if (len < 8 || memcmp(p, "pam_", 4) != 0)
        return false;
    size_t i = 4;
    while (i < len && i < 64 &&
           (p[i] == '_' || p[i] == '-' || (mm_lower(p[i]) >= 'a' && mm_lower(p[i]) <= 'z') ||
            mm_is_digit(p[i])))
        i++;
    if (i == 4 || i >= len || p[i] != '(')
        return false;
    const char *colon = memchr(p + i, ':', len - i);
    return colon && mm_memmem(colon, len - (size_t)(colon - p), "): ") != NULL;
}

static bool is_shadow_tool(struct slice prog)
{
    static const char *const tools[] = { "useradd",  "userdel", "usermod", "groupadd", "groupdel",
                                         "groupmod", "gpasswd", "passwd",  "chpasswd", "chage" };
    for (size_t i = 0; i < MM_ARRAY_LEN(tools); i++)
        if (program_is(prog, tools[i]))
            return true;
    return false;
}

static bool auth_probe(const char *msg, size_t len)
{
    return is_pam_line(msg, len);
}

/* Every line of a known program is claimed, understood or not: SigmaHQ's keyword rules for
 * linux/sshd, sudo, auth and cron need the log source on all of them. Only PAM-shaped lines of
 * other programs are taken (by probe). */
static enum mm_status auth_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    struct slice prog = ev->program, m = ev->message;
    /* rsyslog's duplicate suppression: "message repeated 5 times: [ Failed password for ...]" */
    struct slice inner = m;
    if (cursor_eat(&inner, "message repeated ")) {
        struct slice count = slice_make(inner.p, scan_digits(inner));
        inner.p += count.len;
        inner.len -= count.len;
        if (count.len && cursor_eat(&inner, " times: [ ") && inner.len &&
            inner.p[inner.len - 1] == ']') {
            m = slice_make(inner.p, inner.len - 1);
            event_add_num(ev, "repeat_count", count.p, count.len);
        }
    }
    if (program_is(prog, "sshd") || program_is(prog, "sshd-session")) {
        event_set_logsource(ev, "linux", NULL, "sshd");
        sshd_message(ev, m);
    } else if (program_is(prog, "sudo")) {
        event_set_logsource(ev, "linux", NULL, "sudo");
        sudo_message(ev, m);
    } else if (program_is(prog, "cron")) {
        event_set_logsource(ev, "linux", NULL, "cron");
        cron_message(ev, m);
    } else if (program_is(prog, "su")) {
        event_set_logsource(ev, "linux", NULL, "auth");
        su_message(ev, m);
    } else if (program_is(prog, "login") || program_is(prog, "systemd-logind")) {
        event_set_logsource(ev, "linux", NULL, "auth");
        session_message(ev, m);
    } else if (is_pam_line(m.p, m.len)) {
        event_set_logsource(ev, "linux", NULL, "auth");
        pam_message(ev, m);
    } else if (is_shadow_tool(prog)) {
        event_set_logsource(ev, "linux", NULL, "auth");
        shadow_message(ev, m);
    } else {
        return MM_NO_MATCH;
    }
    return MM_OK;
}

static const char *const auth_programs[] = {
    "sshd",    "sshd-session", "sudo",     "su",       "login",    "systemd-logind",
    "useradd", "userdel",      "usermod",  "groupadd", "groupdel", "groupmod",
    "gpasswd", "passwd",       "chpasswd", "chage",    "cron",     NULL,
};

const struct parser parser_linux_auth = {
    .name = "linux_auth",
    .summary = "Linux auth.log: sshd, sudo, su, PAM, logind, user and group tools, cron sessions",
    .programs = auth_programs,
    .probe = auth_probe,
    .parse = auth_parse,
    .probe_priority = 300,
};
