/* tests/test-k8s.c: the kubelet model (k8s/): quantities, QoS and oom_score_adj per version, the node set-up the
 * loader derives from <kubelet>, and invalid <kubelet> input.
 *
 * /k8s/policy/... translates the table of pkg/kubelet/qos/policy_test.go (TestGetContainerOOMScoreAdjust; the
 * pods cpuLimit, memoryLimitCPURequest, zeroMemoryLimit, noRequestLimit, equalRequestLimitCPUMemory,
 * cpuUnlimitedMemoryLimitedWithRequests, requestNoLimit, critical) and runs it against every modelled version,
 * with the value each version must give worked out by hand next to each case. policy_test.go builds its pods
 * without the API server's defaulting, so a missing memory request is a request of 0 here too, and its QoS class
 * (which counts CPU) is stated, as a scenario's qos= does.
 */
#include "k8s/k8s-eviction.h"
#include "k8s/k8s-node.h"
#include "k8s/k8s-policy.h"
#include "k8s/k8s-quantity.h"
#include "kernel-model/km-oom.h"
#include "kernel-model/km-profile.h"
#include "scenarios/scenario-loader.h"
#include "k8s/k8s-backoff.h"
#include "sim/sim.h"

#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#define GB G_GUINT64_CONSTANT(1000000000)
#define GiB (G_GUINT64_CONSTANT(1) << 30)
#define MiB (G_GUINT64_CONSTANT(1) << 20)

/* Quantities ========================================================================================= */

static void
test_quantity_valid(void)
{
  const struct {
    const char *text;
    guint64 bytes;
  } cases[] = {
    { "0", 0 },
    { "128Mi", 128 * MiB },            /* 134217728 */
    { "1Gi", GiB },
    { "1.5Gi", 3 * GiB / 2 },          /* 1610612736 */
    { "1G", GB },                      /* decimal: 10^9, not 2^30 */
    { "10G", 10 * GB },                /* policy_test.go's "10G" */
    { "100M", 100000000 },
    { "500k", 500000 },
    { "1e9", GB },
    { "4000000000", 4000000000 },
    { " 64Mi ", 64 * MiB },
    { "+1Ki", 1024 },
    { "1m", 1 },                       /* 0.001 byte, rounded up by Quantity.Value() */
    { "1.1", 2 },                      /* rounded up */
    { "0.5Ki", 512 },
    { "7Ei", G_GUINT64_CONSTANT(7) << 60 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint64 bytes = 12345;
    g_assert_true(k8s_parse_quantity(cases[i].text, &bytes));
    g_assert_cmpuint(bytes, ==, cases[i].bytes);
  }
}

static void
test_quantity_invalid(void)
{
  const char *cases[] = { "", "Mi", "1MB", "1mi", "-1", "1.2.3", "1 Gi", "9223372036854775808", "8Ei",
                          "1e19", "0.0000000001", "0x10", "1Ee", "max" };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint64 bytes = 0;
    g_assert_false(k8s_parse_quantity(cases[i], &bytes));
  }
}

static void
test_go_duration(void)
{
  guint64 ns = 0;
  g_assert_true(k8s_parse_go_duration("10s", &ns));
  g_assert_cmpuint(ns, ==, G_GUINT64_CONSTANT(10000000000));
  g_assert_true(k8s_parse_go_duration("1m30s", &ns));
  g_assert_cmpuint(ns, ==, G_GUINT64_CONSTANT(90000000000)); /* 60 + 30 s */
  g_assert_true(k8s_parse_go_duration("500ms", &ns));
  g_assert_cmpuint(ns, ==, 500000000);
  g_assert_true(k8s_parse_go_duration("5m0s", &ns));
  g_assert_cmpuint(ns, ==, G_GUINT64_CONSTANT(300000000000));
  g_assert_true(k8s_parse_go_duration("0", &ns));
  g_assert_cmpuint(ns, ==, 0);
  const char *bad[] = { "", "10", "s", "1.5s", "10 s", "-1s", "1d" };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++)
    g_assert_false(k8s_parse_go_duration(bad[i], &ns));
}

/* policy.go ========================================================================================== */

typedef struct {
  const char *name;
  K8sContainerResources container; /* the pod's only container (Containers[0]) */
  K8sQos qos;                      /* GetPodQOS() of the test's pod, CPU included */
  gint64 priority;
  const char *priority_class;
  gint64 capacity;
  int adj_1_15, adj_1_16, adj_1_19, adj_1_22; /* the expected value in each policy generation */
} PolicyCase;

