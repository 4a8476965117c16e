/* sim/engine-restart.c: the kubelet starting a container again after its process ended (pkg/kubelet, 1.15 - 1.33:
 * SyncPod() -> computePodActions() -> ShouldContainerBeRestarted() in pkg/kubelet/container/helpers.go, and the
 * CrashLoopBackOff of doBackOff() in pkg/kubelet/kuberuntime/kuberuntime_manager.go; the choosing half is
 * k8s/k8s-backoff.c). The acting half, on the virtual clock, beside the eviction manager (engine-kubelet.c).
 *
 * What a run of a container is. The trace's steps of a container's pid are its program: the first run is the trace
 * as written; each later run replays those steps from the first, the i-th at the run's start plus the time the
 * trace reached it in the first run (so `at="1s"` means one second after each start), under the same pid (the
 * scenario's name for the container; on a node each run is a new process with a new host pid, and PID 1 of the
 * container's pid namespace every time). A new run is a new process: a fresh mm with the container's base, the
 * container's oom_score_adj, memory charged afresh, in the container's cgroup. The runtime creates a new container
 * (a new id) for each start, and with it a new cgroup (runc: cri-containerd-<new id>.scope, or <pod>/<new id>); the
 * model keeps the one path and gives it the new cgroup's counters (km_memcg_reset_counters()): memory.events of the
 * container cgroup count the last run, the pod's and kubepods' count them all, as on a node. Page cache and shmem an
 * earlier run left charged stay in the path (the kernel keeps them in the removed, offline cgroup; the pod's usage
 * is the same). Steps of the trace that come after the first run ended are not run then: they belong to the
 * program and run in each later run, at their time. A <fork> in the program is not replayed (its child's pid is
 * taken). The kernel's decisions in every run are the same model as in the first.
 *
 * When. The kubelet notices an exit at once (the PLEG's 1 s relist is not modelled) and restarts the container at
 * once, or, in CrashLoopBackOff, the moment the back-off ends (the real pod worker retries a failed sync every
 * backOffPeriod, 10 s, with jitter, so a real restart comes at the first retry after that). A restart or a replayed
 * step runs before the first trace step at or after its time, as the eviction manager's passes do; at the same
 * time the eviction pass first (actors_run_until() in sim/engine.c). The trace ends at its last step or at
 * <trace until>, whichever is later: steps replayed up to that time run, a restart due at that time or later does
 * not happen. A container whose back-off runs past the end is shown Waiting in CrashLoopBackOff; one whose first
 * failure is at the very end (no back-off) is shown Terminated, as the kubelet has not synced the pod yet. */
#include "engine-internal.h"

#include "../k8s/k8s-backoff.h"
#include "../k8s/k8s-quantity.h"

typedef struct {
  const K8sPod *pod;
  const K8sContainer *container;
  const ScProcess *process; /* the container's process as the loader made it (header->processes) */
  guint slot;               /* its process slot (1-based) */
  KmMemcg *memcg;           /* the container's cgroup */
  GPtrArray *program;       /* ScStep* (copies): the trace's steps of the container's pid, in order */
  GArray *program_ns;       /* guint64: when the trace reached each, from the start of the first run */
  guint restart_count;
  guint64 started_ns, last_started_ns;
  guint cursor;             /* the next program step the current run replays (runs after the first) */
  gboolean pending;         /* the kubelet starts it again at restart_at_ns */
  guint64 restart_at_ns, wait_backoff_ns, finished_ns;
  gboolean pod_failed;      /* the pod was evicted: nothing of it restarts */
  K8sBackoff backoff;
} Container;

struct _EngineRestarts {
  GPtrArray *containers;   /* Container*, document order */
  gboolean closed;         /* the trace is over: the survivors' exits restart nothing */
  guint64 end_ns;          /* the end of the trace once the last step ran (G_MAXUINT64 before) */
};

static void container_free(gpointer data)
{
  Container *c = data;
  g_ptr_array_unref(c->program);
  g_array_unref(c->program_ns);
  g_free(c);
}

