/* k8s/k8s-backoff.h: the kubelet's decision to restart a container and when: ShouldContainerBeRestarted()
 * (pkg/kubelet/container/helpers.go) and the CrashLoopBackOff of doBackOff() (pkg/kubelet/kuberuntime/
 * kuberuntime_manager.go) over client-go's flowcontrol.Backoff (util/flowcontrol/backoff.go), kubelet 1.15 - 1.33.
 * Pure functions over one back-off entry; sim/engine-restart.c acts on them. */
#pragma once

#include "k8s-node.h"

G_BEGIN_DECLS

/* pkg/kubelet/kubelet.go: backOffPeriod and MaxContainerBackOff, the same from 1.15 to 1.33 (1.32's
 * KubeletCrashLoopBackOffMax and 1.33's ReduceDefaultCrashLoopBackOffDecay are alpha gates, off by default). */
#define K8S_BACKOFF_INITIAL_NS (G_GUINT64_CONSTANT(10) * 1000000000u)
#define K8S_BACKOFF_MAX_NS (G_GUINT64_CONSTANT(300) * 1000000000u)

/* flowcontrol.Backoff's perItemBackoff[key] for one container (getStableKey(): pod and container); none at first. */
typedef struct {
  gboolean exists;
  guint64 backoff_ns;     /* entry.backoff */
  guint64 last_update_ns; /* entry.lastUpdate: the Clock.Now() of the last Next() */
} K8sBackoff;

/* ShouldContainerBeRestarted() for container c of pod that ended with exit status `status` (the runtime's exit
 * code, 137 for SIGKILL): never when the pod was evicted (it is failed); a native sidecar (a restartable init
 * container, computeInitContainerActions()) after any exit; else never with restartPolicy Never, with OnFailure only
 * after a non-zero status, with Always after any. */
gboolean k8s_should_restart(const K8sPod *pod, const K8sContainer *c, int status, gboolean evicted);
/* Whether anything could make the kubelet start c again (a sidecar, or a pod policy other than Never). */
gboolean k8s_may_restart(const K8sPod *pod, const K8sContainer *c);

/* IsInBackOffSince(key, finished): the entry is not expired (hasExpired(): finished - lastUpdate > 2 * max) and
 * now - finished < entry.backoff. */
gboolean k8s_backoff_in_backoff_since(const K8sBackoff *b, guint64 finished_ns, guint64 now_ns);

/* Next(key, finished) at now: a new or expired entry starts at the initial 10 s, else the back-off doubles up to
 * 300 s (no jitter: the kubelet's Backoff has none); lastUpdate = now. */
void k8s_backoff_next(K8sBackoff *b, guint64 finished_ns, guint64 now_ns);

/* When the kubelet starts a container again that finished at finished_ns, deciding at that moment (doBackOff()
 * at the sync the exit triggers): finished_ns itself when it is not in back-off, else the first moment
 * IsInBackOffSince() is false, finished + entry.backoff. *out_backoff_ns: the back-off it waits (0: none). */
guint64 k8s_backoff_restart_at(const K8sBackoff *b, guint64 finished_ns, guint64 *out_backoff_ns);

G_END_DECLS
