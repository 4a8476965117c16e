/* sim/engine-internal.h: what the engine's files share (sim/engine.c and the files beside it that follow the
 * kernel's seams: engine-setup.c, engine-cgroupfs.c, engine-mm.c, engine-charge.c, engine-oom.c,
 * engine-kubelet.c). Private to sim/engine*.c: the rest of oomsim sees sim/engine.h only. */
#pragma once

#include "engine.h"

#include "../kernel-model/km-cgroup.h"
#include "../kernel-model/km-kswapd.h"
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

G_BEGIN_DECLS

#define SIGKILL 9
#define SIGSEGV 11
#define SIGTERM 15
#define VMSTAT_INTERVAL_NS G_GUINT64_CONSTANT(1000000000) /* sysctl_stat_interval: HZ, one second */
#define GLIBC_MALLOC_HEADER 16 /* mmapped chunk: the request plus 2 * SIZE_SZ, page-aligned */
#define WORK_STEP 64    /* units of work of a step, and of a mapping created ("Work" in sim/engine.c) */
#define WORK_MAPPING 64
#define SWAP_CLUSTER_MAX 32 /* include/linux/swap.h: the reclaim batch */

/* The step a process is in the middle of, and the steps queued behind it. Only a process that is running a step,
 * blocked in one or has steps queued needs this, so it is made then (proc_step_state() in sim/engine.c, from one
 * spare kept by the engine: the common step, which runs at once and completes, allocates nothing) and given back
 * when the step completes with nothing queued. A million processes that wait for their first step cost a pointer
 * each, not this (issue 13). */
typedef struct {
  GQueue pending;        /* ScStep* owned: the step in progress (head) and the ones queued behind it */
  gboolean in_progress;  /* the head step has started */
  guint rep_done;        /* repetitions of the head step completed */
  KmPages rep_remaining; /* pages of the current repetition still to fault; 0: not started */
  guint64 rep_mapping;   /* malloc: key of the current repetition's mapping (mapping_key()); 0: none */
  KmPages refused_pages; /* the last mapping refused, or the pages a charge could not get */
  const char *refused_why; /* by which kernel function (NULL: __vm_enough_memory()), or why no OOM kill helped */
  KmMemcg *refused_memcg; /* FAULT_CHARGE_ENOMEM: the memcg whose charge failed */
  KmMemcg *blocked_on;   /* the memcg the process sleeps on in its step (mem_cgroup_oom_synchronize()); NULL: not
                          * blocked. Here, not in SimProc: only a process in the middle of a step can be blocked */
} SimStepState;

/* A process's simulator state beside its KmTask: 16 bytes, in SimEngine.proc_blocks by the task's creation order.
 * Whether it is livelocked is its task's state (KM_TASK_LIVELOCKED, then DYING or DEAD only); whose mm it uses, for
 * mapping references, is its own pid unless it shares one (engine_proc_mm_owner()). */
typedef struct {
  KmTask *task;          /* NULL: no process made at this place yet */
  SimStepState *step;    /* non-NULL while a step runs, is blocked or is queued (always within run_proc_step()) */
} SimProc;

#define PROC_BLOCK 256 /* SimProcs per block of SimEngine.proc_blocks */

/* The memcg proc sleeps on (SimStepState.blocked_on), NULL: it is not blocked. */
static inline KmMemcg *proc_blocked_on(const SimProc *proc)
{
  return proc->step ? proc->step->blocked_on : NULL;
}

/* proc no longer sleeps on a memcg (woken, or killed while it slept). */
static inline void proc_clear_blocked(SimProc *proc)
{
  if (proc->step)
    proc->step->blocked_on = NULL;
}

typedef struct {
  guint64 time_ns;
  guint64 seq;
  KmTask *victim;
} SimTimer;

typedef struct _EngineRestarts EngineRestarts; /* sim/engine-restart.c */

