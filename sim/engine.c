/* sim/engine.c: trace replay on a virtual clock around the kernel model.
 *
 * A step runs to completion before the next one starts, as the VM agent runs them (the agent waits for each
 * step's result). Inside a step, a fault loop models the page fault path: pages are charged in bulk as long as
 * the memcg hierarchy (km_memcg_margin) and the machine (free pages above WMARK_MIN) allow; at a limit, reclaim
 * runs (km_reclaim); when reclaim frees nothing, the OOM killer runs (km_out_of_memory) for the memcg that hit
 * its limit or for the machine, and the engine acts on its decision: victims that can exit do so at once and free
 * their memory; a victim marked `stuck` waits for the OOM reaper, which the engine runs on its clock after the
 * profile's delay (2 s from 5.10.y stable/5.18, at once before); the allocating task waits for it (the scan
 * aborts while an earlier victim is still exiting). A v1 memcg with oom_kill_disable puts the faulting process to
 * sleep; its later steps queue until an uncharge or a limit change wakes it, while the other processes go on.
 *
 * The engine decides nothing about who dies: that is kernel-model/km-oom.c. It owns time, lifecycles, and the
 * stream of events for the report writers.
 *
 * Work. A small scenario can ask for much: a file-read of 100 TiB on a 1 GiB machine is three billion reclaim
 * rounds of SWAP_CLUSTER_MAX pages, which the model runs one by one because the per-CPU lists and the watermarks
 * between them decide where an OOM comes. So the engine counts its work, deterministically, never by the clock: a
 * unit is about the cost of one round of a fault or charge loop (measured in docs/performance.md), and one memcg
 * visited by a reclaim pass, one task looked at by an OOM invocation and one repetition count one unit each; a
 * step (reading it, its events) and a mapping created count WORK_STEP and WORK_MAPPING, which cost about that many
 * rounds. A run that goes past its bound (SimOptions max_work, max_steps;
 * `--max-work`, `--max-steps`) stops at once with SCENARIO_ERROR_LIMIT at the step that was running, naming the
 * step and the bound; nothing of it is reported. Same scenario, same bound: same verdict on any machine.
 */
#include "engine.h"

#include "../kernel-model/km-cgroup.h"
#include "../kernel-model/km-memcg.h"
#include "../kernel-model/km-memcg-high.h"
#include "../kernel-model/km-pcp.h"
#include "../kernel-model/km-proc.h"
#include "../kernel-model/km-util.h"
#include "../kernel-model/km-vmscan.h"
#include "../scenarios/scenario-loader.h"
#include "../scenarios/scenario-values.h"
#include "../k8s/k8s-eviction.h"
#include "engine-userspace.h"

#include <string.h>

#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define VMSTAT_INTERVAL_NS G_GUINT64_CONSTANT(1000000000) /* sysctl_stat_interval: HZ, one second */
#define GLIBC_MALLOC_HEADER 16
#define WORK_STEP 64    /* units of work of a step, and of a mapping created ("Work" above) */
#define WORK_MAPPING 64
#define SWAP_CLUSTER_MAX 32 /* include/linux/swap.h: the reclaim batch */ /* mmapped chunk: the request plus 2 * SIZE_SZ, page-aligned */

typedef struct {
  KmTask *task;
  int mm_owner;          /* pid of the process whose mm this is (shares-mm-with), to check mapping references */
  GQueue pending;        /* ScStep* owned: the step in progress (head) and the ones queued behind it */
  gboolean in_progress;  /* the head step has started */
  guint rep_done;        /* repetitions of the head step completed */
  KmPages rep_remaining; /* pages of the current repetition still to fault; 0: not started */
  guint64 rep_mapping;   /* malloc: key of the current repetition's mapping (mapping_key()); 0: none */
  KmPages refused_pages; /* the last mapping refused, or the pages a charge could not get */
  const char *refused_why; /* by which kernel function (NULL: __vm_enough_memory()), or why no OOM kill helped */
  KmMemcg *refused_memcg; /* FAULT_CHARGE_ENOMEM: the memcg whose charge failed */
  KmMemcg *blocked_on;
  gboolean livelocked;
} SimProc;

typedef struct {
  guint64 time_ns;
  guint64 seq;
  KmTask *victim;
} SimTimer;

struct _SimEngine {
  KmSystem *sys;
  const ScenarioHeader *header;
  SimOptions opts;
  SimSink sink;
  guint64 now_ns;
  guint64 step_index;
  SimOutcome *outcome;
  GHashTable *procs;     /* pid -> SimProc* */
  GPtrArray *proc_by_slot;  /* SimProc* by process slot - 1 (ScStep.pid_slot; NULL: not made yet) */
  GPtrArray *memcg_by_slot; /* KmMemcg* by cgroup slot - 1: the header's cgroups in order (ScStep.cgroup_slot) */
  GHashTable *mapping_owner; /* index of an mmap/malloc step with an id -> GINT_TO_POINTER(mm_owner of its process) */
  GHashTable *mapping_index; /* id of an mmap/malloc step -> its index, to resolve the refs of handed-over steps
                              * (sim_engine_step()); borrowed steps come resolved (ScStep.ref_index) */
  GQueue timers;         /* SimTimer*, by time then seq */
  guint64 timer_seq;
  GQueue blocked;        /* SimProc*, in the order they blocked */
  gboolean panicked;
  gboolean finished;
  /* the kubelet's eviction manager (<kubelet>): its state and the time of its next pass */
  K8sEvictionState *eviction;
  guint64 next_eviction_ns;
  guint64 next_vmstat_ns; /* the next whole second of vmstat_update() (run_vmstat_until()) */
  const char *exit_reason; /* the reason record_exit() gives, when an actor other than the kernel kills */
  guint64 work;          /* units of work done so far ("Work" above) */
  guint64 max_work, max_steps;
  GError *limit_error;   /* set when the run went past a bound: every later call fails with it */
  const char *exit_by;     /* the actor record_exit() names, when one other than the kernel kills */
  gboolean kubelet_runs;   /* the eviction manager runs (a <kubelet>, and not switched off by SimOptions.actors) */
  SimUserspace *userspace; /* earlyoom and systemd-oomd (sim/engine-userspace.c); NULL: neither runs */
  gint64 gen;              /* counts changes to the model: steps, exits, reaps */
  gboolean shared_steps;   /* steps are borrowed (sim_engine_step_shared()): queued ones are not freed here */
};

typedef enum {
  FAULT_DONE,
  FAULT_BLOCKED,
  FAULT_DIED,
  FAULT_LIVELOCK,
  FAULT_PANIC,
  FAULT_ENOMEM,        /* __vm_enough_memory() refused the mapping */
  FAULT_CHARGE_ENOMEM, /* a charge that is not a user fault failed: -ENOMEM to the syscall */
  FAULT_NO_VICTIM,     /* invoke_oom(): a memcg OOM found nothing to kill (the caller decides what follows) */
  FAULT_SEGV,          /* the mapping to fault in is not there: the access gets SIGSEGV */
  FAULT_LIMIT,         /* the run went past its work bound: it stops (SimEngine limit_error) */
} FaultResult;

static void emit(SimEngine *e, SimEvent *ev)
{
  ev->time_ns = e->now_ns;
  /* a step event is a step that ran to its end without an error: <succeeds> looks its id up (only steps with an
   * id, which are the only ones an expectation can name, so the list does not grow with an anonymous trace) */
  if (ev->kind == SIM_EV_STEP && ev->step && ev->step->id)
    g_ptr_array_add(e->outcome->completed_steps, g_strdup(ev->step->id));
  if (e->sink.event)
    e->sink.event(e->sink.data, e->sys, ev);
}

static void emit_simple(SimEngine *e, SimEventKind kind, const ScStep *step, const KmTask *task, const char *detail)
{
  SimEvent ev = { .kind = kind, .step = step, .task = task, .detail = detail, .step_index = step ? step->index : 0 };
  emit(e, &ev);
}

/* Counts units of work done at step (which may be NULL: the end of the trace). FALSE once the run has gone past
 * its bound; the first time, limit_error says where and which bound. */
static gboolean work(SimEngine *e, const ScStep *step, guint64 units)
{
  e->work += units;
  if (e->work <= e->max_work)
    return TRUE;
  if (!e->limit_error) {
    g_autofree char *label = step && step->id ? g_strdup_printf(" (id %s)", step->id) : g_strdup("");
    scenario_set_error(&e->limit_error, SCENARIO_ERROR_LIMIT, e->header->file, step ? step->line : e->header->line,
                       step ? step->col : e->header->col,
                       "<%s> step #%" G_GUINT64_FORMAT "%s: the run needs more than --max-work %" G_GUINT64_FORMAT
                       " units of model work (docs/scenario-format.md, \"Limits\"): stopped here; a larger "
                       "--max-work lets it go on",
                       step ? sc_step_kind_names[step->kind] : "trace", step ? step->index : e->step_index, label,
                       e->max_work);
  }
  return FALSE;
}

/* The cost of a reclaim pass: the memcgs of its domain (km_reclaim() walks them all); counted without a check, the
 * loop around it checks. */
static void work_reclaim(SimEngine *e, const KmReclaimResult *rec)
{
  e->work += rec->memcgs_visited;
}

static void proc_free(gpointer data)
{
  SimProc *proc = data;
  ScStep *step;
  while ((step = g_queue_pop_head(&proc->pending)))
    sc_step_free(step);
  g_free(proc);
}

/* ---------------------------------------------------------------- set-up */

static gboolean parse_bool01(const char *v, gboolean *out)
{
  if (g_strcmp0(v, "0") == 0 || g_strcmp0(v, "false") == 0) {
    *out = FALSE;
    return TRUE;
  }
  if (g_strcmp0(v, "1") == 0 || g_strcmp0(v, "true") == 0) {
    *out = TRUE;
    return TRUE;
  }
  return FALSE;
}

static gboolean size_to_pages(SimEngine *e, const char *value, KmPages *out)
{
  guint64 bytes;
  if (!sc_parse_size(value, e->sys->machine.page_size, TRUE, &bytes))
    return FALSE;
  if (bytes == SC_SIZE_MAX) {
    *out = KM_PAGES_MAX;
    return TRUE;
  }
  /* page_counter_memparse(): the limit in bytes, rounded down to pages */
  *out = (KmPages)(bytes / e->sys->machine.page_size);
  return TRUE;
}

/* Applies one cgroup interface file write (cgroup attributes and cgroup-set steps). */
static gboolean memcg_write(SimEngine *e, KmMemcg *memcg, const char *name, const char *value, int line, int col,
                            GError **error)
{
  const KmProfile *prof = e->sys->profile;
  const char *file = e->header->file;
  KmPages pages;
  gboolean flag;
  gboolean v1_file = g_str_has_suffix(name, "_in_bytes") || g_strcmp0(name, "memory.oom_control") == 0 ||
                     g_strcmp0(name, "memory.use_hierarchy") == 0;

  if (v1_file != (memcg->version == 1)) {
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, line, col, "%s is a cgroup v%d file, but %s is a v%d cgroup",
                       name, v1_file ? 1 : 2, memcg->path, memcg->version);
    return FALSE;
  }
  if (g_strcmp0(name, "memory.max") == 0 || g_strcmp0(name, "memory.limit_in_bytes") == 0 ||
      g_strcmp0(name, "memory.high") == 0 || g_strcmp0(name, "memory.swap.max") == 0 ||
      g_strcmp0(name, "memory.memsw.limit_in_bytes") == 0) {
    if (!size_to_pages(e, value, &pages) || (g_str_has_suffix(name, "_in_bytes") && g_strcmp0(value, "-1") == 0)) {
      if (g_strcmp0(value, "-1") != 0 || !g_str_has_suffix(name, "_in_bytes")) {
        scenario_set_error(error, SCENARIO_ERROR_SIZE, file, line, col, "%s: \"%s\" is not a size", name, value);
        return FALSE;
      }
      pages = KM_PAGES_MAX; /* v1: -1 means unlimited */
    }
    if (g_strcmp0(name, "memory.high") == 0)
      memcg->high = pages;
    else if (g_strcmp0(name, "memory.swap.max") == 0)
      memcg->swap_max = pages;
    else if (g_strcmp0(name, "memory.memsw.limit_in_bytes") == 0)
      memcg->memsw_max = pages;
    else
      memcg->max = pages;
    km_memcg_note_headroom(memcg);
    return TRUE;
  }
  if (!parse_bool01(value, &flag)) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, file, line, col, "%s: \"%s\" must be 0 or 1", name, value);
    return FALSE;
  }
  if (g_strcmp0(name, "memory.oom.group") == 0) {
    if (!prof->has_oom_group && flag) {
      scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, line, col,
                         "memory.oom.group does not exist on kernel %s (added in 4.19)", prof->name);
      return FALSE;
    }
    memcg->oom_group = flag;
  } else if (g_strcmp0(name, "memory.oom_control") == 0) {
    memcg->oom_kill_disable = flag;
  } else if (g_strcmp0(name, "memory.use_hierarchy") == 0) {
    if (!prof->v1_use_hierarchy_settable && !flag) {
      scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, line, col,
                         "memory.use_hierarchy=0 is not possible on kernel %s (always 1 from 5.11)", prof->name);
      return FALSE;
    }
    memcg->use_hierarchy = flag;
  } else {
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, line, col, "unknown cgroup file %s", name);
    return FALSE;
  }
  return TRUE;
}

