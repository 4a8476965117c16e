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
 * Its files follow the kernel's seams: this one has the clock, the trace's steps and their dispatch, the processes'
 * lifecycle (exits, blocking and waking, the actors' turns) and the end of the trace; engine-setup.c builds the
 * machine and the processes (boot, fork, exec), engine-cgroupfs.c handles cgroup file and sysctl writes, engine-mm.c
 * the memory system calls (mmap, munmap, malloc, free, touch), engine-charge.c the charge path of a page (page
 * allocator, memcg charge, reclaim, memory.high), engine-oom.c the OOM killer's invocation and the reaper, and
 * engine-kubelet.c the kubelet's eviction manager. What they share is in engine-internal.h.
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
#include "engine-internal.h"

void engine_emit(SimEngine *e, SimEvent *ev)
{
  ev->time_ns = e->now_ns;
  /* a step event is a step that ran to its end without an error: <succeeds> looks its id up (only steps with an
   * id, which are the only ones an expectation can name, so the list does not grow with an anonymous trace) */
  if (ev->kind == SIM_EV_STEP && ev->step && ev->step->id && !e->opts.row_outcome_only)
    sim_outcome_add_completed_step(e->outcome, ev->step->id);
  if (e->sink.event)
    e->sink.event(e->sink.data, e->sys, ev);
}

void engine_emit_simple(SimEngine *e, SimEventKind kind, const ScStep *step, const KmTask *task, const char *detail)
{
  if (!e->sink.event && !(kind == SIM_EV_STEP && step && step->id && !e->opts.row_outcome_only))
    return; /* nobody listens and engine_emit() would record nothing (a sweep's replay: no event built) */
  SimEvent ev = { .kind = kind, .step = step, .task = task, .detail = detail, .step_index = step ? step->index : 0 };
  engine_emit(e, &ev);
}

/* Counts units of work done at step (which may be NULL: the end of the trace). FALSE once the run has gone past
 * its bound; the first time, limit_error says where and which bound. */
gboolean engine_work(SimEngine *e, const ScStep *step, guint64 units)
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
void engine_work_reclaim(SimEngine *e, const KmReclaimResult *rec)
{
  e->work += rec->memcgs_visited;
}

static void step_state_free(SimStepState *state)
{
  ScStep *step;
  if (!state)
    return;
  while ((step = g_queue_pop_head(&state->pending)))
    sc_step_free(step);
  g_free(state);
}

/* The SimProc of the task made seq-th (KmTask.seq), NULL if it has none (a task the engine did not make). */
static SimProc *proc_of_seq(const SimEngine *e, guint seq)
{
  if (seq >= e->proc_blocks->len * PROC_BLOCK)
    return NULL;
  SimProc *proc = (SimProc *)e->proc_blocks->pdata[seq / PROC_BLOCK] + seq % PROC_BLOCK;
  return proc->task ? proc : NULL;
}

/* proc's step state, made (from the engine's spare, zeroed) if it has none. */
static SimStepState *proc_step_state(SimEngine *e, SimProc *proc)
{
  if (!proc->step) {
    proc->step = e->spare_step ? e->spare_step : g_new0(SimStepState, 1);
    e->spare_step = NULL;
    g_queue_init(&proc->step->pending);
  }
  return proc->step;
}

/* Gives proc's step state back once it holds nothing: no step in progress, nothing queued (run_proc_step() zeroed
 * the rest when its step completed). */
static void proc_step_state_done(SimEngine *e, SimProc *proc)
{
  SimStepState *state = proc->step;
  if (!state || state->in_progress || state->pending.head)
    return;
  proc->step = NULL;
  if (e->spare_step)
    g_free(state);
  else
    e->spare_step = state;
}

static ScStep *proc_pending_head(const SimProc *proc)
{
  return proc->step ? g_queue_peek_head(&proc->step->pending) : NULL;
}

static guint proc_pending_length(const SimProc *proc)
{
  return proc->step ? g_queue_get_length(&proc->step->pending) : 0;
}

static void proc_queue_step(SimEngine *e, SimProc *proc, ScStep *step)
{
  if (step == e->transient_step) /* borrowed for the call only: the queue keeps a copy */
    step = sc_step_copy(step);
  g_queue_push_tail(&proc_step_state(e, proc)->pending, step);
}

/* A process's simulator state, found by pid (through its task's creation order) and, when the compiled trace gave it
 * one, by slot (0: none). A process made again in the same slot (a restarted container) is a new task and a new
 * SimProc; the slot then names the new one. */
SimProc *engine_proc_new(SimEngine *e, KmTask *task, guint slot)
{
  while (task->seq >= e->proc_blocks->len * PROC_BLOCK) /* tasks are made in seq order: one block at a time */
    g_ptr_array_add(e->proc_blocks, g_new0(SimProc, PROC_BLOCK));
  SimProc *proc = (SimProc *)e->proc_blocks->pdata[task->seq / PROC_BLOCK] + task->seq % PROC_BLOCK;
  proc->task = task;
  /* the set-up makes header process i (slot i) i-th: seq i - 1, which step_proc() assumes; only a fork child or a
   * process made again (a restarted container) is written down */
  gboolean as_set_up = slot >= 1 && slot <= e->n_header_processes && task->seq == slot - 1;
  if (slot && !as_set_up) {
    if (e->seq_by_slot->len < slot) /* at most SC_PID_MAX: one per pid */
      g_array_set_size(e->seq_by_slot, slot);
    g_array_index(e->seq_by_slot, guint, slot - 1) = task->seq + 1;
  }
  g_array_append_val(e->outcome->known_pids, task->pid);
  return proc;
}

KmPages engine_bytes_to_pages(SimEngine *e, guint64 bytes)
{
  return km_bytes_to_pages_up(e->sys, bytes);
}

SimEngine *sim_engine_new(const ScenarioHeader *header, const KmProfile *profile, const SimOptions *opts,
                          const SimSink *sink, GError **error)
{
  return sim_engine_new_taking_processes(header, NULL, profile, opts, sink, error);
}

SimEngine *sim_engine_new_taking_processes(const ScenarioHeader *header, GPtrArray *processes,
                                           const KmProfile *profile, const SimOptions *opts, const SimSink *sink,
                                           GError **error)
{
  /* programming error only: sim_run() passes the loader's header and a resolved profile (never NULL), and takes no
   * process list from a header with a <kubelet> (whose restarts read the list during the run) */
  g_return_val_if_fail(header && profile && !(processes && header->k8s), NULL);
  SimEngine *e = g_new0(SimEngine, 1);
  e->header = header;
  e->processes = processes ? processes : header->processes;
  e->processes_taken = processes != NULL;
  e->n_header_processes = e->processes->len;
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
  e->proc_blocks = g_ptr_array_new_with_free_func(g_free);
  e->seq_by_slot = g_array_new(FALSE, TRUE, sizeof(guint));
  e->memcg_by_slot = g_ptr_array_new();
  e->mapping_owner = g_hash_table_new(g_direct_hash, g_direct_equal);
  e->mapping_owner_by_index = g_array_new(FALSE, TRUE, sizeof(int));
  g_queue_init(&e->timers);
  g_queue_init(&e->blocked);
  gboolean set_up = engine_setup(e, error);
  if (e->processes_taken) /* what engine_setup() left of it (an error stops it half-way) */
    g_ptr_array_unref(e->processes);
  e->processes = NULL; /* the set-up's only: nothing reads the list after it (SimEngine.processes) */
  if (!set_up) {
    sim_engine_free(e);
    return NULL;
  }
  SimActors actors = e->opts.actors;
  e->kubelet_runs = header->k8s && (actors == SIM_ACTORS_SCENARIO || actors == SIM_ACTORS_KUBELET);
  if (e->kubelet_runs) {
    e->eviction = k8s_eviction_state_new(header->k8s);
    e->restarts = engine_restarts_new(e);
  }
  if (!sim_userspace_new(header, actors, e->sys, &e->userspace, error)) {
    sim_engine_free(e);
    return NULL;
  }
  SimEvent ev = { .kind = SIM_EV_BEGIN, .header = header, .scenario_file = header->file };
  engine_emit(e, &ev);
  return e;
}

void sim_engine_free(SimEngine *e)
{
  if (!e)
    return;
  g_queue_clear_full(&e->timers, g_free);
  g_queue_clear(&e->blocked);
  k8s_eviction_state_free(e->eviction);
  engine_restarts_free(e->restarts);
  sim_userspace_free(e->userspace);
  for (guint i = 0; i < e->proc_blocks->len; i++)
    for (SimProc *proc = e->proc_blocks->pdata[i], *end = proc + PROC_BLOCK; proc < end; proc++) {
      if (proc->step && e->shared_steps) /* borrowed steps still queued (a run stopped early) are not the engine's */
        g_queue_clear(&proc->step->pending);
      step_state_free(proc->step);
    }
  g_ptr_array_free(e->proc_blocks, TRUE);
  if (e->replay_copies)
    g_ptr_array_free(e->replay_copies, TRUE);
  g_free(e->spare_step);
  g_array_unref(e->seq_by_slot);
  g_ptr_array_free(e->memcg_by_slot, TRUE);
  g_hash_table_destroy(e->mapping_owner);
  g_clear_pointer(&e->mm_owner_of_sharer, g_hash_table_destroy);
  g_array_unref(e->mapping_owner_by_index);
  sim_outcome_free(e->outcome);
  km_system_free(e->sys);
  g_clear_error(&e->limit_error);
  g_free(e);
}

SimOutcome *sim_engine_steal_outcome(SimEngine *e)
{
  return g_steal_pointer(&e->outcome);
}

int engine_proc_mm_owner(const SimEngine *e, const SimProc *proc)
{
  gpointer owner;
  if (e->mm_owner_of_sharer &&
      g_hash_table_lookup_extended(e->mm_owner_of_sharer, GINT_TO_POINTER(proc->task->pid), NULL, &owner))
    return GPOINTER_TO_INT(owner);
  return proc->task->pid;
}

SimProc *engine_find_proc(SimEngine *e, int pid)
{
  const KmTask *task = km_system_find_task(e->sys, pid);
  return task ? proc_of_seq(e, task->seq) : NULL;
}

/* The process a step names: by its slot when the trace is compiled (sim/pipeline.c), else by pid. */
static SimProc *step_proc(SimEngine *e, const ScStep *step)
{
  if (step->pid_slot) {
    guint slot = step->pid_slot;
    guint seq1 = slot <= e->seq_by_slot->len ? g_array_index(e->seq_by_slot, guint, slot - 1) : 0;
    if (seq1)
      return proc_of_seq(e, seq1 - 1);
    return slot <= e->n_header_processes ? proc_of_seq(e, slot - 1) : NULL; /* as the set-up made it */
  }
  return engine_find_proc(e, step->pid);
}

/* The cgroup a move or cgroup-set step names: by its slot, else by path (NULL: none). */
KmMemcg *engine_step_memcg(SimEngine *e, const ScStep *step)
{
  if (step->cgroup_slot && step->cgroup_slot <= e->memcg_by_slot->len)
    return e->memcg_by_slot->pdata[step->cgroup_slot - 1];
  return km_system_find_memcg(e->sys, step->cgroup);
}

/* What a container runtime or shell reports (docs/model.md): 128 + signal, or the exit code; the reason
 * OOMKilled for a process the OOM killer killed, and, as containerd does, for any process of a container
 * whose memcg counted an oom_kill. */
void engine_record_exit(SimEngine *e, KmTask *task, int code, int signal)
{
  SimOutcome *o = e->outcome;
  SimExit *x = sim_outcome_add_exit(o); /* strings interned: the outcome keeps every exit to the end */
  x->pid = task->pid;
  x->signal = signal;
  x->status = signal ? 128 + signal : code;
  x->time_ns = e->now_ns;
  gboolean memcg_oom_killed = task->in_container && (task->memcg->events_local[KM_MEMCG_OOM_KILL] > 0);
  if (e->exit_by)
    x->by = sim_outcome_intern(o, e->exit_by);
  else if (task->killed_by_oom)
    x->by = sim_outcome_intern(o, "kernel");
  e->gen++;
  if (e->exit_reason)
    x->reason = sim_outcome_intern(o, e->exit_reason);
  else if (task->killed_by_oom || memcg_oom_killed)
    x->reason = sim_outcome_intern(o, "OOMKilled");
  else if (signal == SIGKILL)
    x->reason = sim_outcome_intern(o, "Killed");
  else if (signal)
    x->reason = sim_outcome_intern(o, "Error"); /* SIGSEGV: what Kubernetes reports for a crash (exit code 139) */
  else
    x->reason = sim_outcome_intern(o, code == 0 ? "Completed" : "Error");
  if (!e->survivors_unmodelled)
    km_task_exit(e->sys, task, code, signal);
  SimEvent ev = { .kind = SIM_EV_EXIT, .task = task, .exit = x };
  engine_emit(e, &ev);
  if (e->restarts)
    engine_restarts_exited(e, task, x); /* the kubelet may start a container again (sim/engine-restart.c) */
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

void engine_run_due_timers(SimEngine *e, guint64 until_ns)
{
  SimTimer *t;
  if (until_ns > e->now_ns)
    engine_kswapd(e); /* the time passing is kswapd's (sim/engine-charge.c) */
  run_vmstat_until(e, until_ns);
  while ((t = g_queue_peek_head(&e->timers)) && t->time_ns <= until_ns)
    engine_run_timer(e, g_queue_pop_head(&e->timers));
}

gboolean engine_step_error(SimEngine *e, const ScStep *step, GError **error, ScenarioError code, const char *fmt, ...)
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
                  .detail = detail, .enomem_pages = proc->step->refused_pages, .oom_memcg = proc->step->refused_memcg,
                  .enomem_overcommit = proc->step->refused_why == NULL && proc->step->refused_memcg == NULL };
  engine_emit(e, &ev);
}

