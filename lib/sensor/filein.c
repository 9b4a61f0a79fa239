/* SPDX-License-Identifier: Apache-2.0 */
/* filein.c: file listeners. One thread reads every configured file: once (import) or following it
 * as it grows, across rotation (a new inode at the path) and truncation (copytruncate). The
 * position reached in each file is saved in <state_dir>/files.state every few seconds and at
 * shutdown, so a restart neither loses nor repeats lines (a line is only counted as read once it
 * is complete). */
#include "base/prelude.h"
#include "base/alloc.h"
#include "base/log.h"
#include "base/mtime.h"
#include "io/linereader.h"
#include "internal.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILEIN_POLL_MS   200
#define FILEIN_SAVE_NS   (1 * MM_NS_PER_SEC)
#define FILEIN_MAX_STATE 1024

/* With a store, a position is saved only once what was read before it is durable there, so a
 * crash re-reads (never skips) what the store had not yet made durable: positions wait here with
 * the ticket of the store batch that carried their lines. */
#define FILEIN_PENDING 64
struct pending_pos {
    uint64_t ticket, dev, ino, offset;
};

struct tracked {
    struct listener_rt *l;
    int fd;
    dev_t dev;
    ino_t ino;
    struct linereader lr;
    bool done; /* an import that reached its end */
    bool missing_logged;
    struct pending_pos pend[FILEIN_PENDING];
    size_t npend;
    bool have_durable;
    struct pending_pos durable; /* the latest position whose lines are durable */
};

struct saved_pos {
    char name[128];
    char path[512];
    uint64_t dev, ino, offset;
};

struct filein {
    struct sensor *s;
    pthread_t thread;
    atomic_bool stop;
    _Atomic unsigned seen_generation;
    struct worker w; /* counters, source table, event and batch for file messages */
    struct tracked files[SENSOR_MAX_LISTENERS];
    size_t nfiles;
    struct saved_pos saved[FILEIN_MAX_STATE];
    size_t nsaved;
    char state_path[512];
    int64_t last_save;
    pthread_mutex_t wake_lock;
    pthread_cond_t wake;
};

struct worker *filein_worker(struct filein *f)
{
    return &f->w;
}

unsigned filein_seen_generation(struct filein *f)
{
    return atomic_load(&f->seen_generation);
}

static void load_state(struct filein *f)
{
    FILE *fp = fopen(f->state_path, "re");
    if (!fp)
        return;
    char line[1024];
    while (fgets(line, sizeof line, fp) && f->nsaved < FILEIN_MAX_STATE) {
        /* name \t path \t dev \t ino \t offset */
        char *fields[5];
        int n = 0;
        char *p = line;
        while (n < 5) {
            fields[n++] = p;
            char *tab = strchr(p, n < 5 ? '\t' : '\n');
            if (!tab)
                break;
            *tab = '\0';
            p = tab + 1;
        }
        if (n != 5)
            continue;
        struct saved_pos *sp = &f->saved[f->nsaved];
        if (mm_parse_u64(fields[2], strlen(fields[2]), UINT64_MAX, &sp->dev) != MM_OK ||
            mm_parse_u64(fields[3], strlen(fields[3]), UINT64_MAX, &sp->ino) != MM_OK ||
            mm_parse_u64(fields[4], strlen(fields[4]), UINT64_MAX, &sp->offset) != MM_OK)
            continue;
        snprintf(sp->name, sizeof sp->name, "%s", fields[0]);
        snprintf(sp->path, sizeof sp->path, "%s", fields[1]);
        f->nsaved++;
    }
    fclose(fp);
}

static struct saved_pos *find_saved(struct filein *f, const struct listener_rt *l)
{
    for (size_t i = 0; i < f->nsaved; i++)
        if (!strcmp(f->saved[i].name, l->cfg.name) && !strcmp(f->saved[i].path, l->cfg.path))
            return &f->saved[i];
    return NULL;
}

/* After a batch of lines went to the store under ticket: their end position waits for it. */
static void note_position(struct filein *f, struct tracked *t)
{
    if (!f->s->store || t->fd < 0)
        return;
    struct pending_pos p = { f->w.store_ticket, (uint64_t)t->dev, (uint64_t)t->ino, t->lr.offset };
    if (t->npend && t->pend[t->npend - 1].ticket == p.ticket) {
        t->pend[t->npend - 1] = p; /* no new records since: same condition */
        return;
    }
    if (t->npend == FILEIN_PENDING) {
        t->pend[t->npend - 1] = p; /* merge into the newest: saved a little later */
        return;
    }
    t->pend[t->npend++] = p;
}

