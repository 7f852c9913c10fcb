/*
 * mapped.c - a memory-mapped data file that shrinks while a command uses
 * it. The library reads a .bpd in place (bp_dataset_load maps it); when
 * another program truncates the file meanwhile, the pages past its new
 * end are gone and reading them raises SIGBUS, which no status code can
 * report. The library must not catch signals (it never prints or exits);
 * the command may: cli_data_load notes each data file it loads and which
 * addresses its samples occupy, and the handler main() installs writes
 * the one line naming that file and _exits with 1. Files the command
 * writes are written atomically (a temporary file renamed over the
 * target), so the target is never left half-written; what was being
 * written is not renamed into place, and a temporary file the command
 * noted (cli_mapped_temp: convert's, which is written while the mapped
 * data is read) is unlinked.
 *
 * The notes are static: a command runs once per process. Without the
 * handler (tests/fuzz/fuzz_cli.c calls cli_main itself) they are inert.
 */
#define _POSIX_C_SOURCE 200809L
#include "cli.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

/* A command maps at most two files (train's --data and --test); later
 * loads reuse the last note. */
#define MAX_NOTES 4

typedef struct {
    uintptr_t lo[2], hi[2]; /* the inputs' and the targets' bytes */
    char msg[512];          /* the whole line, newline included */
    size_t len;
} note;

static note notes[MAX_NOTES];
/* the temporary file being written while mapped data is read, if any */
static char temp[4096];
static volatile sig_atomic_t has_temp;
static volatile sig_atomic_t n_notes;      /* notes[0..n_notes) are complete */
static volatile sig_atomic_t loading = -1; /* the note of a load under way */

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    const uintptr_t a = (uintptr_t)si->si_addr;
    int k = loading; /* a fault inside bp_dataset_load: its file */
    for (int i = 0; i < n_notes && k < 0; i++)
        for (int r = 0; r < 2; r++)
            if (a >= notes[i].lo[r] && a < notes[i].hi[r])
                k = i;
    if (k < 0 && n_notes == 1)
        k = 0;
    static const char other[] = "backprop: bus error (a memory-mapped file "
                                "shrank, or the hardware failed)\n";
    if (has_temp)
        unlink(temp); /* async-signal-safe; the target stays as it was */
    if (k >= 0) {
        if (write(STDERR_FILENO, notes[k].msg, notes[k].len) < 0)
            _exit(CLI_ERR);
    } else if (write(STDERR_FILENO, other, sizeof other - 1) < 0) {
        _exit(CLI_ERR);
    }
    _exit(CLI_ERR);
}

void cli_mapped_guard(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_sigbus;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

void cli_mapped_temp(const char *path)
{
    has_temp = 0; /* never a half-copied name */
    const size_t len = path ? strlen(path) : 0;
    if (!path || len >= sizeof temp)
        return; /* a path this long is left behind, as before */
    memcpy(temp, path, len + 1);
    has_temp = 1;
}

/* [p, p + bytes) as a range of addresses; an empty one when p is NULL. */
static void range(const void *p, size_t bytes, uintptr_t *lo, uintptr_t *hi)
{
    *lo = (uintptr_t)p;
    *hi = p ? (uintptr_t)p + bytes : 0;
}

bp_status cli_data_load(const char *cmd, const char *path,
                        const bp_data_opts *opts, bp_dataset **out,
                        bp_error *err)
{
    const int k = n_notes < MAX_NOTES ? n_notes : MAX_NOTES - 1;
    note *nt = &notes[k];
    if (k < n_notes)
        n_notes = k; /* reused: not matched while it changes */
    int len = snprintf(nt->msg, sizeof nt->msg,
                       "backprop %s: %s: the file shrank while in use (a "
                       ".bpd is memory-mapped: replace it, never truncate "
                       "or rewrite it in place, while a command reads it)\n",
                       cmd, path);
    if (len < 0 || (size_t)len >= sizeof nt->msg) { /* a very long path */
        len = (int)sizeof nt->msg - 1;
        nt->msg[len - 1] = '\n';
    }
    nt->len = (size_t)len;
    nt->lo[0] = nt->hi[0] = nt->lo[1] = nt->hi[1] = 0;
    loading = k;
    bp_status st = bp_dataset_load(path, opts, out, err);
    loading = -1;
    if (st || !bp_dataset_is_mapped(*out))
        return st; /* nothing to note: the note is free again */
    const bp_data d = bp_dataset_data(*out);
    const size_t n = (size_t)d.n;
    range(d.x, n * (size_t)d.n_in * sizeof *d.x, &nt->lo[0], &nt->hi[0]);
    if (d.label)
        range(d.label, n * sizeof *d.label, &nt->lo[1], &nt->hi[1]);
    else
        range(d.t, n * (size_t)d.n_out * sizeof *d.t, &nt->lo[1], &nt->hi[1]);
    n_notes = k + 1;
    return st;
}