void engine_record_step_error(SimEngine *e, const ScStep *step, SimProc *proc, const char *errno_name,
                              const char *detail)
{
  g_autofree char *label = step_label(e, step);
  g_ptr_array_add(e->outcome->step_errors, g_strdup_printf("%s %s", label, errno_name));
  SimEvent ev = { .kind = SIM_EV_STEP_ERROR, .step = step, .step_index = step->index,
                  .task = proc ? proc->task : NULL, .detail = detail, .errno_name = errno_name };
  engine_emit(e, &ev);
}

static void proc_livelock(SimEngine *e, SimProc *proc, const ScStep *step)
{
  proc->task->state = KM_TASK_LIVELOCKED; /* for good: only a kill (DYING, DEAD) ends it */
  e->outcome->unresolved = TRUE;
  g_ptr_array_add(e->outcome->livelocked_pids, GINT_TO_POINTER(proc->task->pid));
  engine_emit_simple(e, SIM_EV_LIVELOCK, step, proc->task,
              "no OOM kill can satisfy this charge: the task retries the fault for ever (the kernel prints the OOM "
              "report again on every retry)");
}

/* Runs the head of proc's queue (or a step with nothing queued before it). TRUE if it finished (or failed for
 * good); FALSE if the process blocked or the run stopped: its step state is then kept for the retry. */
