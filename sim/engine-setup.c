/* sim/engine-setup.c: the machine as it boots and the processes as fork() and exec() make them. The scenario's
 * header becomes a KmSystem: RAM, swap and the reserves (mm/page_alloc.c: init_per_zone_wmark_min(),
 * calculate_totalreserve_pages()), the sysctls, the zones and per-CPU lists measured in a VM, the cgroup tree with
 * its files written in document order, then every <process> (copy_process() + exec: a fresh mm with the base a
 * process has when its trace starts). A <fork> step does the same for a child of a running process. Part of the
 * engine (sim/engine.c); nothing here decides who dies. */
#include "engine-internal.h"

/* The VM's measured address space of a fresh process (SimOptions; none without the harness): its total_vm and
 * the VM_ACCOUNT pages exec committed (km_mm_set_base_vm()). */
static void set_base_vm(SimEngine *e, KmMm *mm)
{
  if (e->opts.process_base_vm_bytes || e->opts.process_base_committed_bytes)
    km_mm_set_base_vm(e->sys, mm, engine_bytes_to_pages(e, e->opts.process_base_vm_bytes),
                      engine_bytes_to_pages(e, e->opts.process_base_committed_bytes));
}

gboolean engine_create_process(SimEngine *e, const ScProcess *p, guint slot, GError **error)
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
  task->oom_score_adj = (short)p->oom_score_adj; /* -1000..1000: the loader checked it */
  task->threads = p->threads > 0 ? p->threads : 1;
  task->cap_sys_admin = p->cap_sys_admin;
  task->kthread = p->kthread;
  task->global_init = p->pid == 1;
  task->in_vfork = p->vfork_child;
  task->oom_task_origin = p->oom_task_origin;
  task->stuck = p->stuck;
  task->ppid = p->parent;
  task->in_container = p->container != NULL;
  if (task->kthread && !share) {
    /* kernel threads have no mm */
    km_mm_put(sys, task->mm);
    task->mm = NULL;
  }
  if (task->mm && !share) {
    guint64 rss = e->opts.process_base_rss_bytes ? e->opts.process_base_rss_bytes : p->base_rss_bytes;
    guint64 pgt = e->opts.process_base_pgtables_bytes ? e->opts.process_base_pgtables_bytes : p->base_pgtables_bytes;
    km_mm_set_base(sys, task->mm, engine_bytes_to_pages(e, rss), engine_bytes_to_pages(e, pgt),
                   engine_bytes_to_pages(e, e->opts.process_base_kmem_bytes));
    set_base_vm(e, task->mm);
  }
  engine_proc_new(e, task, slot);
  const SimProc *owner = p->shares_mm_with ? engine_find_proc(e, p->shares_mm_with) : NULL;
  int mm_owner = owner ? engine_proc_mm_owner(e, owner) : p->pid;
  if (mm_owner != p->pid) {
    if (!e->mm_owner_of_sharer)
      e->mm_owner_of_sharer = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_hash_table_insert(e->mm_owner_of_sharer, GINT_TO_POINTER(p->pid), GINT_TO_POINTER(mm_owner));
  }
  return TRUE;
}

/* A process of the header that shares another's mm, as check_oom_adj_per_mm() needs it after the set-up (the
 * header's process list may be freed by then: SimEngine.processes) */
typedef struct {
  int pid, line, col;
} MmSharer;

/* Processes sharing an mm with different oom_score_adj values: a state no kernel with __set_oom_adj()'s copying
 * (4.8+) can be in (km_oom_adj_differs_in_mm()), so the scenario is refused at the later process. Only the processes
 * that share an mm are checked (sharers, in header order): the first process of an mm is checked against the later
 * ones by their own turn. */
static gboolean check_oom_adj_per_mm(SimEngine *e, const GArray *sharers, GError **error)
{
  const ScenarioHeader *h = e->header;
  for (guint i = 0; i < sharers->len; i++) {
    const MmSharer *p = &g_array_index(sharers, MmSharer, i);
    const KmTask *task = km_system_find_task(e->sys, p->pid);
    const KmTask *other = km_oom_adj_differs_in_mm(e->sys, task);
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

gboolean engine_setup(SimEngine *e, GError **error)
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
    if (!engine_apply_sysctl(e, s->name, s->value, s->line, s->col, error))
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
      if (!engine_memcg_write(e, memcg, a->name, a->value, a->line, a->col, error))
        return FALSE;
    }
    if (!engine_check_v1_limits(e, memcg, c->line, c->col, error))
      return FALSE;
  }
  g_autoptr(GArray) sharers = g_array_new(FALSE, FALSE, sizeof(MmSharer));
  GPtrArray *processes = e->processes;
  for (guint i = 0; i < processes->len; i++) {
    const ScProcess *p = processes->pdata[i];
    if (!engine_create_process(e, p, i + 1, error))
      return FALSE;
    if (p->shares_mm_with)
      g_array_append_val(sharers, ((MmSharer){ p->pid, p->line, p->col }));
    if (e->processes_taken) { /* the caller gave the list up: its memory goes to the next processes' tasks */
      sc_process_free(processes->pdata[i]);
      processes->pdata[i] = NULL;
    }
  }
  return check_oom_adj_per_mm(e, sharers, error);
}

gboolean engine_run_fork(SimEngine *e, SimProc *parent, const ScStep *step, GError **error)
{
  if (step->child_pid <= 0 || km_system_find_task(e->sys, step->child_pid) || engine_find_proc(e, step->child_pid))
    return engine_step_error(e, step, error, SCENARIO_ERROR_DUPLICATE, "fork: pid %d is already in use", step->child_pid);
  KmTask *p = parent->task;
  /* fork + exec: the child starts with a fresh mm (the model has no copy-on-write sharing: docs/model.md) */
  KmTask *child = km_task_create(e->sys, step->child_pid, step->comm ? step->comm : p->comm, p->memcg, NULL);
  child->uid = p->uid;
  child->oom_score_adj = p->oom_score_adj;
  child->cap_sys_admin = p->cap_sys_admin;
  child->ppid = p->pid;
  child->in_container = p->in_container;
  if (e->opts.process_base_rss_bytes || e->opts.process_base_pgtables_bytes || e->opts.process_base_kmem_bytes)
    km_mm_set_base(e->sys, child->mm, engine_bytes_to_pages(e, e->opts.process_base_rss_bytes),
                   engine_bytes_to_pages(e, e->opts.process_base_pgtables_bytes),
                   engine_bytes_to_pages(e, e->opts.process_base_kmem_bytes));
  set_base_vm(e, child->mm);
  engine_proc_new(e, child, step->child_slot); /* its own mm: engine_proc_mm_owner() is its pid */
  return TRUE;
}
