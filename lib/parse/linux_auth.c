/* SPDX-License-Identifier: Apache-2.0 */
/* linux_auth.c: what Linux writes to /var/log/auth.log: sshd, sudo, su, PAM modules of any
 * program, login and systemd-logind sessions, the shadow tools (useradd, usermod, passwd, ...)
 * and cron sessions. The message stays in the event, so Sigma's keyword rules still match. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define AUTH_MAX_PAIRS 32 /* "k=v" pairs read from one PAM or shadow message */

/* If s starts with lit, move past it and return true. */
static bool eat(struct slice *s, const char *lit)
{
    size_t n = strlen(lit);
    if (s->len < n || memcmp(s->p, lit, n) != 0)
        return false;
    s->p += n;
    s->len -= n;
    return true;
}

/* The bytes before the first c; s moves past c. All of s (s becomes empty) when there is none. */
static struct slice take_until(struct slice *s, char c)
{
    const char *q = s->len ? memchr(s->p, c, s->len) : NULL;
    size_t n = q ? (size_t)(q - s->p) : s->len;
    struct slice r = slice_make(s->p, n);
    size_t adv = q ? n + 1 : n;
    s->p += adv;
    s->len -= adv;
    return r;
}

/* The bytes before lit into *out, s moved past lit; false and s untouched when lit is absent. */
static bool take_until_lit(struct slice *s, const char *lit, struct slice *out)
{
    const char *q = mm_memmem(s->p, s->len, lit);
    if (!q)
        return false;
    size_t n = (size_t)(q - s->p), adv = n + strlen(lit);
    *out = slice_make(s->p, n);
    s->p += adv;
    s->len -= adv;
    return true;
}

/* The last occurrence of lit in s, or NULL. */
static const char *find_last(struct slice s, const char *lit)
{
    const char *last = NULL;
    for (;;) {
        const char *q = mm_memmem(s.p, s.len, lit);
        if (!q)
            return last;
        last = q;
        size_t adv = (size_t)(q - s.p) + 1;
        s.p += adv;
        s.len -= adv;
    }
}

static bool ends_with(struct slice s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p + s.len - n, lit, n) == 0;
}

static struct slice trim(struct slice s)
{
    while (s.len && mm_is_space(s.p[0])) {
        s.p++;
        s.len--;
    }
    while (s.len && mm_is_space(s.p[s.len - 1]))
        s.len--;
    return s;
}