static gboolean run_proc_step(SimEngine *e, SimProc *proc, ScStep *step)
{
  FaultResult r = FAULT_DONE;
  SimStepState *state = proc_step_state(e, proc);
  switch (step->kind) {
  case SC_STEP_MMAP:
    if (!engine_do_mmap(e, proc, step->id ? engine_mapping_key(step->index, 1, FALSE) : 0, engine_bytes_to_pages(e, step->size_bytes)))
      r = FAULT_ENOMEM;
    break;
  case SC_STEP_TOUCH:
    r = engine_run_touch(e, proc, step);
    break;
  case SC_STEP_MALLOC:
    r = engine_run_malloc(e, proc, step);
    break;
  case SC_STEP_FILE_READ:
  case SC_STEP_SHMEM_WRITE:
    if (state->rep_remaining == 0 && !state->in_progress)
      state->rep_remaining = engine_bytes_to_pages(e, step->size_bytes);
    state->in_progress = TRUE;
    r = engine_charge_pages(e, proc, step, step->kind == SC_STEP_FILE_READ ? KM_PAGE_FILE : KM_PAGE_SHMEM, 0,
                     &state->rep_remaining);
    break;
  default:
    break;
  }
  switch (r) {
  case FAULT_LIMIT:
    return FALSE; /* the run stops (limit_error) */
  case FAULT_BLOCKED:
    state->in_progress = TRUE;
    g_queue_push_tail(&e->blocked, proc);
    engine_emit_simple(e, SIM_EV_BLOCKED, step, proc->task, "memcg at its limit with oom_kill_disable: the task sleeps (under_oom 1)");
    return FALSE;
  case FAULT_ENOMEM:
    record_enomem(e, step, proc, state->refused_why ? state->refused_why : "__vm_enough_memory() refused the mapping");
    break;
  case FAULT_CHARGE_ENOMEM: {
    g_autofree char *why = g_strdup_printf("the charge to memcg %s failed: %s; the system call gets -ENOMEM",
                                           state->refused_memcg ? state->refused_memcg->path : "?",
                                           state->refused_why ? state->refused_why : "?");
    record_enomem(e, step, proc, why);
    break;
  }
  case FAULT_SEGV: {
    g_autofree char *name = step->ref ? g_strdup(step->ref) : engine_malloc_mapping_name(step, state->rep_done + 1);
    g_autofree char *detail = g_strdup_printf("SIGSEGV: mapping \"%s\" is not mapped (its mmap or malloc failed, or it "
                                              "was unmapped): the process is killed by signal 11",
                                              name);
    engine_emit_simple(e, SIM_EV_SEGV, step, proc->task, detail);
    engine_record_exit(e, proc->task, 0, SIGSEGV);
    break;
  }
  case FAULT_LIVELOCK:
    proc_livelock(e, proc, step);
    break;
  case FAULT_DONE:
    engine_emit_simple(e, SIM_EV_STEP, step, proc->task, NULL);
    break;
  case FAULT_DIED:
  case FAULT_PANIC:
  default:
    break;
  }
  state->in_progress = FALSE;
  state->rep_done = 0;
  state->rep_remaining = 0;
  state->rep_mapping = 0;
  state->refused_pages = 0;
  state->refused_why = NULL;
  state->refused_memcg = NULL;
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
  while (!e->panicked && !e->limit_error && (step = proc_pending_head(proc))) {
    if (proc->task->state == KM_TASK_DEAD || proc->task->state == KM_TASK_DYING ||
        proc->task->state == KM_TASK_LIVELOCKED) {
      engine_emit_simple(e, SIM_EV_SKIPPED, step, proc->task, "the process is no longer running");
    } else if (!run_proc_step(e, proc, step)) {
      return;
    }
    step_release(e, g_queue_pop_head(&proc->step->pending));
  }
  proc_step_state_done(e, proc);
}

