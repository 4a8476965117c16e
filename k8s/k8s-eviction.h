/* k8s/k8s-eviction.h: the kubelet's eviction manager for memory, the choosing half (pkg/kubelet/eviction,
 * Kubernetes 1.28: eviction_manager.go synchronize(), helpers.go). The simulator (sim/engine.c) is the acting half:
 * it runs k8s_eviction_synchronize() on its virtual clock every housekeeping interval, hands it what the kubelet's
 * summary provider would measure, and kills the pod it names.
 */
#pragma once

#include "k8s-node.h"

G_BEGIN_DECLS

/* What the summary API reports, in bytes (working set = usage - inactive_file). */
typedef struct {
  guint64 node_working_set_bytes;     /* the root cgroup's */
  guint64 kubepods_working_set_bytes; /* the node allocatable cgroup's */
  const guint64 *pod_working_set_bytes; /* per pod of node->pods, in that order; G_MAXUINT64: not running */
} K8sEvictionStats;

typedef struct {
  GArray *first_observed_ns;  /* per threshold of node->thresholds: when it was first met; G_MAXUINT64: not met */
  gboolean *met;              /* per threshold: met at the last pass (kept until min-reclaim is recovered) */
  gboolean memory_pressure;   /* the MemoryPressure node condition */
  guint64 pressure_last_observed_ns;
  gboolean evicted_any;
} K8sEvictionState;

typedef struct {
  guint64 memory_available_bytes, allocatable_available_bytes;
  int threshold;              /* the threshold acted on (index into node->thresholds), -1: none */
  gboolean memory_pressure;   /* the node condition after this pass */
  gboolean pressure_changed;
  int pod;                    /* the pod to evict (index into node->pods), -1: none */
  char *message;              /* the eviction message the pod's status gets, or why nothing was evicted */
} K8sEvictionDecision;

K8sEvictionState *k8s_eviction_state_new(const K8sNode *node);
void k8s_eviction_state_free(K8sEvictionState *state);
void k8s_eviction_decision_clear(K8sEvictionDecision *decision);

/* One synchronize() pass at now_ns. Updates state; fills decision. */
void k8s_eviction_synchronize(const K8sNode *node, K8sEvictionState *state, const K8sEvictionStats *stats,
                              guint64 now_ns, K8sEvictionDecision *decision);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(K8sEvictionState, k8s_eviction_state_free)

G_END_DECLS