/* mem_cgroup_resize_max(): on v1, memory.limit_in_bytes may not exceed memory.memsw.limit_in_bytes (EINVAL). */
static gboolean check_v1_limits(SimEngine *e, const KmMemcg *memcg, int line, int col, GError **error)
{
  if (memcg->version != 1 || memcg->memsw_max == KM_PAGES_MAX || memcg->max <= memcg->memsw_max)
    return TRUE;
  scenario_set_error(error, SCENARIO_ERROR_RANGE, e->header->file, line, col,
                     "%s: memory.limit_in_bytes is above memory.memsw.limit_in_bytes (the kernel refuses it: EINVAL)",
                     memcg->path);
  return FALSE;
}

static gboolean apply_sysctl(SimEngine *e, const char *name, gint64 value, int line, int col, GError **error)
{
  KmMachine *m = &e->sys->machine;
  if (g_strcmp0(name, "vm.overcommit_memory") == 0)
    m->overcommit_memory = (int)value;
  else if (g_strcmp0(name, "vm.overcommit_ratio") == 0)
    m->overcommit_ratio = (int)value;
  else if (g_strcmp0(name, "vm.overcommit_kbytes") == 0)
    m->overcommit_kbytes = (guint64)value;
  else if (g_strcmp0(name, "vm.panic_on_oom") == 0)
    m->panic_on_oom = (int)value;
  else if (g_strcmp0(name, "vm.oom_kill_allocating_task") == 0)
    m->oom_kill_allocating_task = (int)value;
  else if (g_strcmp0(name, "vm.admin_reserve_kbytes") == 0)
    m->admin_reserve_kbytes = (guint64)value;
  else if (g_strcmp0(name, "vm.user_reserve_kbytes") == 0)
    m->user_reserve_kbytes = (guint64)value;
  else if (g_strcmp0(name, "vm.min_free_kbytes") == 0)
    m->min_free_kbytes = (guint64)value;
  else if (g_strcmp0(name, "vm.swappiness") == 0)
    m->swappiness = (int)value;
  else {
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, e->header->file, line, col, "unknown sysctl %s", name);
    return FALSE;
  }
  return TRUE;
}

static SimProc *find_proc(SimEngine *e, int pid);

/* A process's simulator state, found by pid and, when the compiled trace gave it one, by slot (0: none). */
static SimProc *proc_new(SimEngine *e, KmTask *task, guint slot)
{
  SimProc *proc = g_new0(SimProc, 1);
  proc->task = task;
  g_queue_init(&proc->pending);
  g_hash_table_insert(e->procs, GINT_TO_POINTER(task->pid), proc);
  if (slot) {
    if (e->proc_by_slot->len < slot)
      g_ptr_array_set_size(e->proc_by_slot, (gint)slot); /* at most SC_PID_MAX: one per pid */
    e->proc_by_slot->pdata[slot - 1] = proc;
  }
  g_ptr_array_add(e->outcome->known_pids, GINT_TO_POINTER(task->pid));
  return proc;
}

static KmPages bytes_to_pages(SimEngine *e, guint64 bytes)
{
  return km_bytes_to_pages_up(e->sys, bytes);
}

/* The VM's measured address space of a fresh process (SimOptions; none without the harness): its total_vm and
 * the VM_ACCOUNT pages exec committed (km_mm_set_base_vm()). */
static void set_base_vm(SimEngine *e, KmMm *mm)
{
  if (e->opts.process_base_vm_bytes || e->opts.process_base_committed_bytes)
    km_mm_set_base_vm(e->sys, mm, bytes_to_pages(e, e->opts.process_base_vm_bytes),
                      bytes_to_pages(e, e->opts.process_base_committed_bytes));
}

static gboolean create_process(SimEngine *e, const ScProcess *p, guint slot, GError **error)
{
  KmSystem *sys = e->sys;
  KmMemcg *memcg = p->cgroup ? km_system_find_memcg(sys, p->cgroup) : sys->root_memcg;
  KmMm *share = NULL;
  if (!memcg) {
    scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, e->header->file, p->line, p->col, "unknown cgroup %s",
                       p->cgroup);
    return FALSE;
  }
  if (!km_cgroup_migrate_vet_dst(memcg)) {
    const KmMemcg *child = g_queue_peek_head(&memcg->children);
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, e->header->file, p->line, p->col,
                       "process %d cannot be in cgroup %s: it has a child cgroup (%s) with the memory controller "
                       "enabled, and cgroup v2 keeps processes out of such a cgroup (the \"no internal process\" "
                       "rule: cgroup_migrate_vet_dst() fails the cgroup.procs write with EBUSY); put the process "
                       "in a leaf cgroup", p->pid, memcg->path, child->path);
    return FALSE;
  }
  if (p->shares_mm_with) {
    KmTask *other = km_system_find_task(sys, p->shares_mm_with);
    if (!other || !other->mm) {
      scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, e->header->file, p->line, p->col,
                         "shares-mm-with=\"%d\": no process with that pid and an mm is defined before this one",
                         p->shares_mm_with);
      return FALSE;
    }
    share = other->mm;
  }
  KmTask *task = km_task_create(sys, p->pid, p->comm, memcg, share);
  task->uid = p->uid;
  task->oom_score_adj = p->oom_score_adj;
  task->threads = p->threads > 0 ? p->threads : 1;
  task->cap_sys_admin = p->cap_sys_admin;
  task->kthread = p->kthread;
  task->global_init = p->pid == 1;
  task->in_vfork = p->vfork_child;
  task->oom_task_origin = p->oom_task_origin;
  task->stuck = p->stuck;
  task->ppid = p->parent;
  task->container = g_strdup(p->container);
  if (task->kthread && !share) {
    /* kernel threads have no mm */
    km_mm_put(sys, task->mm);
    task->mm = NULL;
  }
  if (task->mm && !share) {
    guint64 rss = e->opts.process_base_rss_bytes ? e->opts.process_base_rss_bytes : p->base_rss_bytes;
    guint64 pgt = e->opts.process_base_pgtables_bytes ? e->opts.process_base_pgtables_bytes : p->base_pgtables_bytes;
    km_mm_set_base(sys, task->mm, bytes_to_pages(e, rss), bytes_to_pages(e, pgt),
                   bytes_to_pages(e, e->opts.process_base_kmem_bytes));
    set_base_vm(e, task->mm);
  }
  SimProc *proc = proc_new(e, task, slot);
  SimProc *owner = p->shares_mm_with ? find_proc(e, p->shares_mm_with) : NULL;
  proc->mm_owner = owner ? owner->mm_owner : p->pid;
  return TRUE;
}

/* Processes sharing an mm with different oom_score_adj values: a state no kernel with __set_oom_adj()'s copying
 * (4.8+) can be in (km_oom_adj_differs_in_mm()), so the scenario is refused at the later process. */
static gboolean check_oom_adj_per_mm(SimEngine *e, GError **error)
{
  const ScenarioHeader *h = e->header;
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *p = h->processes->pdata[i];
    const KmTask *task = km_system_find_task(e->sys, p->pid);
    const KmTask *other = p->shares_mm_with ? km_oom_adj_differs_in_mm(e->sys, task) : NULL;
    if (other) {
      scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, h->file, p->line, p->col,
                         "process %d shares the mm of process %d but has oom_score_adj %d, not %d: kernel %s keeps "
                         "one oom_score_adj for all processes of an mm (a clone(CLONE_VM) child starts with its "
                         "parent's, and __set_oom_adj() copies every write to the others; vfork children, kernel "
                         "threads and init excepted)", p->pid, other->pid, task->oom_score_adj, other->oom_score_adj,
                         e->sys->profile->name);
      return FALSE;
    }
  }
  return TRUE;
}

static gboolean setup(SimEngine *e, GError **error)
{
  const ScenarioHeader *h = e->header;
  KmSystem *sys = e->sys;
  KmMachine *m = &sys->machine;
  guint64 ram = e->opts.ram_bytes ? e->opts.ram_bytes : h->ram_bytes;
  guint64 reserved = e->opts.ram_bytes ? e->opts.kernel_reserved_bytes : h->kernel_reserved_bytes;

  m->totalram_pages = (KmPages)(ram / h->page_size);
  m->total_swap_pages = (KmPages)(h->swap_bytes / h->page_size);
  m->kernel_pages = (KmPages)(reserved / h->page_size);
  m->task_kernel_pages = (KmPages)(e->opts.process_kernel_bytes / h->page_size);
  m->nr_cpus = MAX(h->cpus, 1);
  if (m->kernel_pages >= m->totalram_pages) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, h->file, h->line, h->col,
                       "kernel-reserved memory must be smaller than ram");
    return FALSE;
  }
  m->min_free_kbytes = e->opts.min_free_kbytes ? e->opts.min_free_kbytes
                                               : km_default_min_free_kbytes(m->totalram_pages, (guint)h->page_size);
  km_default_reserves(m, m->totalram_pages - m->kernel_pages);
  for (guint i = 0; i < h->sysctls->len; i++) {
    const ScSysctl *s = h->sysctls->pdata[i];
    if (!apply_sysctl(e, s->name, s->value, s->line, s->col, error))
      return FALSE;
  }
  if (e->opts.min_free_kbytes)
    m->min_free_kbytes = e->opts.min_free_kbytes;
  G_STATIC_ASSERT(G_N_ELEMENTS(e->opts.zones) == KM_MAX_ZONES);
  if (e->opts.n_zones > 0) {
    m->zones_given = TRUE;
    m->nr_zones = MIN(e->opts.n_zones, KM_MAX_ZONES);
    for (guint i = 0; i < m->nr_zones; i++)
      m->zones[i] = (KmZone){ .name = e->opts.zones[i].name,
                              .managed = (KmPages)e->opts.zones[i].managed,
                              .wmark_min = (KmPages)e->opts.zones[i].min,
                              .wmark_high = (KmPages)e->opts.zones[i].high,
                              .lowmem_reserve = (KmPages)e->opts.zones[i].lowmem_reserve };
  }
  km_zones_setup(sys);
  km_pcp_setup(sys);
  /* free pages already on the lists when the trace starts (measured in the VM; which list is not: movable) */
  m->pcp.count[KM_PCP_MOVABLE] = (KmPages)(e->opts.pcp_bytes / h->page_size);
  m->slab_reclaimable = (KmPages)(e->opts.slab_reclaimable_bytes / h->page_size);
  /* what the VM had committed before its processes started (the agent's own mappings); each process adds its
   * base (set_base_vm()); without a VM's measurements, the scenario's <machine committed-as> (0 by default) */
  m->committed_as = (KmPages)((e->opts.ram_bytes ? e->opts.committed_as_bytes : h->committed_as_bytes) / h->page_size);
  if (h->cgroup_version == 1 && !sys->profile->memcg_v1 && h->cgroups->len > 0) {
    const ScCgroup *c = h->cgroups->pdata[0];
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, h->file, c->line, c->col,
                       "kernel %s has no cgroup v1 memory controller (CONFIG_MEMCG_V1 is off by default since 6.11)", sys->profile->name);
    return FALSE;
  }
  if (h->cgroup_version == 2 && !sys->profile->memcg_v2 && h->cgroups->len > 0) {
    const ScCgroup *c = h->cgroups->pdata[0];
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, h->file, c->line, c->col,
                       "kernel %s has no cgroup v2 memory controller (added in 4.5): use <cgroups version=\"1\">",
                       sys->profile->name);
    return FALSE;
  }
  sys->root_memcg->version = h->cgroup_version;
  for (guint i = 0; i < h->cgroups->len; i++) {
    const ScCgroup *c = h->cgroups->pdata[i];
    g_autoptr(GError) local = NULL;
    KmMemcg *memcg = km_memcg_create(sys, c->path, &local);
    if (!memcg) {
      scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, h->file, c->line, c->col, "%s", local->message);
      return FALSE;
    }
    memcg->version = h->cgroup_version;
    g_ptr_array_add(e->memcg_by_slot, memcg); /* slot i + 1 */
    for (guint j = 0; j < c->attrs->len; j++) {
      const ScAttr *a = c->attrs->pdata[j];
      if (!memcg_write(e, memcg, a->name, a->value, a->line, a->col, error))
        return FALSE;
    }
    if (!check_v1_limits(e, memcg, c->line, c->col, error))
      return FALSE;
  }
  for (guint i = 0; i < h->processes->len; i++)
    if (!create_process(e, h->processes->pdata[i], i + 1, error))
      return FALSE;
  return check_oom_adj_per_mm(e, error);
}

