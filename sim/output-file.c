/* sim/output-file.c: SimOutputFile, the report's way to its destination (sim/output-file.h).
 *
 * Three ways, chosen by what is at the path when the run starts (docs/report-formats.md, "Output files"):
 * - REPLACE, a regular file or nothing: the report is written as it comes into `.NAME.XXXXXX` in the same
 *   directory (so the rename is atomic), which is renamed over NAME on success and keeps an existing file's mode;
 *   a symbolic link is resolved first, so the link stays a link;
 * - THROUGH, something that exists and is not a regular file (a device, a FIFO): never replaced, written through
 *   (as root, a rename over /dev/null would make it a regular file), but only on success: until then the report
 *   is spooled;
 * - STDOUT, "-": spooled the same way, so bad input found at step 1,000,000 does not leave 999,999 steps of
 *   report in a pipe.
 * The spool is memory up to SPOOL_MEMORY_BYTES, then an unlinked temporary file in $TMPDIR: memory stays bounded
 * whatever the report's size.
 * - SEARCH, no destination (sim_output_file_open_search()): `oomsim check` spools the dmesg report the same way
 *   and searches it for its <log contains="..."> at the end (sim_output_file_contains()), instead of keeping the
 *   whole report in memory (issue 13: 511 MB at 1M steps).
 *
 * Signals: the temporary file of REPLACE has a name, so a SIGINT, SIGTERM, SIGHUP or SIGQUIT removes it (the
 * handler unlinks the one registered name, async-signal-safe, then dies of the signal with the default action).
 * A signal the process started with ignored (nohup) stays ignored. One output file at a time has a name.
 */
#define _GNU_SOURCE /* memmem() */
#include "output-file.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#define SPOOL_MEMORY_BYTES (1u << 20)

typedef enum {
  OUTPUT_REPLACE,
  OUTPUT_THROUGH,
  OUTPUT_STDOUT,
  OUTPUT_SEARCH,
} OutputMode;

struct _SimOutputFile {
  OutputMode mode;
  char *path;    /* as given, for messages */
  char *target;  /* the file written (a link resolved) */
  char *tmp;     /* REPLACE: the temporary file's name */
  int fd;        /* REPLACE: the temporary file; spool: the spill file, or -1 */
  GString *mem;  /* spool: the first SPOOL_MEMORY_BYTES */
  mode_t file_mode;
  gboolean target_existed;
};

/* ---------------------------------------------------------------- signals */

static char signal_tmp_path[PATH_MAX];
static volatile sig_atomic_t signal_tmp_armed;
static const int cleanup_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

static void on_signal(int sig)
{
  if (signal_tmp_armed)
    unlink(signal_tmp_path);
  /* SA_RESETHAND restored the default action: die of the same signal, as the caller expects */
  raise(sig);
}