/* memcg_oom_recover(): an uncharge or a higher limit wakes the sleepers of a memcg under OOM. A woken process that
 * blocks again without charging anything (its fault needs more than the margin, e.g. a page and a new PTE page)
 * does not count as progress, so this cannot loop for ever. */
static void wake_sleepers(SimEngine *e)
{
  gboolean progress = TRUE;
  while (progress && !e->panicked && !e->limit_error) {
    progress = FALSE;
    g_autoptr(GPtrArray) sleepers = g_ptr_array_new();
    for (GList *l = e->blocked.head; l; l = l->next)
      g_ptr_array_add(sleepers, l->data);
    for (guint i = 0; i < sleepers->len && !e->panicked; i++) {
      SimProc *proc = sleepers->pdata[i];
      KmMemcg *memcg = proc_blocked_on(proc);
      if (!memcg || km_memcg_margin(memcg, NULL, NULL) <= 0)
        continue;
      KmPages usage_before = memcg->usage;
      guint pending_before = proc_pending_length(proc);
      memcg->under_oom = FALSE;
      proc_clear_blocked(proc);
      proc->task->state = KM_TASK_RUNNING;
      g_queue_remove(&e->blocked, proc);
      engine_emit_simple(e, SIM_EV_UNBLOCKED, proc_pending_head(proc), proc->task,
                  "memory was uncharged: the task retries its fault");
      drain_proc(e, proc);
      if (!proc_blocked_on(proc) || memcg->usage != usage_before || proc_pending_length(proc) != pending_before)
        progress = TRUE;
    }
  }
}