SimEngine *sim_engine_new(const ScenarioHeader *header, const KmProfile *profile, const SimOptions *opts,
                          const SimSink *sink, GError **error)
{
  /* programming error only: sim_run() passes the loader's header and a resolved profile (never NULL) */
  g_return_val_if_fail(header && profile, NULL);
  SimEngine *e = g_new0(SimEngine, 1);
  e->header = header;
  if (opts)
    e->opts = *opts;
  if (sink)
    e->sink = *sink;
  e->sys = km_system_new(profile, (guint)header->page_size);
  e->sys->invert_tie_rule = e->opts.invert_tie_rule;
  e->max_work = e->opts.max_work ? e->opts.max_work : SIM_DEFAULT_MAX_WORK;
  e->max_steps = e->opts.max_steps ? e->opts.max_steps : SIM_DEFAULT_MAX_STEPS;
  e->outcome = sim_outcome_new();
  e->next_vmstat_ns = VMSTAT_INTERVAL_NS;
  e->procs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, proc_free);
  e->proc_by_slot = g_ptr_array_new();
  e->memcg_by_slot = g_ptr_array_new();
  e->mapping_owner = g_hash_table_new(g_direct_hash, g_direct_equal);
  e->mapping_index = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init(&e->timers);
  g_queue_init(&e->blocked);
  if (!setup(e, error)) {
    sim_engine_free(e);
    return NULL;
  }
  SimActors actors = e->opts.actors;
  e->kubelet_runs = header->k8s && (actors == SIM_ACTORS_SCENARIO || actors == SIM_ACTORS_KUBELET);
  if (e->kubelet_runs)
    e->eviction = k8s_eviction_state_new(header->k8s);
  if (!sim_userspace_new(header, actors, e->sys, &e->userspace, error)) {
    sim_engine_free(e);
    return NULL;
  }
  SimEvent ev = { .kind = SIM_EV_BEGIN, .header = header, .scenario_file = header->file };
  emit(e, &ev);
  return e;
}

void sim_engine_free(SimEngine *e)
{
  if (!e)
    return;
  g_queue_clear_full(&e->timers, g_free);
  g_queue_clear(&e->blocked);
  k8s_eviction_state_free(e->eviction);
  sim_userspace_free(e->userspace);
  if (e->shared_steps) { /* borrowed steps still queued (a run stopped early) are not the engine's to free */
    GHashTableIter iter;
    gpointer proc;
    g_hash_table_iter_init(&iter, e->procs);
    while (g_hash_table_iter_next(&iter, NULL, &proc))
      g_queue_clear(&((SimProc *)proc)->pending);
  }
  g_hash_table_destroy(e->procs);
  g_ptr_array_free(e->proc_by_slot, TRUE);
  g_ptr_array_free(e->memcg_by_slot, TRUE);
  g_hash_table_destroy(e->mapping_owner);
  g_hash_table_destroy(e->mapping_index);
  sim_outcome_free(e->outcome);
  km_system_free(e->sys);
  g_clear_error(&e->limit_error);
  g_free(e);
}

SimOutcome *sim_engine_steal_outcome(SimEngine *e)
{
  return g_steal_pointer(&e->outcome);
}

/* ---------------------------------------------------------------- lifecycle */

static SimProc *find_proc(SimEngine *e, int pid)
{
  return g_hash_table_lookup(e->procs, GINT_TO_POINTER(pid));
}

/* The process a step names: by its slot when the trace is compiled (sim/pipeline.c), else by pid. */
static SimProc *step_proc(SimEngine *e, const ScStep *step)
{
  if (step->pid_slot)
    return step->pid_slot <= e->proc_by_slot->len ? e->proc_by_slot->pdata[step->pid_slot - 1] : NULL;
  return find_proc(e, step->pid);
}

/* The cgroup a move or cgroup-set step names: by its slot, else by path (NULL: none). */
static KmMemcg *step_memcg(SimEngine *e, const ScStep *step)
{
  if (step->cgroup_slot && step->cgroup_slot <= e->memcg_by_slot->len)
    return e->memcg_by_slot->pdata[step->cgroup_slot - 1];
  return km_system_find_memcg(e->sys, step->cgroup);
}

/* What a container runtime or shell reports (docs/model.md): 128 + signal, or the exit code; the reason
 * OOMKilled for a process the OOM killer killed, and, as containerd does, for any process of a container
 * whose memcg counted an oom_kill. */
static void record_exit(SimEngine *e, KmTask *task, int code, int signal)
{
  SimExit *x = g_new0(SimExit, 1);
  x->pid = task->pid;
  x->signal = signal;
  x->status = signal ? 128 + signal : code;
  x->time_ns = e->now_ns;
  gboolean memcg_oom_killed = task->container && (task->memcg->events_local[KM_MEMCG_OOM_KILL] > 0);
  if (e->exit_by)
    x->by = g_strdup(e->exit_by);
  else if (task->killed_by_oom)
    x->by = g_strdup("kernel");
  e->gen++;
  if (e->exit_reason)
    x->reason = g_strdup(e->exit_reason);
  else if (task->killed_by_oom || memcg_oom_killed)
    x->reason = g_strdup("OOMKilled");
  else if (signal == SIGKILL)
    x->reason = g_strdup("Killed");
  else if (signal)
    x->reason = g_strdup("Error"); /* SIGSEGV: what Kubernetes reports for a crash (exit code 139) */
  else
    x->reason = g_strdup(code == 0 ? "Completed" : "Error");
  km_task_exit(e->sys, task, code, signal);
  g_ptr_array_add(e->outcome->exits, x);
  SimEvent ev = { .kind = SIM_EV_EXIT, .task = task, .exit = x };
  emit(e, &ev);
}

static void add_timer(SimEngine *e, guint64 when, KmTask *victim)
{
  SimTimer *t = g_new0(SimTimer, 1);
  t->time_ns = when;
  t->seq = e->timer_seq++;
  t->victim = victim;
  GList *l = e->timers.head;
  while (l && ((SimTimer *)l->data)->time_ns <= when)
    l = l->next;
  if (l)
    g_queue_insert_before(&e->timers, l, t);
  else
    g_queue_push_tail(&e->timers, t);
}

static void reap(SimEngine *e, KmTask *victim)
{
  KmPages anon = 0, file = 0, shmem = 0;
  e->gen++;
  if (km_oom_reap_task(e->sys, victim, &anon, &file, &shmem)) {
    SimEvent ev = { .kind = SIM_EV_REAPED, .task = victim, .reaped_anon_rss = anon, .reaped_file_rss = file,
                    .reaped_shmem_rss = shmem };
    emit(e, &ev);
  }
}

static void run_timer(SimEngine *e, SimTimer *t)
{
  if (t->time_ns > e->now_ns)
    e->now_ns = t->time_ns;
  KmTask *victim = t->victim;
  if (victim->state == KM_TASK_DYING) {
    reap(e, victim);
    /* a stuck victim can exit once its memory is reaped */
    record_exit(e, victim, 0, SIGKILL);
  }
  g_free(t);
}

/* vmstat_update() (mm/vmstat.c), the per-CPU vmstat work of every sysctl_stat_interval (1 s): its part that
 * changes what the model counts, decay_pcp_high() (6.7+), at each whole second of the virtual clock up to until_ns.
 * Once the lists have settled (nothing to do) only a step can unsettle them: the next call is then the first whole
 * second after until_ns, and a trace whose steps are hours apart costs one call per step. The real work's phase
 * against the trace is the VM's boot time, which the model does not know. */
static void run_vmstat_until(SimEngine *e, guint64 until_ns)
{
  while (e->next_vmstat_ns <= until_ns) {
    if (!km_pcp_decay_high(e->sys) || e->next_vmstat_ns > G_MAXUINT64 - VMSTAT_INTERVAL_NS) {
      guint64 k = until_ns / VMSTAT_INTERVAL_NS + 1;
      e->next_vmstat_ns = k > G_MAXUINT64 / VMSTAT_INTERVAL_NS ? G_MAXUINT64 : k * VMSTAT_INTERVAL_NS;
      break;
    }
    e->next_vmstat_ns += VMSTAT_INTERVAL_NS;
  }
}

static void run_due_timers(SimEngine *e, guint64 until_ns)
{
  SimTimer *t;
  run_vmstat_until(e, until_ns);
  while ((t = g_queue_peek_head(&e->timers)) && t->time_ns <= until_ns)
    run_timer(e, g_queue_pop_head(&e->timers));
}

/* Acts on oc->kills: SIGKILL has been sent by the model; each process now exits (freeing its memory), or, if it
 * is stuck, waits for the OOM reaper. queue_oom_reaper(): wakes the reaper at once before the delayed reaper,
 * after OOM_REAPER_DELAY (2 s) from then on, and not at all when global init pins the mm. */
static void act_on_kills(SimEngine *e, const OomControl *oc)
{
  const KmProfile *prof = e->sys->profile;
  g_autoptr(GPtrArray) exiting = g_ptr_array_new();

  for (guint i = 0; i < oc->kills->len; i++) {
    const KmKill *kill = &g_array_index(oc->kills, KmKill, i);
    KmTask *task = kill->task;
    if (task->state == KM_TASK_DEAD || task->state == KM_TASK_DYING || g_ptr_array_find(exiting, task, NULL))
      continue; /* killed twice (oom.group member and victim): one death */
    SimProc *proc = find_proc(e, task->pid);
    if (proc && proc->blocked_on) {
      g_queue_remove(&e->blocked, proc);
      proc->blocked_on = NULL;
    }
    gboolean reapable = prof->has_oom_reaper && task->oom_victim && task->mm && !(task->mm->flags & KM_MMF_OOM_SKIP);
    if (reapable && prof->oom_reaper_delay_ns == 0)
      reap(e, task);
    if (task->stuck) {
      task->state = KM_TASK_DYING;
      if (reapable && prof->oom_reaper_delay_ns > 0)
        add_timer(e, e->now_ns + prof->oom_reaper_delay_ns, task);
      else if (reapable)
        g_ptr_array_add(exiting, task); /* reaped just now: it can go */
      continue;
    }
    g_ptr_array_add(exiting, task);
  }
  for (guint i = 0; i < exiting->len; i++)
    record_exit(e, exiting->pdata[i], 0, SIGKILL);
}

