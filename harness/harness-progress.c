/* harness/harness-progress.c: `oomsim validate`'s per-VM progress lines on a terminal (harness-progress.h).
 *
 * The lines say which scenario runs on which kernel and how long its VM took, in the order the VMs start and
 * finish (which is not the report's order with --jobs > 1). Elapsed time is the host's monotonic clock: it is
 * shown to a person and never reaches the report, which stays deterministic.
 */
#include "harness-progress.h"

#include <stdio.h>
#include <unistd.h>

struct HarnessProgress {
  GMutex lock;
  guint total, started;
};

HarnessProgress *harness_progress_new(guint total)
{
  if (!isatty(STDERR_FILENO))
    return NULL;
  HarnessProgress *p = g_new0(HarnessProgress, 1);
  g_mutex_init(&p->lock);
  p->total = total;
  return p;
}

void harness_progress_free(HarnessProgress *p)
{
  if (!p)
    return;
  g_mutex_clear(&p->lock);
  g_free(p);
}

void harness_progress_add(HarnessProgress *p)
{
  if (!p)
    return;
  g_mutex_lock(&p->lock);
  p->total++;
  g_mutex_unlock(&p->lock);
}

guint harness_progress_start(HarnessProgress *p, const char *scenario, const char *kernel, gint64 *out_started)
{
  *out_started = g_get_monotonic_time();
  if (!p)
    return 0;
  g_mutex_lock(&p->lock);
  guint number = ++p->started;
  fprintf(stderr, "[%u/%u] %s %s: VM started\n", number, p->total, kernel, scenario);
  fflush(stderr);
  g_mutex_unlock(&p->lock);
  return number;
}

void harness_progress_end(HarnessProgress *p, guint number, const char *scenario, const char *kernel, gint64 started,
                          const char *how)
{
  if (!p)
    return;
  double seconds = (double)(g_get_monotonic_time() - started) / G_USEC_PER_SEC;
  g_mutex_lock(&p->lock);
  fprintf(stderr, "[%u/%u] %s %s: %s in %.1f s\n", number, p->total, kernel, scenario, how, seconds);
  fflush(stderr);
  g_mutex_unlock(&p->lock);
}