static inline void wake_blocked(SimEngine *e)
{
  if (e->blocked.head) /* nobody sleeps: nothing to do (the common case, after every step), and no call made */
    wake_sleepers(e);
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

/* The mm owner of the process whose mmap or malloc step (with an id) is at index; 0: none. */
static void set_mapping_owner(SimEngine *e, guint64 index, int owner)
{
  if (!e->shared_steps) {
    g_hash_table_insert(e->mapping_owner, GSIZE_TO_POINTER(index), GINT_TO_POINTER(owner));
    return;
  }
  if (e->mapping_owner_by_index->len < index) /* cleared: 0; doubled, so a trace grows it a few times, not per mmap */
    g_array_set_size(e->mapping_owner_by_index, (guint)MAX(index, 2 * (guint64)e->mapping_owner_by_index->len));
  g_array_index(e->mapping_owner_by_index, int, index - 1) = owner;
}

static int mapping_owner(const SimEngine *e, guint64 index)
{
  if (!e->shared_steps)
    return GPOINTER_TO_INT(g_hash_table_lookup(e->mapping_owner, GSIZE_TO_POINTER(index)));
  return index >= 1 && index <= e->mapping_owner_by_index->len
           ? g_array_index(e->mapping_owner_by_index, int, index - 1) : 0;
}

/* The loader checked that a mapping=/ref= names an earlier mmap or malloc; here: of this process's mm (its own, or
 * one it shares). Whether the mapping is still there is decided when the step runs (SIGSEGV, or nothing to free).
 * Also records the owner of an mmap or malloc with an id. */
static gboolean check_mapping_ref(SimEngine *e, SimProc *proc, ScStep *step, GError **error)
{
  if (proc && step->id && (step->kind == SC_STEP_MMAP || step->kind == SC_STEP_MALLOC))
    set_mapping_owner(e, step->index, engine_proc_mm_owner(e, proc));
  if (!proc || !step->ref)
    return TRUE;
  /* step->ref_index: resolved by the loader (loader_check_step_refs()), or after loading (compile_steps()) */
  int owner = mapping_owner(e, step->ref_index);
  if (owner == engine_proc_mm_owner(e, proc))
    return TRUE;
  return engine_step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF,
                    "\"%s\" is a mapping of process %d's memory, which process %d does not share", step->ref, owner,
                    step->pid);
}

