/* SPDX-License-Identifier: Apache-2.0 */
/* samba.c: Samba vfs_full_audit records, "<prefix>|<operation>|ok|<args>" or
 * "<prefix>|<operation>|fail (<strerror>)|<args>", as smbd_audit sends them to syslog. The prefix
 * is configurable (full_audit:prefix, default "%u|%I"; the manual's example "%u|%I|%m|%S" is
 * common): it is found by locating the operation name followed by an ok/fail field. */
#include "base/prelude.h"
#include "base/str.h"
#include "parser.h"

#define SAMBA_MAX_FIELDS 16 /* prefix items + operation + status + arguments we look at */

/* vfs_full_audit's operation names (vfs_op_names in source3/modules/vfs_full_audit.c), the ones
 * a file-share audit is about and their pre-4.14 names. */
static const char *const samba_ops[] = {
    "connect",
    "disconnect",
    "opendir",
    "fdopendir",
    "mkdirat",
    "mkdir",
    "rmdir",
    "closedir",
    "open",
    "openat",
    "create_file",
    "close",
    "read",
    "pread",
    "write",
    "pwrite",
    "renameat",
    "rename",
    "unlinkat",
    "unlink",
    "chmod",
    "fchmod",
    "chown",
    "fchown",
    "lchown",
    "chdir",
    "ntimes",
    "ftruncate",
    "symlinkat",
    "symlink",
    "linkat",
    "link",
    "readlinkat",
    "mknodat",
    "realpath",
    "stat",
    "fstat",
    "lstat",
    "fstatat",
    "get_nt_acl",
    "fget_nt_acl",
    "fset_nt_acl",
    "set_dos_attributes",
    "fset_dos_attributes",
    "getxattr",
    "fgetxattr",
    "setxattr",
    "fsetxattr",
    "removexattr",
    "fremovexattr",
    "listxattr",
    "flistxattr",
    "sys_acl_set_fd",
    "readdir",
    "pread_send",
    "pwrite_send",
    "sendfile",
    "recvfile",
    "kernel_flock",
    "lock",
    "fsync_send",
    "get_quota",
    "set_quota",
    "disk_free",
    "snap_create",
    "snap_delete",
    "offload_write_send",
    "streaminfo",
    "translate_name",
    "fsctl",
    "audit_file",
    "brl_lock_windows",
    "freaddir_attr",
    "fntimes",
    "fchflags",
    "fs_file_id",
    "connectpath",
    "getwd",
};

static bool is_op(struct slice s)
{
    for (size_t i = 0; i < MM_ARRAY_LEN(samba_ops); i++)
        if (slice_eq(s, samba_ops[i]))
            return true;
    return false;
}

static bool is_status(struct slice s)
{
    return slice_eq(s, "ok") || slice_starts(s, "fail");
}

struct audit_fields {
    struct slice f[SAMBA_MAX_FIELDS];
    size_t n, op; /* op: index of the operation name */
};

/* Split on '|' (the last field keeps any further '|') and find the operation. */
static bool audit_split(const char *p, size_t len, struct audit_fields *a)
{
    struct slice s = slice_make(p, len);
    a->n = 0;
    while (a->n < SAMBA_MAX_FIELDS) {
        const char *q = s.len ? memchr(s.p, '|', s.len) : NULL;
        if (!q || a->n == SAMBA_MAX_FIELDS - 1) {
            a->f[a->n++] = s;
            break;
        }
        a->f[a->n++] = slice_make(s.p, (size_t)(q - s.p));
        s = slice_make(q + 1, s.len - (size_t)(q - s.p) - 1);
    }
    /* the prefix has at most a handful of items; the operation follows it */
    for (size_t i = 1; i + 1 < a->n && i <= 6; i++)
        if (is_op(a->f[i]) && is_status(a->f[i + 1])) {
            a->op = i;
            return true;
        }
    return false;
}

static void add_path(struct event *ev, const char *name, struct slice path)
{
    if (!path.len)
        return;
    event_add_slice(ev, name, path);
    if (name[0] == 'p')
        event_add_slice(ev, "Filename", path);
}

/* A path is the last thing an operation logs, so a '|' inside it belongs to it. */
static struct slice to_end(struct slice field, struct slice message)
{
    return slice_make(field.p, (size_t)(message.p + message.len - field.p));
}

/* Operations whose only argument is a path (chmod, fchown, ... log more after it). */
static bool path_is_last(struct slice op)
{
    static const char *const ops[] = { "unlinkat",   "unlink",    "mkdirat",  "mkdir", "rmdir",
                                       "opendir",    "fdopendir", "closedir", "close", "read",
                                       "pread",      "write",     "pwrite",   "chdir", "realpath",
                                       "readlinkat", "get_nt_acl" };
    for (size_t i = 0; i < MM_ARRAY_LEN(ops); i++)
        if (slice_eq(op, ops[i]))
            return true;
    return false;
}

