/* k8s/k8s-backoff.c: ShouldContainerBeRestarted() and the CrashLoopBackOff, kubelet 1.15 - 1.33.
 *
 * When a container's process ends, the pod's next sync (SyncPod() -> computePodActions()) asks
 * ShouldContainerBeRestarted() (pkg/kubelet/container/helpers.go): not for a pod being deleted or failed (an evicted
 * pod is failed), never under restartPolicy Never, under OnFailure only after a non-zero exit code, under Always
 * always. A container to start goes through doBackOff() (kuberuntime_manager.go): with the finish time of its last
 * exited instance as the event time, IsInBackOffSince(key, finishedAt) says whether the back-off still runs: then
 * the sync fails with CrashLoopBackOff ("back-off 20s restarting failed container=...") and the pod is synced again
 * later; else Next(key, finishedAt) moves the back-off on and the container starts. flowcontrol.NewBackOff(10 s,
 * 300 s): a key without an entry starts at 10 s, each Next() doubles it up to 300 s, and an entry whose lastUpdate
 * is more than twice the maximum (600 s) before the event is expired and starts over at 10 s. So a container that
 * keeps failing is started at once after its first failure (no entry yet: Next() creates it at 10 s), then 10 s,
 * 20 s, 40 s, 80 s, 160 s, 300 s, 300 s ... after each later failure; one that ran for more than 600 s after its
 * last start is restarted at once again.
 *
 * The model's simplifications (docs/kubernetes.md, "Restarts"): the kubelet notices an exit at once (the PLEG's
 * relist every second is not modelled) and starts the container the moment the back-off ends (the real pod worker
 * retries a failed sync after backOffPeriod, 10 s, with up to 50% jitter, so a real restart comes at the first
 * retry after the back-off ended); starting takes no time.
 */
#include "k8s-backoff.h"

#include <string.h>

gboolean k8s_may_restart(const K8sPod *pod, const K8sContainer *c)
{
  return c->sidecar || strcmp(pod->restart_policy, "Never") != 0;
}

gboolean k8s_should_restart(const K8sPod *pod, const K8sContainer *c, int status, gboolean evicted)
{
  if (evicted || !k8s_may_restart(pod, c))
    return FALSE;
  return c->sidecar || strcmp(pod->restart_policy, "OnFailure") != 0 || status != 0;
}

/* hasExpired(): eventTime.Sub(lastUpdate) > maxDuration*2 (a Go Duration: signed) */
static gboolean backoff_expired(const K8sBackoff *b, guint64 event_ns)
{
  return event_ns > b->last_update_ns && event_ns - b->last_update_ns > 2 * K8S_BACKOFF_MAX_NS;
}

gboolean k8s_backoff_in_backoff_since(const K8sBackoff *b, guint64 finished_ns, guint64 now_ns)
{
  if (!b->exists || backoff_expired(b, finished_ns))
    return FALSE;
  /* p.Clock.Since(eventTime) < entry.backoff */
  return now_ns < finished_ns || now_ns - finished_ns < b->backoff_ns;
}

void k8s_backoff_next(K8sBackoff *b, guint64 finished_ns, guint64 now_ns)
{
  if (!b->exists || backoff_expired(b, finished_ns))
    b->backoff_ns = K8S_BACKOFF_INITIAL_NS; /* initEntryUnsafe() */
  else
    b->backoff_ns = MIN(2 * b->backoff_ns, K8S_BACKOFF_MAX_NS);
  b->exists = TRUE;
  b->last_update_ns = now_ns;
}

guint64 k8s_backoff_restart_at(const K8sBackoff *b, guint64 finished_ns, guint64 *out_backoff_ns)
{
  if (!k8s_backoff_in_backoff_since(b, finished_ns, finished_ns)) {
    *out_backoff_ns = 0;
    return finished_ns;
  }
  *out_backoff_ns = b->backoff_ns;
  return finished_ns + b->backoff_ns;
}