/* A signal from a userspace actor (the kubelet, earlyoom, systemd-oomd) to a process that does not handle it: the
 * process ends at once with 128 + signal; one asleep in a v1 memcg OOM wakes to die. */
void sim_engine_actor_kill(SimEngine *e, KmTask *task, int signal, const char *actor)
{
  SimProc *proc = engine_find_proc(e, task->pid);
  if (proc && proc_blocked_on(proc)) {
    g_queue_remove(&e->blocked, proc);
    proc_clear_blocked(proc);
  }
  e->exit_by = actor;
  engine_record_exit(e, task, 0, signal);
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
  engine_emit_simple(e, kind, NULL, task, detail);
}

const GError *sim_engine_error(const SimEngine *e)
{
  return e->limit_error;
}

gint64 sim_engine_generation(const SimEngine *e)
{
  return e->gen;
}

KmSystem *sim_engine_system(SimEngine *e)
{
  return e->sys;
}

guint64 sim_engine_now(const SimEngine *e)
{
  return e->now_ns;
}

/* Runs the actors' passes due up to until_ns (inclusive), each at its own time, earliest first; at the same time
 * the kubelet, then earlyoom, then systemd-oomd's swap rule, then its pressure rule. A pass is work ("Work" above):
 * it looks at every task (and the kubelet at every pod), so a step far in the future after a long quiet time is
 * bounded by --max-work, stopped at step with the one-line message, rather than spinning through every
 * housekeeping interval unseen. With sleeper (a task asleep in a step), it stops once the sleeper is no longer
 * running: a kill ended the sleep. */
static void actors_run_until(SimEngine *e, const ScStep *step, guint64 until_ns, const KmTask *sleeper)
{
  SimUserspace *us = e->userspace;
  for (;;) {
    if (us)
      sim_userspace_skip_idle(us, e->gen, until_ns);
    guint64 kubelet = e->kubelet_runs ? e->next_eviction_ns : G_MAXUINT64;
    guint64 earlyoom = us && us->earlyoom ? us->next_earlyoom_ns : G_MAXUINT64;
    guint64 oomd = us && us->oomd ? us->next_oomd_ns : G_MAXUINT64;
    guint64 pressure = us && us->oomd_monitored ? us->next_oomd_pressure_ns : G_MAXUINT64;
    /* a restart or a replayed step of a container runs at the top level only, not inside another task's sleep */
    guint64 restart = sleeper ? G_MAXUINT64 : engine_restarts_next_ns(e);
    guint64 next = MIN(MIN(MIN(kubelet, restart), earlyoom), MIN(oomd, pressure));
    if (e->panicked || next > until_ns || next == G_MAXUINT64 || (sleeper && sleeper->state != KM_TASK_RUNNING))
      return;
    guint64 pods = next == kubelet ? e->header->k8s->pods->len : 0;
    if (!engine_work(e, step, next == restart && next != kubelet ? WORK_STEP : 1 + pods + e->sys->tasks.length))
      return; /* limit_error: sim_engine_step() fails */
    engine_run_due_timers(e, next);
    e->now_ns = MAX(e->now_ns, next);
    if (next == kubelet)
      engine_eviction_run(e);
    else if (next == restart)
      engine_restarts_run(e);
    else if (next == earlyoom)
      sim_userspace_earlyoom_poll(us, e);
    else if (next == oomd)
      sim_userspace_oomd_poll(us, e);
    else
      sim_userspace_oomd_pressure_poll(us, e);
    wake_blocked(e);
  }
}

void engine_sleep_killable(SimEngine *e, const ScStep *step, const KmTask *task, guint64 until_ns)
{
  e->gen++; /* the step charged pages since the last poll: an actor's idle poll is not repeated blindly */
  actors_run_until(e, step, until_ns, task);
  if (task->state != KM_TASK_RUNNING || e->limit_error || e->panicked)
    return; /* woken by the fatal signal (or the run stops): the rest of the sleep does not happen */
  engine_run_due_timers(e, until_ns);
  e->now_ns = MAX(e->now_ns, until_ns);
}

static gboolean run_pid_step(SimEngine *e, SimProc *proc, ScStep *step, gboolean *out_queued, GError **error);

