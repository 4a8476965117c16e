/* k8s/k8s-node.c: the kubelet's node set-up for a scenario's <kubelet> element.
 *
 * What the kubelet of the stated version does at start and at pod admission, and where each rule comes from:
 *   - Node allocatable (pkg/kubelet/cm/node_container_manager_linux.go): the kubepods cgroup's memory limit is
 *     getNodeAllocatableAbsolute() = capacity - system-reserved - kube-reserved (enforce-node-allocatable=pods, the
 *     default); the node's status.allocatable also subtracts the hard eviction threshold
 *     (GetNodeAllocatableReservation(), hardEvictionReservation()). A reservation larger than the capacity makes
 *     validateNodeAllocatable() refuse to start the kubelet: here, SCENARIO_ERROR_RANGE.
 *   - The QoS cgroups kubepods/burstable and kubepods/besteffort (qos_container_manager_linux.go) have no memory
 *     limit (QOSReserved is alpha and off). A Guaranteed pod's cgroup sits directly under kubepods.
 *   - A pod's cgroup (pod_container_manager_linux.go, helpers_linux.go ResourceConfigForPod()): memory limit = the
 *     sum of its containers' limits when every container declares one, else none.
 *   - A container's cgroup: memory limit = its limit (kuberuntime_container_linux.go).
 *   - cgroup names (cgroup_manager_linux.go): cgroupfs /kubepods/burstable/pod<uid>/<container>; systemd
 *     /kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid>.slice/cri-containerd-<container>.scope,
 *     with '-' in the uid escaped to '_' (escapeSystemdCgroupName()). The runtime names the container's cgroup
 *     after its 64-hex id; here the container's name stands in for it.
 *   - cgroup v1: every kubepods cgroup has memory.use_hierarchy 1 (systemd sets it on the root, and a child
 *     inherits it at creation, mem_cgroup_css_alloc()).
 *   - Requests default to limits (pkg/apis/core/v1/defaults.go SetDefaults_Pod()), and a request above its limit is
 *     refused by the API server's validation.
 * Simplifications (docs/kubernetes.md): no pause (sandbox) container, no swap (the kubelet's default failSwapOn
 * refuses to start on a node with swap), one process per container (more can be forked by the trace).
 */
#include "k8s-node.h"

#include <string.h>

#include "../scenarios/scenario-loader.h"
#include "k8s-quantity.h"

#define SC_PAGE_SIZE 4096
#define K8S_QUANTITY_MAX (G_GUINT64_CONSTANT(1) << 52) /* 4 PiB, the largest machine the model takes */
#define K8S_TASK_COMM_LEN 16

const char *const k8s_signal_names[K8S_SIGNAL_N] = {
  [K8S_SIGNAL_MEMORY_AVAILABLE] = "memory.available",
  [K8S_SIGNAL_ALLOCATABLE_MEMORY_AVAILABLE] = "allocatableMemory.available",
};

/* Signals of other resources the kubelet knows (pkg/kubelet/eviction/api/types.go): accepted and not modelled. */
static const char *const other_signals[] = {
  "nodefs.available", "nodefs.inodesFree", "imagefs.available", "imagefs.inodesFree", "containerfs.available",
  "containerfs.inodesFree", "pid.available",
};

typedef struct {
  const ScenarioHeader *header;
  const ScElement *element; /* for messages */
  GError **error;
} Ctx;

static gboolean G_GNUC_PRINTF(3, 4)
fail(Ctx *ctx, ScenarioError code, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  scenario_set_error(ctx->error, code, ctx->header->file, ctx->element->line, 1, "%s", message);
  return FALSE;
}

static const char *
attr(const ScElement *element, const char *name)
{
  const ScAttr *a = sc_element_attr(element, name);
  return a ? a->value : NULL;
}

static void
container_free(K8sContainer *c)
{
  if (c == NULL)
    return;
  g_free(c->name);
  g_free(c->comm);
  g_free(c->cgroup);
  g_free(c);
}

static void
pod_free(K8sPod *pod)
{
  if (pod == NULL)
    return;
  g_free(pod->name);
  g_free(pod->namespace_);
  g_free(pod->uid);
  g_free(pod->priority_class);
  g_free(pod->restart_policy);
  g_free(pod->cgroup);
  if (pod->containers)
    g_ptr_array_unref(pod->containers);
  g_free(pod);
}

static void
threshold_clear(gpointer data)
{
  K8sThreshold *t = data;
  g_free(t->value_text);
}