static void record_kill(SimEngine *e, const OomControl *oc)
{
  if (oc->kills->len == 0)
    return;
  const KmKill *k = &g_array_index(oc->kills, KmKill, 0);
  SimKill *sk = g_new0(SimKill, 1);
  sk->pid = k->task->pid;
  sk->comm = g_strdup(k->task->comm);
  sk->constraint = g_strdup(km_constraint_names[oc->constraint]);
  sk->oom_memcg = oc->memcg ? g_strdup(oc->memcg->path) : NULL;
  sk->task_memcg = g_strdup(k->task->memcg->path);
  sk->allocating_task = oc->action == KM_OOM_KILLED_ALLOCATING;
  sk->total_vm_kb = km_pages_to_kb(e->sys, k->total_vm);
  sk->anon_rss_kb = km_pages_to_kb(e->sys, k->anon_rss);
  sk->file_rss_kb = km_pages_to_kb(e->sys, k->file_rss);
  sk->shmem_rss_kb = km_pages_to_kb(e->sys, k->shmem_rss);
  sk->pgtables_kb = km_pages_to_kb(e->sys, k->pgtables);
  sk->oom_score_adj = k->oom_score_adj;
  sk->time_ns = e->now_ns;
  g_ptr_array_add(e->outcome->kills, sk);
}

static void do_panic(SimEngine *e, const char *message)
{
  e->panicked = TRUE;
  e->outcome->panicked = TRUE;
  g_free(e->outcome->panic_message);
  e->outcome->panic_message = g_strdup(message);
  SimEvent ev = { .kind = SIM_EV_PANIC, .panic_message = message };
  emit(e, &ev);
}

/* Waits for the earliest pending timer (the delayed OOM reaper). FALSE when nothing is pending. */
static gboolean wait_for_timer(SimEngine *e)
{
  SimTimer *t = g_queue_pop_head(&e->timers);
  if (!t)
    return FALSE;
  if (t->time_ns > e->now_ns) {
    guint64 old = e->now_ns;
    e->now_ns = t->time_ns;
    g_autofree char *detail = g_strdup_printf("waited %" G_GUINT64_FORMAT " ms for the OOM reaper",
                                              (t->time_ns - old) / 1000000);
    emit_simple(e, SIM_EV_WAIT, NULL, t->victim, detail);
  }
  run_timer(e, t);
  return TRUE;
}

/* Runs out_of_memory() for memcg (NULL: global) on behalf of proc, and acts on what it decided. */
static FaultResult invoke_oom(SimEngine *e, SimProc *proc, const ScStep *step, KmMemcg *memcg)
{

  KmSystem *sys = e->sys;
  guint gfp = memcg ? KM_GFP_KERNEL : KM_GFP_HIGHUSER_MOVABLE;
  g_autoptr(OomControl) oc = km_oom_control_new(memcg, proc ? proc->task : NULL, gfp, 0);
  oc->dump_figures = e->sink.event != NULL; /* only a report prints the rows' figures (issue 13) */
  sys->current = proc ? proc->task : NULL;
  km_out_of_memory(sys, oc);
  e->work += 1 + oc->rows->len; /* every task of the domain was looked at (select_bad_process(), dump_tasks()) */
  sys->current = NULL;
  if (e->outcome->oom_count++ == 0)
    e->outcome->first_oom_ns = e->now_ns;
  SimEvent ev = { .kind = SIM_EV_OOM, .step = step, .step_index = step ? step->index : 0, .task = proc ? proc->task : NULL,
                  .oc = oc, .oom_memcg = memcg };
  emit(e, &ev);

  switch (oc->action) {
  case KM_OOM_KILLED:
  case KM_OOM_KILLED_ALLOCATING:
    record_kill(e, oc);
    act_on_kills(e, oc);
    break;
  case KM_OOM_PANIC:
    do_panic(e, oc->panic_message);
    return FAULT_PANIC;
  case KM_OOM_NO_KILLABLE:
    e->outcome->no_killable = TRUE;
    if (!memcg) {
      do_panic(e, oc->panic_message);
      return FAULT_PANIC;
    }
    return FAULT_NO_VICTIM;
  case KM_OOM_ABORTED:
  case KM_OOM_VICTIM_EXITING:
  case KM_OOM_CURRENT_EXITING:
    if (!wait_for_timer(e))
      return FAULT_LIVELOCK; /* nothing will ever free the victim's memory */
    break;
  case KM_OOM_GFP_NOFS:
  default:
    return FAULT_LIVELOCK;
  }
  if (proc && proc->task->state != KM_TASK_RUNNING)
    return FAULT_DIED;
  return FAULT_DONE;
}

/* ---------------------------------------------------------------- the fault loop */

static KmMapping *next_untouched(KmSystem *sys, KmMm *mm, guint64 only_key)
{
  if (only_key) {
    KmMapping *m = km_mm_find_mapping(sys, mm, only_key);
    return (m && km_mapping_untouched(m) > 0) ? m : NULL;
  }
  return km_mm_first_untouched(mm);
}

/* Untouched pages of the mm's mappings, or of those named only_key: O(1) from the mm's counters (KmMm), unless two
 * mappings share a name (an id mapped twice), where they are summed, as the kernel-model bookkeeping keeps only
 * the first in mapping_by_name. */
static KmPages untouched_total(KmSystem *sys, KmMm *mm, guint64 only_key)
{
  if (!only_key)
    return mm->untouched_pages;
  if (mm->shadowed_ids == 0) {
    const KmMapping *m = km_mm_find_mapping(sys, mm, only_key);
    return m ? km_mapping_untouched(m) : 0;
  }
  KmPages n = 0;
  for (GList *l = mm->mappings.head; l; l = l->next) {
    KmMapping *m = l->data;
    if (m->name.key == only_key)
      n += km_mapping_untouched(m);
  }
  return n;
}

/* memory.high during one step: mem_cgroup_handle_over_high() runs once per return to user mode that finds
 * current->memcg_nr_pages_over_high set; the timeline gets one line per step with the sums. */
typedef struct {
  guint64 handles, reclaim_calls, sleeps, slept_jiffies;
  KmPages file, swapped;
} ThrottleAcc;

static void throttle_flush(SimEngine *e, ThrottleAcc *acc, const ScStep *step, const KmTask *task)
{
  if (!acc->handles)
    return;
  g_autofree char *detail = g_strdup_printf(
    "over memory.high: %" G_GUINT64_FORMAT " returns to user throttled (mem_cgroup_handle_over_high()), %" G_GUINT64_FORMAT
    " reclaim_high() calls reclaimed %" G_GINT64_FORMAT " file + %" G_GINT64_FORMAT " swapped pages, %" G_GUINT64_FORMAT
    " sleeps of %" G_GUINT64_FORMAT " jiffies in all (%" G_GUINT64_FORMAT " ms, HZ=%d)",
    acc->handles, acc->reclaim_calls, acc->file, acc->swapped, acc->sleeps, acc->slept_jiffies,
    acc->slept_jiffies * KM_NS_PER_JIFFY / 1000000, KM_HZ);
  SimEvent ev = { .kind = SIM_EV_THROTTLE, .step = step, .step_index = step ? step->index : 0, .task = task,
                  .detail = detail, .throttle_slept_ns = acc->slept_jiffies * KM_NS_PER_JIFFY,
                  .throttle_sleeps = acc->sleeps };
  emit(e, &ev);
  *acc = (ThrottleAcc){ 0 };
}

/* mem_cgroup_handle_over_high() for the task (on return to user mode, or from try_charge_memcg() on 5.18+), and
 * its sleep on the virtual clock: timers due meanwhile (the OOM reaper) fire in order. */
static void handle_over_high(SimEngine *e, KmTask *task, ThrottleAcc *acc)
{
  KmPages nr_pages = task->memcg_nr_pages_over_high;
  task->memcg_nr_pages_over_high = 0;
  if (!nr_pages || task->state != KM_TASK_RUNNING || !task->mm)
    return;
  KmHighResult r = km_memcg_handle_over_high(e->sys, task->mm->memcg, nr_pages);
  acc->handles++;
  acc->reclaim_calls += r.reclaim_calls;
  acc->file += r.file;
  acc->swapped += r.swapped;
  if (!r.penalty_jiffies)
    return;
  acc->sleeps++;
  acc->slept_jiffies += r.penalty_jiffies;
  guint64 until = e->now_ns + r.penalty_jiffies * KM_NS_PER_JIFFY;
  run_due_timers(e, until);
  e->now_ns = MAX(e->now_ns, until);
}

/* try_charge_memcg()'s stock for n single-page charges to memcg, and its done_restock check of memory.high. */
static void charge_stock(SimEngine *e, KmTask *task, KmMemcg *memcg, KmPages n, ThrottleAcc *acc)
{
  const KmProfile *prof = e->sys->profile;
  if (!km_memcg_stock_charge(e->sys, memcg, n) || !km_memcg_over_high(e->sys, memcg))
    return;
  /* the room of km_memcg_high_charge_room() ends a bulk at its first refill above high: one batch */
  task->memcg_nr_pages_over_high += prof->memcg_charge_batch;
  if (prof->high_sync && task->memcg_nr_pages_over_high > prof->memcg_charge_batch)
    handle_over_high(e, task, acc);
}

/* Charges *remaining pages of kind for proc (anon: faults them into mappings), reclaiming and invoking the OOM
 * killer as try_charge_memcg() and __alloc_pages_slowpath() would. */
/* Reclaim during one fault sequence runs in SWAP_CLUSTER_MAX batches; the timeline gets one line per sequence
 * (per OOM domain), with the sums. */
typedef struct {
  KmPages file, swapped;
  KmMemcg *memcg; /* NULL: global reclaim */
  gboolean any;
} ReclaimAcc;

static void reclaim_flush(SimEngine *e, ReclaimAcc *acc, const ScStep *step, const KmTask *task)
{
  if (!acc->any)
    return;
  SimEvent ev = { .kind = SIM_EV_RECLAIM, .step = step, .step_index = step ? step->index : 0, .task = task,
                  .reclaimed_file = acc->file, .reclaimed_swap = acc->swapped, .oom_memcg = acc->memcg };
  emit(e, &ev);
  *acc = (ReclaimAcc){ 0 };
}

static void reclaim_add(ReclaimAcc *acc, KmMemcg *memcg, KmReclaimResult rec)
{
  acc->file += rec.file;
  acc->swapped += rec.swapped;
  acc->memcg = memcg;
  acc->any = TRUE;
}

/* Anon pages are charged by user page faults (handle_mm_fault() with mem_cgroup_enter_user_fault()); page cache
 * and shmem pages by read() and write(), system calls. The kernel treats the two differently once a memcg OOM
 * cannot help (try_charge_memcg(), mem_cgroup_oom(), per profile: docs/kernel-versions.md, "Charge paths"). */