static void install_signal_handlers(void)
{
  static gboolean installed;
  if (installed)
    return;
  installed = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS(cleanup_signals); i++) {
    struct sigaction old, sa;
    if (sigaction(cleanup_signals[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
      continue; /* started ignored (nohup, a background job's SIGINT): stays ignored */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = (int)SA_RESETHAND;
    sigaction(cleanup_signals[i], &sa, NULL);
  }
}

/* ---------------------------------------------------------------- helpers */

static gboolean set_errno_error(GError **error, int saved, const char *path, const char *what)
{
  g_set_error(error, G_FILE_ERROR, (gint)g_file_error_from_errno(saved), "%s: %s%s%s", path, what ? what : "",
              what ? ": " : "", g_strerror(saved));
  return FALSE;
}

static gboolean write_fd(int fd, const char *bytes, gsize len)
{
  while (len > 0) {
    ssize_t n = write(fd, bytes, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    bytes += n;
    len -= (gsize)n;
  }
  return TRUE;
}

/* The process's umask (umask() can only be read by setting it). */
static mode_t umask_now(void)
{
  mode_t m = umask(022);
  umask(m);
  return m;
}

/* An anonymous file in $TMPDIR for the spool: O_TMPFILE where the file system has it, else a named one
 * unlinked at once. */
static int open_spill_file(GError **error)
{
  const char *dir = g_get_tmp_dir();
  int fd = -1;
#ifdef O_TMPFILE
  fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0)
    return fd;
#endif
  g_autofree char *name = g_build_filename(dir, "oomsim-spool-XXXXXX", NULL);
  fd = g_mkstemp_full(name, O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    set_errno_error(error, errno, dir, "cannot make a spool file for the report");
    return -1;
  }
  unlink(name);
  return fd;
}

/* ---------------------------------------------------------------- open */

static gboolean open_replace(SimOutputFile *out, GError **error)
{
  struct stat st;
  out->file_mode = 0666 & ~umask_now();
  if (stat(out->target, &st) == 0) {
    if (!(st.st_mode & S_IWUSR)) {
      g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ACCES, "%s is read-only (mode %04o): not overwritten", out->path,
                  (unsigned)(st.st_mode & 07777));
      return FALSE;
    }
    out->file_mode = st.st_mode & 07777;
    out->target_existed = TRUE;
  }
  g_autofree char *dir = g_path_get_dirname(out->target);
  g_autofree char *base = g_path_get_basename(out->target);
  g_autofree char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
  if (strlen(tmpl) >= sizeof signal_tmp_path) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NAMETOOLONG, "%s: the name is too long", out->path);
    return FALSE;
  }
  install_signal_handlers();
  /* mkstemp fills the name in the handler's own buffer before it creates the file: no window in which the file
   * exists and the handler does not know it (before that, it unlinks a name that does not exist) */
  memcpy(signal_tmp_path, tmpl, strlen(tmpl) + 1);
  signal_tmp_armed = 1;
  out->fd = g_mkstemp_full(signal_tmp_path, O_WRONLY | O_CLOEXEC, 0600);
  if (out->fd < 0) {
    signal_tmp_armed = 0;
    return set_errno_error(error, errno, out->path, "cannot create a temporary file beside it");
  }
  out->tmp = g_strdup(signal_tmp_path);
  return TRUE;
}

SimOutputFile *sim_output_file_open(const char *path, GError **error)
{
  g_autoptr(SimOutputFile) out = g_new0(SimOutputFile, 1);
  out->fd = -1;
  out->path = g_strdup(path ? path : "-");
  out->mem = g_string_new(NULL);
  if (!path || g_strcmp0(path, "-") == 0) {
    out->mode = OUTPUT_STDOUT;
    return g_steal_pointer(&out);
  }
  out->target = g_file_test(path, G_FILE_TEST_IS_SYMLINK) ? realpath(path, NULL) : g_strdup(path);
  if (!out->target) {
    set_errno_error(error, errno, path, "a symbolic link to nowhere");
    return NULL;
  }
  struct stat st;
  if (stat(out->target, &st) == 0 && !S_ISREG(st.st_mode)) {
    out->mode = OUTPUT_THROUGH;
    return g_steal_pointer(&out);
  }
  out->mode = OUTPUT_REPLACE;
  if (!open_replace(out, error))
    return NULL;
  return g_steal_pointer(&out);
}

SimOutputFile *sim_output_file_open_search(void)
{
  SimOutputFile *out = g_new0(SimOutputFile, 1);
  out->mode = OUTPUT_SEARCH;
  out->fd = -1;
  out->path = g_strdup("the kernel log");
  out->mem = g_string_new(NULL);
  return out;
}

/* ---------------------------------------------------------------- write */

gboolean sim_output_file_write(SimOutputFile *out, const char *bytes, gsize len, GError **error)
{
  if (out->mode != OUTPUT_REPLACE && out->fd < 0) {
    if (out->mem->len + len <= SPOOL_MEMORY_BYTES) {
      g_string_append_len(out->mem, bytes, (gssize)len);
      return TRUE;
    }
    out->fd = open_spill_file(error);
    if (out->fd < 0)
      return FALSE;
    if (!write_fd(out->fd, out->mem->str, out->mem->len))
      return set_errno_error(error, errno, g_get_tmp_dir(), "cannot spool the report");
    g_string_truncate(out->mem, 0);
  }
  if (!write_fd(out->fd, bytes, len))
    return set_errno_error(error, errno, out->mode == OUTPUT_REPLACE ? out->path : g_get_tmp_dir(),
                           out->mode == OUTPUT_REPLACE ? NULL : "cannot spool the report");
  return TRUE;
}