void
k8s_node_free(K8sNode *node)
{
  if (node == NULL)
    return;
  g_free(node->version);
  g_free(node->cgroup_driver);
  g_free(node->kubepods_cgroup);
  if (node->thresholds)
    g_array_unref(node->thresholds);
  if (node->pods)
    g_ptr_array_unref(node->pods);
  g_free(node);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(K8sPod, pod_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(K8sContainer, container_free)

gboolean
k8s_node_find_pid(const K8sNode *node, int pid, const K8sPod **out_pod, const K8sContainer **out_container)
{
  for (guint i = 0; node && i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    for (guint j = 0; j < pod->containers->len; j++) {
      const K8sContainer *c = pod->containers->pdata[j];
      if (c->pid == pid) {
        *out_pod = pod;
        *out_container = c;
        return TRUE;
      }
    }
  }
  return FALSE;
}

/* Values ============================================================================================== */

static gboolean
quantity_attr(Ctx *ctx, const char *name, guint64 *out_bytes)
{
  const char *text = attr(ctx->element, name);
  if (text == NULL)
    return TRUE;
  if (!k8s_parse_quantity(text, out_bytes))
    return fail(ctx, SCENARIO_ERROR_SIZE,
                "<%s> %s=\"%s\" is not a Kubernetes quantity (e.g. 128Mi, 1Gi, 500M, 1G: Ki Mi Gi Ti binary, "
                "k M G T decimal)", ctx->element->name, name, text);
  if (*out_bytes > K8S_QUANTITY_MAX)
    return fail(ctx, SCENARIO_ERROR_RANGE, "<%s> %s=\"%s\" is more than 4 PiB (2^52 bytes), the most the model "
                "takes", ctx->element->name, name, text);
  return TRUE;
}

static gboolean
duration_attr(Ctx *ctx, const char *name, guint64 *out_ns)
{
  const char *text = attr(ctx->element, name);
  if (text == NULL)
    return TRUE;
  if (k8s_parse_go_duration(text, out_ns))
    return TRUE;
  return fail(ctx, SCENARIO_ERROR_SCHEMA, "<%s> %s=\"%s\" is not a Go duration (e.g. 10s, 1m30s)",
              ctx->element->name, name, text);
}

static gboolean
int_attr(Ctx *ctx, const char *name, gint64 min, gint64 max, gint64 *out)
{
  const char *text = attr(ctx->element, name);
  if (text == NULL)
    return TRUE;
  g_autoptr(GError) parse_error = NULL;
  g_autofree char *stripped = g_strstrip(g_strdup(text));
  if (g_ascii_string_to_signed(stripped[0] == '+' ? stripped + 1 : stripped, 10, min, max, out, &parse_error))
    return TRUE;
  if (g_error_matches(parse_error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    return fail(ctx, SCENARIO_ERROR_RANGE, "<%s> %s=\"%s\" is out of range: %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT,
                ctx->element->name, name, text, min, max);
  return fail(ctx, SCENARIO_ERROR_SCHEMA, "<%s> %s=\"%s\" is not an integer", ctx->element->name, name, text);
}

/* A DNS-1123 label (container names, at most 63) or subdomain (pod names and namespaces, at most 253). */
static gboolean
check_dns_name(Ctx *ctx, const char *what, const char *name, gsize max_len, gboolean dots)
{
  gsize len = strlen(name);
  gboolean ok = len >= 1 && len <= max_len && g_ascii_isalnum(name[0]) && g_ascii_isalnum(name[len - 1]);
  for (gsize i = 0; ok && i < len; i++)
    ok = g_ascii_isdigit(name[i]) || (name[i] >= 'a' && name[i] <= 'z') || name[i] == '-' || (dots && name[i] == '.');
  if (ok)
    return TRUE;
  return fail(ctx, SCENARIO_ERROR_SCHEMA, "%s \"%s\" is not a valid Kubernetes name: lower-case letters, digits%s and "
              "'-', starting and ending with a letter or digit, at most %" G_GSIZE_FORMAT " characters",
              what, name, dots ? ", '.'" : "", max_len);
}

/* Eviction thresholds ================================================================================== */

static gboolean
parse_signal(Ctx *ctx, const char *text, const char *setting, K8sSignal *out, gboolean *out_modelled)
{
  for (int s = 0; s < K8S_SIGNAL_N; s++)
    if (strcmp(text, k8s_signal_names[s]) == 0) {
      *out = (K8sSignal) s;
      *out_modelled = TRUE;
      return TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS(other_signals); i++)
    if (strcmp(text, other_signals[i]) == 0) {
      *out_modelled = FALSE;
      return TRUE;
    }
  return fail(ctx, SCENARIO_ERROR_SCHEMA, "<kubelet> %s: unknown eviction signal \"%s\" (memory.available, "
              "allocatableMemory.available, nodefs.available, ...)", setting, text);
}

/* A quantity or a percentage of capacity (pkg/kubelet/eviction/api/types.go GetThresholdQuantity(): a float32
 * percentage times the capacity, truncated). */
static gboolean
parse_threshold_value(Ctx *ctx, const char *setting, const char *text, guint64 capacity, guint64 *out_bytes)
{
  gsize len = strlen(text);
  if (len > 1 && text[len - 1] == '%') {
    g_autofree char *number = g_strndup(text, len - 1);
    char *end = NULL;
    float percent = strtof(number, &end);
    if (end == number || *end != '\0' || !(percent >= 0.0f && percent <= 100.0f))
      return fail(ctx, SCENARIO_ERROR_RANGE, "<kubelet> %s: \"%s\" is not a percentage from 0%% to 100%%", setting,
                  text);
    float fraction = percent / 100.0f; /* ParseThresholdConfig(): float32(value) / 100 */
    *out_bytes = (guint64) ((double) capacity * (double) fraction);
    return TRUE;
  }
  if (!k8s_parse_quantity(text, out_bytes) || *out_bytes > K8S_QUANTITY_MAX)
    return fail(ctx, SCENARIO_ERROR_SIZE, "<kubelet> %s: \"%s\" is not a quantity or a percentage", setting, text);
  return TRUE;
}

static K8sThreshold *
find_threshold(GArray *thresholds, K8sSignal signal, gboolean hard)
{
  for (guint i = 0; i < thresholds->len; i++) {
    K8sThreshold *t = &g_array_index(thresholds, K8sThreshold, i);
    if (t->signal == signal && t->hard == hard)
      return t;
  }
  return NULL;
}

typedef gboolean (*StatementFn)(Ctx *ctx, K8sNode *node, const char *setting, K8sSignal signal,
                                const char *signal_text, const char *value, gboolean hard);

/* Splits a flag value "signal<op>value,signal<op>value" (ParseThresholdConfig(), parseThresholdStatements(),
 * parseGracePeriods(), parseMinimumReclaims()) and calls fn for each memory signal; other signals are skipped. */
static gboolean
for_each_statement(Ctx *ctx, K8sNode *node, const char *setting, const char *text, char op, StatementFn fn,
                   gboolean hard)
{
  g_auto(GStrv) statements = g_strsplit(text, ",", -1);
  for (guint i = 0; statements[i] != NULL; i++) {
    g_autofree char *statement = g_strstrip(g_strdup(statements[i]));
    if (statement[0] == '\0')
      continue;
    const char *sep = strchr(statement, op);
    if (sep == NULL)
      return fail(ctx, SCENARIO_ERROR_SCHEMA, "<kubelet> %s: \"%s\" must be signal%cvalue, e.g. memory.available%c%s",
                  setting, statement, op, op, op == '<' ? "100Mi" : "1m30s");
    g_autofree char *signal_text = g_strndup(statement, (gsize) (sep - statement));
    K8sSignal signal = K8S_SIGNAL_MEMORY_AVAILABLE;
    gboolean modelled = FALSE;
    if (!parse_signal(ctx, signal_text, setting, &signal, &modelled))
      return FALSE;
    if (modelled && !fn(ctx, node, setting, signal, signal_text, sep + 1, hard))
      return FALSE;
  }
  return TRUE;
}

static guint64
signal_capacity(const K8sNode *node, K8sSignal signal)
{
  return signal == K8S_SIGNAL_MEMORY_AVAILABLE ? node->capacity_bytes : node->allocatable_bytes;
}

/* eviction-hard / eviction-soft: memory.available<100Mi */
static gboolean
add_threshold(Ctx *ctx, K8sNode *node, const char *setting, K8sSignal signal, const char *signal_text,
              const char *value, gboolean hard)
{
  if (find_threshold(node->thresholds, signal, hard))
    return fail(ctx, SCENARIO_ERROR_DUPLICATE, "<kubelet> %s: %s is given twice", setting, signal_text);
  K8sThreshold t = { .signal = signal, .hard = hard, .value_text = g_strdup(value) };
  g_array_append_val(node->thresholds, t);
  K8sThreshold *added = &g_array_index(node->thresholds, K8sThreshold, node->thresholds->len - 1);
  return parse_threshold_value(ctx, setting, value, signal_capacity(node, signal), &added->quantity_bytes);
}

/* eviction-soft-grace-period: memory.available=1m30s */
static gboolean
set_grace_period(Ctx *ctx, K8sNode *node, const char *setting, K8sSignal signal, const char *signal_text,
                 const char *value, gboolean hard)
{
  K8sThreshold *soft = find_threshold(node->thresholds, signal, hard);
  if (soft == NULL)
    return fail(ctx, SCENARIO_ERROR_UNKNOWN_REF, "<kubelet> %s: %s has no eviction-soft threshold", setting,
                signal_text);
  if (!k8s_parse_go_duration(value, &soft->grace_period_ns))
    return fail(ctx, SCENARIO_ERROR_SCHEMA, "<kubelet> %s: \"%s\" is not a Go duration (e.g. 1m30s)", setting, value);
  return TRUE;
}

/* eviction-minimum-reclaim: memory.available=500Mi, for the hard and the soft threshold of the signal */
static gboolean
set_min_reclaim(Ctx *ctx, K8sNode *node, const char *setting, K8sSignal signal, const char *signal_text,
                const char *value, gboolean hard)
{
  (void) signal_text;
  (void) hard;
  guint64 bytes = 0;
  if (!parse_threshold_value(ctx, setting, value, signal_capacity(node, signal), &bytes))
    return FALSE;
  for (guint j = 0; j < node->thresholds->len; j++) {
    K8sThreshold *t = &g_array_index(node->thresholds, K8sThreshold, j);
    if (t->signal == signal)
      t->min_reclaim_bytes = bytes;
  }
  return TRUE;
}

static gboolean
read_eviction_settings(Ctx *ctx, K8sNode *node)
{
  /* DefaultEvictionHard of the kubelet's config defaults (Linux): memory.available<100Mi, plus disk signals. */
  const char *hard = attr(ctx->element, "eviction-hard");
  if (!for_each_statement(ctx, node, "eviction-hard", hard ? hard : "memory.available<100Mi", '<', add_threshold, TRUE))
    return FALSE;
  const char *soft = attr(ctx->element, "eviction-soft");
  if (soft && !for_each_statement(ctx, node, "eviction-soft", soft, '<', add_threshold, FALSE))
    return FALSE;
  const char *grace = attr(ctx->element, "eviction-soft-grace-period");
  if (grace && !for_each_statement(ctx, node, "eviction-soft-grace-period", grace, '=', set_grace_period, FALSE))
    return FALSE;
  for (guint i = 0; i < node->thresholds->len; i++) {
    const K8sThreshold *t = &g_array_index(node->thresholds, K8sThreshold, i);
    if (!t->hard && t->grace_period_ns == 0) /* ValidateKubeletConfiguration() / parseGracePeriods() */
      return fail(ctx, SCENARIO_ERROR_SCHEMA, "<kubelet> eviction-soft %s needs a grace period in "
                  "eviction-soft-grace-period", k8s_signal_names[t->signal]);
  }
  const char *reclaim = attr(ctx->element, "eviction-minimum-reclaim");
  if (reclaim && !for_each_statement(ctx, node, "eviction-minimum-reclaim", reclaim, '=', set_min_reclaim, FALSE))
    return FALSE;
  node->housekeeping_interval_ns = G_GUINT64_CONSTANT(10000000000); /* evictionMonitoringPeriod, 10 s */
  node->pressure_transition_period_ns = G_GUINT64_CONSTANT(300000000000); /* 5m0s */
  return duration_attr(ctx, "housekeeping-interval", &node->housekeeping_interval_ns) &&
         duration_attr(ctx, "eviction-pressure-transition-period", &node->pressure_transition_period_ns) &&
         int_attr(ctx, "eviction-max-pod-grace-period", 0, G_MAXINT32, &node->max_pod_grace_period_s);
}

/* The node ============================================================================================= */

static gboolean
read_node(Ctx *ctx, K8sNode *node)
{
  const char *version = attr(ctx->element, "version");
  int minor = -1;
  if (version && g_str_has_prefix(version, "1.")) {
    g_autoptr(GError) ignored = NULL;
    guint64 m = 0;
    g_auto(GStrv) parts = g_strsplit(version + 2, ".", 2); /* "1.28" or a patch release "1.28.3" */
    if (g_ascii_string_to_unsigned(parts[0], 10, 0, 1000, &m, &ignored))
      minor = (int) m;
  }
  node->version = g_strdup(version ? version : "");
  node->profile = k8s_policy_profile(minor);
  if (node->profile == NULL)
    return fail(ctx, SCENARIO_ERROR_KERNEL, "unknown kubelet version \"%s\": the versions modelled are 1.%d to 1.%d",
                node->version, K8S_MIN_MINOR, K8S_MAX_MINOR);
  const char *driver = attr(ctx->element, "cgroup-driver");
  node->cgroup_driver = g_strdup(driver ? driver : "cgroupfs");
  node->cgroup_version = ctx->header->cgroup_version;
  if (ctx->header->swap_bytes != 0)
    return fail(ctx, SCENARIO_ERROR_UNSUPPORTED, "the kubelet refuses to start on a node with swap (failSwapOn, the "
                "default): <machine swap> must be 0 with <kubelet>");

  node->capacity_bytes = ctx->header->ram_bytes; /* cadvisor's MachineInfo.MemoryCapacity: MemTotal */
  if (!quantity_attr(ctx, "kube-reserved", &node->kube_reserved_bytes) ||
      !quantity_attr(ctx, "system-reserved", &node->system_reserved_bytes))
    return FALSE;
  guint64 reserved = node->kube_reserved_bytes + node->system_reserved_bytes;
  if (reserved > node->capacity_bytes)
    return fail(ctx, SCENARIO_ERROR_RANGE, "kube-reserved and system-reserved (%" G_GUINT64_FORMAT " bytes) are more "
                "than the capacity (%" G_GUINT64_FORMAT "): the kubelet refuses to start (validateNodeAllocatable())",
                reserved, node->capacity_bytes);
  node->kubepods_limit_bytes = node->capacity_bytes - reserved;
  node->allocatable_bytes = node->kubepods_limit_bytes; /* the signal's capacity for allocatableMemory.available */
  if (!read_eviction_settings(ctx, node))
    return FALSE;
  const K8sThreshold *hard = find_threshold(node->thresholds, K8S_SIGNAL_MEMORY_AVAILABLE, TRUE);
  node->hard_eviction_bytes = hard ? hard->quantity_bytes : 0;
  if (node->hard_eviction_bytes > node->kubepods_limit_bytes)
    return fail(ctx, SCENARIO_ERROR_RANGE, "the reservations and the hard eviction threshold are more than the "
                "capacity: the kubelet refuses to start (validateNodeAllocatable())");
  node->allocatable_bytes = node->kubepods_limit_bytes - node->hard_eviction_bytes;
  return TRUE;
}

/* Pods ================================================================================================= */

static gboolean
read_container(Ctx *ctx, K8sContainer *c)
{
  c->name = g_strdup(attr(ctx->element, "name"));
  c->line = ctx->element->line;
  if (c->name == NULL)
    return fail(ctx, SCENARIO_ERROR_SCHEMA, "<container> needs the attribute name");
  if (!check_dns_name(ctx, "container name", c->name, 63, FALSE) || !quantity_attr(ctx, "request", &c->request_bytes) ||
      !quantity_attr(ctx, "limit", &c->limit_bytes))
    return FALSE;
  if (attr(ctx->element, "request") == NULL)
    c->request_bytes = c->limit_bytes; /* SetDefaults_Pod(): a missing request defaults to the limit */
  if (c->limit_bytes != 0 && c->request_bytes > c->limit_bytes)
    return fail(ctx, SCENARIO_ERROR_RANGE, "container %s: request %s is more than limit %s: the API server refuses "
                "the pod (\"must be less than or equal to memory limit\")", c->name, attr(ctx->element, "request"),
                attr(ctx->element, "limit"));
  gint64 pid = 0;
  if (!int_attr(ctx, "pid", 1, 4194304, &pid))
    return FALSE;
  if (pid == 0)
    return fail(ctx, SCENARIO_ERROR_SCHEMA, "<container> needs the attribute pid");
  c->pid = (int) pid;
  const char *sidecar = attr(ctx->element, "sidecar");
  c->sidecar = sidecar && (strcmp(sidecar, "true") == 0 || strcmp(sidecar, "1") == 0);
  const char *privileged = attr(ctx->element, "privileged");
  c->privileged = privileged && (strcmp(privileged, "true") == 0 || strcmp(privileged, "1") == 0);
  const char *comm = attr(ctx->element, "comm");
  c->comm = comm ? g_strdup(comm) : g_strndup(c->name, K8S_TASK_COMM_LEN - 1); /* TASK_COMM_LEN truncates */
  if (strlen(c->comm) == 0 || strlen(c->comm) >= K8S_TASK_COMM_LEN)
    return fail(ctx, SCENARIO_ERROR_RANGE, "comm \"%s\" must have 1 to 15 bytes (TASK_COMM_LEN 16)", c->comm);
  return TRUE;
}

static gboolean
read_priority(Ctx *ctx, K8sPod *pod)
{
  const char *klass = attr(ctx->element, "priority-class-name");
  gint64 class_value = 0;
  gboolean system_class = FALSE;
  if (g_strcmp0(klass, "system-node-critical") == 0) {
    class_value = K8S_SYSTEM_NODE_CRITICAL_PRIORITY;
    system_class = TRUE;
  } else if (g_strcmp0(klass, "system-cluster-critical") == 0) {
    class_value = K8S_SYSTEM_CRITICAL_PRIORITY;
    system_class = TRUE;
  }
  pod->priority_class = g_strdup(klass);
  pod->priority = class_value;
  if (!int_attr(ctx, "priority", G_MININT32, K8S_SYSTEM_NODE_CRITICAL_PRIORITY, &pod->priority))
    return FALSE;
  if (system_class && pod->priority != class_value) /* the Priority admission plugin sets it from the class */
    return fail(ctx, SCENARIO_ERROR_RANGE, "pod %s: priority %" G_GINT64_FORMAT " does not match priority class %s "
                "(%" G_GINT64_FORMAT ")", pod->name, pod->priority, klass, class_value);
  if (!system_class && pod->priority > G_GINT64_CONSTANT(1000000000))
    return fail(ctx, SCENARIO_ERROR_RANGE, "pod %s: priority %" G_GINT64_FORMAT " is above 1000000000, the highest a "
                "user priority class may have (only system-node-critical and system-cluster-critical are higher)",
                pod->name, pod->priority);
  return TRUE;
}

/* GetPodQOS() from memory, and the qos= the scenario states: CPU is not modelled, so a pod that is Guaranteed by
 * its memory may be Burstable by its CPU (qos="Burstable"), and a pod without memory requests may be Burstable by a
 * CPU request; anything else contradicts the memory settings. */
static gboolean
read_qos(Ctx *ctx, K8sPod *pod, const K8sPodResources *resources)
{
  K8sQos derived = k8s_pod_qos_from_memory(resources);
  pod->qos = derived;
  const char *stated = attr(ctx->element, "qos");
  if (stated == NULL)
    return TRUE;
  for (int q = 0; q < K8S_QOS_N; q++)
    if (strcmp(stated, k8s_qos_names[q]) == 0)
      pod->qos = (K8sQos) q;
  if (pod->qos == derived || pod->qos == K8S_QOS_BURSTABLE)
    return TRUE;
  return fail(ctx, SCENARIO_ERROR_RANGE, "pod %s: qos=\"%s\" contradicts its containers' memory requests and limits, "
              "which make it %s (GetPodQOS())", pod->name, stated, k8s_qos_names[derived]);
}

static char *
systemd_escape(const char *uid)
{
  char *escaped = g_strdup(uid);
  g_strdelimit(escaped, "-", '_'); /* escapeSystemdCgroupName() */
  return escaped;
}

/* The pod's cgroup path under kubepods (CgroupName{kubepods, qos, pod<uid>} through the driver's naming). */
static char *
pod_cgroup_path(const K8sNode *node, const K8sPod *pod)
{
  const char *qos = k8s_qos_slices[pod->qos];
  if (strcmp(node->cgroup_driver, "systemd") == 0) {
    g_autofree char *uid = systemd_escape(pod->uid);
    if (qos[0] == '\0')
      return g_strdup_printf("%s/kubepods-pod%s.slice", node->kubepods_cgroup, uid);
    return g_strdup_printf("%s/kubepods-%s.slice/kubepods-%s-pod%s.slice", node->kubepods_cgroup, qos, qos, uid);
  }
  if (qos[0] == '\0')
    return g_strdup_printf("%s/pod%s", node->kubepods_cgroup, pod->uid);
  return g_strdup_printf("%s/%s/pod%s", node->kubepods_cgroup, qos, pod->uid);
}

static char *
qos_cgroup_path(const K8sNode *node, K8sQos qos)
{
  if (strcmp(node->cgroup_driver, "systemd") == 0)
    return g_strdup_printf("%s/kubepods-%s.slice", node->kubepods_cgroup, k8s_qos_slices[qos]);
  return g_strdup_printf("%s/%s", node->kubepods_cgroup, k8s_qos_slices[qos]);
}

static char *
container_cgroup_path(const K8sNode *node, const K8sPod *pod, const K8sContainer *c)
{
  if (strcmp(node->cgroup_driver, "systemd") == 0)
    return g_strdup_printf("%s/cri-containerd-%s.scope", pod->cgroup, c->name);
  return g_strdup_printf("%s/%s", pod->cgroup, c->name);
}

static void
add_attr(ScCgroup *cgroup, const char *name, const char *value)
{
  ScAttr *a = g_new0(ScAttr, 1);
  a->name = g_strdup(name);
  a->value = g_strdup(value);
  a->line = cgroup->line;
  a->col = 1;
  g_ptr_array_add(cgroup->attrs, a);
}

/* A cgroup with memory limit limit_bytes (0: none), in the node's cgroup version. */
static void
add_cgroup(const K8sNode *node, GPtrArray *out, const char *path, guint64 limit_bytes, int line)
{
  ScCgroup *cgroup = g_new0(ScCgroup, 1);
  cgroup->path = g_strdup(path);
  cgroup->attrs = g_ptr_array_new_with_free_func((GDestroyNotify) sc_attr_free);
  cgroup->line = line;
  cgroup->col = 1;
  if (limit_bytes != 0) {
    g_autofree char *value = g_strdup_printf("%" G_GUINT64_FORMAT, limit_bytes);
    add_attr(cgroup, node->cgroup_version == 1 ? "memory.limit_in_bytes" : "memory.max", value);
  }
  if (node->cgroup_version == 1)
    add_attr(cgroup, "memory.use_hierarchy", "1");
  g_ptr_array_add(out, cgroup);
}

static gboolean
read_pod(Ctx *ctx, K8sNode *node, const ScElement *element, GPtrArray *out_cgroups, GPtrArray *out_processes)
{
  g_autoptr(K8sPod) pod = g_new0(K8sPod, 1);
  pod->containers = g_ptr_array_new_with_free_func((GDestroyNotify) container_free);
  pod->line = element->line;
  ctx->element = element;
  pod->name = g_strdup(attr(element, "name"));
  const char *ns = attr(element, "namespace");
  pod->namespace_ = g_strdup(ns ? ns : "default");
  const char *restart = attr(element, "restartPolicy");
  pod->restart_policy = g_strdup(restart ? restart : "Always");
  if (pod->name == NULL)
    return fail(ctx, SCENARIO_ERROR_SCHEMA, "<pod> needs the attribute name");
  if (!check_dns_name(ctx, "pod name", pod->name, 253, TRUE) ||
      !check_dns_name(ctx, "namespace", pod->namespace_, 63, FALSE) || !read_priority(ctx, pod))
    return FALSE;
  const char *uid = attr(element, "uid");
  pod->uid = uid ? g_strdup(uid) : g_strdup_printf("%s-%s", pod->namespace_, pod->name);
  if (uid && !check_dns_name(ctx, "pod uid", pod->uid, 63, FALSE))
    return FALSE;
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *other = node->pods->pdata[i];
    if (strcmp(other->name, pod->name) == 0 && strcmp(other->namespace_, pod->namespace_) == 0)
      return fail(ctx, SCENARIO_ERROR_DUPLICATE, "pod %s/%s is already defined on line %d", pod->namespace_,
                  pod->name, other->line);
    if (strcmp(other->uid, pod->uid) == 0)
      return fail(ctx, SCENARIO_ERROR_DUPLICATE, "pod uid %s is already used on line %d", pod->uid, other->line);
  }

  g_autoptr(GArray) resources = g_array_new(FALSE, TRUE, sizeof(K8sContainerResources));
  gboolean all_limited = TRUE, any_regular = FALSE;
  for (guint i = 0; i < element->children->len; i++) {
    g_autoptr(K8sContainer) c = g_new0(K8sContainer, 1);
    ctx->element = element->children->pdata[i];
    if (!read_container(ctx, c))
      return FALSE;
    for (guint j = 0; j < pod->containers->len; j++)
      if (strcmp(((K8sContainer *) pod->containers->pdata[j])->name, c->name) == 0)
        return fail(ctx, SCENARIO_ERROR_DUPLICATE, "pod %s has two containers named %s", pod->name, c->name);
    K8sContainerResources r = { .request_bytes = c->request_bytes, .limit_bytes = c->limit_bytes,
                                .sidecar = c->sidecar };
    g_array_append_val(resources, r);
    all_limited = all_limited && c->limit_bytes != 0;
    any_regular = any_regular || !c->sidecar;
    pod->memory_request_bytes += c->request_bytes;
    pod->memory_limit_bytes += c->limit_bytes;
    g_ptr_array_add(pod->containers, g_steal_pointer(&c));
  }
  ctx->element = element;
  if (!any_regular)
    return fail(ctx, SCENARIO_ERROR_SCHEMA, "pod %s needs at least one <container> that is not a sidecar", pod->name);
  if (!all_limited)
    pod->memory_limit_bytes = 0; /* ResourceConfigForPod(): no pod limit unless every container declares one */
  K8sPodResources pr = { .containers = (const K8sContainerResources *) resources->data, .n_containers = resources->len,
                         .priority = pod->priority, .priority_class = pod->priority_class };
  if (!read_qos(ctx, pod, &pr))
    return FALSE;

  pod->cgroup = pod_cgroup_path(node, pod);
  add_cgroup(node, out_cgroups, pod->cgroup, pod->memory_limit_bytes, pod->line);
  for (guint i = 0; i < pod->containers->len; i++) {
    K8sContainer *c = pod->containers->pdata[i];
    c->cgroup = container_cgroup_path(node, pod, c);
    c->oom_score_adj = k8s_container_oom_score_adj(node->profile, &pr, pod->qos, i, (gint64) node->capacity_bytes);
    add_cgroup(node, out_cgroups, c->cgroup, c->limit_bytes, c->line);
    ScProcess *p = g_new0(ScProcess, 1);
    p->pid = c->pid;
    g_strlcpy(p->comm, c->comm, sizeof p->comm); /* 1 to 15 bytes (read_container()) */
    p->cgroup = g_intern_string(c->cgroup);
    p->oom_score_adj = c->oom_score_adj;
    p->container = g_intern_string(c->name);
    p->threads = 1;
    /* uid 0, as most images run, but without CAP_SYS_ADMIN: the runtimes' default capability set (containerd's
     * and CRI-O's oci.WithDefaultSpec / DefaultCapabilities, Docker's defaultCapabilities(): CHOWN, DAC_OVERRIDE,
     * FSETID, FOWNER, MKNOD, NET_RAW, SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL,
     * AUDIT_WRITE) leaves it out; a privileged container gets every capability (oci.WithPrivileged). Kernels
     * before 4.17 give CAP_SYS_ADMIN tasks the root bonus in oom_badness(), and __vm_enough_memory() the admin
     * reserve, so this decides who dies there. */
    p->cap_sys_admin = c->privileged;
    p->line = c->line;
    p->col = 1;
    g_ptr_array_add(out_processes, p);
  }
  g_ptr_array_add(node->pods, g_steal_pointer(&pod));
  return TRUE;
}

K8sNode *
k8s_node_expand(const ScElement *kubelet, const ScenarioHeader *header, GPtrArray *out_cgroups,
                GPtrArray *out_processes, GError **error)
{
  Ctx ctx = { .header = header, .element = kubelet, .error = error };
  g_autoptr(K8sNode) node = g_new0(K8sNode, 1);
  node->line = kubelet->line;
  node->thresholds = g_array_new(FALSE, TRUE, sizeof(K8sThreshold));
  g_array_set_clear_func(node->thresholds, threshold_clear);
  node->pods = g_ptr_array_new_with_free_func((GDestroyNotify) pod_free);
  if (!read_node(&ctx, node))
    return NULL;

  gboolean systemd = strcmp(node->cgroup_driver, "systemd") == 0;
  node->kubepods_cgroup = g_strdup(systemd ? "/kubepods.slice" : "/kubepods");
  add_cgroup(node, out_cgroups, node->kubepods_cgroup, node->kubepods_limit_bytes, kubelet->line);
  for (K8sQos q = K8S_QOS_BURSTABLE; q <= K8S_QOS_BESTEFFORT; q++) {
    g_autofree char *path = qos_cgroup_path(node, q);
    add_cgroup(node, out_cgroups, path, 0, kubelet->line);
  }
  for (guint i = 0; i < kubelet->children->len; i++)
    if (!read_pod(&ctx, node, kubelet->children->pdata[i], out_cgroups, out_processes))
      return NULL;
  return g_steal_pointer(&node);
}