static FaultResult charge_pages_throttled(SimEngine *e, SimProc *proc, const ScStep *step, KmPageKind kind,
                                          guint64 mapping_key, KmPages *remaining, ThrottleAcc *thr)
{
  KmSystem *sys = e->sys;
  const KmProfile *prof = sys->profile;
  KmTask *task = proc->task;
  ReclaimAcc acc = { 0 };
  gboolean user_fault = kind == KM_PAGE_ANON;
  gboolean forced = FALSE; /* 4.19/5.4: an OOM killed nobody, the charge goes over the limit (`goto force`) */

  while (*remaining > 0) {
    if (!work(e, step, 1))
      return FAULT_LIMIT;
    if (task->state != KM_TASK_RUNNING || !task->mm) {
      reclaim_flush(e, &acc, step, task);
      return FAULT_DIED;
    }
    KmMapping *mapping = NULL;
    /* every charge goes to the memcg of the mm's owner at this moment (get_mem_cgroup_from_mm(); page cache and
     * shmem from a system call: mm NULL -> current->mm), even for a mapping partly charged elsewhere before a move */
    KmMemcg *memcg = task->mm->memcg;
    if (kind == KM_PAGE_ANON) {
      if (mapping_key && !km_mm_find_mapping(e->sys, task->mm, mapping_key)) {
        reclaim_flush(e, &acc, step, task);
        return FAULT_SEGV; /* unmapped by a process sharing the mm while this one slept in its fault */
      }
      mapping = next_untouched(sys, task->mm, mapping_key);
      if (!mapping) {
        /* every page the step meant to touch is resident already: a process sharing the mm touched them while
         * this one slept in its fault. Touching resident pages costs nothing. */
        *remaining = 0;
        break;
      }
    }
    /* what get_page_from_freelist() can still hand out: buddy pages above the watermarks, through the lists */
    KmPages gfree = km_alloc_available(sys);
    KmMemcg *over = NULL;
    gboolean memsw = FALSE;
    KmPages mmargin = forced ? KM_PAGES_MAX : km_memcg_margin(memcg, &over, &memsw);
    KmPages avail = MIN(gfree, mmargin);
    KmPages k = MIN(*remaining, avail);
    if (mapping && prof->memcg_charges_pgtables)
      k = km_mm_fault_batch(task->mm, mapping, MIN(k, mapping->pages - mapping->resident - mapping->swapped), avail);
    else if (mapping) /* 3.10: the memcg pays for the pages only, the machine for their page tables too */
      k = MIN(km_mm_fault_batch(task->mm, mapping, MIN(k, mapping->pages - mapping->resident - mapping->swapped),
                                gfree),
              mmargin);
    if (k > 0) {
      /* end the bulk at the first stock refill that finds memory.high exceeded (at least one page) */
      KmPages room = km_memcg_high_charge_room(sys, memcg);
      if (room != KM_PAGES_MAX)
        k = MAX(1, mapping ? km_mm_fault_batch(task->mm, mapping, k, room) : MIN(k, room));
      KmPages charges = k + (mapping ? km_mm_pte_growth(task->mm, mapping, k) : 0);
      if (mapping)
        km_mm_populate(sys, task->mm, mapping, k);
      else
        km_memcg_charge(sys, memcg, kind, k);
      *remaining -= k;
      charge_stock(e, task, memcg, charges, thr);
      if (user_fault)
        handle_over_high(e, task, thr); /* each page fault returns to user mode */
      continue;
    }
    KmPages growth = mapping ? km_mm_pte_growth(task->mm, mapping, 1) : 0;
    FaultResult r;
    if (gfree < 1 + growth) {
      /* __alloc_pages_slowpath(): direct reclaim of SWAP_CLUSTER_MAX pages, then __alloc_pages_may_oom() */
      KmReclaimResult rec = km_reclaim(sys, NULL, MAX(1 + growth - gfree, SWAP_CLUSTER_MAX), TRUE);
      work_reclaim(e, &rec);
      if (rec.file + rec.swapped > 0) {
        /* __alloc_pages_direct_reclaim(): progress but still no page: drain_all_pages() once, then retry */
        if (km_alloc_available(sys) < 1 + growth)
          km_pcp_drain(sys);
        if (acc.any && acc.memcg != NULL)
          reclaim_flush(e, &acc, step, task);
        reclaim_add(&acc, NULL, rec);
        continue;
      }
      reclaim_flush(e, &acc, step, task);
      r = invoke_oom(e, proc, step, NULL);
    } else {
      /* The machine has the page (and its page tables) and k is the most that fits, so the memcg margin is what
       * is short: some counter has a limit and `over` is set (km_mm_fault_batch()).
       * try_charge_memcg(): failcnt and MEMCG_MAX on mem_over_limit, reclaim from it (no swap when the memsw
       * counter is the one at its limit), then mem_cgroup_oom() */
      if (memsw)
        over->memsw_failcnt++;
      else
        over->failcnt++;
      km_memcg_stock_drain(sys); /* drain_all_stock(mem_over_limit) before reclaim */
      km_memcg_memory_event(sys, over, KM_MEMCG_MAX);
      /* try_to_free_mem_cgroup_pages(): nr_to_reclaim = max(nr_pages, SWAP_CLUSTER_MAX) for the one page */
      KmPages mgrowth = prof->memcg_charges_pgtables ? growth : 0;
      KmReclaimResult rec = km_reclaim(sys, over, MAX(1 + mgrowth - mmargin, SWAP_CLUSTER_MAX), !memsw);
      work_reclaim(e, &rec);
      if (rec.file + rec.swapped > 0) {
        if (acc.any && acc.memcg != over)
          reclaim_flush(e, &acc, step, task);
        reclaim_add(&acc, over, rec);
        continue;
      }
      reclaim_flush(e, &acc, step, task);
      proc->refused_pages = *remaining;
      proc->refused_memcg = over;
      /* 3.12's rework: mem_cgroup_oom() returns at once unless current->memcg_oom.may_oom (a user fault) */
      if (prof->memcg_oom_user_fault_only && !user_fault) {
        proc->refused_why = "a system call does not arm the memcg OOM killer (memcg_oom.may_oom is set for user "
                            "faults only)";
        return FAULT_CHARGE_ENOMEM;
      }
      /* mem_cgroup_oom() */
      km_memcg_memory_event(sys, over, KM_MEMCG_OOM);
      if (over->version == 1 && over->oom_kill_disable) {
        /* only a user fault sleeps (memcg_in_oom, then mem_cgroup_oom_synchronize() at the end of the fault);
         * any other charge gets -ENOMEM (4.19/5.x: `if (!current->in_user_fault) return OOM_SKIPPED`) */
        if (!user_fault) {
          proc->refused_why = "memory.oom_control has oom_kill_disable 1 and only a user fault sleeps on it "
                              "(mem_cgroup_oom())";
          return FAULT_CHARGE_ENOMEM;
        }
        over->under_oom = TRUE;
        proc->blocked_on = over;
        task->state = KM_TASK_BLOCKED;
        if (!g_ptr_array_find(e->outcome->ever_blocked_pids, GINT_TO_POINTER(task->pid), NULL))
          g_ptr_array_add(e->outcome->ever_blocked_pids, GINT_TO_POINTER(task->pid));
        return FAULT_BLOCKED;
      }
      r = invoke_oom(e, proc, step, over);
      if (r == FAULT_NO_VICTIM) {
        if (prof->memcg_oom_failed_forces) {
          /* every later page of this charge would find the same: forced too (memory.events oom and max are
           * counted once here, where the kernel counts them per page: docs/model.md) */
          forced = TRUE;
          emit_simple(e, SIM_EV_CHARGE_FORCED, step, task,
                      "the memcg OOM killed nobody: the charge is forced over the limit (try_charge(): "
                      "OOM_FAILED, goto force), and the task runs on above it");
          continue;
        }
        /* 5.16+ (and 5.10.y, 5.15.y): -ENOMEM; a user fault retries for ever (pagefault_out_of_memory()), a
         * system call gets it */
        proc->refused_why = "the memcg OOM killer found nothing to kill (try_charge_memcg(): nomem)";
        r = user_fault ? FAULT_LIVELOCK : FAULT_CHARGE_ENOMEM;
      }
    }
    if (r != FAULT_DONE)
      return r;
  }
  reclaim_flush(e, &acc, step, task);
  return FAULT_DONE;
}

/* A fault returns to user mode after each page (handled in the loop); a system call once, at its end. */
static FaultResult charge_pages(SimEngine *e, SimProc *proc, const ScStep *step, KmPageKind kind,
                                guint64 mapping_key, KmPages *remaining)
{
  ThrottleAcc thr = { 0 };
  FaultResult r = charge_pages_throttled(e, proc, step, kind, mapping_key, remaining, &thr);
  if (kind != KM_PAGE_ANON && (r == FAULT_DONE || r == FAULT_CHARGE_ENOMEM))
    handle_over_high(e, proc->task, &thr);
  throttle_flush(e, &thr, step, proc->task);
  return r;
}

/* ---------------------------------------------------------------- steps */

static gboolean step_error(SimEngine *e, const ScStep *step, GError **error, ScenarioError code, const char *fmt, ...)
  G_GNUC_PRINTF(5, 6);
static gboolean step_error(SimEngine *e, const ScStep *step, GError **error, ScenarioError code, const char *fmt, ...)
{
  va_list args;
  va_start(args, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, args);
  va_end(args);
  scenario_set_error(error, code, e->header->file, step->line, step->col, "%s", msg);
  return FALSE;
}

static char *step_label(SimEngine *e, const ScStep *step)
{
  (void)e;
  return step->id ? g_strdup(step->id) : g_strdup_printf("#%" G_GUINT64_FORMAT, step->index);
}

static void record_enomem(SimEngine *e, const ScStep *step, SimProc *proc, const char *detail)
{
  g_ptr_array_add(e->outcome->enomem_steps, step_label(e, step));
  SimEvent ev = { .kind = SIM_EV_ENOMEM, .step = step, .step_index = step->index, .task = proc->task,
                  .detail = detail, .enomem_pages = proc->refused_pages, .oom_memcg = proc->refused_memcg,
                  .enomem_overcommit = proc->refused_why == NULL && proc->refused_memcg == NULL };
  emit(e, &ev);
}

/* do_mmap() of pages for proc: get_unmapped_area() finds room in the address space, then mmap_region() asks
 * __vm_enough_memory() (a VM_ACCOUNT private writable mapping). */
static gboolean do_mmap(SimEngine *e, SimProc *proc, guint64 key, KmPages pages)
{
  KmTask *task = proc->task;
  proc->refused_pages = pages;
  if (!km_mm_get_unmapped_area(task->mm, pages)) {
    proc->refused_why = "get_unmapped_area() found no room: the address space (TASK_SIZE, 128 TiB) is full";
    proc->refused_memcg = NULL;
    return FALSE;
  }
  if (!km_vm_enough_memory(e->sys, task->mm, pages, task->cap_sys_admin)) {
    proc->refused_why = NULL;
    proc->refused_memcg = NULL;
    return FALSE;
  }
  km_mm_add_mapping(e->sys, task->mm, key, pages, TRUE);
  e->work += WORK_MAPPING; /* checked by the caller's loop */
  return TRUE;
}

/* The name of a mapping the trace does not name itself: repetition rep (1-based) of a malloc (sep "#"), or what
 * the rep-th repetition of a touch maps (sep "#map"). Generated names contain '#', which the loader refuses in step
 * ids, and start with the step's id or, for a step without one, with '#' and its index in the trace ("#7#2",
 * "#5#map1"): they never collide with each other or with a user's id (issue 9: two id-less mallocs both named
 * their second mapping "(null)#2"). free(ref) finds a malloc's repetitions as "ref#2", "ref#3"... */
static char *generated_mapping_name(const ScStep *step, const char *sep, guint rep)
{
  if (step->id)
    return g_strdup_printf("%s%s%u", step->id, sep, rep);
  return g_strdup_printf("#%" G_GUINT64_FORMAT "%s%u", step->index, sep, rep);
}

/* The name of repetition rep (1-based) of a malloc: its id for the first, else generated (above). */
static char *malloc_mapping_name(const ScStep *step, guint rep)
{
  return rep == 1 && step->id ? g_strdup(step->id) : generated_mapping_name(step, "#", rep);
}

/* The compiled form of those names (issue 13): the model finds a mapping by an integer key, never by a string. A
 * name is made of the step that created it (its id, or its index when it has none), the repetition, and the
 * separator ("#" for a malloc's repetitions, "#map" for what a touch maps); the key is made of the same three, with
 * the step's index for its id (ids are unique in a trace: the loader checks), so two names are equal exactly when
 * their keys are. An mmap or malloc step with an id is repetition 1; what a ref names is resolved once to the index
 * of its step (ScStep.ref_index). Repetitions are at most SC_REPEAT_MAX (< 2^17) and indexes below 2^46. */