static const PolicyCase policy_cases[] = {
  /* cpuLimit: only a CPU limit: Burstable; memory request 0 -> 1000 - 0 = 1000 -> 999 */
  { "cpuLimit", { 0, 0, FALSE }, K8S_QOS_BURSTABLE, 0, NULL, 4000000000, 999, 999, 999, 999 },
  /* memoryLimitCPURequest: memory limit 10G, no memory request, no CPU limit: Burstable; request 0 -> 999 */
  { "memoryLimitCPURequest", { 0, 10 * GB, FALSE }, K8S_QOS_BURSTABLE, 0, NULL, 8000000000, 999, 999, 999, 999 },
  /* zeroMemoryLimit: a zero limit does not count: BestEffort -> 1000 */
  { "zeroMemoryLimit", { 0, 0, FALSE }, K8S_QOS_BESTEFFORT, 0, NULL, 7230457451, 1000, 1000, 1000, 1000 },
  /* noRequestLimit: BestEffort -> 1000 */
  { "noRequestLimit", { 0, 0, FALSE }, K8S_QOS_BESTEFFORT, 0, NULL, 4000000000, 1000, 1000, 1000, 1000 },
  /* equalRequestLimitCPUMemory: Guaranteed -> guaranteedOOMScoreAdj: -998 up to 1.18, -997 from 1.19 */
  { "equalRequestLimitCPUMemory", { 10 * GB, 10 * GB, FALSE }, K8S_QOS_GUARANTEED, 0, NULL, 123456789, -998, -998,
    -997, -997 },
  /* cpuUnlimitedMemoryLimitedWithRequests: 1000 - 1000 * 4000000000 / 8000000000 = 1000 - 500 = 500 (the Go test
   * accepts 495..505) */
  { "cpuUnlimitedMemoryLimitedWithRequests", { 4000000000, 10 * GB, FALSE }, K8S_QOS_BURSTABLE, 0, NULL, 8000000000,
    500, 500, 500, 500 },
  /* requestNoLimit: 1000 - 1000 * 7999999999 / 8000000000 = 1000 - 999 = 1, raised to 1000 + guaranteedOOMScoreAdj:
   * 2 with -998, 3 with -997 */
  { "requestNoLimit", { 7999999999, 0, FALSE }, K8S_QOS_BURSTABLE, 0, NULL, 8000000000, 2, 2, 3, 3 },
  /* critical: priority SystemCriticalPriority (2000000000), no class name, no resources (BestEffort): no rule in
   * 1.15 -> 1000; IsCriticalPod() 1.16-1.21 -> guaranteedOOMScoreAdj; IsNodeCriticalPod() from 1.22 needs the
   * class system-node-critical -> 1000 again */
  { "critical", { 0, 0, FALSE }, K8S_QOS_BESTEFFORT, 2000000000, NULL, 4000000000, 1000, -998, -997, 1000 },
  /* the same pod with priorityClassName system-node-critical (2000001000): critical from 1.16 on */
  { "system-node-critical", { 0, 0, FALSE }, K8S_QOS_BESTEFFORT, 2000001000, "system-node-critical", 4000000000,
    1000, -998, -997, -997 },
  /* system-cluster-critical (2000000000) with a request of 1Gi of 4Gi: 1.16-1.21 critical; 1.15 and 1.22+
   * Burstable 1000 - 1000 * 1073741824 / 4294967296 = 750 */
  { "system-cluster-critical", { GiB, 0, FALSE }, K8S_QOS_BURSTABLE, 2000000000, "system-cluster-critical",
    4294967296, 750, -998, -997, 750 },
};

static int
expected_for(const PolicyCase *c, int minor)
{
  if (minor >= 22)
    return c->adj_1_22;
  if (minor >= 19)
    return c->adj_1_19;
  if (minor >= 16)
    return c->adj_1_16;
  return c->adj_1_15;
}

static void
test_policy_table(void)
{
  for (int minor = K8S_MIN_MINOR; minor <= K8S_MAX_MINOR; minor++) {
    const K8sPolicyProfile *profile = k8s_policy_profile(minor);
    g_assert_nonnull(profile);
    for (gsize i = 0; i < G_N_ELEMENTS(policy_cases); i++) {
      const PolicyCase *c = &policy_cases[i];
      K8sPodResources pod = { .containers = &c->container, .n_containers = 1, .priority = c->priority,
                              .priority_class = c->priority_class };
      int adj = k8s_container_oom_score_adj(profile, &pod, c->qos, 0, c->capacity);
      if (adj != expected_for(c, minor))
        g_error("kubelet 1.%d, %s: oom_score_adj %d, expected %d", minor, c->name, adj, expected_for(c, minor));
    }
  }
  g_assert_null(k8s_policy_profile(14));
  g_assert_null(k8s_policy_profile(34));
}

/* The sidecar rule (1.33, PR #128029): a regular container requesting 2Gi of 8Gi has 1000 - 250 = 750; a sidecar
 * requesting nothing has 1000 -> 999 before 1.33, and min(1000, 750) = 750 from 1.33. A sidecar requesting 4Gi
 * (500) keeps 500: the rule only lowers. */
static void
test_policy_sidecar(void)
{
  const K8sContainerResources containers[] = { { 2 * GiB, 0, FALSE }, { 0, 0, TRUE }, { 4 * GiB, 0, TRUE } };
  K8sPodResources pod = { .containers = containers, .n_containers = 3 };
  g_assert_cmpint(k8s_pod_qos_from_memory(&pod), ==, K8S_QOS_BURSTABLE);
  gint64 capacity = (gint64) (8 * GiB);
  for (int minor = K8S_MIN_MINOR; minor <= K8S_MAX_MINOR; minor++) {
    const K8sPolicyProfile *p = k8s_policy_profile(minor);
    g_assert_cmpint(k8s_container_oom_score_adj(p, &pod, K8S_QOS_BURSTABLE, 0, capacity), ==, 750);
    g_assert_cmpint(k8s_container_oom_score_adj(p, &pod, K8S_QOS_BURSTABLE, 1, capacity), ==, minor >= 33 ? 750 : 999);
    g_assert_cmpint(k8s_container_oom_score_adj(p, &pod, K8S_QOS_BURSTABLE, 2, capacity), ==, 500);
  }
}

/* GetPodQOS() from memory: no requests or limits -> BestEffort; a limit everywhere and requests equal to limits ->
 * Guaranteed; anything else Burstable. Zero quantities are ignored. */
static void
test_qos_from_memory(void)
{
  const K8sContainerResources guaranteed[] = { { GiB, GiB, FALSE }, { MiB, MiB, FALSE } };
  const K8sContainerResources one_unlimited[] = { { GiB, GiB, FALSE }, { MiB, 0, FALSE } };
  const K8sContainerResources request_below[] = { { MiB, GiB, FALSE } };
  const K8sContainerResources zero[] = { { 0, 0, FALSE }, { 0, 0, FALSE } };
  K8sPodResources pod = { .containers = guaranteed, .n_containers = 2 };
  g_assert_cmpint(k8s_pod_qos_from_memory(&pod), ==, K8S_QOS_GUARANTEED);
  pod.containers = one_unlimited;
  g_assert_cmpint(k8s_pod_qos_from_memory(&pod), ==, K8S_QOS_BURSTABLE);
  pod.containers = zero;
  g_assert_cmpint(k8s_pod_qos_from_memory(&pod), ==, K8S_QOS_BESTEFFORT);
  pod.containers = request_below;
  pod.n_containers = 1;
  g_assert_cmpint(k8s_pod_qos_from_memory(&pod), ==, K8S_QOS_BURSTABLE);
}