gboolean sim_output_file_write_cb(gpointer data, const char *bytes, gsize len, GError **error)
{
  return sim_output_file_write(data, bytes, len, error);
}

/* ---------------------------------------------------------------- search */

gboolean sim_output_file_contains(SimOutputFile *out, const char *needle, gboolean *out_found, GError **error)
{
  gsize len = strlen(needle);
  *out_found = FALSE;
  if (out->fd < 0) {
    *out_found = memmem(out->mem->str, out->mem->len, needle, len) != NULL;
    return TRUE;
  }
  if (lseek(out->fd, 0, SEEK_SET) < 0)
    return set_errno_error(error, errno, g_get_tmp_dir(), "cannot read the spooled report back");
  /* blocks of 64 KiB, each after the last len - 1 bytes of the one before: a match across two blocks is found */
  gsize block = MAX(1u << 16, len), kept = 0;
  g_autofree char *buf = g_malloc(block + len);
  for (;;) {
    ssize_t n = read(out->fd, buf + kept, block);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return set_errno_error(error, errno, g_get_tmp_dir(), "cannot read the spooled report back");
    gsize have = kept + (gsize)n;
    if (memmem(buf, have, needle, len) != NULL) {
      *out_found = TRUE;
      return TRUE;
    }
    if (n == 0)
      return TRUE;
    kept = MIN(have, len > 0 ? len - 1 : 0);
    memmove(buf, buf + have - kept, kept);
  }
}

/* ---------------------------------------------------------------- commit */

/* The spool (memory, then the spill file from its start) to fd. */
static gboolean copy_spool(SimOutputFile *out, int fd)
{
  if (out->fd < 0)
    return write_fd(fd, out->mem->str, out->mem->len);
  if (lseek(out->fd, 0, SEEK_SET) < 0)
    return FALSE;
  g_autofree char *buf = g_malloc(1u << 16);
  for (;;) {
    ssize_t n = read(out->fd, buf, 1u << 16);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return FALSE;
    if (n == 0)
      return TRUE;
    if (!write_fd(fd, buf, (gsize)n))
      return FALSE;
  }
}

static gboolean commit_replace(SimOutputFile *out, GError **error)
{
  /* an existing file is only replaced by one that is on disk (GLib's G_FILE_SET_CONTENTS_CONSISTENT rule) */
  if (fchmod(out->fd, out->file_mode) != 0 || (out->target_existed && fsync(out->fd) != 0))
    return set_errno_error(error, errno, out->path, NULL);
  int fd = out->fd;
  out->fd = -1;
  if (close(fd) != 0)
    return set_errno_error(error, errno, out->path, NULL);
  if (rename(out->tmp, out->target) != 0)
    return set_errno_error(error, errno, out->path, NULL);
  signal_tmp_armed = 0;
  g_clear_pointer(&out->tmp, g_free);
  return TRUE;
}

gboolean sim_output_file_commit(SimOutputFile *out, GError **error)
{
  gboolean ok;
  if (out->mode == OUTPUT_REPLACE) {
    ok = commit_replace(out, error);
  } else if (out->mode == OUTPUT_SEARCH) {
    ok = TRUE; /* nowhere to go */
  } else if (out->mode == OUTPUT_STDOUT) {
    fflush(stdout);
    ok = copy_spool(out, STDOUT_FILENO) || set_errno_error(error, errno, "standard output", "cannot write");
  } else {
    int fd = open(out->target, O_WRONLY | O_CLOEXEC);
    ok = fd >= 0 && copy_spool(out, fd);
    int saved = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
      ok = FALSE;
      saved = errno;
    }
    if (!ok)
      set_errno_error(error, saved, out->path, NULL);
  }
  return ok;
}

void sim_output_file_free(SimOutputFile *out)
{
  if (!out)
    return;
  if (out->fd >= 0)
    close(out->fd);
  if (out->tmp) { /* not renamed: the run failed, or the commit did */
    unlink(out->tmp);
    signal_tmp_armed = 0;
  }
  g_string_free(out->mem, TRUE);
  g_free(out->tmp);
  g_free(out->target);
  g_free(out->path);
  g_free(out);
}