/* One step; *out_queued is set when the step went to its process's queue (the engine keeps it until it runs). */
static gboolean engine_step(SimEngine *e, ScStep *step, gboolean *out_queued, GError **error)
{
  guint64 index = ++e->step_index;
  if (step->index != index)
    step->index = index; /* a shared step list has its positions already (sim_scenario_load()): never written */
  if (step->index > e->max_steps)
    return engine_step_error(e, step, error, SCENARIO_ERROR_LIMIT,
                      "<%s> step #%" G_GUINT64_FORMAT ": the trace has more than --max-steps %" G_GUINT64_FORMAT
                      " steps (docs/scenario-format.md, \"Limits\"); a larger --max-steps lets it go on",
                      sc_step_kind_names[step->kind], step->index, e->max_steps);
  if (!engine_work(e, step, WORK_STEP))
    return TRUE; /* limit_error: sim_engine_step() fails */
  /* step ids are unique and refs name an earlier mmap or malloc: the loader checked (loader_check_step_refs()) */
  SimProc *proc = NULL;
  if (needs_pid(step->kind)) {
    proc = step_proc(e, step);
    if (!proc)
      return engine_step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF, "no process with pid %d", step->pid);
  }
  if (step->kind == SC_STEP_MOVE && !engine_step_memcg(e, step))
    return engine_step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF, "unknown cgroup %s", step->cgroup);
  if (!check_mapping_ref(e, proc, step, error))
    return FALSE;
  if (proc && proc->task->kthread && !proc->task->mm && needs_mm(step->kind))
    return engine_step_error(e, step, error, SCENARIO_ERROR_UNKNOWN_REF,
                      "<%s>: process %d is a kernel thread, which has no user memory (mm)",
                      sc_step_kind_names[step->kind], step->pid);
  if (e->panicked)
    return TRUE; /* the machine is gone: later steps are read (and validated) but not run */
  e->gen++;
  actors_run_until(e, step, step->has_at ? MAX(step->at_ns, e->now_ns) : e->now_ns, NULL);
  if (e->panicked || e->limit_error)
    return TRUE;
  if (step->has_at && step->at_ns > e->now_ns) {
    engine_run_due_timers(e, step->at_ns);
    e->now_ns = step->at_ns;
  }
  engine_run_due_timers(e, e->now_ns);

  if (!proc) {
    if (!engine_run_global_step(e, step, error))
      return FALSE;
    wake_blocked(e);
    return TRUE;
  }
  if (e->restarts && engine_restarts_trace_step(e, step))
    return TRUE; /* a step of a container's program whose first run has ended (sim/engine-restart.c) */
  return run_pid_step(e, proc, step, out_queued, error);
}

/* A step of proc: run now, queued behind a blocked process, or skipped when the process no longer runs. */
static gboolean run_pid_step(SimEngine *e, SimProc *proc, ScStep *step, gboolean *out_queued, GError **error)
{
  KmTask *task = proc->task;
  if (task->state == KM_TASK_DEAD || task->state == KM_TASK_DYING || task->state == KM_TASK_LIVELOCKED) {
    engine_emit_simple(e, SIM_EV_SKIPPED, step, task, task->state == KM_TASK_DEAD ? "the process has exited" : "the process is not running");
    return TRUE;
  }
  if (proc_blocked_on(proc) || proc_pending_head(proc)) {
    engine_emit_simple(e, SIM_EV_QUEUED, step, task, "the process is blocked: the step waits");
    proc_queue_step(e, proc, step);
    *out_queued = TRUE;
    return TRUE;
  }
  switch (step->kind) {
  case SC_STEP_FREE:
  case SC_STEP_MUNMAP:
    if (task->mm)
      engine_emit_simple(e, SIM_EV_STEP, step, task, engine_run_unmap(e, proc, step));
    break;
  case SC_STEP_FORK:
    if (!engine_run_fork(e, proc, step, error))
      return FALSE;
    engine_emit_simple(e, SIM_EV_STEP, step, task, NULL);
    break;
  case SC_STEP_EXIT:
    engine_emit_simple(e, SIM_EV_STEP, step, task, NULL);
    engine_record_exit(e, task, step->code, 0);
    break;
  case SC_STEP_SET:
    km_set_oom_adj(e->sys, task, step->oom_score_adj);
    engine_emit_simple(e, SIM_EV_STEP, step, task, NULL);
    break;
  case SC_STEP_MOVE:
    if (!engine_vet_move(e, proc, step))
      break;
    km_task_attach(e->sys, task, engine_step_memcg(e, step));
    engine_emit_simple(e, SIM_EV_STEP, step, task, NULL);
    break;
  default:
    /* the queue is empty (above): the step runs at once, as drain_proc() would run it, and is queued only when it
     * has to wait (it blocked, or the run stopped), so the common step costs no queue node */
    if (e->panicked || e->limit_error || !run_proc_step(e, proc, step)) {
      proc_queue_step(e, proc, step);
      *out_queued = TRUE;
    }
    proc_step_state_done(e, proc);
    break;
  }
  wake_blocked(e);
  return TRUE;
}

