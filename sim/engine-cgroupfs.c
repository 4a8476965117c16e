/* sim/engine-cgroupfs.c: writes to cgroup interface files and sysctls, as the kernel handles them
 * (mm/memcontrol.c: memory_max_write(), memory_high_write(), mem_cgroup_write() -> mem_cgroup_resize_max() on v1;
 * kernel/cgroup/cgroup.c: cgroup_migrate_vet_dst() for a move; the vm.* sysctls of kernel/sysctl.c). Used by the
 * header's <cgroup> attributes and <sysctl> elements at set-up and by the <cgroup-set>, <sysctl> and <move> steps
 * of the trace: a v2 memory.max below usage reclaims and then OOM-kills until usage fits, a v1 limit below what
 * reclaim can reach fails with EBUSY. Part of the engine (sim/engine.c). */
#include "engine-internal.h"

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
gboolean engine_memcg_write(SimEngine *e, KmMemcg *memcg, const char *name, const char *value, int line, int col,
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
gboolean engine_check_v1_limits(SimEngine *e, const KmMemcg *memcg, int line, int col, GError **error)
{
  if (memcg->version != 1 || memcg->memsw_max == KM_PAGES_MAX || memcg->max <= memcg->memsw_max)
    return TRUE;
  scenario_set_error(error, SCENARIO_ERROR_RANGE, e->header->file, line, col,
                     "%s: memory.limit_in_bytes is above memory.memsw.limit_in_bytes (the kernel refuses it: EINVAL)",
                     memcg->path);
  return FALSE;
}

gboolean engine_apply_sysctl(SimEngine *e, const char *name, gint64 value, int line, int col, GError **error)
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

/* __set_oom_adj(): the value goes to every process sharing the mm, except kthreads and global init. */
/* memory_max_write() (v2): lowering memory.max below usage reclaims, then OOM-kills until usage fits. */
static FaultResult shrink_to_limit(SimEngine *e, KmMemcg *memcg, const ScStep *step)
{
  while (memcg->version == 2 && memcg->max != KM_PAGES_MAX && memcg->usage > memcg->max) {
    if (!engine_work(e, step, 1))
      return FAULT_LIMIT;
    KmReclaimResult rec = km_reclaim(e->sys, memcg, memcg->usage - memcg->max, TRUE);
    engine_work_reclaim(e, &rec);
    if (rec.file + rec.swapped > 0)
      continue;
    km_memcg_memory_event(e->sys, memcg, KM_MEMCG_OOM);
    FaultResult r = engine_invoke_oom(e, NULL, step, memcg);
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
    if (!engine_work(e, step, 1))
      return TRUE; /* the run stops here (limit_error): nothing of it is reported */
    KmReclaimResult rec = km_reclaim(e->sys, memcg, SWAP_CLUSTER_MAX, !memsw);
    engine_work_reclaim(e, &rec);
    if (rec.file + rec.swapped == 0)
      return FALSE;
  }
}

/* __cgroup_procs_write() -> cgroup_attach_permissions() -> cgroup_migrate_vet_dst() (6.1): a move into a v2
 * cgroup that has children fails with EBUSY and the process stays where it was. TRUE if the move may go on. */
gboolean engine_vet_move(SimEngine *e, SimProc *proc, const ScStep *step)
{
  if (km_cgroup_migrate_vet_dst(engine_step_memcg(e, step)))
    return TRUE;
  engine_record_step_error(e, step, proc, "EBUSY",
                    "cgroup.procs write into a cgroup with a child cgroup: cgroup v2's \"no internal process\" "
                    "rule refuses it, the process stays in its cgroup (cgroup_migrate_vet_dst)");
  return FALSE;
}

gboolean engine_run_global_step(SimEngine *e, ScStep *step, GError **error)
{
  if (step->kind == SC_STEP_SYSCTL) {
    if (!engine_apply_sysctl(e, step->name, step->value, step->line, step->col, error))
      return FALSE;
  } else {
    KmMemcg *memcg = engine_step_memcg(e, step);
    if (!memcg)
      return engine_step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF, "unknown cgroup %s", step->cgroup);
    KmPages old_max = memcg->max, old_memsw_max = memcg->memsw_max;
    if (!engine_memcg_write(e, memcg, step->name, step->svalue, step->line, step->col, error) ||
        !engine_check_v1_limits(e, memcg, step->line, step->col, error))
      return FALSE;
    gboolean memsw = g_strcmp0(step->name, "memory.memsw.limit_in_bytes") == 0;
    if (memcg->version == 1 && (memsw || g_strcmp0(step->name, "memory.limit_in_bytes") == 0)) {
      if (!v1_resize_max(e, step, memcg, memsw)) {
        memcg->max = old_max;
        memcg->memsw_max = old_memsw_max;
        engine_record_step_error(e, step, NULL, "EBUSY",
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
  engine_emit_simple(e, SIM_EV_STEP, step, NULL, NULL);
  return TRUE;
}