EngineRestarts *engine_restarts_new(SimEngine *e)
{
  const K8sNode *node = e->header->k8s;
  EngineRestarts *r = g_new0(EngineRestarts, 1);
  r->containers = g_ptr_array_new_with_free_func(container_free);
  r->end_ns = G_MAXUINT64;
  for (guint i = 0; i < node->pods->len; i++) {
    const K8sPod *pod = node->pods->pdata[i];
    for (guint j = 0; j < pod->containers->len; j++) {
      Container *c = g_new0(Container, 1);
      c->pod = pod;
      c->container = pod->containers->pdata[j];
      for (guint k = 0; k < e->header->processes->len && !c->process; k++)
        if (((const ScProcess *)e->header->processes->pdata[k])->pid == c->container->pid) {
          c->process = e->header->processes->pdata[k];
          c->slot = k + 1;
        }
      c->memcg = km_system_find_memcg(e->sys, c->container->cgroup);
      c->program = g_ptr_array_new_with_free_func((GDestroyNotify)sc_step_free);
      c->program_ns = g_array_new(FALSE, FALSE, sizeof(guint64));
      g_ptr_array_add(r->containers, c);
    }
  }
  return r;
}

void engine_restarts_free(EngineRestarts *r)
{
  if (!r)
    return;
  g_ptr_array_unref(r->containers);
  g_free(r);
}

static Container *find_container(EngineRestarts *r, int pid)
{
  for (guint i = 0; i < r->containers->len; i++) {
    Container *c = r->containers->pdata[i];
    if (c->container->pid == pid)
      return c;
  }
  return NULL;
}

gboolean engine_restarts_trace_step(SimEngine *e, const ScStep *step)
{
  Container *c = find_container(e->restarts, step->pid);
  if (!c || !k8s_may_restart(c->pod, c->container))
    return FALSE; /* never restarted: its steps are the first run's only */
  g_ptr_array_add(c->program, sc_step_copy(step));
  g_array_append_val(c->program_ns, e->now_ns);
  if (c->restart_count == 0 && !c->pending)
    return FALSE; /* the first run: the step runs now (or is skipped as any step of a dead process) */
  g_autofree char *detail = g_strdup_printf("the first run of container %s has ended: the step runs in each later "
                                            "run, at the run's start + %" G_GUINT64_FORMAT " ms",
                                            c->container->name, e->now_ns / 1000000);
  engine_emit_simple(e, SIM_EV_SKIPPED, step, km_system_find_task(e->sys, step->pid), detail);
  return TRUE;
}

void engine_restarts_exited(SimEngine *e, const KmTask *task, const SimExit *x)
{
  EngineRestarts *r = e->restarts;
  Container *c = r->closed ? NULL : find_container(r, task->pid);
  if (!c)
    return;
  gboolean evicted = g_strcmp0(x->reason, "Evicted") == 0;
  if (evicted) /* the pod is failed: none of its containers starts again */
    for (guint i = 0; i < r->containers->len; i++) {
      Container *other = r->containers->pdata[i];
      if (other->pod == c->pod) {
        other->pod_failed = TRUE;
        other->pending = FALSE;
      }
    }
  if (c->pod_failed || !k8s_should_restart(c->pod, c->container, x->status, evicted))
    return;
  c->pending = TRUE;
  c->finished_ns = x->time_ns;
  c->restart_at_ns = k8s_backoff_restart_at(&c->backoff, x->time_ns, &c->wait_backoff_ns);
  if (c->wait_backoff_ns) {
    g_autofree char *backoff = k8s_go_duration_text(c->wait_backoff_ns);
    g_autofree char *detail = g_strdup_printf("kubelet: back-off %s restarting failed container=%s pod=%s_%s(%s): "
                                              "CrashLoopBackOff until %" G_GUINT64_FORMAT " ms", backoff,
                                              c->container->name, c->pod->name, c->pod->namespace_, c->pod->uid,
                                              c->restart_at_ns / 1000000);
    engine_emit_simple(e, SIM_EV_KUBELET, NULL, task, detail);
  }
}

