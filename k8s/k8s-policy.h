/* k8s/k8s-policy.h: the kubelet's pod QoS class and per-container oom_score_adj, version by version.
 *
 * Pure functions over plain structs, as kernel-model/ is: no I/O, no printing. Mirrors
 * pkg/apis/core/v1/helper/qos/qos.go GetPodQOS() and pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust()
 * of Kubernetes 1.15 to 1.33 (the differences between versions are listed in k8s-policy.c and docs/kubernetes.md).
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  K8S_QOS_GUARANTEED,
  K8S_QOS_BURSTABLE,
  K8S_QOS_BESTEFFORT,
  K8S_QOS_N,
} K8sQos;

extern const char *const k8s_qos_names[K8S_QOS_N];   /* "Guaranteed", "Burstable", "BestEffort" */
extern const char *const k8s_qos_slices[K8S_QOS_N];  /* "", "burstable", "besteffort": the QoS cgroup's name */

/* What changed in policy.go between the versions (k8s-policy.c cites the commits). */
typedef enum {
  K8S_CRITICAL_NONE,      /* <= 1.15: no critical-pod rule */
  K8S_CRITICAL_ANY,       /* 1.16-1.21: types.IsCriticalPod(): priority >= SystemCriticalPriority */
  K8S_CRITICAL_NODE_ONLY, /* 1.22+: types.IsNodeCriticalPod(): also priorityClassName system-node-critical */
} K8sCriticalRule;

typedef struct {
  int minor;                   /* 1.<minor> */
  int guaranteed_oom_score_adj; /* guaranteedOOMScoreAdj: -998 before 1.19, -997 from 1.19 */
  K8sCriticalRule critical_rule;
  gboolean sidecar_rule;       /* 1.33+: a sidecar's adj is at most that of the regular container with the least
                                  memory request (isSidecarContainer(), minRegularContainerMemory()) */
} K8sPolicyProfile;

#define K8S_MIN_MINOR 15
#define K8S_MAX_MINOR 33
#define K8S_SYSTEM_CRITICAL_PRIORITY G_GINT64_CONSTANT(2000000000)      /* scheduling.SystemCriticalPriority */
#define K8S_SYSTEM_NODE_CRITICAL_PRIORITY G_GINT64_CONSTANT(2000001000) /* system-node-critical's value */
#define K8S_BESTEFFORT_OOM_SCORE_ADJ 1000                               /* besteffortOOMScoreAdj */

/* The profile of kubelet 1.<minor>, or NULL if that version is not modelled. */
const K8sPolicyProfile *k8s_policy_profile(int minor);

/* One container's memory resources, as the API server stores them (after defaulting: a container with a limit
 * but no request has request = limit). 0 means "not set": GetPodQOS() ignores zero quantities. */
typedef struct {
  guint64 request_bytes, limit_bytes;
  gboolean sidecar; /* an init container with restartPolicy: Always */
} K8sContainerResources;

typedef struct {
  const K8sContainerResources *containers;
  guint n_containers;
  gint64 priority;              /* spec.priority */
  const char *priority_class;   /* spec.priorityClassName, may be NULL */
} K8sPodResources;

/* GetPodQOS() with memory as the only resource: CPU is not modelled, so a pod whose memory says Guaranteed is
 * Guaranteed (as if its CPU requests equalled its limits); the scenario may say Burstable instead (k8s-node.c). */
K8sQos k8s_pod_qos_from_memory(const K8sPodResources *pod);

/* GetContainerOOMScoreAdjust(pod, container, memoryCapacity) of the profile's version, for the pod's QoS class
 * qos and container number index. */
int k8s_container_oom_score_adj(const K8sPolicyProfile *profile, const K8sPodResources *pod, K8sQos qos,
                                guint index, gint64 memory_capacity_bytes);

G_END_DECLS
