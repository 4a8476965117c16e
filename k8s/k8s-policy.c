/* k8s/k8s-policy.c: pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust() and
 * pkg/apis/core/v1/helper/qos/qos.go GetPodQOS(), Kubernetes 1.15 to 1.33.
 *
 * The kubelet gives every container an oom_score_adj from its pod's QoS class, so that the kernel's OOM killer,
 * which adds oom_score_adj * totalpages / 1000 to a task's pages, prefers BestEffort pods, then Burstable pods
 * that use much more than they requested, and spares Guaranteed pods:
 *
 *   node-critical pod -> guaranteedOOMScoreAdj
 *   Guaranteed        -> guaranteedOOMScoreAdj
 *   BestEffort        -> 1000
 *   Burstable         -> 1000 - 1000 * request / memoryCapacity (integer division, as Go's int64 does),
 *                        raised to 1000 + guaranteedOOMScoreAdj, and 1000 turned into 999.
 *
 * What changed between the versions (each change cited; docs/kubernetes.md has the table):
 *   - guaranteedOOMScoreAdj is -998 up to 1.18 and -997 from 1.19 (kubernetes PR #71269, "Set the oom_score_adj
 *     of guaranteed pod to -997", so that the pause container at -998 is not killed before the workload). The
 *     Burstable floor 1000 + guaranteedOOMScoreAdj moves with it, from 2 to 3.
 *   - 1.16 adds the critical-pod rule (PR #73758): a pod with priority >= SystemCriticalPriority (2000000000)
 *     gets guaranteedOOMScoreAdj whatever its QoS class (types.IsCriticalPod()); 1.15 has no such rule (kubernetes
 *     issue #90393, a 1.15.6 node). 1.22 narrows it to system-node-critical pods (PR #99729,
 *     types.IsNodeCriticalPod(): IsCriticalPod and priorityClassName == "system-node-critical").
 *   - 1.33 adds the sidecar rule (PR #128029): a restartable init container's adj is lowered to that of the
 *     regular container with the smallest memory request, if that is lower (isSidecarContainer(),
 *     minRegularContainerMemory()).
 *   - Inputs that change without a scenario saying so are not modelled: InPlacePodVerticalScaling (1.27+) reads the
 *     allocated request, which equals the spec's request until a resize; PodLevelResources (1.32+, alpha, off)
 *     adds a share of a pod-level request; static and mirror pods also count as critical in IsCriticalPod().
 */
#include "k8s-policy.h"

const char *const k8s_qos_names[K8S_QOS_N] = {
  [K8S_QOS_GUARANTEED] = "Guaranteed",
  [K8S_QOS_BURSTABLE] = "Burstable",
  [K8S_QOS_BESTEFFORT] = "BestEffort",
};

const char *const k8s_qos_slices[K8S_QOS_N] = {
  [K8S_QOS_GUARANTEED] = "",
  [K8S_QOS_BURSTABLE] = "burstable",
  [K8S_QOS_BESTEFFORT] = "besteffort",
};

const K8sPolicyProfile *
k8s_policy_profile(int minor)
{
  static K8sPolicyProfile profiles[K8S_MAX_MINOR - K8S_MIN_MINOR + 1];
  if (minor < K8S_MIN_MINOR || minor > K8S_MAX_MINOR)
    return NULL;
  K8sPolicyProfile *p = &profiles[minor - K8S_MIN_MINOR];
  p->minor = minor;
  p->guaranteed_oom_score_adj = minor >= 19 ? -997 : -998;
  p->critical_rule = minor >= 22 ? K8S_CRITICAL_NODE_ONLY : minor >= 16 ? K8S_CRITICAL_ANY : K8S_CRITICAL_NONE;
  p->sidecar_rule = minor >= 33;
  return p;
}

/* GetPodQOS(): requests and limits summed over the containers, zero quantities ignored; no request and no limit
 * is BestEffort; a limit on every container with the requests equal to the limits is Guaranteed; else
 * Burstable. */
K8sQos
k8s_pod_qos_from_memory(const K8sPodResources *pod)
{
  guint64 requests = 0, limits = 0;
  gboolean limit_everywhere = TRUE;
  for (guint i = 0; i < pod->n_containers; i++) {
    const K8sContainerResources *c = &pod->containers[i];
    requests += c->request_bytes;
    limits += c->limit_bytes;
    if (c->limit_bytes == 0)
      limit_everywhere = FALSE;
  }
  if (requests == 0 && limits == 0)
    return K8S_QOS_BESTEFFORT;
  if (limit_everywhere && requests == limits)
    return K8S_QOS_GUARANTEED;
  return K8S_QOS_BURSTABLE;
}

static gboolean
is_critical(const K8sPolicyProfile *profile, const K8sPodResources *pod)
{
  gboolean critical = pod->priority >= K8S_SYSTEM_CRITICAL_PRIORITY; /* IsCriticalPodBasedOnPriority() */
  switch (profile->critical_rule) {
  case K8S_CRITICAL_ANY:
    return critical;
  case K8S_CRITICAL_NODE_ONLY:
    return critical && g_strcmp0(pod->priority_class, "system-node-critical") == 0;
  case K8S_CRITICAL_NONE:
  default:
    return FALSE;
  }
}

/* 1000 - (1000*memoryRequest)/memoryCapacity, in Go's int64 arithmetic (truncating division). */
static gint64
burstable_adj(guint64 request_bytes, gint64 memory_capacity_bytes)
{
  return 1000 - (1000 * (gint64) request_bytes) / memory_capacity_bytes;
}

/* minRegularContainerMemory(): the smallest memory request among the regular (not init) containers. */
static guint64
min_regular_request(const K8sPodResources *pod)
{
  guint64 min = G_MAXUINT64;
  for (guint i = 0; i < pod->n_containers; i++)
    if (!pod->containers[i].sidecar)
      min = MIN(min, pod->containers[i].request_bytes);
  return min == G_MAXUINT64 ? 0 : min;
}

int
k8s_container_oom_score_adj(const K8sPolicyProfile *profile, const K8sPodResources *pod, K8sQos qos, guint index,
                            gint64 memory_capacity_bytes)
{
  g_return_val_if_fail(index < pod->n_containers && memory_capacity_bytes > 0, 0);
  int guaranteed = profile->guaranteed_oom_score_adj;
  if (is_critical(profile, pod))
    return guaranteed;
  if (qos == K8S_QOS_GUARANTEED)
    return guaranteed;
  if (qos == K8S_QOS_BESTEFFORT)
    return K8S_BESTEFFORT_OOM_SCORE_ADJ;

  const K8sContainerResources *c = &pod->containers[index];
  gint64 adj = burstable_adj(c->request_bytes, memory_capacity_bytes);
  if (profile->sidecar_rule && c->sidecar) {
    gint64 min_adj = burstable_adj(min_regular_request(pod), memory_capacity_bytes);
    if (adj > min_adj)
      adj = min_adj;
  }
  /* A guaranteed pod using 100% of memory can have an OOM score of 10: keep Burstable above it. */
  if (adj < 1000 + guaranteed)
    return 1000 + guaranteed;
  /* Give burstable pods a higher chance of survival over besteffort pods. */
  if (adj == K8S_BESTEFFORT_OOM_SCORE_ADJ)
    return (int) adj - 1;
  return (int) adj;
}