/* The node the loader derives ======================================================================== */

static ScenarioLoader *
load(const char *xml, GError **error)
{
  return scenario_loader_new_from_memory(xml, strlen(xml), "test.xml", error);
}

/* A scenario that must load: its header (the loader, which owns it, in *out_loader). */
static const ScenarioHeader *
load_ok(const char *xml, ScenarioLoader **out_loader)
{
  g_autoptr(GError) error = NULL;
  *out_loader = load(xml, &error);
  g_assert_no_error(error);
  return scenario_loader_get_header(*out_loader);
}

static const ScCgroup *
find_cgroup(const ScenarioHeader *h, const char *path)
{
  for (guint i = 0; i < h->cgroups->len; i++)
    if (strcmp(((ScCgroup *) h->cgroups->pdata[i])->path, path) == 0)
      return h->cgroups->pdata[i];
  g_error("no cgroup %s", path);
  return NULL;
}

static const char *
cgroup_attr(const ScCgroup *c, const char *name)
{
  for (guint i = 0; i < c->attrs->len; i++)
    if (strcmp(((ScAttr *) c->attrs->pdata[i])->name, name) == 0)
      return ((ScAttr *) c->attrs->pdata[i])->value;
  return NULL;
}

static const ScProcess *
find_process(const ScenarioHeader *h, int pid)
{
  for (guint i = 0; i < h->processes->len; i++)
    if (((ScProcess *) h->processes->pdata[i])->pid == pid)
      return h->processes->pdata[i];
  g_error("no process %d", pid);
  return NULL;
}

/* cgroupfs driver, cgroup v1, kubelet 1.18 (guaranteedOOMScoreAdj -998). ram 8GiB = 8589934592; kube-reserved
 * 512Mi + system-reserved 512Mi = 1073741824 -> kubepods limit 7516192768; hard eviction 100Mi = 104857600 ->
 * allocatable 7411335168. */
static void
test_node_cgroupfs_v1(void)
{
  const char *xml =
    "<scenario name=\"n\">\n"
    "  <machine ram=\"8GiB\"/>\n"
    "  <cgroups version=\"1\"/>\n"
    "  <kubelet version=\"1.18\" kube-reserved=\"512Mi\" system-reserved=\"512Mi\">\n"
    "    <pod name=\"db\"><container name=\"pg\" pid=\"10\" limit=\"2Gi\"/></pod>\n"
    "    <pod name=\"web\" namespace=\"shop\" uid=\"1234-abcd\">\n"
    "      <container name=\"nginx\" pid=\"20\" request=\"800Mi\" limit=\"1Gi\"/>\n"
    "      <container name=\"log-shipper\" pid=\"21\" comm=\"fluent-bit\" request=\"64Mi\" limit=\"128Mi\"/>\n"
    "    </pod>\n"
    "    <pod name=\"batch\"><container name=\"a-very-long-container-name\" pid=\"30\"/></pod>\n"
    "  </kubelet>\n"
    "  <processes><process pid=\"1\" comm=\"systemd\"/></processes>\n"
    "</scenario>\n";
  g_autoptr(ScenarioLoader) loader = NULL;
  const ScenarioHeader *h = load_ok(xml, &loader);
  const K8sNode *node = h->k8s;
  g_assert_nonnull(node);
  g_assert_cmpuint(node->kubepods_limit_bytes, ==, G_GUINT64_CONSTANT(7516192768));
  g_assert_cmpuint(node->allocatable_bytes, ==, G_GUINT64_CONSTANT(7411335168));
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods"), "memory.limit_in_bytes"), ==, "7516192768");
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods"), "memory.use_hierarchy"), ==, "1");
  g_assert_null(cgroup_attr(find_cgroup(h, "/kubepods/burstable"), "memory.limit_in_bytes"));
  g_assert_null(cgroup_attr(find_cgroup(h, "/kubepods/besteffort"), "memory.limit_in_bytes"));
  /* db: limit 2Gi, request defaulted to 2Gi: Guaranteed, directly under kubepods, -998 in 1.18 */
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods/poddefault-db"), "memory.limit_in_bytes"), ==, "2147483648");
  g_assert_cmpint(find_process(h, 10)->oom_score_adj, ==, -998);
  g_assert_cmpstr(find_process(h, 10)->cgroup, ==, "/kubepods/poddefault-db/pg");
  /* web: Burstable; pod limit 1Gi + 128Mi = 1207959552; nginx 1000 - 1000 * 838860800 / 8589934592 = 1000 - 97 =
   * 903; log-shipper 1000 - 1000 * 67108864 / 8589934592 = 1000 - 7 = 993 */
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods/burstable/pod1234-abcd"), "memory.limit_in_bytes"), ==,
                  "1207959552");
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods/burstable/pod1234-abcd/nginx"), "memory.limit_in_bytes"),
                  ==, "1073741824");
  g_assert_cmpint(find_process(h, 20)->oom_score_adj, ==, 903);
  g_assert_cmpint(find_process(h, 21)->oom_score_adj, ==, 993);
  g_assert_cmpstr(find_process(h, 21)->comm, ==, "fluent-bit");
  g_assert_cmpstr(find_process(h, 21)->container, ==, "log-shipper");
  /* batch: BestEffort, no limits; comm is the container name cut to 15 bytes */
  g_assert_null(cgroup_attr(find_cgroup(h, "/kubepods/besteffort/poddefault-batch"), "memory.limit_in_bytes"));
  g_assert_cmpint(find_process(h, 30)->oom_score_adj, ==, 1000);
  g_assert_cmpstr(find_process(h, 30)->comm, ==, "a-very-long-con");
  /* the scenario's own process comes after the kubelet's */
  g_assert_cmpint(((ScProcess *) h->processes->pdata[h->processes->len - 1])->pid, ==, 1);
}