#define MAPPING_KEY_REP_BITS 17
G_STATIC_ASSERT(SC_REPEAT_MAX < (1u << MAPPING_KEY_REP_BITS));
static guint64 mapping_key(guint64 step_index, guint rep, gboolean touch_map)
{
  return step_index << (MAPPING_KEY_REP_BITS + 1) | (guint64)rep << 1 | (touch_map ? 1u : 0u);
}

/* The key of the mapping step->ref names (repetition rep of its malloc: 1 for the mapping of its id). */
static guint64 ref_key(const ScStep *step, guint rep)
{
  return step->ref ? mapping_key(step->ref_index, rep, FALSE) : 0;
}

static FaultResult run_touch(SimEngine *e, SimProc *proc, const ScStep *step)
{
  KmPages per_rep = bytes_to_pages(e, step->size_bytes);
  guint reps = MAX(step->repeat, 1u);
  if (per_rep == 0)
    return FAULT_DONE; /* touching nothing, however often, changes nothing */
  while (proc->rep_done < reps) {
    if (!work(e, step, 1))
      return FAULT_LIMIT;
    if (proc->rep_remaining == 0 && step->ref) {
      /* a mapping whose mmap failed (ENOMEM) or that was unmapped: the access faults on an address that is not
       * mapped, and do_user_addr_fault() -> bad_area() sends SIGSEGV */
      if (!km_mm_find_mapping(e->sys, proc->task->mm, ref_key(step, 1)))
        return FAULT_SEGV;
      /* touching a named mapping: its untouched pages; pages already touched cost nothing again */
      proc->rep_remaining = MIN(per_rep, untouched_total(e->sys, proc->task->mm, ref_key(step, 1)));
      if (proc->rep_remaining == 0)
        break;
    } else if (proc->rep_remaining == 0) {
      KmPages missing = per_rep - MIN(per_rep, untouched_total(e->sys, proc->task->mm, 0));
      if (missing > 0) {
        if (!do_mmap(e, proc, mapping_key(step->index, proc->rep_done + 1, TRUE), missing))
          return FAULT_ENOMEM;
      }
      proc->rep_remaining = per_rep;
    }
    FaultResult r = charge_pages(e, proc, step, KM_PAGE_ANON, ref_key(step, 1), &proc->rep_remaining);
    if (r != FAULT_DONE)
      return r;
    proc->rep_done++;
  }
  return FAULT_DONE;
}

static FaultResult run_malloc(SimEngine *e, SimProc *proc, const ScStep *step)
{
  KmPages pages = bytes_to_pages(e, step->size_bytes + GLIBC_MALLOC_HEADER);
  guint reps = MAX(step->repeat, 1u);
  while (proc->rep_done < reps) {
    if (!work(e, step, 1))
      return FAULT_LIMIT;
    if (!proc->rep_mapping) {
      proc->rep_mapping = mapping_key(step->index, proc->rep_done + 1, FALSE);
      if (!do_mmap(e, proc, proc->rep_mapping, pages)) {
        proc->rep_mapping = 0;
        return FAULT_ENOMEM;
      }
      proc->rep_remaining = step->touch_none ? 0 : step->touch_all ? pages : 1;
    }
    FaultResult r = charge_pages(e, proc, step, KM_PAGE_ANON, proc->rep_mapping, &proc->rep_remaining);
    if (r != FAULT_DONE)
      return r;
    proc->rep_mapping = 0;
    proc->rep_done++;
  }
  return FAULT_DONE;
}

/* free(ref) of a malloc (every repetition) or munmap(ref) of an mmap. Returns the timeline's detail, or NULL. */
static const char *run_unmap(SimEngine *e, SimProc *proc, const ScStep *step)
{
  KmMm *mm = proc->task->mm;
  KmMapping *m = km_mm_find_mapping(e->sys, mm, ref_key(step, 1));
  if (!m) {
    /* the malloc or mmap failed (ENOMEM) or was undone already: free(NULL) does nothing, munmap() of
     * MAP_FAILED fails with EINVAL and changes nothing (a double free that glibc would abort on is not modelled) */
    return "nothing is mapped there (the allocation failed or was undone): nothing to unmap";
  }
  km_mm_unmap(e->sys, mm, m);
  if (step->kind == SC_STEP_FREE) {
    for (guint i = 2;; i++) {
      KmMapping *more = km_mm_find_mapping(e->sys, mm, ref_key(step, i)); /* "ref#i" */
      if (!more)
        break;
      km_mm_unmap(e->sys, mm, more);
    }
  }
  return NULL;
}

static gboolean run_fork(SimEngine *e, SimProc *parent, const ScStep *step, GError **error)
{
  if (step->child_pid <= 0 || km_system_find_task(e->sys, step->child_pid) || find_proc(e, step->child_pid))
    return step_error(e, step, error, SCENARIO_ERROR_DUPLICATE, "fork: pid %d is already in use", step->child_pid);
  KmTask *p = parent->task;
  /* fork + exec: the child starts with a fresh mm (the model has no copy-on-write sharing: docs/model.md) */
  KmTask *child = km_task_create(e->sys, step->child_pid, step->comm ? step->comm : p->comm, p->memcg, NULL);
  child->uid = p->uid;
  child->oom_score_adj = p->oom_score_adj;
  child->cap_sys_admin = p->cap_sys_admin;
  child->ppid = p->pid;
  child->container = g_strdup(p->container);
  if (e->opts.process_base_rss_bytes || e->opts.process_base_pgtables_bytes || e->opts.process_base_kmem_bytes)
    km_mm_set_base(e->sys, child->mm, bytes_to_pages(e, e->opts.process_base_rss_bytes),
                   bytes_to_pages(e, e->opts.process_base_pgtables_bytes),
                   bytes_to_pages(e, e->opts.process_base_kmem_bytes));
  set_base_vm(e, child->mm);
  proc_new(e, child, step->child_slot)->mm_owner = child->pid;
  return TRUE;
}

/* __set_oom_adj(): the value goes to every process sharing the mm, except kthreads and global init. */
/* memory_max_write() (v2): lowering memory.max below usage reclaims, then OOM-kills until usage fits. */
static FaultResult shrink_to_limit(SimEngine *e, KmMemcg *memcg, const ScStep *step)
{
  while (memcg->version == 2 && memcg->max != KM_PAGES_MAX && memcg->usage > memcg->max) {
    if (!work(e, step, 1))
      return FAULT_LIMIT;
    KmReclaimResult rec = km_reclaim(e->sys, memcg, memcg->usage - memcg->max, TRUE);
    work_reclaim(e, &rec);
    if (rec.file + rec.swapped > 0)
      continue;
    km_memcg_memory_event(e->sys, memcg, KM_MEMCG_OOM);
    FaultResult r = invoke_oom(e, NULL, step, memcg);
    if (r != FAULT_DONE && r != FAULT_DIED)
      return r;
  }
  return FAULT_DONE;
}

/* mem_cgroup_resize_max() (v1 memory.limit_in_bytes, memory.memsw.limit_in_bytes; 3.10 to 6.x):
 * page_counter_set_max() refuses a limit below the counter's usage with -EBUSY and leaves the old one; the write
 * then reclaims (try_to_free_mem_cgroup_pages(memcg, 1, GFP_KERNEL, !memsw): SWAP_CLUSTER_MAX pages, no swap for
 * the memsw counter) and tries again, and fails with EBUSY, keeping the old limit, when reclaim makes no
 * progress. It never invokes the OOM killer. (The first failure drains the per-CPU charge stocks, which the
 * model does not have.) TRUE if the new limit holds; FALSE: restore the old limit, the write failed with EBUSY. */
static gboolean v1_resize_max(SimEngine *e, const ScStep *step, KmMemcg *memcg, gboolean memsw)
{
  for (;;) {
    KmPages usage = memsw ? memcg->memsw_usage : memcg->usage, max = memsw ? memcg->memsw_max : memcg->max;
    if (max == KM_PAGES_MAX || usage <= max)
      return TRUE;
    if (!work(e, step, 1))
      return TRUE; /* the run stops here (limit_error): nothing of it is reported */
    KmReclaimResult rec = km_reclaim(e->sys, memcg, SWAP_CLUSTER_MAX, !memsw);
    work_reclaim(e, &rec);
    if (rec.file + rec.swapped == 0)
      return FALSE;
  }
}

static void record_step_error(SimEngine *e, const ScStep *step, SimProc *proc, const char *errno_name,
                              const char *detail)
{
  g_autofree char *label = step_label(e, step);
  g_ptr_array_add(e->outcome->step_errors, g_strdup_printf("%s %s", label, errno_name));
  SimEvent ev = { .kind = SIM_EV_STEP_ERROR, .step = step, .step_index = step->index,
                  .task = proc ? proc->task : NULL, .detail = detail, .errno_name = errno_name };
  emit(e, &ev);
}

/* __cgroup_procs_write() -> cgroup_attach_permissions() -> cgroup_migrate_vet_dst() (6.1): a move into a v2
 * cgroup that has children fails with EBUSY and the process stays where it was. TRUE if the move may go on. */
static gboolean vet_move(SimEngine *e, SimProc *proc, const ScStep *step)
{
  if (km_cgroup_migrate_vet_dst(step_memcg(e, step)))
    return TRUE;
  record_step_error(e, step, proc, "EBUSY",
                    "cgroup.procs write into a cgroup with a child cgroup: cgroup v2's \"no internal process\" "
                    "rule refuses it, the process stays in its cgroup (cgroup_migrate_vet_dst)");
  return FALSE;
}

static void proc_livelock(SimEngine *e, SimProc *proc, const ScStep *step)
{
  proc->livelocked = TRUE;
  proc->task->state = KM_TASK_LIVELOCKED;
  e->outcome->unresolved = TRUE;
  g_ptr_array_add(e->outcome->livelocked_pids, GINT_TO_POINTER(proc->task->pid));
  emit_simple(e, SIM_EV_LIVELOCK, step, proc->task,
              "no OOM kill can satisfy this charge: the task retries the fault for ever (the kernel prints the OOM "
              "report again on every retry)");
}

/* Runs the head of proc's queue. TRUE if it finished (or failed for good); FALSE if the process blocked. */
static gboolean run_proc_step(SimEngine *e, SimProc *proc, ScStep *step)
{
  FaultResult r = FAULT_DONE;
  switch (step->kind) {
  case SC_STEP_MMAP:
    if (!do_mmap(e, proc, step->id ? mapping_key(step->index, 1, FALSE) : 0, bytes_to_pages(e, step->size_bytes)))
      r = FAULT_ENOMEM;
    break;
  case SC_STEP_TOUCH:
    r = run_touch(e, proc, step);
    break;
  case SC_STEP_MALLOC:
    r = run_malloc(e, proc, step);
    break;
  case SC_STEP_FILE_READ:
  case SC_STEP_SHMEM_WRITE:
    if (proc->rep_remaining == 0 && !proc->in_progress)
      proc->rep_remaining = bytes_to_pages(e, step->size_bytes);
    proc->in_progress = TRUE;
    r = charge_pages(e, proc, step, step->kind == SC_STEP_FILE_READ ? KM_PAGE_FILE : KM_PAGE_SHMEM, 0,
                     &proc->rep_remaining);
    break;
  default:
    break;
  }
  switch (r) {
  case FAULT_LIMIT:
    return FALSE; /* the run stops (limit_error) */
  case FAULT_BLOCKED:
    proc->in_progress = TRUE;
    g_queue_push_tail(&e->blocked, proc);
    emit_simple(e, SIM_EV_BLOCKED, step, proc->task, "memcg at its limit with oom_kill_disable: the task sleeps (under_oom 1)");
    return FALSE;
  case FAULT_ENOMEM:
    record_enomem(e, step, proc, proc->refused_why ? proc->refused_why : "__vm_enough_memory() refused the mapping");
    break;
  case FAULT_CHARGE_ENOMEM: {
    g_autofree char *why = g_strdup_printf("the charge to memcg %s failed: %s; the system call gets -ENOMEM",
                                           proc->refused_memcg ? proc->refused_memcg->path : "?",
                                           proc->refused_why ? proc->refused_why : "?");
    record_enomem(e, step, proc, why);
    break;
  }
  case FAULT_SEGV: {
    g_autofree char *name = step->ref ? g_strdup(step->ref) : malloc_mapping_name(step, proc->rep_done + 1);
    g_autofree char *detail = g_strdup_printf("SIGSEGV: mapping \"%s\" is not mapped (its mmap or malloc failed, or it "
                                              "was unmapped): the process is killed by signal 11",
                                              name);
    emit_simple(e, SIM_EV_SEGV, step, proc->task, detail);
    record_exit(e, proc->task, 0, SIGSEGV);
    break;
  }
  case FAULT_LIVELOCK:
    proc_livelock(e, proc, step);
    break;
  case FAULT_DONE:
    emit_simple(e, SIM_EV_STEP, step, proc->task, NULL);
    break;
  case FAULT_DIED:
  case FAULT_PANIC:
  default:
    break;
  }
  proc->in_progress = FALSE;
  proc->rep_done = 0;
  proc->rep_remaining = 0;
  proc->rep_mapping = 0;
  return TRUE;
}

