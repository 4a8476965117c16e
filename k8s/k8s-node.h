/* k8s/k8s-node.h: a Kubernetes node as the kubelet sets it up: node allocatable, the kubepods cgroup tree, and each
 * pod's QoS class, cgroups, memory limits and oom_score_adj per container.
 *
 * k8s_node_expand() turns the scenario's <kubelet> element (read as written by the loader) into cgroups and
 * processes of the ordinary scenario language, which the loader adds to the header: the simulator never sees a pod,
 * only what the kubelet would have written to cgroupfs and /proc/PID/oom_score_adj. The K8sNode stays in the
 * header for the reports (the pods' container states) and the eviction manager (k8s/k8s-eviction.h).
 */
#pragma once

#include "../scenarios/scenario.h"
#include "k8s-policy.h"

G_BEGIN_DECLS

typedef enum {
  K8S_SIGNAL_MEMORY_AVAILABLE,             /* memory.available */
  K8S_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE, /* allocatableMemory.available */
  K8S_SIGNAL_N,
} K8sSignal;

extern const char *const k8s_signal_names[K8S_SIGNAL_N];

/* One memory eviction threshold (pkg/kubelet/eviction/api/types.go Threshold). */
typedef struct {
  K8sSignal signal;
  gboolean hard;
  guint64 quantity_bytes;   /* the threshold in bytes: a percentage is resolved against the signal's capacity */
  char *value_text;         /* as written: "100Mi", "10%" */
  guint64 grace_period_ns;  /* soft thresholds: eviction-soft-grace-period */
  guint64 min_reclaim_bytes; /* eviction-minimum-reclaim */
} K8sThreshold;

typedef struct {
  char *name;
  guint64 request_bytes, limit_bytes; /* after the API server's defaulting; 0: none */
  gboolean sidecar;
  gboolean privileged; /* securityContext.privileged: the only way the modelled container gets CAP_SYS_ADMIN */
  int pid;
  char *comm;
  char *cgroup;      /* derived: the container's cgroup */
  int oom_score_adj; /* derived: GetContainerOOMScoreAdjust() */
  int line;
} K8sContainer;

typedef struct {
  char *name, *namespace_, *uid;
  K8sQos qos;
  gint64 priority;
  char *priority_class;  /* NULL: none */
  char *restart_policy;  /* "Always", "OnFailure", "Never" */
  char *cgroup;          /* derived: the pod's cgroup */
  guint64 memory_limit_bytes; /* derived: the pod cgroup's limit (sum of the limits); 0: none */
  guint64 memory_request_bytes; /* sum of the containers' requests */
  GPtrArray *containers; /* K8sContainer*, as written */
  int line;
} K8sPod;

struct _K8sNode {
  char *version;  /* "1.28" */
  const K8sPolicyProfile *profile;
  char *cgroup_driver; /* "cgroupfs" or "systemd" */
  int cgroup_version;
  guint64 capacity_bytes;        /* MemTotal: the machine's ram */
  guint64 kube_reserved_bytes, system_reserved_bytes;
  guint64 hard_eviction_bytes;   /* the memory.available hard threshold reserved from allocatable */
  guint64 allocatable_bytes;     /* capacity - kube-reserved - system-reserved - hard eviction */
  guint64 kubepods_limit_bytes;  /* capacity - kube-reserved - system-reserved */
  char *kubepods_cgroup;
  GArray *thresholds;            /* K8sThreshold, hard ones first, in the order written */
  guint64 housekeeping_interval_ns;   /* 10 s: the eviction manager's monitoring interval */
  guint64 pressure_transition_period_ns; /* eviction-pressure-transition-period: 5 min */
  gint64 max_pod_grace_period_s;  /* eviction-max-pod-grace-period: 0 */
  GPtrArray *pods;               /* K8sPod*, as written */
  int line;
};

/* Derives the node from <kubelet> (header: the machine and cgroup version already read). Appends the derived
 * cgroups (ScCgroup*, parents first) and container processes (ScProcess*) to out_cgroups and out_processes.
 * Errors: SCENARIO_ERROR_* with "FILE:LINE:COL: ..." (a bad quantity SIZE, a bad version KERNEL...). */
K8sNode *k8s_node_expand(const ScElement *kubelet, const ScenarioHeader *header, GPtrArray *out_cgroups,
                         GPtrArray *out_processes, GError **error);
void k8s_node_free(K8sNode *node);
/* The pod and container of the container process pid, or FALSE. */
gboolean k8s_node_find_pid(const K8sNode *node, int pid, const K8sPod **out_pod, const K8sContainer **out_container);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(K8sNode, k8s_node_free)

G_END_DECLS