/* systemd driver, cgroup v2, kubelet 1.28: slices, '-' in the uid escaped to '_', memory.max. */
static void
test_node_systemd_v2(void)
{
  const char *xml =
    "<scenario name=\"n\">\n"
    "  <machine ram=\"4GiB\"/>\n"
    "  <kubelet version=\"1.28.3\" cgroup-driver=\"systemd\" eviction-hard=\"memory.available&lt;10%\">\n"
    "    <pod name=\"db\" uid=\"a-b\"><container name=\"pg\" pid=\"10\" request=\"1Gi\" limit=\"1Gi\"/></pod>\n"
    "    <pod name=\"api\" uid=\"c-d\"><container name=\"api\" pid=\"20\" request=\"1Gi\"/></pod>\n"
    "  </kubelet>\n"
    "</scenario>\n";
  g_autoptr(ScenarioLoader) loader = NULL;
  const ScenarioHeader *h = load_ok(xml, &loader);
  /* 10% of 4294967296: ParseThresholdConfig() takes float32(10) / 100 = 0.100000001490116 (float32), and
   * GetThresholdQuantity() multiplies in float64: 4294967296 * 0.100000001490116 = 429496736.0 (not 429496729.6) */
  g_assert_cmpuint(h->k8s->hard_eviction_bytes, ==, G_GUINT64_CONSTANT(429496736));
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods.slice"), "memory.max"), ==, "4294967296");
  g_assert_cmpstr(cgroup_attr(find_cgroup(h, "/kubepods.slice/kubepods-poda_b.slice/cri-containerd-pg.scope"),
                              "memory.max"), ==, "1073741824");
  find_cgroup(h, "/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podc_d.slice/cri-containerd-api.scope");
  g_assert_cmpint(find_process(h, 10)->oom_score_adj, ==, -997);
  g_assert_cmpint(find_process(h, 20)->oom_score_adj, ==, 750); /* 1000 - 1000 * 2^30 / 2^32 */
}

/* securityContext.privileged: only a privileged container gets CAP_SYS_ADMIN (the runtimes' default capability
 * set leaves it out), and on kernels before 4.17 that is oom_badness()'s root bonus. On 3.10 (3.10.105, RHEL 7.9:
 * points -= points * 3 / 100) with totalpages 262144 (a 1Gi memcg) and oom_score_adj 1000 (adj counts
 * 1000 * (262144 / 1000) = 262000): 131584 rss + 257 page-table pages = 131841 points, less 131841 * 3 / 100 =
 * 3955 when privileged: 127886 + 262000 = 389886, else 131841 + 262000 = 393841. On 4.19 no bonus: 393841. */
static void
test_node_privileged(void)
{
  const char *xml =
    "<scenario name=\"p\" kernel=\"3.10\">\n"
    "  <machine ram=\"2GiB\"/>\n"
    "  <cgroups version=\"1\"/>\n"
    "  <kubelet version=\"1.21\">\n"
    "    <pod name=\"app\"><container name=\"app\" pid=\"10\"/></pod>\n"
    "    <pod name=\"agent\"><container name=\"agent\" pid=\"20\" privileged=\"true\"/>\n"
    "      <container name=\"helper\" pid=\"21\" privileged=\"false\"/></pod>\n"
    "  </kubelet>\n"
    "</scenario>\n";
  g_autoptr(ScenarioLoader) loader = NULL;
  const ScenarioHeader *h = load_ok(xml, &loader);
  g_assert_false(find_process(h, 10)->cap_sys_admin); /* the default: not privileged, although uid 0 */
  g_assert_cmpint(find_process(h, 10)->uid, ==, 0);
  g_assert_true(find_process(h, 20)->cap_sys_admin);
  g_assert_false(find_process(h, 21)->cap_sys_admin); /* privileged is per container */

  const KmProfile *p310 = km_profile_lookup("3.10");
  const KmProfile *p419 = km_profile_lookup("4.19");
  g_assert_nonnull(p310);
  g_assert_nonnull(p419);
  KmBadnessTerms t;
  g_assert_cmpint(km_oom_badness_split(p310, 131584, 0, 257, 1000, find_process(h, 20)->cap_sys_admin, 262144, &t),
                  ==, 389886);
  g_assert_cmpint(t.root_bonus, ==, -3955);
  g_assert_cmpint(km_oom_badness_split(p310, 131584, 0, 257, 1000, find_process(h, 10)->cap_sys_admin, 262144, &t),
                  ==, 393841);
  g_assert_cmpint(t.root_bonus, ==, 0);
  g_assert_cmpint(km_oom_badness_split(p419, 131584, 0, 257, 1000, TRUE, 262144, NULL), ==, 393841);
}