/* A step the engine is done with: freed when it was handed over, left alone when borrowed. */
static void step_release(SimEngine *e, ScStep *step)
{
  if (!e->shared_steps)
    sc_step_free(step);
}

/* Runs queued steps of proc until it blocks or its queue is empty. */
static void drain_proc(SimEngine *e, SimProc *proc)
{
  ScStep *step;
  while (!e->panicked && !e->limit_error && (step = g_queue_peek_head(&proc->pending))) {
    if (proc->task->state == KM_TASK_DEAD || proc->task->state == KM_TASK_DYING || proc->livelocked) {
      emit_simple(e, SIM_EV_SKIPPED, step, proc->task, "the process is no longer running");
    } else if (!run_proc_step(e, proc, step)) {
      return;
    }
    step_release(e, g_queue_pop_head(&proc->pending));
  }
}

/* memcg_oom_recover(): an uncharge or a higher limit wakes the sleepers of a memcg under OOM. A woken process that
 * blocks again without charging anything (its fault needs more than the margin, e.g. a page and a new PTE page)
 * does not count as progress, so this cannot loop for ever. */
static void wake_blocked(SimEngine *e)
{
  if (g_queue_is_empty(&e->blocked))
    return; /* nobody sleeps: nothing to build (the common case, after every step) */
  gboolean progress = TRUE;
  while (progress && !e->panicked && !e->limit_error) {
    progress = FALSE;
    g_autoptr(GPtrArray) sleepers = g_ptr_array_new();
    for (GList *l = e->blocked.head; l; l = l->next)
      g_ptr_array_add(sleepers, l->data);
    for (guint i = 0; i < sleepers->len && !e->panicked; i++) {
      SimProc *proc = sleepers->pdata[i];
      KmMemcg *memcg = proc->blocked_on;
      if (!memcg || km_memcg_margin(memcg, NULL, NULL) <= 0)
        continue;
      KmPages usage_before = memcg->usage;
      guint pending_before = g_queue_get_length(&proc->pending);
      memcg->under_oom = FALSE;
      proc->blocked_on = NULL;
      proc->task->state = KM_TASK_RUNNING;
      g_queue_remove(&e->blocked, proc);
      emit_simple(e, SIM_EV_UNBLOCKED, g_queue_peek_head(&proc->pending), proc->task,
                  "memory was uncharged: the task retries its fault");
      drain_proc(e, proc);
      if (!proc->blocked_on || memcg->usage != usage_before || g_queue_get_length(&proc->pending) != pending_before)
        progress = TRUE;
    }
  }
}

static gboolean needs_pid(ScStepKind kind)
{
  return kind != SC_STEP_SYSCTL && kind != SC_STEP_CGROUP_SET;
}

/* Steps that map, fault, free or charge user memory: they need an mm, which a kernel thread has not got. */
static gboolean needs_mm(ScStepKind kind)
{
  return kind == SC_STEP_MMAP || kind == SC_STEP_TOUCH || kind == SC_STEP_MALLOC || kind == SC_STEP_FREE ||
         kind == SC_STEP_MUNMAP || kind == SC_STEP_FILE_READ || kind == SC_STEP_SHMEM_WRITE;
}

static gboolean run_global_step(SimEngine *e, ScStep *step, GError **error)
{
  if (step->kind == SC_STEP_SYSCTL) {
    if (!apply_sysctl(e, step->name, step->value, step->line, step->col, error))
      return FALSE;
  } else {
    KmMemcg *memcg = step_memcg(e, step);
    if (!memcg)
      return step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF, "unknown cgroup %s", step->cgroup);
    KmPages old_max = memcg->max, old_memsw_max = memcg->memsw_max;
    if (!memcg_write(e, memcg, step->name, step->svalue, step->line, step->col, error) ||
        !check_v1_limits(e, memcg, step->line, step->col, error))
      return FALSE;
    gboolean memsw = g_strcmp0(step->name, "memory.memsw.limit_in_bytes") == 0;
    if (memcg->version == 1 && (memsw || g_strcmp0(step->name, "memory.limit_in_bytes") == 0)) {
      if (!v1_resize_max(e, step, memcg, memsw)) {
        memcg->max = old_max;
        memcg->memsw_max = old_memsw_max;
        record_step_error(e, step, NULL, "EBUSY",
                          memsw ? "memory.memsw.limit_in_bytes below what reclaim can bring memory+swap usage to: "
                                  "the write fails, the old limit stays (mem_cgroup_resize_max)"
                                : "memory.limit_in_bytes below what reclaim can bring usage to: the write fails, "
                                  "the old limit stays (mem_cgroup_resize_max)");
        return TRUE;
      }
    } else {
      FaultResult r = shrink_to_limit(e, memcg, step);
      if (r == FAULT_PANIC || r == FAULT_LIMIT)
        return TRUE;
    }
  }
  emit_simple(e, SIM_EV_STEP, step, NULL, NULL);
  return TRUE;
}

/* The loader checked that a mapping=/ref= names an earlier mmap or malloc; here: of this process's mm (its own, or
 * one it shares). Whether the mapping is still there is decided when the step runs (SIGSEGV, or nothing to free).
 * Also records the owner of an mmap or malloc with an id. */
static gboolean check_mapping_ref(SimEngine *e, SimProc *proc, ScStep *step, GError **error)
{
  if (proc && step->id && (step->kind == SC_STEP_MMAP || step->kind == SC_STEP_MALLOC)) {
    g_hash_table_insert(e->mapping_owner, GSIZE_TO_POINTER(step->index), GINT_TO_POINTER(proc->mm_owner));
    if (!e->shared_steps)
      g_hash_table_insert(e->mapping_index, g_strdup(step->id), GSIZE_TO_POINTER(step->index));
  }
  if (!proc || !step->ref)
    return TRUE;
  if (!e->shared_steps) /* a handed-over step is the engine's: its ref is resolved here, once */
    step->ref_index = GPOINTER_TO_SIZE(g_hash_table_lookup(e->mapping_index, step->ref));
  int owner = GPOINTER_TO_INT(g_hash_table_lookup(e->mapping_owner, GSIZE_TO_POINTER(step->ref_index)));
  if (owner == proc->mm_owner)
    return TRUE;
  return step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF,
                    "\"%s\" is a mapping of process %d's memory, which process %d does not share", step->ref, owner,
                    step->pid);
}

/* ---------------------------------------------------------------- the kubelet's eviction manager
 *
 * The acting half of pkg/kubelet/eviction (the choosing half is k8s/k8s-eviction.c): a pass of synchronize() every
 * housekeeping interval of the virtual clock, from 0, run before the first step at or after its time (a step runs
 * to completion first, as the kubelet's goroutine cannot interrupt a page fault). It measures what the summary API
 * would (working set = usage - inactive_file, all page cache counted inactive: the model's file pages were read
 * once and sit on the inactive list), and evicts the pod it names: every process in the pod's cgroup gets SIGTERM
 * (the runtime's StopContainer with the eviction's grace period: the modelled processes do not handle SIGTERM, so
 * they exit at once, status 143) and reports the reason Evicted. */

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

/* A signal from a userspace actor (the kubelet, earlyoom, systemd-oomd) to a process that does not handle it: the
 * process ends at once with 128 + signal; one asleep in a v1 memcg OOM wakes to die. */
void sim_engine_actor_kill(SimEngine *e, KmTask *task, int signal, const char *actor)
{
  SimProc *proc = find_proc(e, task->pid);
  if (proc && proc->blocked_on) {
    g_queue_remove(&e->blocked, proc);
    proc->blocked_on = NULL;
  }
  e->exit_by = actor;
  record_exit(e, task, 0, signal);
  e->exit_by = NULL;
}

void sim_engine_actor_signal(SimEngine *e, const char *actor, const KmTask *task, int signal, int badness,
                             long long rss_mib)
{
  SimActorSignal *a = g_new0(SimActorSignal, 1);
  a->actor = g_strdup(actor);
  a->pid = task->pid;
  a->signal = signal;
  /* actors poll before a step (actors_run_until()), whose index is already counted */
  a->steps_done = e->step_index ? e->step_index - 1 : 0;
  a->time_ns = e->now_ns;
  a->badness = badness;
  a->rss_mib = rss_mib;
  g_ptr_array_add(e->outcome->actor_signals, a);
}

void sim_engine_actor_event(SimEngine *e, SimEventKind kind, const KmTask *task, const char *detail)
{
  emit_simple(e, kind, NULL, task, detail);
}

gint64 sim_engine_generation(const SimEngine *e)
{
  return e->gen;
}

KmSystem *sim_engine_system(SimEngine *e)
{
  return e->sys;
}

