/* sim/engine-mm.c: the memory system calls a step makes and what they map: mmap() (do_mmap() ->
 * get_unmapped_area(), __vm_enough_memory()), munmap(), malloc() and free() as glibc does them for large blocks
 * (an mmap of the size plus its chunk header, a munmap), and a touch that faults pages in (mapping first what is not
 * mapped yet). Mappings are named by an integer key made of the creating step's index, the repetition and the kind
 * (mapping_key()), never by a string. The charge of each page is sim/engine-charge.c's. Part of the engine
 * (sim/engine.c). */
#include "engine-internal.h"

/* engine_do_mmap() of pages for proc: get_unmapped_area() finds room in the address space, then mmap_region() asks
 * __vm_enough_memory() (a VM_ACCOUNT private writable mapping). */
gboolean engine_do_mmap(SimEngine *e, SimProc *proc, guint64 key, KmPages pages)
{
  SimStepState *state = proc->step; /* run_proc_step() made it */
  KmTask *task = proc->task;
  state->refused_pages = pages;
  if (!km_mm_get_unmapped_area(task->mm, pages)) {
    state->refused_why = "get_unmapped_area() found no room: the address space (TASK_SIZE, 128 TiB) is full";
    state->refused_memcg = NULL;
    return FALSE;
  }
  if (!km_vm_enough_memory(e->sys, task->mm, pages, task->cap_sys_admin)) {
    state->refused_why = NULL;
    state->refused_memcg = NULL;
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
char *engine_malloc_mapping_name(const ScStep *step, guint rep)
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

guint64 engine_mapping_key(guint64 step_index, guint rep, gboolean touch_map)
{
  return step_index << (MAPPING_KEY_REP_BITS + 1) | (guint64)rep << 1 | (touch_map ? 1u : 0u);
}

/* The key of the mapping step->ref names (repetition rep of its malloc: 1 for the mapping of its id). */
static guint64 ref_key(const ScStep *step, guint rep)
{
  return step->ref ? engine_mapping_key(step->ref_index, rep, FALSE) : 0;
}

/* Untouched pages of the mm's mappings, or of those named only_key: O(1) from the mm's counters (KmMmMappings),
 * unless two mappings share a name (an id mapped twice), where they are summed, as the kernel-model bookkeeping
 * keeps only the first in mapping_by_name. */
static KmPages untouched_total(KmSystem *sys, KmMm *mm, guint64 only_key)
{
  const KmMmMappings *maps = mm->mappings;
  if (!maps)
    return 0; /* it never had a mapping */
  if (!only_key)
    return maps->untouched_pages;
  if (maps->shadowed_ids == 0) {
    const KmMapping *m = km_mm_find_mapping(sys, mm, only_key);
    return m ? km_mapping_untouched(m) : 0;
  }
  KmPages n = 0;
  for (GList *l = maps->list.head; l; l = l->next) {
    KmMapping *m = l->data;
    if (m->name.key == only_key)
      n += km_mapping_untouched(m);
  }
  return n;
}

FaultResult engine_run_touch(SimEngine *e, SimProc *proc, const ScStep *step)
{
  SimStepState *state = proc->step; /* run_proc_step() made it */
  KmPages per_rep = engine_bytes_to_pages(e, step->size_bytes);
  guint reps = MAX(step->repeat, 1u);
  if (per_rep == 0)
    return FAULT_DONE; /* touching nothing, however often, changes nothing */
  while (state->rep_done < reps) {
    if (!engine_work(e, step, 1))
      return FAULT_LIMIT;
    if (state->rep_remaining == 0 && step->ref) {
      /* a mapping whose mmap failed (ENOMEM) or that was unmapped: the access faults on an address that is not
       * mapped, and do_user_addr_fault() -> bad_area() sends SIGSEGV */
      if (!km_mm_find_mapping(e->sys, proc->task->mm, ref_key(step, 1)))
        return FAULT_SEGV;
      /* touching a named mapping: its untouched pages; pages already touched cost nothing again */
      state->rep_remaining = MIN(per_rep, untouched_total(e->sys, proc->task->mm, ref_key(step, 1)));
      if (state->rep_remaining == 0)
        break;
    } else if (state->rep_remaining == 0) {
      KmPages missing = per_rep - MIN(per_rep, untouched_total(e->sys, proc->task->mm, 0));
      if (missing > 0) {
        if (!engine_do_mmap(e, proc, engine_mapping_key(step->index, state->rep_done + 1, TRUE), missing))
          return FAULT_ENOMEM;
      }
      state->rep_remaining = per_rep;
    }
    FaultResult r = engine_charge_pages(e, proc, step, KM_PAGE_ANON, ref_key(step, 1), &state->rep_remaining);
    if (r != FAULT_DONE)
      return r;
    state->rep_done++;
  }
  return FAULT_DONE;
}

FaultResult engine_run_malloc(SimEngine *e, SimProc *proc, const ScStep *step)
{
  SimStepState *state = proc->step; /* run_proc_step() made it */
  KmPages pages = engine_bytes_to_pages(e, step->size_bytes + GLIBC_MALLOC_HEADER);
  guint reps = MAX(step->repeat, 1u);
  while (state->rep_done < reps) {
    if (!engine_work(e, step, 1))
      return FAULT_LIMIT;
    if (!state->rep_mapping) {
      state->rep_mapping = engine_mapping_key(step->index, state->rep_done + 1, FALSE);
      if (!engine_do_mmap(e, proc, state->rep_mapping, pages)) {
        state->rep_mapping = 0;
        return FAULT_ENOMEM;
      }
      state->rep_remaining = step->touch_none ? 0 : step->touch_all ? pages : 1;
    }
    FaultResult r = engine_charge_pages(e, proc, step, KM_PAGE_ANON, state->rep_mapping, &state->rep_remaining);
    if (r != FAULT_DONE)
      return r;
    state->rep_mapping = 0;
    state->rep_done++;
  }
  return FAULT_DONE;
}

/* free(ref) of a malloc (every repetition) or munmap(ref) of an mmap. Returns the timeline's detail, or NULL. */
const char *engine_run_unmap(SimEngine *e, SimProc *proc, const ScStep *step)
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