/* A short verb shared across file-share sources. */
static const char *op_action(struct slice op)
{
    if (slice_eq(op, "openat") || slice_eq(op, "open") || slice_eq(op, "create_file"))
        return "open";
    if (slice_eq(op, "unlinkat") || slice_eq(op, "unlink") || slice_eq(op, "rmdir"))
        return "delete";
    if (slice_eq(op, "renameat") || slice_eq(op, "rename"))
        return "rename";
    if (slice_eq(op, "mkdirat") || slice_eq(op, "mkdir"))
        return "mkdir";
    if (slice_eq(op, "connect") || slice_eq(op, "disconnect"))
        return op.p[0] == 'c' ? "connect" : "disconnect";
    if (slice_eq(op, "pwrite") || slice_eq(op, "write") || slice_eq(op, "pwrite_send"))
        return "write";
    if (slice_eq(op, "pread") || slice_eq(op, "read") || slice_eq(op, "pread_send"))
        return "read";
    return NULL;
}

static enum mm_status samba_parse(struct event *ev, const struct parse_context *ctx)
{
    (void)ctx;
    struct audit_fields a;
    struct slice m = ev->message;
    while (m.len && (m.p[m.len - 1] == '\n' || m.p[m.len - 1] == ' '))
        m.len--;
    if (!audit_split(m.p, m.len, &a))
        return MM_NO_MATCH;
    /* prefix: %u, %I, then (manual's example) %m and %S */
    struct slice user = a.f[0];
    if (user.len) {
        event_add_slice(ev, "User", user);
        event_add_slice(ev, "username", user);
    }
    if (a.op > 1 && parse_is_ip(a.f[1]))
        event_add_slice(ev, "src_ip", a.f[1]);
    if (a.op > 2 && a.f[2].len)
        event_add_slice(ev, "client_name", a.f[2]);
    if (a.op > 3 && a.f[3].len)
        event_add_slice(ev, "share", a.f[3]);

    struct slice op = a.f[a.op], status = a.f[a.op + 1];
    struct slice *arg = &a.f[a.op + 2];
    size_t nargs = a.n - a.op - 2;
    event_add_slice(ev, "operation", op);
    const char *action = op_action(op);
    if (action)
        event_add_cstr(ev, "action", action);
    bool ok = slice_eq(status, "ok");
    event_add_cstr(ev, "outcome", ok ? "success" : "failure");
    if (!ok && status.len > 6 && status.p[4] == ' ' && status.p[5] == '(' &&
        status.p[status.len - 1] == ')')
        event_add(ev, "reason", status.p + 6, status.len - 7);

    if (slice_eq(op, "connect") || slice_eq(op, "disconnect")) {
        if (nargs && arg[0].len && a.op <= 3)
            event_add_slice(ev, "share", arg[0]);
    } else if ((slice_eq(op, "openat") || slice_eq(op, "open")) && nargs >= 2) {
        event_add_slice(ev, "access", arg[0]); /* "r" or "w" */
        add_path(ev, "path", to_end(arg[1], m));
    } else if (slice_eq(op, "create_file") && nargs >= 4) {
        /* "0x3|file|open|/srv/share/file.txt": access mask, file or dir, disposition, path */
        event_add_slice(ev, "access_mask", arg[0]);
        event_add_slice(ev, "file_type", arg[1]);
        event_add_slice(ev, "disposition", arg[2]);
        add_path(ev, "path", to_end(arg[3], m));
    } else if ((slice_eq(op, "renameat") || slice_eq(op, "rename") || slice_eq(op, "linkat") ||
                slice_eq(op, "link") || slice_eq(op, "symlinkat") || slice_eq(op, "symlink")) &&
               nargs >= 2) {
        add_path(ev, "path", arg[0]);
        add_path(ev, "target_path", to_end(arg[1], m));
    } else if (nargs) {
        add_path(ev, "path", path_is_last(op) ? to_end(arg[0], m) : arg[0]);
    }
    event_set_logsource(ev, "samba", "file_share", "full_audit");
    return MM_OK;
}

static bool samba_probe(const char *msg, size_t len)
{
    struct audit_fields a;
    size_t head = MM_MIN(len, 512);
    if (!mm_memmem(msg, head, "|ok|") && !mm_memmem(msg, head, "|fail ("))
        return false;
    return audit_split(msg, len, &a);
}

static const char *const samba_programs[] = { "smbd_audit", "smbd", NULL };

const struct parser parser_samba = {
    .name = "samba",
    .summary = "Samba vfs_full_audit file-share audit records (smbd_audit)",
    .programs = samba_programs,
    .probe = samba_probe,
    .parse = samba_parse,
    .probe_priority = 450,
};