static void evict_pod(SimEngine *e, const K8sPod *pod, const char *why)
{
  KmMemcg *pod_memcg = km_system_find_memcg(e->sys, pod->cgroup);
  g_autoptr(GPtrArray) victims = g_ptr_array_new();
  for (GList *l = e->sys->tasks.head; l; l = l->next) {
    KmTask *task = l->data;
    if ((task->state == KM_TASK_RUNNING || task->state == KM_TASK_BLOCKED) && memcg_within(task->memcg, pod_memcg))
      g_ptr_array_add(victims, task);
  }
  emit_simple(e, SIM_EV_KUBELET, NULL, victims->len ? victims->pdata[0] : NULL, why);
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
    for (GList *l = e->sys->tasks.head; l && !running; l = l->next)
      running = ((KmTask *)l->data)->state != KM_TASK_DEAD && memcg_within(((KmTask *)l->data)->memcg, memcg);
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
    emit_simple(e, SIM_EV_KUBELET, NULL, NULL, detail);
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
static void eviction_run(SimEngine *e)
{
  const guint64 interval = e->header->k8s->housekeeping_interval_ns;
  eviction_pass(e);
  e->next_eviction_ns = interval == 0 || e->next_eviction_ns > G_MAXUINT64 - interval ? G_MAXUINT64
                                                                                      : e->next_eviction_ns + interval;
}

/* Runs the actors' passes due up to until_ns (inclusive), each at its own time, earliest first; at the same time
 * the kubelet, then earlyoom, then systemd-oomd. A pass is work ("Work" above): it looks at every task (and the
 * kubelet at every pod), so a step far in the future after a long quiet time is bounded by --max-work, stopped at
 * step with the one-line message, rather than spinning through every housekeeping interval unseen. */
static void actors_run_until(SimEngine *e, const ScStep *step, guint64 until_ns)
{
  SimUserspace *us = e->userspace;
  for (;;) {
    if (us)
      sim_userspace_skip_idle(us, e->gen, until_ns);
    guint64 kubelet = e->kubelet_runs ? e->next_eviction_ns : G_MAXUINT64;
    guint64 earlyoom = us && us->earlyoom ? us->next_earlyoom_ns : G_MAXUINT64;
    guint64 oomd = us && us->oomd ? us->next_oomd_ns : G_MAXUINT64;
    guint64 next = MIN(kubelet, MIN(earlyoom, oomd));
    if (e->panicked || next > until_ns || next == G_MAXUINT64)
      return;
    guint64 pods = next == kubelet ? e->header->k8s->pods->len : 0;
    if (!work(e, step, 1 + pods + e->sys->tasks.length))
      return; /* limit_error: sim_engine_step() fails */
    run_due_timers(e, next);
    e->now_ns = MAX(e->now_ns, next);
    if (next == kubelet)
      eviction_run(e);
    else if (next == earlyoom)
      sim_userspace_earlyoom_poll(us, e);
    else
      sim_userspace_oomd_poll(us, e);
    wake_blocked(e);
  }
}

/* One step; *out_queued is set when the step went to its process's queue (the engine keeps it until it runs). */
static gboolean engine_step(SimEngine *e, ScStep *step, gboolean *out_queued, GError **error)
{
  guint64 index = ++e->step_index;
  if (step->index != index)
    step->index = index; /* a shared step list has its positions already (sim_scenario_load()): never written */
  if (step->index > e->max_steps)
    return step_error(e, step, error, SCENARIO_ERROR_LIMIT,
                      "<%s> step #%" G_GUINT64_FORMAT ": the trace has more than --max-steps %" G_GUINT64_FORMAT
                      " steps (docs/scenario-format.md, \"Limits\"); a larger --max-steps lets it go on",
                      sc_step_kind_names[step->kind], step->index, e->max_steps);
  if (!work(e, step, WORK_STEP))
    return TRUE; /* limit_error: sim_engine_step() fails */
  /* step ids are unique and refs name an earlier mmap or malloc: the loader checked (loader_check_step_refs()) */
  SimProc *proc = NULL;
  if (needs_pid(step->kind)) {
    proc = step_proc(e, step);
    if (!proc)
      return step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF, "no process with pid %d", step->pid);
  }
  if (step->kind == SC_STEP_MOVE && !step_memcg(e, step))
    return step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF, "unknown cgroup %s", step->cgroup);
  if (!check_mapping_ref(e, proc, step, error))
    return FALSE;
  if (proc && proc->task->kthread && !proc->task->mm && needs_mm(step->kind))
    return step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF,
                      "<%s>: process %d is a kernel thread, which has no user memory (mm)",
                      sc_step_kind_names[step->kind], step->pid);
  if (e->panicked)
    return TRUE; /* the machine is gone: later steps are read (and validated) but not run */
  e->gen++;
  actors_run_until(e, step, step->has_at ? MAX(step->at_ns, e->now_ns) : e->now_ns);
  if (e->panicked || e->limit_error)
    return TRUE;
  if (step->has_at && step->at_ns > e->now_ns) {
    run_due_timers(e, step->at_ns);
    e->now_ns = step->at_ns;
  }
  run_due_timers(e, e->now_ns);

  if (!proc) {
    if (!run_global_step(e, step, error))
      return FALSE;
    wake_blocked(e);
    return TRUE;
  }
  KmTask *task = proc->task;
  if (task->state == KM_TASK_DEAD || task->state == KM_TASK_DYING || proc->livelocked) {
    emit_simple(e, SIM_EV_SKIPPED, step, task, task->state == KM_TASK_DEAD ? "the process has exited" : "the process is not running");
    return TRUE;
  }
  if (proc->blocked_on || !g_queue_is_empty(&proc->pending)) {
    emit_simple(e, SIM_EV_QUEUED, step, task, "the process is blocked: the step waits");
    g_queue_push_tail(&proc->pending, step);
    *out_queued = TRUE;
    return TRUE;
  }
  switch (step->kind) {
  case SC_STEP_FREE:
  case SC_STEP_MUNMAP:
    if (task->mm)
      emit_simple(e, SIM_EV_STEP, step, task, run_unmap(e, proc, step));
    break;
  case SC_STEP_FORK:
    if (!run_fork(e, proc, step, error))
      return FALSE;
    emit_simple(e, SIM_EV_STEP, step, task, NULL);
    break;
  case SC_STEP_EXIT:
    emit_simple(e, SIM_EV_STEP, step, task, NULL);
    record_exit(e, task, step->code, 0);
    break;
  case SC_STEP_SET:
    km_set_oom_adj(e->sys, task, step->oom_score_adj);
    emit_simple(e, SIM_EV_STEP, step, task, NULL);
    break;
  case SC_STEP_MOVE:
    if (!vet_move(e, proc, step))
      break;
    km_task_attach(e->sys, task, step_memcg(e, step));
    emit_simple(e, SIM_EV_STEP, step, task, NULL);
    break;
  default:
    /* the queue is empty (above): the step runs at once, as drain_proc() would run it, and is queued only when it
     * has to wait (it blocked, or the run stopped), so the common step costs no queue node */
    if (e->panicked || e->limit_error || !run_proc_step(e, proc, step)) {
      g_queue_push_tail(&proc->pending, step);
      *out_queued = TRUE;
    }
    break;
  }
  wake_blocked(e);
  return TRUE;
}

/* One trace step, then the bound: a step that went past it fails, and so does every later one. */
static gboolean engine_step_bounded(SimEngine *e, ScStep *step, GError **error)
{
  gboolean queued = FALSE, ok = e->limit_error || engine_step(e, step, &queued, error);
  if (!queued)
    step_release(e, step);
  if (!ok)
    return FALSE;
  if (e->limit_error) {
    g_propagate_error(error, g_error_copy(e->limit_error));
    return FALSE;
  }
  return TRUE;
}

gboolean sim_engine_step(SimEngine *e, ScStep *step, GError **error)
{
  /* programming error only: an engine is fed either handed-over steps or borrowed ones */
  g_return_val_if_fail(!e->shared_steps || e->step_index == 0, FALSE);
  e->shared_steps = FALSE;
  return engine_step_bounded(e, step, error);
}

gboolean sim_engine_step_shared(SimEngine *e, const ScStep *step, GError **error)
{
  g_return_val_if_fail(e->shared_steps || e->step_index == 0, FALSE);
  e->shared_steps = TRUE;
  return engine_step_bounded(e, (ScStep *)step, error);
}

static void fill_memcg_events(SimEngine *e)
{
  const KmProfile *prof = e->sys->profile;
  for (guint i = 0; i < e->header->cgroups->len; i++) {
    const ScCgroup *c = e->header->cgroups->pdata[i];
    KmMemcg *memcg = km_system_find_memcg(e->sys, c->path);
    SimMemcgEvents *ev = g_new0(SimMemcgEvents, 1);
    ev->cgroup = g_strdup(c->path);
    if (memcg->version == 1) {
      /* v1 has no memory.events: oom_control's oom_kill only */
      ev->low = ev->high = ev->max = ev->oom_group_kill = -1;
      ev->oom = (gint64)memcg->events_local[KM_MEMCG_OOM];
      ev->oom_kill = (gint64)memcg->v1_oom_kill;
    } else {
      ev->low = (gint64)memcg->events[KM_MEMCG_LOW];
      ev->high = (gint64)memcg->events[KM_MEMCG_HIGH];
      ev->max = (gint64)memcg->events[KM_MEMCG_MAX];
      ev->oom = (gint64)memcg->events[KM_MEMCG_OOM];
      ev->oom_kill = (gint64)memcg->events[KM_MEMCG_OOM_KILL];
      ev->oom_group_kill = prof->has_oom_group_kill_event ? (gint64)memcg->events[KM_MEMCG_OOM_GROUP_KILL] : -1;
    }
    g_ptr_array_add(e->outcome->memcg_events, ev);
  }
}

/* Each cgroup's page_counter watermark and least headroom, and the root counter's watermark (what-if sweeps). */
static void fill_memcg_peaks(SimEngine *e)
{
  guint64 page = e->sys->machine.page_size;
  for (guint i = 0; i < e->header->cgroups->len; i++) {
    const ScCgroup *c = e->header->cgroups->pdata[i];
    const KmMemcg *memcg = km_system_find_memcg(e->sys, c->path);
    SimMemcgPeak *peak = g_new0(SimMemcgPeak, 1);
    peak->cgroup = g_strdup(c->path);
    peak->peak_bytes = (guint64)memcg->watermark * page;
    peak->swap_peak_bytes = (guint64)memcg->swap_watermark * page;
    peak->limited = memcg->min_headroom != KM_PAGES_MAX;
    peak->min_headroom_bytes = peak->limited ? (guint64)memcg->min_headroom * page : 0;
    g_ptr_array_add(e->outcome->memcg_peaks, peak);
  }
  e->outcome->machine_peak_bytes = (guint64)e->sys->charged_peak * page;
}

/* The processes alive at the end of the trace as the OOM killer would score them over the whole machine: for the
 * reports of a run in which it never ran (SimFinalScore). Before the survivors exit; kernel threads and init are
 * left out (oom_unkillable_task()), as are tasks without an mm; a process blocked in a v1 memcg is alive. */
static void fill_final_scores(SimEngine *e)
{
  if (e->outcome->oom_count > 0 || e->panicked)
    return;
  for (GList *l = e->sys->tasks.head; l; l = l->next) {
    KmTask *task = l->data;
    gboolean alive = task->state == KM_TASK_RUNNING || task->state == KM_TASK_BLOCKED;
    if (!alive || !task->mm || km_oom_unkillable_task(task))
      continue;
    if (e->outcome->final_scores->len >= SIM_FINAL_SCORES_MAX) {
      e->outcome->final_scores_dropped++;
      continue;
    }
    SimFinalScore *f = g_new0(SimFinalScore, 1);
    f->pid = task->pid;
    f->comm = g_strdup(task->comm);
    f->rss = km_mm_rss(task->mm);
    f->swapents = task->mm->swapents;
    f->pgtables = km_oom_scored_pgtables(e->sys->profile, task->mm);
    f->oom_score_adj = task->oom_score_adj;
    f->cap_sys_admin = task->cap_sys_admin;
    f->proc_oom_score = km_proc_oom_score(e->sys, task);
    g_ptr_array_add(e->outcome->final_scores, f);
  }
}

void sim_engine_finish(SimEngine *e)
{
  if (e->finished)
    return;
  e->finished = TRUE;
  if (!e->panicked) {
    /* pending reapers run; then every process still running exits 0, in task-list order */
    while (g_queue_get_length(&e->timers) > 0 && !e->panicked)
      wait_for_timer(e);
    fill_final_scores(e);
    g_autoptr(GPtrArray) alive = g_ptr_array_new();
    for (GList *l = e->sys->tasks.head; l; l = l->next)
      g_ptr_array_add(alive, l->data);
    for (guint i = 0; i < alive->len; i++) {
      KmTask *task = alive->pdata[i];
      SimProc *proc = find_proc(e, task->pid);
      if (task->state == KM_TASK_BLOCKED) {
        g_ptr_array_add(e->outcome->blocked_pids, GINT_TO_POINTER(task->pid));
        continue;
      }
      if (task->state != KM_TASK_RUNNING || (proc && proc->livelocked) || task->kthread || task->global_init)
        continue;
      record_exit(e, task, 0, 0);
      ((SimExit *)e->outcome->exits->pdata[e->outcome->exits->len - 1])->survived = TRUE;
    }
  }
  fill_memcg_events(e);
  fill_memcg_peaks(e);
  SimEvent ev = { .kind = SIM_EV_END, .header = e->header, .outcome = e->outcome, .scenario_file = e->header->file };
  emit(e, &ev);
}