/* Remove a trailing " [preauth]"; true when there was one. */
static bool strip_preauth(struct slice *s)
{
    if (!ends_with(*s, " [preauth]"))
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

static size_t digit_run(struct slice s)
{
    size_t n = 0;
    while (n < s.len && mm_is_digit(s.p[n]))
        n++;
    return n;
}

/* The account in front of an address, with sshd's qualifiers taken off. */
static void add_ssh_user(struct event *ev, struct slice who)
{
    bool invalid = false;
    if (eat(&who, "invalid user ") || eat(&who, "illegal user "))
        invalid = true;
    else if (!eat(&who, "authenticating user "))
        eat(&who, "user ");
    add_user(ev, who);
    if (invalid)
        event_add_bool(ev, "invalid_user", true);
}

/* s is "[<who> [from ]]<addr> port <port><rest>"; adds the user, address and port and leaves
 * <rest> in *rest. False when there is no " port " after an address. */
static bool ssh_who_addr_port(struct event *ev, struct slice s, struct slice *rest)
{
    const char *q = find_last(s, " port ");
    if (!q)
        return false;
    struct slice before = slice_make(s.p, (size_t)(q - s.p));
    struct slice after = slice_make(q + 6, s.len - (size_t)(q - s.p) - 6);
    const char *sp = find_last(before, " ");
    struct slice who = slice_make(before.p, sp ? (size_t)(sp - before.p) : 0);
    struct slice addr = sp ? slice_make(sp + 1, before.len - who.len - 1) : before;
    if (ends_with(who, " from"))
        who.len -= 5;
    else if (slice_eq(who, "from"))
        who.len = 0;
    size_t nport = digit_run(after);
    if (!addr.len || !nport)
        return false;
    add_ssh_user(ev, who);
    add_source(ev, addr);
    event_add_num(ev, "src_port", after.p, nport);
    *rest = slice_make(after.p + nport, after.len - nport);
    return true;
}

static void add_action(struct event *ev, const char *action, const char *outcome)
{
    event_add_cstr(ev, "action", action);
    if (outcome)
        event_add_cstr(ev, "outcome", outcome);
}

/* "ssh2: RSA SHA256:..." after an Accepted/Failed publickey */
static void add_ssh_key(struct event *ev, struct slice rest)
{
    if (!eat(&rest, " ssh2: ") && !eat(&rest, ": "))
        return;
    struct slice type = take_until(&rest, ' ');
    if (type.len)
        event_add_slice(ev, "key_type", type);
    rest = take_until(&rest, ' ');
    if (rest.len)
        event_add_slice(ev, "key_fingerprint", rest);
}

/* "<addr> port <port>" at the start of s, for the messages without a user */
static bool ssh_addr_port(struct event *ev, struct slice *s)
{
    struct slice addr = take_until(s, ' ');
    if (!addr.len || !eat(s, "port "))
        return false;
    size_t n = digit_run(*s);
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
    reason = trim(reason);
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
        take_until(&s, ' ');
        struct slice method = take_until(&s, ' ');
        if (!eat(&s, "for ") || !method.len)
            return false;
        add_action(ev, "login", ok ? "success" : "failure");
        event_add_slice(ev, "auth_method", method);
        if (!ssh_who_addr_port(ev, s, &rest))
            return false;
        add_ssh_key(ev, rest);
    } else if (eat(&s, "Invalid user ") || eat(&s, "Illegal user ")) {
        add_action(ev, "invalid_user", "failure");
        if (!ssh_who_addr_port(ev, s, &rest))
            return false;
        event_add_bool(ev, "invalid_user", true);
    } else if (eat(&s, "error: maximum authentication attempts exceeded for ")) {
        add_action(ev, "auth_attempts_exceeded", "failure");
        known = ssh_who_addr_port(ev, s, &rest);
    } else if (eat(&s, "Connection from ")) {
        add_action(ev, "connect", NULL);
        known = ssh_addr_port(ev, &s);
        if (known && eat(&s, " on ")) {
            struct slice dst = take_until(&s, ' ');
            if (parse_is_ip(dst))
                event_add_slice(ev, "dst_ip", dst);
            size_t n = eat(&s, "port ") ? digit_run(s) : 0;
            if (n)
                event_add_num(ev, "dst_port", s.p, n);
        }
    } else if (eat(&s, "Connection closed by ") || eat(&s, "Connection reset by ") ||
               eat(&s, "Disconnected from ")) {
        /* "Disconnected from user bob ..." ends an authenticated session; the others do not */
        bool logout = slice_starts(s, "user ") && ev->message.p[0] == 'D';
        add_action(ev, logout ? "logout" : "disconnect", NULL);
        known = ssh_who_addr_port(ev, s, &rest);
    } else if (eat(&s, "Disconnecting ")) {
        add_action(ev, "disconnect", NULL);
        known = ssh_who_addr_port(ev, s, &rest);
        if (known && eat(&rest, ": "))
            add_reason(ev, rest);
    } else if (eat(&s, "Received disconnect from ")) {
        add_action(ev, "disconnect", NULL);
        known = ssh_addr_port(ev, &s);
        /* ":11: disconnected by user" */
        if (known && eat(&s, ":")) {
            take_until(&s, ':');
            add_reason(ev, s);
        }
    } else if (eat(&s, "banner exchange: Connection from ") ||
               eat(&s, "Unable to negotiate with ") ||
               eat(&s, "Did not receive identification string from ") ||
               eat(&s, "Bad protocol version identification ")) {
        add_action(ev, "protocol_error", "failure");
        if (slice_starts(s, "'")) { /* "'GET / HTTP/1.1' from 10.0.0.5 port 5555" */
            s.p++;
            s.len--;
            take_until_lit(&s, "' from ", &rest);
        }
        known = ssh_addr_port(ev, &s);
        if (known && eat(&s, ": "))
            add_reason(ev, take_until(&s, '.'));
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
        struct slice pair = take_until(&s, ' ');
        struct slice key = take_until(&pair, '=');
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
    return take_until(&s, '(');
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
    struct slice module = take_until(&s, '(');
    struct slice service = take_until(&s, ':');
    struct slice type = take_until(&s, ')');
    eat(&s, ": ");
    struct slice user;
    enum pam_kind kind = PAM_OTHER;
    if (eat(&s, "session opened for user ")) {
        kind = PAM_OPEN;
        add_action(ev, "session_open", "success");
    } else if (eat(&s, "session closed for user ")) {
        kind = PAM_CLOSE;
        add_action(ev, "session_close", NULL);
    } else if (eat(&s, "Consecutive login failures for user ")) {
        kind = PAM_LOCKED;
        add_action(ev, "account_locked", "failure");
    } else if (eat(&s, "authentication failure; ") ||
               eat(&s, "auth could not identify password for ") || eat(&s, "check pass; ") ||
               eat(&s, "received for user ")) {
        kind = PAM_AUTH_FAILED;
        add_action(ev, "auth", "failure");
    } else if (eat(&s, "authentication success; ")) {
        kind = PAM_AUTH_OK;
        add_action(ev, "auth", "success");
    } else if (eat(&s, "password changed for ")) {
        kind = PAM_PASSWORD;
        add_action(ev, "password_change", "success");
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
        if (!take_until_lit(&rest, " by ", &user)) {
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
        add_user(ev, trim(s));
        break;
    case PAM_LOCKED: /* "bob account temporarily locked" */
        add_user(ev, take_until(&s, ' '));
        add_reason(ev, s);
        break;
    case PAM_AUTH_FAILED:
    case PAM_AUTH_OK:
        if (eat(&s, "[")) { /* "auth could not identify password for [bob]" */
            add_user(ev, take_until(&s, ']'));
            add_reason(ev, SLICE_LIT("could not identify password"));
        } else if (eat(&s, "user unknown")) {
            add_reason(ev, SLICE_LIT("user unknown"));
        } else if (mm_memmem(s.p, s.len, "=")) {
            pam_pairs(ev, s);
        } else { /* pam_sss "bob: 7 (Authentication failure)" */
            add_user(ev, take_until(&s, ':'));
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
    if (slice_starts(trim(s), "pam_")) {
        pam_message(ev, trim(s));
        return true;
    }
    if (!take_until_lit(&s, " : ", &user) || !trim(user).len)
        return false;
    struct slice reason = { 0 };
    struct slice tty = { 0 }, pwd = { 0 }, target = { 0 }, group = { 0 }, command = { 0 };
    for (unsigned i = 0; i < AUTH_MAX_PAIRS && s.len; i++) {
        if (eat(&s, "COMMAND=")) {
            command = s;
            break;
        }
        if (!take_until_lit(&s, " ; ", &item)) {
            item = s;
            s.len = 0;
        }
        item = trim(item);
        if (eat(&item, "TTY="))
            tty = item;
        else if (eat(&item, "PWD="))
            pwd = item;
        else if (eat(&item, "USER="))
            target = item;
        else if (eat(&item, "GROUP="))
            group = item;
        else if (i == 0)
            reason = item;
    }
    add_action(ev, "sudo", reason.len ? "failure" : "success");
    add_user(ev, trim(user));
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
    bool failed = eat(&s, "FAILED SU ");
    struct slice target, user;
    if (!eat(&s, "(to "))
        return false;
    target = take_until(&s, ')');
    eat(&s, " ");
    if (!take_until_lit(&s, " on ", &user))
        return false;
    add_action(ev, "su", failed ? "failure" : "success");
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
    if (eat(&s, "New session ")) {
        id = take_until(&s, ' ');
        if (!eat(&s, "of user "))
            return false;
        if (s.len && s.p[s.len - 1] == '.')
            s.len--;
        add_action(ev, "session_open", "success");
        add_user(ev, s);
        event_add_num(ev, "session_id", id.p, id.len);
        return true;
    }
    if (eat(&s, "Removed session ")) {
        id = take_until(&s, '.');
        add_action(ev, "session_close", NULL);
        event_add_num(ev, "session_id", id.p, id.len);
        return true;
    }
    if (eat(&s, "Session ") && (id = take_until(&s, ' '), eat(&s, "logged out"))) {
        add_action(ev, "logout", NULL);
        event_add_num(ev, "session_id", id.p, id.len);
        return true;
    }
    if (eat(&s, "FAILED LOGIN ")) { /* "(1) on '/dev/tty1' FOR 'bob', Authentication failure" */
        struct slice tty, user;
        take_until(&s, ' ');
        if (!eat(&s, "on '") || (tty = take_until(&s, '\''), !eat(&s, " FOR '")))
            return false;
        user = take_until(&s, '\'');
        add_action(ev, "login", "failure");
        add_user(ev, user);
        event_add_slice(ev, "tty", tty);
        if (eat(&s, ", "))
            add_reason(ev, s);
        return true;
    }
    if (eat(&s, "ROOT LOGIN ")) { /* " on '/dev/tty1'" */
        add_action(ev, "login", "success");
        add_user(ev, SLICE_LIT("root"));
        s = trim(s);
        if (eat(&s, "on '"))
            event_add_slice(ev, "tty", take_until(&s, '\''));
        return true;
    }
    return false;
}

/* "'eve'" -> eve */
static struct slice quoted(struct slice *s)
{
    if (!eat(s, "'"))
        return take_until(s, ' ');
    return take_until(s, '\'');
}

/* "name=eve, UID=1001, GID=1001, home=/home/eve, shell=/bin/bash, from=/dev/pts/0" */
static void shadow_pairs(struct event *ev, struct slice s)
{
    for (unsigned i = 0; i < AUTH_MAX_PAIRS && s.len; i++) {
        struct slice item, key;
        if (!take_until_lit(&s, ", ", &item)) {
            item = s;
            s.len = 0;
        }
        key = take_until(&item, '=');
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
    if (eat(&s, "new user: name=")) {
        add_action(ev, "user_add", "success");
        add_user(ev, take_until(&s, ','));
        eat(&s, " ");
        shadow_pairs(ev, s);
    } else if (eat(&s, "new group: name=") ||
               (eat(&s, "group added to ") && take_until_lit(&s, ": name=", &group))) {
        /* groupadd also says "group added to /etc/group: name=dev, GID=1002" */
        add_action(ev, "group_add", "success");
        event_add_slice(ev, "group", take_until(&s, ','));
        eat(&s, " ");
        shadow_pairs(ev, s);
    } else if (eat(&s, "delete user ")) {
        add_action(ev, "user_delete", "success");
        add_user(ev, quoted(&s));
    } else if (eat(&s, "removed group ") || eat(&s, "removed shadow group ")) {
        add_action(ev, "group_delete", "success");
        event_add_slice(ev, "group", quoted(&s));
    } else if (slice_starts(s, "group '") && mm_memmem(s.p, s.len, "' removed")) {
        eat(&s, "group ");
        add_action(ev, "group_delete", "success");
        event_add_slice(ev, "group", quoted(&s));
    } else if (slice_starts(s, "add ") || slice_starts(s, "delete ")) {
        /* "add 'eve' to [shadow ]group 'sudo'", "delete 'eve' from [shadow ]group 'sudo'" */
        bool add = s.p[0] == 'a';
        take_until(&s, ' ');
        user = quoted(&s);
        if (!(eat(&s, " to ") || eat(&s, " from ")))
            return false;
        eat(&s, "shadow ");
        if (!eat(&s, "group "))
            return false;
        add_action(ev, add ? "group_member_add" : "group_member_remove", "success");
        add_user(ev, user);
        event_add_slice(ev, "group", quoted(&s));
    } else if (eat(&s, "user ") && mm_memmem(s.p, s.len, " by ")) {
        /* gpasswd: "user eve added by root to group sudo", "user eve removed by root from group
         * sudo" */
        user = take_until(&s, ' ');
        bool add = eat(&s, "added by ");
        if (!add && !eat(&s, "removed by "))
            return false;
        by = take_until(&s, ' ');
        if (!eat(&s, "to group ") && !eat(&s, "from group "))
            return false;
        add_action(ev, add ? "group_member_add" : "group_member_remove", "success");
        add_user(ev, user);
        event_add_slice(ev, "group", s);
        event_add_slice(ev, "by_user", by);
    } else if (eat(&s, "password for ")) { /* passwd: "password for 'eve' changed by 'root'" */
        user = quoted(&s);
        if (!eat(&s, " changed by "))
            return false;
        add_action(ev, "password_change", "success");
        add_user(ev, user);
        event_add_slice(ev, "by_user", quoted(&s));
    } else if (eat(&s, "changed password expiry for ")) {
        add_action(ev, "password_expiry_change", "success");
        add_user(ev, s);
    } else if (eat(&s, "change user ") || eat(&s, "lock user ") || eat(&s, "unlock user ")) {
        /* usermod: "change user 'eve' shell from ...", "change user name 'eve' to 'eve2'" */
        add_action(ev, "user_change", "success");
        eat(&s, "name ");
        add_user(ev, quoted(&s));
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
    if (!eat(&s, "("))
        return false;
    user = take_until(&s, ')');
    if (!eat(&s, " CMD ("))
        return false;
    if (s.len && s.p[s.len - 1] == ')')
        s.len--;
    add_action(ev, "cron_command", NULL);
    add_user(ev, user);
    event_add_slice(ev, "command", trim(s));
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
    if (eat(&inner, "message repeated ")) {
        struct slice count = slice_make(inner.p, digit_run(inner));
        inner.p += count.len;
        inner.len -= count.len;
        if (count.len && eat(&inner, " times: [ ") && inner.len && inner.p[inner.len - 1] == ']') {
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
