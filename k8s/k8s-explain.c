/* k8s/k8s-explain.c: the kubelet's derivations in words (policy.go's branches, node allocatable's arithmetic). */
#include "k8s-explain.h"

#include <string.h>

static char *
bytes_text(guint64 bytes)
{
  g_autofree char *human = g_format_size_full(bytes, G_FORMAT_SIZE_IEC_UNITS);
  return g_strdup_printf("%" G_GUINT64_FORMAT " (%s)", bytes, human);
}

char *
k8s_explain_node(const K8sNode *node)
{
  if (node == NULL)
    return NULL;
  g_autofree char *capacity = bytes_text(node->capacity_bytes);
  g_autofree char *kubepods = bytes_text(node->kubepods_limit_bytes);
  g_autofree char *allocatable = bytes_text(node->allocatable_bytes);
  return g_strdup_printf("kubelet %s (guaranteedOOMScoreAdj %d), cgroup driver %s, cgroup v%d; memory capacity %s; "
                         "kube-reserved %" G_GUINT64_FORMAT ", system-reserved %" G_GUINT64_FORMAT
                         ", hard eviction memory.available %" G_GUINT64_FORMAT "; kubepods limit = capacity - "
                         "kube-reserved - system-reserved = %s; allocatable = kubepods limit - hard eviction = %s",
                         node->version, node->profile->guaranteed_oom_score_adj, node->cgroup_driver,
                         node->cgroup_version, capacity, node->kube_reserved_bytes, node->system_reserved_bytes,
                         node->hard_eviction_bytes, kubepods, allocatable);
}

char *
k8s_explain_cgroup(const K8sNode *node, const char *path)
{
  if (node == NULL)
    return NULL;
  if (strcmp(path, node->kubepods_cgroup) == 0)
    return g_strdup("kubelet: node allocatable cgroup, limited to capacity - kube-reserved - system-reserved");
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    if (strcmp(path, pod->cgroup) == 0) {
      if (pod->memory_limit_bytes)
        return g_strdup_printf("kubelet: pod %s/%s (%s), limit = the sum of its containers' limits", pod->namespace_,
                               pod->name, k8s_qos_names[pod->qos]);
      return g_strdup_printf("kubelet: pod %s/%s (%s), no limit: %s", pod->namespace_, pod->name,
                             k8s_qos_names[pod->qos],
                             pod->qos == K8S_QOS_BESTEFFORT ? "BestEffort" : "a container has no memory limit");
    }
    for (guint j = 0; j < pod->containers->len; j++) {
      const K8sContainer *c = pod->containers->pdata[j];
      if (strcmp(path, c->cgroup) == 0)
        return g_strdup_printf("kubelet: container %s of pod %s/%s, %s", c->name, pod->namespace_, pod->name,
                               c->limit_bytes ? "limit = its memory limit" : "no memory limit");
    }
  }
  if (g_str_has_prefix(path, node->kubepods_cgroup))
    return g_strdup("kubelet: QoS class cgroup, no memory limit");
  return NULL;
}

char *
k8s_explain_oom_score_adj(const K8sNode *node, const K8sPod *pod, const K8sContainer *c)
{
  int guaranteed = node->profile->guaranteed_oom_score_adj;
  if (c->oom_score_adj == guaranteed && pod->qos != K8S_QOS_GUARANTEED)
    return g_strdup_printf("critical pod (priority %" G_GINT64_FORMAT "%s%s): guaranteedOOMScoreAdj %d",
                           pod->priority, pod->priority_class ? ", " : "",
                           pod->priority_class ? pod->priority_class : "", guaranteed);
  if (pod->qos == K8S_QOS_GUARANTEED)
    return g_strdup_printf("Guaranteed: guaranteedOOMScoreAdj %d", guaranteed);
  if (pod->qos == K8S_QOS_BESTEFFORT)
    return g_strdup("BestEffort: besteffortOOMScoreAdj 1000");
  gint64 raw = 1000 - (1000 * (gint64) c->request_bytes) / (gint64) node->capacity_bytes;
  g_autofree char *formula = g_strdup_printf("Burstable: 1000 - 1000 * %" G_GUINT64_FORMAT " / %" G_GUINT64_FORMAT
                                             " = %" G_GINT64_FORMAT, c->request_bytes, node->capacity_bytes, raw);
  if (c->sidecar && node->profile->sidecar_rule && raw != c->oom_score_adj && c->oom_score_adj > 1000 + guaranteed &&
      c->oom_score_adj < 999)
    return g_strdup_printf("%s, lowered to the regular containers' %d (sidecar, 1.33+)", formula, c->oom_score_adj);
  if (raw < 1000 + guaranteed)
    return g_strdup_printf("%s, raised to 1000 + guaranteedOOMScoreAdj = %d", formula, c->oom_score_adj);
  if (raw == 1000)
    return g_strdup_printf("%s, turned into 999 (below BestEffort)", formula);
  return g_steal_pointer(&formula);
}

char *
k8s_explain_process(const K8sNode *node, int pid)
{
  const K8sPod *pod = NULL;
  const K8sContainer *c = NULL;
  if (node == NULL || !k8s_node_find_pid(node, pid, &pod, &c))
    return NULL;
  g_autofree char *adj = k8s_explain_oom_score_adj(node, pod, c);
  /* what the simulation does and an expanded scenario (no <kubelet>) cannot: docs/kubernetes.md, "Restarts" */
  const char *restart = c->sidecar ? "a native sidecar: started again after any exit, by the kubelet, which this "
                                     "expanded scenario has not"
                       : strcmp(pod->restart_policy, "Never") == 0
                          ? "never started again"
                          : strcmp(pod->restart_policy, "OnFailure") == 0
                              ? "started again after a non-zero exit (CrashLoopBackOff 10 s doubling to 300 s), "
                                "replaying this pid's steps, by the kubelet, which this expanded scenario has not"
                              : "started again after any exit (CrashLoopBackOff 10 s doubling to 300 s), replaying "
                                "this pid's steps, by the kubelet, which this expanded scenario has not";
  return g_strdup_printf("kubelet: pod %s/%s container %s, request %" G_GUINT64_FORMAT ", limit %" G_GUINT64_FORMAT
                         "; oom_score_adj: %s; %s; restartPolicy %s: %s", pod->namespace_, pod->name, c->name,
                         c->request_bytes, c->limit_bytes, adj,
                         c->privileged ? "privileged: every capability, CAP_SYS_ADMIN included"
                                       : "not privileged: the runtime's default capabilities, no CAP_SYS_ADMIN",
                         pod->restart_policy, restart);
}