static void remember(struct filein *f, struct tracked *t)
{
    if (t->fd < 0)
        return;
    struct pending_pos cur = { 0, (uint64_t)t->dev, (uint64_t)t->ino, t->lr.offset };
    if (f->s->store) {
        uint64_t durable = atomic_load(&f->s->store_durable);
        size_t k = 0;
        while (k < t->npend && t->pend[k].ticket <= durable) {
            t->durable = t->pend[k];
            t->have_durable = true;
            k++;
        }
        memmove(t->pend, t->pend + k, (t->npend - k) * sizeof t->pend[0]);
        t->npend -= k;
        if (t->npend) {
            if (!t->have_durable)
                return; /* nothing durable yet: keep what was saved before */
            cur = t->durable;
        }
    }
    struct saved_pos *sp = find_saved(f, t->l);
    if (!sp) {
        if (f->nsaved >= FILEIN_MAX_STATE)
            return;
        sp = &f->saved[f->nsaved++];
        snprintf(sp->name, sizeof sp->name, "%s", t->l->cfg.name);
        snprintf(sp->path, sizeof sp->path, "%s", t->l->cfg.path);
    }
    sp->dev = cur.dev;
    sp->ino = cur.ino;
    sp->offset = cur.offset;
}

static void save_state(struct filein *f)
{
    for (size_t i = 0; i < f->nfiles; i++)
        remember(f, &f->files[i]);
    char tmp[600];
    snprintf(tmp, sizeof tmp, "%s.tmp", f->state_path);
    FILE *fp = fopen(tmp, "we");
    if (!fp) {
        mm_log_error("files", "cannot write '%s': %s", tmp, mm_strerror(errno));
        return;
    }
    for (size_t i = 0; i < f->nsaved; i++) {
        const struct saved_pos *sp = &f->saved[i];
        fprintf(fp, "%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\n", sp->name, sp->path, sp->dev,
                sp->ino, sp->offset);
    }
    fflush(fp);
    fsync(fileno(fp));
    fclose(fp);
    if (rename(tmp, f->state_path) < 0)
        mm_log_error("files", "cannot replace '%s': %s", f->state_path, mm_strerror(errno));
}

static void open_file(struct filein *f, struct tracked *t, bool rotated)
{
    int fd = open(t->l->cfg.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        if (!t->missing_logged)
            mm_log_warn("files", "cannot open '%s' for listener '%s': %s (will keep trying)",
                        t->l->cfg.path, t->l->cfg.name, mm_strerror(errno));
        t->missing_logged = true;
        return;
    }
    t->missing_logged = false;
    struct stat st;
    fstat(fd, &st);
    uint64_t start = 0;
    struct saved_pos *sp = find_saved(f, t->l);
    if (!rotated) {
        if (sp && sp->dev == (uint64_t)st.st_dev && sp->ino == (uint64_t)st.st_ino &&
            sp->offset <= (uint64_t)st.st_size)
            start = sp->offset; /* resume where the last run stopped */
        else if (!sp && !t->l->cfg.from_start)
            start = (uint64_t)st.st_size;
    }
    if (start)
        lseek(fd, (off_t)start, SEEK_SET);
    t->fd = fd;
    t->dev = st.st_dev;
    t->ino = st.st_ino;
    linereader_init(&t->lr, fd, f->s->cfg.max_message_size);
    t->lr.offset = start;
    mm_log_info("files", "reading '%s' for listener '%s' from byte %" PRIu64, t->l->cfg.path,
                t->l->cfg.name, start);
}

static void close_file(struct tracked *t)
{
    if (t->fd >= 0) {
        linereader_release(&t->lr);
        close(t->fd);
        t->fd = -1;
    }
}

/* Read all complete lines available; true when something was read. take_partial: the file is
 * finished (rotated away, listener removed), so a last line without LF is a line too. */
static bool read_lines(struct filein *f, struct tracked *t, bool take_partial)
{
    struct worker *w = &f->w;
    const char *line;
    size_t len;
    bool trunc, any = false;
    bool import = !t->l->cfg.follow;
    for (int i = 0; i < 100000; i++) {
        enum mm_status st = linereader_next(&t->lr, &line, &len, &trunc, import || take_partial);
        if (st != MM_OK) {
            if (st == MM_EOF && import) {
                t->done = true;
                mm_log_info("files", "imported '%s' (%" PRIu64 " bytes)", t->l->cfg.path,
                            t->lr.offset);
            } else if (st != MM_EOF && st != MM_AGAIN) {
                mm_log_error("files", "cannot read '%s': %s", t->l->cfg.path, mm_strerror(errno));
            }
            break;
        }
        any = true;
        if (len && line[len - 1] == '\r')
            len--;
        if (!len)
            continue;
        int64_t now = mm_now_ns();
        uint64_t before = CTR_GET(w->parsed);
        sensor_handle_message(f->s, w, t->l, NULL, NULL, line, len, trunc, now);
        if (CTR_GET(w->parsed) != before)
            atomic_fetch_add_explicit(&t->l->parsed, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&t->l->received, 1, memory_order_relaxed);
        atomic_fetch_add_explicit(&t->l->bytes, len, memory_order_relaxed);
        if (trunc)
            atomic_fetch_add_explicit(&t->l->truncated, 1, memory_order_relaxed);
    }
    sensor_flush_batch(f->s, w, true);
    note_position(f, t);
    return any;
}