/* The current run's next step to replay, or NULL (none yet, or the process is not running). */
static const ScStep *next_replay(SimEngine *e, const Container *c, guint64 *out_due_ns)
{
  if (c->restart_count == 0 || c->pending || c->cursor >= c->program->len)
    return NULL;
  const KmTask *task = km_system_find_task(e->sys, c->container->pid);
  const SimProc *proc = engine_find_proc(e, c->container->pid);
  if (!task || task->state != KM_TASK_RUNNING || !proc) /* livelocked: not RUNNING */
    return NULL;
  guint64 rel = g_array_index(c->program_ns, guint64, c->cursor);
  *out_due_ns = c->started_ns > G_MAXUINT64 - rel ? G_MAXUINT64 : c->started_ns + rel;
  return c->program->pdata[c->cursor];
}

/* When the next restart or replayed step is due, and which container's; G_MAXUINT64: none. */
static guint64 next_due(SimEngine *e, Container **out)
{
  guint64 best = G_MAXUINT64;
  *out = NULL;
  for (guint i = 0; i < e->restarts->containers->len; i++) {
    Container *c = e->restarts->containers->pdata[i];
    guint64 due = G_MAXUINT64;
    if (c->pending && c->restart_at_ns < e->restarts->end_ns)
      due = c->restart_at_ns;
    else
      next_replay(e, c, &due);
    if (due < best) { /* ties: document order */
      best = due;
      *out = c;
    }
  }
  return best;
}

void engine_restarts_end_at(SimEngine *e, guint64 end_ns)
{
  e->restarts->end_ns = end_ns;
}

guint64 engine_restarts_next_ns(SimEngine *e)
{
  Container *c;
  return e->restarts ? next_due(e, &c) : G_MAXUINT64;
}

/* SyncPod() starting the container again: doBackOff()'s Next() moves the back-off on, then a new process. */
static void restart(SimEngine *e, Container *c)
{
  k8s_backoff_next(&c->backoff, c->finished_ns, e->now_ns);
  c->pending = FALSE;
  c->restart_count++;
  c->last_started_ns = c->started_ns;
  c->started_ns = e->now_ns;
  c->cursor = 0;
  if (c->memcg)
    km_memcg_reset_counters(c->memcg);
  guint known = e->outcome->known_pids->len;
  engine_create_process(e, c->process, c->slot, NULL); /* it made this process at the start: it cannot fail */
  g_array_set_size(e->outcome->known_pids, known); /* the same pid: known already */
  g_autofree char *detail = g_strdup_printf("kubelet: starting container %s of pod %s/%s again (restart %u; "
                                            "restartPolicy %s)", c->container->name, c->pod->namespace_,
                                            c->pod->name, c->restart_count, c->pod->restart_policy);
  engine_emit_simple(e, SIM_EV_KUBELET, NULL, km_system_find_task(e->sys, c->container->pid), detail);
}

void engine_restarts_run(SimEngine *e)
{
  Container *c;
  if (next_due(e, &c) > e->now_ns || !c)
    return; /* the caller moved the clock to the time next_ns gave */
  if (c->pending) {
    restart(e, c);
    return;
  }
  guint64 due;
  const ScStep *step = next_replay(e, c, &due);
  c->cursor++;
  engine_replay_step(e, engine_find_proc(e, c->container->pid), step);
}

void engine_restarts_close(SimEngine *e)
{
  EngineRestarts *r = e->restarts;
  r->closed = TRUE;
  for (guint i = 0; i < r->containers->len; i++) {
    const Container *c = r->containers->pdata[i];
    SimContainerStatus *s = g_new0(SimContainerStatus, 1);
    s->pid = c->container->pid;
    s->restart_count = c->restart_count;
    s->started_ns = c->started_ns;
    s->last_started_ns = c->last_started_ns;
    /* a restart due at the end without a back-off has not happened yet: the container shows Terminated */
    s->waiting = c->pending && c->wait_backoff_ns > 0;
    s->backoff_ns = s->waiting ? c->wait_backoff_ns : 0;
    s->restart_at_ns = s->waiting ? c->restart_at_ns : 0;
    g_ptr_array_add(e->outcome->containers, s);
  }
}
