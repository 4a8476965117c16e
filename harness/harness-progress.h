/* harness/harness-progress.h: `oomsim validate`'s progress on a terminal, one line as each VM run starts and ends.
 *
 * Serves the person watching a validation that takes minutes: without it nothing is printed until the last VM
 * has finished. Progress goes to standard error and only when that is a terminal, so a redirected or piped run
 * (CI, tests, scripts) gets exactly the report it got before. The VM runs are in a thread pool: the functions lock.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct HarnessProgress HarnessProgress;

/* Progress for `total` VM runs on stderr if it is a terminal; NULL (and every call a no-op) otherwise. */
HarnessProgress *harness_progress_new(guint total);
void harness_progress_free(HarnessProgress *progress);
/* One more VM run to come (a kernel-race re-run). */
void harness_progress_add(HarnessProgress *progress);
/* "[2/7] 6.1 scenarios/validation/memcg-largest-dies.xml: VM started": returns the run's number (2) and sets
 * *out_started for _end. */
guint harness_progress_start(HarnessProgress *progress, const char *scenario, const char *kernel, gint64 *out_started);
/* "[2/7] 6.1 scenarios/validation/memcg-largest-dies.xml: done in 48.3 s" (how: "done", "failed", ...). */
void harness_progress_end(HarnessProgress *progress, guint number, const char *scenario, const char *kernel,
                          gint64 started, const char *how);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(HarnessProgress, harness_progress_free)

G_END_DECLS