/* At shutdown as in the loop: a partial last line stays unread, its position is saved. */
static void poll_file(struct filein *f, struct tracked *t)
{
    if (t->done)
        return;
    if (t->fd < 0)
        open_file(f, t, false);
    if (t->fd < 0)
        return;
    read_lines(f, t, false);
    if (!t->l->cfg.follow || t->done)
        return;
    /* at the end: has the file been rotated or truncated? */
    struct stat st;
    if (stat(t->l->cfg.path, &st) == 0) {
        if (st.st_ino != t->ino || st.st_dev != t->dev) {
            /* the writer may have added to the old file before moving it; the old file is
             * finished, so its last line counts even without an LF */
            read_lines(f, t, true);
            mm_log_info("files", "'%s' was rotated: reading the new file", t->l->cfg.path);
            close_file(t);
            open_file(f, t, true);
        } else if ((uint64_t)st.st_size < t->lr.offset) {
            mm_log_info("files", "'%s' was truncated: reading from the start", t->l->cfg.path);
            lseek(t->fd, 0, SEEK_SET);
            linereader_release(&t->lr);
            linereader_init(&t->lr, t->fd, f->s->cfg.max_message_size);
        }
    }
}

static void sync_files(struct filein *f)
{
    struct sensor *s = f->s;
    pthread_mutex_lock(&s->lock);
    unsigned gen = atomic_load(&s->generation);
    for (size_t i = 0; i < f->nfiles;) {
        struct tracked *t = &f->files[i];
        if (t->l->retired) {
            if (t->fd >= 0)
                read_lines(f, t, true);
            remember(f, t);
            close_file(t);
            f->files[i] = f->files[--f->nfiles];
        } else {
            i++;
        }
    }
    for (size_t i = 0; i < s->nlisteners; i++) {
        struct listener_rt *l = s->listeners[i];
        if (l->cfg.type != LISTEN_FILE)
            continue;
        bool have = false;
        for (size_t k = 0; k < f->nfiles; k++)
            have |= f->files[k].l == l;
        if (!have && f->nfiles < SENSOR_MAX_LISTENERS)
            f->files[f->nfiles++] = (struct tracked){ .l = l, .fd = -1 };
    }
    pthread_mutex_unlock(&s->lock);
    atomic_store(&f->seen_generation, gen);
}

static void *filein_main(void *arg)
{
    struct filein *f = arg;
    while (!atomic_load(&f->stop)) {
        if (atomic_load(&f->s->generation) != atomic_load(&f->seen_generation) || f->nfiles == 0)
            sync_files(f);
        for (size_t i = 0; i < f->nfiles; i++)
            poll_file(f, &f->files[i]);
        int64_t now = mm_now_ns();
        if (f->nfiles && now - f->last_save > FILEIN_SAVE_NS) {
            save_state(f);
            f->last_save = now;
        }
        pthread_mutex_lock(&f->wake_lock);
        if (!atomic_load(&f->stop)) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += FILEIN_POLL_MS * 1000000L;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&f->wake, &f->wake_lock, &ts);
        }
        pthread_mutex_unlock(&f->wake_lock);
    }
    for (size_t i = 0; i < f->nfiles; i++)
        poll_file(f, &f->files[i]);
    return NULL; /* filein_finish saves the positions and closes the files */
}

struct filein *filein_start(struct sensor *s, struct mm_error *err)
{
    struct filein *f = mm_calloc(1, sizeof *f);
    f->s = s;
    f->w.s = s;
    f->w.epfd = f->w.wake_fd = -1;
    event_init(&f->w.ev);
    buf_init(&f->w.batch, BUF_NO_MAX);
    buf_init(&f->w.converted, BUF_NO_MAX);
    sensor_detect_attach(s, &f->w);
    pthread_mutex_init(&f->w.lock, NULL);
    source_table_init(&f->w.sources, s->cfg.max_sources);
    pthread_mutex_init(&f->wake_lock, NULL);
    pthread_cond_init(&f->wake, NULL);
    snprintf(f->state_path, sizeof f->state_path, "%s/files.state", s->cfg.state_dir);
    load_state(f);
    sync_files(f);
    if (pthread_create(&f->thread, NULL, filein_main, f) == 0) {
        pthread_setname_np(f->thread, "mm-files"); /* names show in top -H, perf, gdb */
    } else {
        mm_error_set(err, MM_ERR_IO, "cannot start the file reader thread");
        sensor_detect_detach(s, &f->w);
        worker_release(&f->w);
        mm_free(f);
        return NULL;
    }
    return f;
}

void filein_wake(struct filein *f)
{
    pthread_mutex_lock(&f->wake_lock);
    pthread_cond_signal(&f->wake);
    pthread_mutex_unlock(&f->wake_lock);
}

void filein_stop(struct filein *f)
{
    if (!f)
        return;
    atomic_store(&f->stop, true);
    filein_wake(f);
    pthread_join(f->thread, NULL);
}

void filein_finish(struct filein *f)
{
    if (!f)
        return;
    if (f->nfiles || f->nsaved)
        save_state(f);
    for (size_t i = 0; i < f->nfiles; i++)
        close_file(&f->files[i]);
    worker_release(&f->w);
    pthread_mutex_destroy(&f->wake_lock);
    pthread_cond_destroy(&f->wake);
    mm_free(f);
}
