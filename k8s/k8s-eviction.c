/* k8s/k8s-eviction.c: pkg/kubelet/eviction/eviction_manager.go synchronize() and helpers.go, Kubernetes 1.28, for
 * the memory signals.
 *
 * Every housekeeping interval (evictionMonitoringPeriod, 10 s) the kubelet observes
 *   memory.available            = capacity - node working set
 *   allocatableMemory.available = allocatable capacity - kubepods working set
 * where a working set is usage - inactive_file (cadvisor). A threshold is met when the available memory is below
 * it (thresholdsMet()); a threshold met at the last pass stays met until the available memory is back above the
 * threshold plus eviction-minimum-reclaim (thresholdsMet(..., enforceMinReclaim=true)); a soft threshold acts only
 * once it has been met for its grace period (thresholdsMetGracePeriod()). While any memory threshold is met, or
 * was in the last eviction-pressure-transition-period, the node has the condition MemoryPressure
 * (nodeConditionsObservedSince()).
 *
 * When a threshold acts, the pods are ranked by rankMemoryPressure() = orderedBy(exceedMemoryRequests, priority,
 * memory): pods whose working set exceeds their memory request first, then lower priority first, then the largest
 * working set above the request first. Go's sort.Sort is not stable; the model breaks the remaining ties by
 * document order (the order of the pods in <kubelet>). The first pod is evicted, one pod per pass
 * (synchronize() returns after the first successful evictPod()).
 */
#include "k8s-eviction.h"

K8sEvictionState *
k8s_eviction_state_new(const K8sNode *node)
{
  K8sEvictionState *state = g_new0(K8sEvictionState, 1);
  state->first_observed_ns = g_array_new(FALSE, FALSE, sizeof(guint64));
  state->met = g_new0(gboolean, node->thresholds->len + 1);
  for (guint i = 0; i < node->thresholds->len; i++) {
    guint64 never = G_MAXUINT64;
    g_array_append_val(state->first_observed_ns, never);
  }
  return state;
}

void
k8s_eviction_state_free(K8sEvictionState *state)
{
  if (state == NULL)
    return;
  g_array_unref(state->first_observed_ns);
  g_free(state->met);
  g_free(state);
}

void
k8s_eviction_decision_clear(K8sEvictionDecision *decision)
{
  g_clear_pointer(&decision->message, g_free);
}

typedef struct {
  const K8sNode *node;
  const K8sEvictionStats *stats;
} RankCtx;

/* exceedMemoryRequests(), priority(), memory(): < 0 when pod a is evicted before pod b. */
static int
rank_memory_pressure(const RankCtx *ctx, guint a, guint b)
{
  const K8sPod *pa = ctx->node->pods->pdata[a], *pb = ctx->node->pods->pdata[b];
  guint64 ua = ctx->stats->pod_working_set_bytes[a], ub = ctx->stats->pod_working_set_bytes[b];
  gboolean exceeds_a = ua > pa->memory_request_bytes, exceeds_b = ub > pb->memory_request_bytes;
  if (exceeds_a != exceeds_b)
    return exceeds_a ? -1 : 1;
  if (pa->priority != pb->priority)
    return pa->priority < pb->priority ? -1 : 1;
  gint64 above_a = (gint64) ua - (gint64) pa->memory_request_bytes; /* usage - request, may be negative */
  gint64 above_b = (gint64) ub - (gint64) pb->memory_request_bytes;
  if (above_a != above_b)
    return above_a > above_b ? -1 : 1;
  return a < b ? -1 : (a > b ? 1 : 0); /* document order: the model's tie rule */
}

static guint64
available(guint64 capacity, guint64 working_set)
{
  return working_set >= capacity ? 0 : capacity - working_set;
}

/* thresholdsMet() with and without the minimum reclaim. */
static gboolean
threshold_met(const K8sThreshold *t, guint64 avail, gboolean was_met)
{
  guint64 quantity = t->quantity_bytes + (was_met ? t->min_reclaim_bytes : 0);
  return avail < quantity;
}