struct _SimEngine {
  KmSystem *sys;
  const ScenarioHeader *header;
  SimOptions opts;
  SimSink sink;
  guint64 now_ns;
  guint64 step_index;
  SimOutcome *outcome;
  /* The SimProcs, by their task's KmTask.seq (creation order), PROC_BLOCK to a block: found by pid through the
   * model's task_by_pid (one table of pids, not two), by slot through seq_by_slot; blocks, never moved, because the
   * engine keeps pointers to them (blocked, the restarts): no pointer per process beside them (issue 13) */
  GPtrArray *proc_blocks;   /* SimProc[PROC_BLOCK] each */
  GArray *seq_by_slot;      /* guint by process slot - 1 (ScStep.pid_slot): the KmTask.seq of its process + 1; 0:
                             * as the set-up made it (header slot i: seq i - 1), or not made yet (a fork's). Empty
                             * until a fork or a restart: the header's processes need no entry (issue 13) */
  /* The header's processes, during the set-up only (engine_setup()): header->processes, or the list the caller took
   * out of the header and gave to the engine (sim_engine_new_taking_processes()), whose processes are then freed one
   * by one as their tasks are made, so that the scenario's list and the model are never whole at once (issue 13) */
  GPtrArray *processes;
  gboolean processes_taken;
  guint n_header_processes; /* how many the header had: slots 1 .. n are theirs */
  GPtrArray *memcg_by_slot; /* KmMemcg* by cgroup slot - 1: the header's cgroups in order (ScStep.cgroup_slot) */
  GHashTable *mm_owner_of_sharer; /* pid of a header process that shares another's mm (shares-mm-with) -> pid of the
                                   * process whose mm it is (followed to the first); NULL: none shares */
  GHashTable *mapping_owner; /* index of an mmap/malloc step with an id -> GINT_TO_POINTER(mm owner of its process),
                              * for handed-over steps (a streamed trace of any length: one entry per such step) */
  GArray *mapping_owner_by_index; /* int by step index - 1, the same for borrowed steps (the trace is in memory
                                   * anyway; a sweep replays it thousands of times: no hashing on each ref) */
  GQueue timers;         /* SimTimer*, by time then seq */
  guint64 timer_seq;
  GQueue blocked;        /* SimProc*, in the order they blocked */
  gboolean panicked;
  gboolean finished;
  gboolean survivors_unmodelled; /* sim_engine_finish() of a row_outcome_only replay: the survivors' exits after the
                                  * trace are recorded, not run through the model (nothing a row reads changes) */
  /* the kubelet's eviction manager (<kubelet>): its state and the time of its next pass */
  K8sEvictionState *eviction;
  guint64 next_eviction_ns;
  guint64 next_vmstat_ns; /* the next whole second of vmstat_update() (run_vmstat_until()) */
  /* kswapd beside the allocating task (sim/engine-charge.c): the pages the task allocates before kswapd's next
   * pass, and what kswapd did since the timeline's last kswapd line */
  KmPages kswapd_credit;
  KmKswapdResult kswapd_acc;
  guint kswapd_wakeups;
  /* km_alloc_marks() of the machine, taken at the first charge (the zones do not change during a run) */
  KmAllocMarks alloc_marks;
  gboolean alloc_marks_known;
  const char *exit_reason; /* the reason record_exit() gives, when an actor other than the kernel kills */
  guint64 work;          /* units of work done so far ("Work" in sim/engine.c) */
  guint64 max_work, max_steps;
  GError *limit_error;   /* set when the run went past a bound: every later call fails with it */
  const char *exit_by;     /* the actor record_exit() names, when one other than the kernel kills */
  gboolean kubelet_runs;   /* the eviction manager runs (a <kubelet>, and not switched off by SimOptions.actors) */
  SimUserspace *userspace; /* earlyoom and systemd-oomd (sim/engine-userspace.c); NULL: neither runs */
  gint64 gen;              /* counts changes to the model: steps, exits, reaps */
  SimStepState *spare_step; /* a zeroed SimStepState for the next step to run (proc_step_state()) */
  gboolean shared_steps;   /* steps are borrowed (sim_engine_step_shared()): queued ones are not freed here */
  const ScStep *transient_step; /* the step of sim_engine_step_transient(), copied if it is queued */
  EngineRestarts *restarts; /* the kubelet's container restarts (sim/engine-restart.c); NULL: no kubelet runs */
  GPtrArray *replay_copies; /* ScStep*: copies of replayed steps queued behind a blocked process of an engine with
                             * borrowed steps (whose queues free nothing), freed with the engine */
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

/* sim/engine.c */
void engine_emit(SimEngine *e, SimEvent *ev);
void engine_emit_simple(SimEngine *e, SimEventKind kind, const ScStep *step, const KmTask *task, const char *detail);
gboolean engine_work(SimEngine *e, const ScStep *step, guint64 units);
void engine_work_reclaim(SimEngine *e, const KmReclaimResult *rec);
SimProc *engine_proc_new(SimEngine *e, KmTask *task, guint slot);
KmPages engine_bytes_to_pages(SimEngine *e, guint64 bytes);
SimProc *engine_find_proc(SimEngine *e, int pid);
/* The pid of the process whose mm proc uses: its own, or, for a process of the header that shares another's mm, that
 * process's (shares-mm-with followed to the first); what mapping references are checked against. */
int engine_proc_mm_owner(const SimEngine *e, const SimProc *proc);
KmMemcg *engine_step_memcg(SimEngine *e, const ScStep *step);
void engine_record_exit(SimEngine *e, KmTask *task, int code, int signal);
void engine_run_due_timers(SimEngine *e, guint64 until_ns);
/* schedule_timeout_killable() of task, asleep in step until until_ns on the virtual clock: the timers and the
 * actors' polls due meanwhile run at their times (the daemons run while the task sleeps); a kill of the task ends
 * the sleep there, and the clock stays at the kill. */
void engine_sleep_killable(SimEngine *e, const ScStep *step, const KmTask *task, guint64 until_ns);
gboolean engine_step_error(SimEngine *e, const ScStep *step, GError **error, ScenarioError code, const char *fmt, ...)
  G_GNUC_PRINTF(5, 6);
void engine_record_step_error(SimEngine *e, const ScStep *step, SimProc *proc, const char *errno_name,
                              const char *detail);

/* sim/engine.c: a step of a restarted container's program (sim/engine-restart.c) run by proc, as the trace's own
 * steps run (queued while the process is blocked); a <fork> is not replayed */
void engine_replay_step(SimEngine *e, SimProc *proc, const ScStep *step);

/* sim/engine-setup.c */
gboolean engine_setup(SimEngine *e, GError **error);
/* copy_process() + exec of a <process> (or a <container>'s) with its slot (1-based) */
gboolean engine_create_process(SimEngine *e, const ScProcess *p, guint slot, GError **error);
gboolean engine_run_fork(SimEngine *e, SimProc *parent, const ScStep *step, GError **error);

/* sim/engine-cgroupfs.c */
gboolean engine_memcg_write(SimEngine *e, KmMemcg *memcg, const char *name, const char *value, int line, int col,
                            GError **error);
gboolean engine_check_v1_limits(SimEngine *e, const KmMemcg *memcg, int line, int col, GError **error);
gboolean engine_apply_sysctl(SimEngine *e, const char *name, gint64 value, int line, int col, GError **error);
gboolean engine_vet_move(SimEngine *e, SimProc *proc, const ScStep *step);
gboolean engine_run_global_step(SimEngine *e, ScStep *step, GError **error);

/* sim/engine-mm.c */
gboolean engine_do_mmap(SimEngine *e, SimProc *proc, guint64 key, KmPages pages);
char *engine_malloc_mapping_name(const ScStep *step, guint rep);
guint64 engine_mapping_key(guint64 step_index, guint rep, gboolean touch_map);
FaultResult engine_run_touch(SimEngine *e, SimProc *proc, const ScStep *step);
FaultResult engine_run_malloc(SimEngine *e, SimProc *proc, const ScStep *step);
const char *engine_run_unmap(SimEngine *e, SimProc *proc, const ScStep *step);

/* sim/engine-charge.c */
FaultResult engine_charge_pages(SimEngine *e, SimProc *proc, const ScStep *step, KmPageKind kind,
                                guint64 mapping_key, KmPages *remaining);
/* kswapd's balance_pgdat() when the clock moves on, if the last step woke it */
void engine_kswapd(SimEngine *e);

/* sim/engine-oom.c */
void engine_run_timer(SimEngine *e, SimTimer *t);
gboolean engine_wait_for_timer(SimEngine *e);
FaultResult engine_invoke_oom(SimEngine *e, SimProc *proc, const ScStep *step, KmMemcg *memcg);

/* sim/engine-kubelet.c */
void engine_eviction_run(SimEngine *e);

/* sim/engine-restart.c: the kubelet's restarts of containers (only while the kubelet runs) */
EngineRestarts *engine_restarts_new(SimEngine *e);
void engine_restarts_free(EngineRestarts *r);
/* A trace step of pid step->pid, at e->now_ns: kept as a container's program; TRUE if the trace does not run it
 * now (the container's first run has ended: it runs in the later runs) */
gboolean engine_restarts_trace_step(SimEngine *e, const ScStep *step);
/* The process of task ended with x: the kubelet decides whether and when it starts again */
void engine_restarts_exited(SimEngine *e, const KmTask *task, const SimExit *x);
/* When the next restart or replayed step is due (G_MAXUINT64: none); engine_restarts_run() does it once the clock
 * is there */
guint64 engine_restarts_next_ns(SimEngine *e);
/* The end of the trace (sim_engine_finish()): a restart due at it or later does not happen */
void engine_restarts_end_at(SimEngine *e, guint64 end_ns);
void engine_restarts_run(SimEngine *e);
/* The trace is over: the containers' states go to the outcome; later exits restart nothing */
void engine_restarts_close(SimEngine *e);

G_END_DECLS
