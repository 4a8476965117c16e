/* k8s/k8s-explain.h: one-line explanations of what the kubelet derived, for `oomsim expand` and the reports. */
#pragma once

#include "k8s-node.h"

G_BEGIN_DECLS

/* All return NULL when node is NULL or the thing is not the kubelet's. */
char *k8s_explain_node(const K8sNode *node);
char *k8s_explain_cgroup(const K8sNode *node, const char *path);
char *k8s_explain_process(const K8sNode *node, int pid);
/* "1000 - 1000 * 1073741824 / 4294967296 = 750" and the like: how the container's adj was computed. */
char *k8s_explain_oom_score_adj(const K8sNode *node, const K8sPod *pod, const K8sContainer *container);

G_END_DECLS