void
k8s_eviction_synchronize(const K8sNode *node, K8sEvictionState *state, const K8sEvictionStats *stats,
                         guint64 now_ns, K8sEvictionDecision *decision)
{
  *decision = (K8sEvictionDecision){ .threshold = -1, .pod = -1 };
  decision->memory_available_bytes = available(node->capacity_bytes, stats->node_working_set_bytes);
  decision->allocatable_available_bytes = available(node->kubepods_limit_bytes, stats->kubepods_working_set_bytes);

  gboolean any_met = FALSE;
  for (guint i = 0; i < node->thresholds->len; i++) {
    const K8sThreshold *t = &g_array_index(node->thresholds, K8sThreshold, i);
    guint64 avail = t->signal == K8S_SIGNAL_MEMORY_AVAILABLE ? decision->memory_available_bytes
                                                              : decision->allocatable_available_bytes;
    gboolean met = threshold_met(t, avail, state->met[i]);
    guint64 *first = &g_array_index(state->first_observed_ns, guint64, i);
    state->met[i] = met;
    if (!met) {
      *first = G_MAXUINT64;
      continue;
    }
    if (*first == G_MAXUINT64)
      *first = now_ns;
    any_met = TRUE;
    gboolean grace_over = t->hard || now_ns - *first >= t->grace_period_ns;
    if (grace_over && decision->threshold < 0)
      decision->threshold = (int) i; /* memory thresholds only: the first one (hard ones come first) */
  }

  /* MemoryPressure: met thresholds (grace period or not) set it; it clears a transition period after the last. */
  gboolean was = state->memory_pressure;
  if (any_met)
    state->pressure_last_observed_ns = now_ns;
  state->memory_pressure = any_met || (was && now_ns - state->pressure_last_observed_ns <
                                                  node->pressure_transition_period_ns);
  decision->memory_pressure = state->memory_pressure;
  decision->pressure_changed = was != state->memory_pressure;
  if (decision->threshold < 0)
    return;

  RankCtx ctx = { node, stats };
  int best = -1;
  for (guint i = 0; i < node->pods->len; i++) {
    if (stats->pod_working_set_bytes[i] == G_MAXUINT64)
      continue; /* not running: not an active pod */
    if (best < 0 || rank_memory_pressure(&ctx, i, (guint) best) < 0)
      best = (int) i;
  }
  const K8sThreshold *t = &g_array_index(node->thresholds, K8sThreshold, decision->threshold);
  guint64 avail = t->signal == K8S_SIGNAL_MEMORY_AVAILABLE ? decision->memory_available_bytes
                                                            : decision->allocatable_available_bytes;
  if (best < 0) {
    decision->message = g_strdup_printf("%s<%s met (available %" G_GUINT64_FORMAT "), but no pod to evict",
                                        k8s_signal_names[t->signal], t->value_text, avail);
    return;
  }
  decision->pod = best;
  const K8sPod *pod = node->pods->pdata[best];
  /* evictionMessage(): "The node was low on resource: memory. Threshold quantity: Q, available: A. " and, per
   * container using more than its request, "Container C was using U, request is R, has larger consumption of
   * memory." (the kubelet prints quantities in their canonical form; here in bytes, with Ki) */
  g_autoptr(GString) message = g_string_new(NULL);
  g_string_append_printf(message, "The node was low on resource: memory. Threshold quantity: %s, available: %"
                         G_GUINT64_FORMAT "Ki. ", t->value_text, avail / 1024);
  g_string_append_printf(message, "Pod %s/%s was using %" G_GUINT64_FORMAT "Ki, request is %" G_GUINT64_FORMAT "Ki.",
                         pod->namespace_, pod->name, stats->pod_working_set_bytes[best] / 1024,
                         pod->memory_request_bytes / 1024);
  decision->message = g_string_free(g_steal_pointer(&message), FALSE);
}
