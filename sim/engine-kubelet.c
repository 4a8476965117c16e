/* sim/engine-kubelet.c: the acting half of the kubelet's eviction manager (pkg/kubelet/eviction; the choosing
 * half is k8s/k8s-eviction.c): a pass of synchronize() every housekeeping interval of the virtual clock, from 0, run
 * before the first step at or after its time (a step runs to completion first, as the kubelet's goroutine cannot
 * interrupt a page fault). It measures what the summary API would (working set = usage - inactive_file, all page
 * cache counted inactive: the model's file pages were read once and sit on the inactive list), and evicts the pod it
 * names: every process in the pod's cgroup gets SIGTERM (the runtime's StopContainer with the eviction's grace
 * period: the modelled processes do not handle SIGTERM, so they exit at once, status 143) and reports the reason
 * Evicted. The engine (sim/engine.c) decides when a pass is due, beside earlyoom and systemd-oomd. */
#include "engine-internal.h"

static guint64 memcg_working_set_bytes(SimEngine *e, const char *path)
{
  KmMemcg *memcg = km_system_find_memcg(e->sys, path);
  KmPages ws = memcg ? memcg->usage - memcg->file : 0;
  return (guint64)MAX(ws, 0) * e->sys->machine.page_size;
}

static gboolean memcg_within(const KmMemcg *memcg, const KmMemcg *ancestor)
{
  for (; memcg; memcg = memcg->parent)
    if (memcg == ancestor)
      return TRUE;
  return FALSE;
}

static void evict_pod(SimEngine *e, const K8sPod *pod, const char *why)
{
  KmMemcg *pod_memcg = km_system_find_memcg(e->sys, pod->cgroup);
  g_autoptr(GPtrArray) victims = g_ptr_array_new();
  for (KmTask *task = e->sys->tasks.head; task; task = task->tasks.next) {
    if ((task->state == KM_TASK_RUNNING || task->state == KM_TASK_BLOCKED) && memcg_within(task->memcg, pod_memcg))
      g_ptr_array_add(victims, task);
  }
  engine_emit_simple(e, SIM_EV_KUBELET, NULL, victims->len ? victims->pdata[0] : NULL, why);
  e->exit_reason = "Evicted";
  for (guint i = 0; i < victims->len; i++)
    sim_engine_actor_kill(e, victims->pdata[i], SIGTERM, "kubelet");
  e->exit_reason = NULL;
}

static void eviction_pass(SimEngine *e)
{
  const K8sNode *node = e->header->k8s;
  g_autofree guint64 *pods_ws = g_new0(guint64, node->pods->len + 1);
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    KmMemcg *memcg = km_system_find_memcg(e->sys, pod->cgroup);
    gboolean running = FALSE;
    for (const KmTask *task = e->sys->tasks.head; task && !running; task = task->tasks.next)
      running = task->state != KM_TASK_DEAD && memcg_within(task->memcg, memcg);
    pods_ws[i] = running ? memcg_working_set_bytes(e, pod->cgroup) : G_MAXUINT64;
  }
  KmPages used = e->sys->machine.totalram_pages - km_free_pages(e->sys) - e->sys->machine.file;
  K8sEvictionStats stats = { .node_working_set_bytes = (guint64)MAX(used, 0) * e->sys->machine.page_size,
                             .kubepods_working_set_bytes = memcg_working_set_bytes(e, node->kubepods_cgroup),
                             .pod_working_set_bytes = pods_ws };
  K8sEvictionDecision d;
  k8s_eviction_synchronize(node, e->eviction, &stats, e->now_ns, &d);
  if (d.pressure_changed) {
    g_autofree char *detail = g_strdup_printf("kubelet: node condition MemoryPressure=%s (memory.available %"
                                              G_GUINT64_FORMAT "Ki, allocatableMemory.available %" G_GUINT64_FORMAT "Ki)",
                                              d.memory_pressure ? "True" : "False", d.memory_available_bytes / 1024,
                                              d.allocatable_available_bytes / 1024);
    engine_emit_simple(e, SIM_EV_KUBELET, NULL, NULL, detail);
  }
  if (d.pod >= 0) {
    const K8sPod *pod = node->pods->pdata[d.pod];
    g_autofree char *why = g_strdup_printf("kubelet eviction manager: evicting pod %s/%s (%s, priority %" G_GINT64_FORMAT
                                           "): %s", pod->namespace_, pod->name, k8s_qos_names[pod->qos], pod->priority,
                                           d.message);
    evict_pod(e, pod, why);
  }
  k8s_eviction_decision_clear(&d);
}

/* The next pass of the eviction manager, due at e->next_eviction_ns. */
void engine_eviction_run(SimEngine *e)
{
  const guint64 interval = e->header->k8s->housekeeping_interval_ns;
  eviction_pass(e);
  e->next_eviction_ns = interval == 0 || e->next_eviction_ns > G_MAXUINT64 - interval ? G_MAXUINT64
                                                                                      : e->next_eviction_ns + interval;
}
