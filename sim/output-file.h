/* sim/output-file.h: where `oomsim run` writes its report (`-o FILE`, or standard output), as the run goes,
 * without ever leaving a half-written report behind: a regular file is written as a temporary file beside it
 * and renamed into place on success (removed on failure and on SIGINT, SIGTERM, SIGHUP, SIGQUIT); standard
 * output, a device or a FIFO get the report only when the run has succeeded, from a spool (memory up to 1 MiB,
 * then an unlinked temporary file), so memory does not grow with the report. The rules for what is already at
 * FILE are in docs/report-formats.md, "Output files".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _SimOutputFile SimOutputFile;

/* path NULL or "-": standard output. Refuses (G_FILE_ERROR) a read-only file, a symbolic link to nowhere, a
 * directory that cannot take the temporary file. Installs the signal handlers that remove the temporary file. */
SimOutputFile *sim_output_file_open(const char *path, GError **error);
/* A spool without a destination, to be searched (`oomsim check`'s <log>): memory up to 1 MiB, then an unlinked
 * temporary file; never committed. */
SimOutputFile *sim_output_file_open_search(void);
/* Whether what was written contains needle (anywhere, across lines, as strstr() finds it); G_FILE_ERROR if the
 * spill file cannot be read back. */
gboolean sim_output_file_contains(SimOutputFile *out, const char *needle, gboolean *out_found, GError **error);
/* Appends bytes; G_FILE_ERROR on a write error (disk full). */
gboolean sim_output_file_write(SimOutputFile *out, const char *bytes, gsize len, GError **error);
/* The same, as SimOptions.report_write wants it (data: the SimOutputFile). */
gboolean sim_output_file_write_cb(gpointer data, const char *bytes, gsize len, GError **error);
/* The run succeeded: the report takes its place (rename, or the spool copied out). */
gboolean sim_output_file_commit(SimOutputFile *out, GError **error);
/* Without a commit, nothing is left behind: the temporary file is removed. Accepts NULL. */
void sim_output_file_free(SimOutputFile *out);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimOutputFile, sim_output_file_free)

G_END_DECLS