void engine_replay_step(SimEngine *e, SimProc *proc, const ScStep *step)
{
  if (step->kind == SC_STEP_FORK) { /* the only step that can fail the run: its child's pid is taken */
    engine_emit_simple(e, SIM_EV_SKIPPED, step, proc->task, "a <fork> of a container's program is not replayed in "
                       "a restarted run (docs/kubernetes.md, \"Restarts\")");
    return;
  }
  ScStep *copy = sc_step_copy(step);
  gboolean queued = FALSE;
  run_pid_step(e, proc, copy, &queued, NULL);
  if (!queued)
    sc_step_free(copy);
  else if (e->shared_steps) { /* the queue of an engine with borrowed steps frees nothing */
    if (!e->replay_copies)
      e->replay_copies = g_ptr_array_new_with_free_func((GDestroyNotify)sc_step_free);
    g_ptr_array_add(e->replay_copies, copy);
  }
}

/* One trace step, then the bound: a step that went past it fails, and so does every later one. */
static gboolean engine_step_bounded(SimEngine *e, ScStep *step, GError **error)
{
  gboolean queued = FALSE, ok = e->limit_error || engine_step(e, step, &queued, error);
  if (!queued && step != e->transient_step)
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

gboolean sim_engine_step_transient(SimEngine *e, const ScStep *step, GError **error)
{
  g_return_val_if_fail(!e->shared_steps || e->step_index == 0, FALSE);
  e->shared_steps = FALSE;
  e->transient_step = step;
  gboolean ok = engine_step_bounded(e, (ScStep *)step, error);
  e->transient_step = NULL;
  return ok;
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
  /* only a report draws them (reports/html.c): a sweep's or bisect's replay, which has no listener, makes none
   * (1,000 scores with their allocations were 4% of a variant of the what-if bench) */
  if (e->outcome->oom_count > 0 || e->panicked || !e->sink.event)
    return;
  for (KmTask *task = e->sys->tasks.head; task; task = task->tasks.next) {
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
  if ((e->restarts || e->header->trace_until_ns > e->now_ns) && !e->panicked && !e->limit_error) {
    /* the kubelet's restarts and the replayed steps due up to the end of the trace (sim/engine-restart.c), and
     * the actors' passes due meanwhile */
    guint64 end = MAX(e->now_ns, e->header->trace_until_ns);
    if (e->restarts)
      engine_restarts_end_at(e, end);
    actors_run_until(e, NULL, end, NULL);
    if (!e->panicked && !e->limit_error) {
      engine_run_due_timers(e, end);
      e->now_ns = end;
    }
  }
  if (e->restarts)
    engine_restarts_close(e);
  if (!e->panicked) {
    /* pending reapers run; then every process still running exits 0, in task-list order */
    while (g_queue_get_length(&e->timers) > 0 && !e->panicked)
      engine_wait_for_timer(e);
    fill_final_scores(e);
    /* A what-if replay's row reads the exits (pid, status, in this order) and the peaks, which exits cannot raise:
     * the survivors' exit_mmap() and uncharges, after the last step, change nothing it reads, so they are left to
     * sim_engine_free() (km_system_free() frees the mms they still hold): 1,000 exits were a tenth of a variant. */
    e->survivors_unmodelled = e->opts.row_outcome_only;
    /* The task list is walked as it is: an exit unlinks its own task only (km_task_exit(); nothing here makes a
     * task), so the next node is taken first. No copy of the list: this is the run's peak of memory (issue 13). */
    for (KmTask *task = e->sys->tasks.head, *next; task; task = next) {
      next = task->tasks.next;
      if (task->state == KM_TASK_BLOCKED) {
        g_ptr_array_add(e->outcome->blocked_pids, GINT_TO_POINTER(task->pid));
        continue;
      }
      if (task->state != KM_TASK_RUNNING || task->kthread || task->global_init) /* livelocked: not RUNNING */
        continue;
      engine_record_exit(e, task, 0, 0);
      ((SimExit *)e->outcome->exits->pdata[e->outcome->exits->len - 1])->survived = TRUE;
    }
  }
  if (!e->opts.row_outcome_only)
    fill_memcg_events(e);
  fill_memcg_peaks(e);
  SimEvent ev = { .kind = SIM_EV_END, .header = e->header, .outcome = e->outcome, .scenario_file = e->header->file };
  engine_emit(e, &ev);
}