/* Invalid <kubelet> input: each gives one error, its code and the line of the element at fault. */
static void
test_invalid(void)
{
  const struct {
    const char *body; /* inside <scenario>, from line 2 */
    ScenarioError code;
    int line;
  } cases[] = {
    { "<kubelet version=\"1.14\"/>", SCENARIO_ERROR_KERNEL, 2 },
    { "<kubelet version=\"2.0\"/>", SCENARIO_ERROR_KERNEL, 2 },
    { "<kubelet/>", SCENARIO_ERROR_SCHEMA, 2 },
    { "<kubelet version=\"1.28\" cgroup-driver=\"docker\"/>", SCENARIO_ERROR_SCHEMA, 2 },
    { "<kubelet version=\"1.28\" kube-reserved=\"1GB\"/>", SCENARIO_ERROR_SIZE, 2 },
    { "<kubelet version=\"1.28\" kube-reserved=\"2Gi\"/>", SCENARIO_ERROR_RANGE, 2 }, /* ram is 1GiB */
    { "<kubelet version=\"1.28\" eviction-hard=\"memory.available&gt;1Mi\"/>", SCENARIO_ERROR_SCHEMA, 2 },
    { "<kubelet version=\"1.28\" eviction-hard=\"memory.free&lt;1Mi\"/>", SCENARIO_ERROR_SCHEMA, 2 },
    { "<kubelet version=\"1.28\" eviction-soft=\"memory.available&lt;1Gi\"/>", SCENARIO_ERROR_SCHEMA, 2 },
    { "<kubelet version=\"1.28\" eviction-hard=\"memory.available&lt;200%\"/>", SCENARIO_ERROR_RANGE, 2 },
    { "<kubelet version=\"1.28\" housekeeping-interval=\"10\"/>", SCENARIO_ERROR_SCHEMA, 2 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\"/>\n</kubelet>", SCENARIO_ERROR_SCHEMA, 3 },
    { "<kubelet version=\"1.28\">\n<pod name=\"A\"><container name=\"c\" pid=\"2\"/></pod>\n</kubelet>",
      SCENARIO_ERROR_SCHEMA, 3 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\">\n<container name=\"c\" pid=\"2\" request=\"2Mi\" limit=\"1Mi\"/>"
      "</pod></kubelet>", SCENARIO_ERROR_RANGE, 4 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\" qos=\"Guaranteed\"><container name=\"c\" pid=\"2\" request=\"1Mi\"/>"
      "</pod></kubelet>", SCENARIO_ERROR_RANGE, 3 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\" qos=\"BestEffort\"><container name=\"c\" pid=\"2\" limit=\"1Mi\"/>"
      "</pod></kubelet>", SCENARIO_ERROR_RANGE, 3 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\" priority=\"2000000000\"><container name=\"c\" pid=\"2\"/></pod>"
      "</kubelet>", SCENARIO_ERROR_RANGE, 3 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\"><container name=\"c\" pid=\"2\"/></pod>\n"
      "<pod name=\"a\"><container name=\"c\" pid=\"3\"/></pod></kubelet>", SCENARIO_ERROR_DUPLICATE, 4 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\"><container name=\"c\" pid=\"2\"/>\n"
      "<container name=\"c\" pid=\"3\"/></pod></kubelet>", SCENARIO_ERROR_DUPLICATE, 4 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\"><container name=\"c\" pid=\"2\" sidecar=\"true\"/></pod>"
      "</kubelet>", SCENARIO_ERROR_SCHEMA, 3 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\"><container name=\"c\" pid=\"2\"/></pod></kubelet>\n"
      "<processes><process pid=\"2\" comm=\"x\"/></processes>", SCENARIO_ERROR_DUPLICATE, 4 },
    { "<kubelet version=\"1.28\">\n<pod name=\"a\">\n<container name=\"c\" pid=\"2\" privileged=\"yes\"/></pod>"
      "</kubelet>", SCENARIO_ERROR_SCHEMA, 4 },
    { "<cgroups><cgroup path=\"/kubepods\"/></cgroups>\n<kubelet version=\"1.28\"/>", SCENARIO_ERROR_DUPLICATE, 3 },
    { "<machine ram=\"1GiB\" swap=\"1GiB\"/>\n<kubelet version=\"1.28\"/>", SCENARIO_ERROR_UNSUPPORTED, 3 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *xml = g_strdup_printf("<scenario name=\"bad\">\n%s\n</scenario>\n", cases[i].body);
    g_autoptr(GError) error = NULL;
    g_autoptr(ScenarioLoader) loader = load(xml, &error);
    g_assert_null(loader);
    g_autofree char *prefix = g_strdup_printf("test.xml:%d:", cases[i].line);
    if (!g_error_matches(error, SCENARIO_ERROR, (gint) cases[i].code) || !g_str_has_prefix(error->message, prefix))
      g_error("case %" G_GSIZE_FORMAT " (%s): got code %d \"%s\", expected code %d on line %d", i, cases[i].body,
              error->code, error->message, cases[i].code, cases[i].line);
  }
}

/* The eviction manager's choices (k8s-eviction.c), on a 4GiB node (capacity 4294967296) with
 * eviction-hard memory.available<500Mi (524288000), eviction-soft memory.available<1Gi for 30s, minimum reclaim
 * 100Mi (104857600). Pods: a (request 1Gi, priority 0), b (no request, priority 0), c (no request, priority 10). */
static void
test_eviction_synchronize(void)
{
  const char *xml =
    "<scenario name=\"e\">\n"
    "  <machine ram=\"4GiB\"/>\n"
    "  <kubelet version=\"1.28\" eviction-hard=\"memory.available&lt;500Mi\" eviction-soft=\"memory.available&lt;1Gi\"\n"
    "           eviction-soft-grace-period=\"memory.available=30s\" eviction-minimum-reclaim=\"memory.available=100Mi\">\n"
    "    <pod name=\"a\"><container name=\"a\" pid=\"10\" request=\"1Gi\"/></pod>\n"
    "    <pod name=\"b\"><container name=\"b\" pid=\"20\"/></pod>\n"
    "    <pod name=\"c\" priority=\"10\"><container name=\"c\" pid=\"30\"/></pod>\n"
    "  </kubelet>\n"
    "</scenario>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = load(xml, &error);
  g_assert_no_error(error);
  const K8sNode *node = scenario_loader_get_header(loader)->k8s;
  g_autoptr(K8sEvictionState) state = k8s_eviction_state_new(node);
  const guint64 s_ns = G_GUINT64_CONSTANT(1000000000);
  K8sEvictionDecision d;

  /* a uses 2Gi (1Gi over its request), b 300Mi, c 900Mi: node working set 3.2Gi -> available 819.2 MiB: the soft
   * threshold (1Gi) is met but its 30 s grace period has not run: MemoryPressure, no eviction */
  guint64 ws[] = { 2 * GiB, 300 * MiB, 900 * MiB };
  K8sEvictionStats stats = { .node_working_set_bytes = 2 * GiB + 1200 * MiB, .pod_working_set_bytes = ws };
  k8s_eviction_synchronize(node, state, &stats, 10 * s_ns, &d);
  g_assert_cmpuint(d.memory_available_bytes, ==, 4 * GiB - (2 * GiB + 1200 * MiB)); /* 880803840 */
  g_assert_true(d.memory_pressure);
  g_assert_true(d.pressure_changed);
  g_assert_cmpint(d.pod, ==, -1);
  k8s_eviction_decision_clear(&d);

  /* 30 s after it was first met the soft threshold acts. All three exceed their requests (a by 1Gi, b by 300Mi,
   * c by 900Mi); a and b have priority 0 < 10, so c comes last; of a and b the larger excess goes first: a. */
  k8s_eviction_synchronize(node, state, &stats, 40 * s_ns, &d);
  g_assert_cmpint(d.pod, ==, 0);
  g_assert_false(d.pressure_changed);
  k8s_eviction_decision_clear(&d);

  /* a gone (not running): b before c (priority); the hard threshold now: available 400Mi < 500Mi */
  ws[0] = G_MAXUINT64;
  stats.node_working_set_bytes = 4 * GiB - 400 * MiB;
  k8s_eviction_synchronize(node, state, &stats, 50 * s_ns, &d);
  g_assert_cmpint(d.threshold, ==, 0); /* the hard one, listed first */
  g_assert_cmpint(d.pod, ==, 1);
  k8s_eviction_decision_clear(&d);

  /* minimum reclaim: at 1Gi + 50Mi available the soft threshold (met before) stays met until 1Gi + 100Mi */
  stats.node_working_set_bytes = 4 * GiB - (GiB + 50 * MiB);
  k8s_eviction_synchronize(node, state, &stats, 60 * s_ns, &d);
  g_assert_true(d.memory_pressure);
  g_assert_cmpint(d.threshold, ==, 1); /* met again: its grace period counts from 10 s, long over */
  k8s_eviction_decision_clear(&d);
  stats.node_working_set_bytes = 4 * GiB - (GiB + 101 * MiB);
  k8s_eviction_synchronize(node, state, &stats, 70 * s_ns, &d);
  g_assert_cmpint(d.threshold, ==, -1);
  g_assert_true(d.memory_pressure); /* MemoryPressure stays for the transition period (5 min) after the last */
  k8s_eviction_decision_clear(&d);
  k8s_eviction_synchronize(node, state, &stats, 60 * s_ns + 300 * s_ns, &d);
  g_assert_false(d.memory_pressure); /* 300 s after the pass at 60 s */
  g_assert_true(d.pressure_changed);
  k8s_eviction_decision_clear(&d);
}


/* Restarts: ShouldContainerBeRestarted() and the CrashLoopBackOff (k8s/k8s-backoff.c), and the engine replaying a
 * container's steps on the virtual clock (sim/engine-restart.c). Expected times worked out by hand from
 * flowcontrol.Backoff(10 s, 300 s): no entry -> at once; then 10, 20, 40, 80, 160, 300, 300 s after each finish;
 * an entry last updated more than 600 s before the finish is expired and starts again. ========================= */

#define SEC G_GUINT64_CONSTANT(1000000000)

static void
test_should_restart(void)
{
  K8sPod pod = { 0 };
  const struct {
    const char *policy;
    gboolean sidecar;
    int status;
    gboolean evicted, restart;
  } cases[] = {
    { "Always", FALSE, 137, FALSE, TRUE },    { "Always", FALSE, 0, FALSE, TRUE },
    { "Always", FALSE, 143, TRUE, FALSE },    { "OnFailure", FALSE, 137, FALSE, TRUE },
    { "OnFailure", FALSE, 1, FALSE, TRUE },   { "OnFailure", FALSE, 0, FALSE, FALSE },
    { "OnFailure", FALSE, 143, TRUE, FALSE }, { "Never", FALSE, 137, FALSE, FALSE },
    { "Never", FALSE, 0, FALSE, FALSE },
    /* a native sidecar restarts after any exit whatever the pod's policy, but not in an evicted pod */
    { "Never", TRUE, 0, FALSE, TRUE },        { "OnFailure", TRUE, 0, FALSE, TRUE },
    { "Never", TRUE, 143, TRUE, FALSE },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    K8sContainer c = { .sidecar = cases[i].sidecar };
    pod.restart_policy = (char *)cases[i].policy;
    g_assert_cmpint(k8s_should_restart(&pod, &c, cases[i].status, cases[i].evicted), ==, cases[i].restart);
  }
}

static void
test_backoff_sequence(void)
{
  /* a container that dies 1 s after each start, the first time at 1 s */
  const guint64 finish[] = { 1, 2, 13, 34, 75, 156, 317, 618 };
  const guint64 wait[] = { 0, 10, 20, 40, 80, 160, 300, 300 };
  K8sBackoff b = { 0 };
  for (gsize i = 0; i < G_N_ELEMENTS(finish); i++) {
    guint64 backoff = 12345;
    guint64 at = k8s_backoff_restart_at(&b, finish[i] * SEC, &backoff);
    g_assert_cmpuint(backoff, ==, wait[i] * SEC);
    g_assert_cmpuint(at, ==, (finish[i] + wait[i]) * SEC);
    if (i + 1 < G_N_ELEMENTS(finish)) /* the next run dies 1 s after this restart */
      g_assert_cmpuint(finish[i + 1], ==, finish[i] + wait[i] + 1);
    k8s_backoff_next(&b, finish[i] * SEC, at);
  }
  /* last Next() at 918 s with 300 s: a finish 600 s after it is not expired (hasExpired() needs more) */
  g_assert_cmpuint(b.last_update_ns, ==, 918 * SEC);
  g_assert_true(k8s_backoff_in_backoff_since(&b, 1518 * SEC, 1518 * SEC));
  g_assert_true(k8s_backoff_in_backoff_since(&b, 1518 * SEC, 1817 * SEC));
  g_assert_false(k8s_backoff_in_backoff_since(&b, 1518 * SEC, 1818 * SEC)); /* Since() < backoff is strict */
  /* 600 s + 1 ns after it: expired, so a restart at once and the back-off starts again at 10 s */
  guint64 backoff;
  g_assert_cmpuint(k8s_backoff_restart_at(&b, 1518 * SEC + 1, &backoff), ==, 1518 * SEC + 1);
  g_assert_cmpuint(backoff, ==, 0);
  k8s_backoff_next(&b, 1518 * SEC + 1, 1518 * SEC + 1);
  g_assert_cmpuint(b.backoff_ns, ==, 10 * SEC);
}

static void
test_go_duration_text(void)
{
  const struct {
    guint64 ns;
    const char *text;
  } cases[] = {
    { 10 * SEC, "10s" }, { 80 * SEC, "1m20s" }, { 160 * SEC, "2m40s" }, { 300 * SEC, "5m0s" },
    { 3600 * SEC, "1h0m0s" }, { 0, "0s" }, { 3 * SEC / 2, "1.5s" }, { SEC / 2, "500ms" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *text = k8s_go_duration_text(cases[i].ns);
    g_assert_cmpstr(text, ==, cases[i].text);
  }
}

/* Runs a <kubelet> scenario with one container (pid 4200, 50Mi limit) whose trace is body, under restartPolicy
 * policy and <trace until>. */
static SimOutcome *
run_restart_scenario(const char *policy, const char *until, const char *body)
{
  g_autofree char *xml = g_strdup_printf(
    "<?xml version=\"1.0\"?>\n<scenario name=\"restarts\" kernel=\"6.1\">\n"
    "  <machine ram=\"2GiB\" swap=\"0\"/>\n  <cgroups version=\"2\"/>\n"
    "  <kubelet version=\"1.28\" cgroup-driver=\"systemd\">\n"
    "    <pod name=\"oom-test\" uid=\"6f1c\" restartPolicy=\"%s\">\n"
    "      <container name=\"mem-alloc\" pid=\"4200\" request=\"50Mi\" limit=\"50Mi\"/>\n    </pod>\n  </kubelet>\n"
    "  <trace until=\"%s\">\n%s  </trace>\n</scenario>\n", policy, until, body);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("oomsim-restart-XXXXXX.xml", &path, &error);
  g_assert_no_error(error);
  close(fd);
  g_assert_true(g_file_set_contents(path, xml, -1, &error));
  SimOptions opts = { .format = SIM_FORMAT_NONE };
  SimOutcome *o = NULL;
  g_assert_true(sim_run(path, &opts, &o, NULL, NULL, NULL, &error));
  g_assert_no_error(error);
  g_unlink(path);
  return o;
}

/* The exits of pid 4200: their times in seconds and statuses */
static void
assert_exits(const SimOutcome *o, const guint64 *times_s, const int *status, gsize n)
{
  gsize seen = 0;
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *x = o->exits->pdata[i];
    if (x->pid != 4200)
      continue;
    g_assert_cmpuint(seen, <, n);
    g_assert_cmpuint(x->time_ns, ==, times_s[seen] * SEC);
    g_assert_cmpint(x->status, ==, status[seen]);
    seen++;
  }
  g_assert_cmpuint(seen, ==, n);
}

#define LEAK "    <mmap id=\"heap\" pid=\"4200\" size=\"2000MiB\"/>\n" \
             "    <touch pid=\"4200\" size=\"10MiB\" repeat=\"200\" at=\"1s\"/>\n"

static void
test_restart_oom_loop(void)
{
  /* each run maps 2000 MiB and touches it 1 s after its start: at 50 MiB the memcg OOM kills it (137). Kills at
   * 1 s (restart at once), 2 s (+10 s: 12 s), 13 s (+20: 33), 34 s (+40: 74), 75 s (+80: 155), 156 s (+160: 316),
   * 317 s (+300: 617); at 400 s it waits in CrashLoopBackOff until 617 s */
  g_autoptr(SimOutcome) o = run_restart_scenario("Always", "400s", LEAK);
  const guint64 t[] = { 1, 2, 13, 34, 75, 156, 317 };
  const int st[] = { 137, 137, 137, 137, 137, 137, 137 };
  assert_exits(o, t, st, G_N_ELEMENTS(t));
  g_assert_cmpuint(o->kills->len, ==, 7);
  const SimContainerStatus *c = sim_outcome_find_container(o, 4200);
  g_assert_nonnull(c);
  g_assert_cmpuint(c->restart_count, ==, 6);
  g_assert_true(c->waiting);
  g_assert_cmpuint(c->backoff_ns, ==, 300 * SEC);
  g_assert_cmpuint(c->restart_at_ns, ==, 617 * SEC);
  g_assert_cmpuint(c->started_ns, ==, 316 * SEC);
  g_assert_cmpuint(c->last_started_ns, ==, 155 * SEC);
  /* a new container cgroup per run: its memory.events count the last run; the pod's count all seven */
  const char *scope = "/kubepods.slice/kubepods-pod6f1c.slice/cri-containerd-mem-alloc.scope";
  g_assert_cmpint(sim_outcome_find_events(o, scope)->oom_kill, ==, 1);
  g_assert_cmpint(sim_outcome_find_events(o, "/kubepods.slice/kubepods-pod6f1c.slice")->oom_kill, ==, 7);
  g_assert_cmpint(sim_outcome_find_events(o, "/kubepods.slice")->oom_kill, ==, 7);
}

static void
test_restart_trace_ends_running(void)
{
  /* until 316.5 s: the seventh run started at 316 s and has not reached its touch (317 s): it is running, and the
   * simulator ends it with 0 at the end of the trace */
  g_autoptr(SimOutcome) o = run_restart_scenario("Always", "316500ms", LEAK);
  const guint64 t[] = { 1, 2, 13, 34, 75, 156 };
  const int st[] = { 137, 137, 137, 137, 137, 137 };
  g_assert_cmpuint(o->kills->len, ==, 6);
  const SimContainerStatus *c = sim_outcome_find_container(o, 4200);
  g_assert_cmpuint(c->restart_count, ==, 6);
  g_assert_false(c->waiting);
  g_assert_cmpuint(c->started_ns, ==, 316 * SEC);
  const SimExit *last = sim_outcome_find_exit_nth(o, 4200, -1);
  g_assert_true(last->survived);
  g_assert_cmpuint(last->time_ns, ==, 316 * SEC + 500000000);
  g_assert_cmpuint(sim_outcome_find_exit_nth(o, 4200, -2)->time_ns, ==, 156 * SEC);
  g_assert_cmpuint(sim_outcome_find_exit_nth(o, 4200, 5)->time_ns, ==, t[5] * SEC);
  g_assert_cmpint(sim_outcome_find_exit_nth(o, 4200, 5)->status, ==, st[5]);
}

static void
test_restart_policies(void)
{
  /* the process exits with code by itself 5 s after each start */
  const char *exit0 = "    <exit pid=\"4200\" code=\"0\" at=\"5s\"/>\n";
  const char *exit1 = "    <exit pid=\"4200\" code=\"1\" at=\"5s\"/>\n";
  /* Always after exit 0, OnFailure after exit 1: exits at 5 s (restart at once), 10 s (+10 s: 20 s), 25 s (+20 s:
   * 45 s, after the trace's end at 40 s: waiting) */
  const guint64 t[] = { 5, 10, 25 };
  const int st0[] = { 0, 0, 0 }, st1[] = { 1, 1, 1 };
  {
    g_autoptr(SimOutcome) o = run_restart_scenario("Always", "40s", exit0);
    assert_exits(o, t, st0, 3);
    const SimContainerStatus *c = sim_outcome_find_container(o, 4200);
    g_assert_cmpuint(c->restart_count, ==, 2);
    g_assert_true(c->waiting);
    g_assert_cmpuint(c->backoff_ns, ==, 20 * SEC);
    g_assert_cmpuint(c->restart_at_ns, ==, 45 * SEC);
  }
  {
    g_autoptr(SimOutcome) o = run_restart_scenario("OnFailure", "40s", exit1);
    assert_exits(o, t, st1, 3);
    g_assert_cmpuint(sim_outcome_find_container(o, 4200)->restart_count, ==, 2);
  }
  {
    /* OnFailure after exit 0: done; Never after a failure: done */
    g_autoptr(SimOutcome) o = run_restart_scenario("OnFailure", "40s", exit0);
    const guint64 once[] = { 5 };
    assert_exits(o, once, st0, 1);
    g_assert_cmpuint(sim_outcome_find_container(o, 4200)->restart_count, ==, 0);
    g_assert_false(sim_outcome_find_container(o, 4200)->waiting);
  }
  {
    g_autoptr(SimOutcome) o = run_restart_scenario("Never", "400s", LEAK);
    const guint64 once[] = { 1 };
    const int killed[] = { 137 };
    assert_exits(o, once, killed, 1);
    g_assert_cmpuint(sim_outcome_find_container(o, 4200)->restart_count, ==, 0);
  }
}

static void
test_restart_not_after_eviction(void)
{
  /* the library's eviction: the BestEffort pod (restartPolicy Always) evicted at 10 s is not started again */
  g_autoptr(GError) error = NULL;
  g_autoptr(SimOutcome) o = NULL;
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "scenarios", "library",
                                                "k8s-besteffort-evicted-before-burstable.xml", NULL);
  SimOptions opts = { .format = SIM_FORMAT_NONE };
  g_assert_true(sim_run(path, &opts, &o, NULL, NULL, NULL, &error));
  g_assert_no_error(error);
  guint evicted = 0;
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *x = o->exits->pdata[i];
    if (g_strcmp0(x->reason, "Evicted") == 0) {
      evicted++;
      g_assert_null(sim_outcome_find_exit_nth(o, x->pid, 1)); /* one run only */
      g_assert_cmpuint(sim_outcome_find_container(o, x->pid)->restart_count, ==, 0);
      g_assert_false(sim_outcome_find_container(o, x->pid)->waiting);
    }
  }
  g_assert_cmpuint(evicted, >, 0);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/k8s/quantity/valid", test_quantity_valid);
  g_test_add_func("/k8s/quantity/invalid", test_quantity_invalid);
  g_test_add_func("/k8s/quantity/go-duration", test_go_duration);
  g_test_add_func("/k8s/policy/policy-test-go-table-per-version", test_policy_table);
  g_test_add_func("/k8s/policy/sidecar-1.33", test_policy_sidecar);
  g_test_add_func("/k8s/policy/qos-from-memory", test_qos_from_memory);
  g_test_add_func("/k8s/node/cgroupfs-v1-1.18", test_node_cgroupfs_v1);
  g_test_add_func("/k8s/node/systemd-v2-1.28", test_node_systemd_v2);
  g_test_add_func("/k8s/node/privileged-cap-sys-admin-3.10", test_node_privileged);
  g_test_add_func("/k8s/node/invalid", test_invalid);
  g_test_add_func("/k8s/eviction/synchronize-ranking-grace-reclaim-pressure", test_eviction_synchronize);
  g_test_add_func("/k8s/restart/should-container-be-restarted", test_should_restart);
  g_test_add_func("/k8s/restart/backoff-10s-doubling-to-300s-reset-after-600s", test_backoff_sequence);
  g_test_add_func("/k8s/restart/go-duration-text", test_go_duration_text);
  g_test_add_func("/k8s/restart/50mi-oom-loop-crashloopbackoff", test_restart_oom_loop);
  g_test_add_func("/k8s/restart/trace-ends-during-a-run", test_restart_trace_ends_running);
  g_test_add_func("/k8s/restart/always-onfailure-never", test_restart_policies);
  g_test_add_func("/k8s/restart/not-after-eviction", test_restart_not_after_eviction);
  return g_test_run();
}
