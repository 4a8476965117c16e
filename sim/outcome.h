/* sim/outcome.h: what happened in one run of a scenario, in terms a real kernel run can also be described in.
 *
 * The simulator fills a SimOutcome while it replays a trace; the VM harness parses the in-VM agent's report
 * into the same structure; `oomsim check` compares an outcome with the scenario's <expect>, and
 * `oomsim validate` compares two outcomes. Processes are named by their scenario pid (the harness maps the
 * kernel's pids back), and every list is in the order the events happened.
 */
#pragma once

#include <glib.h>
#include "../kernel-model/km-slab.h"

G_BEGIN_DECLS

/* Kills and exits are made by sim_outcome_add_kill() and sim_outcome_add_exit(), their strings by
 * sim_outcome_intern(): all are the outcome's, freed with it. A long trace has hundreds of thousands of each, and
 * the same few strings over and over (a comm, a cgroup path, "OOMKilled"): so each string is kept once, and a
 * record is one allocation (issue 13). Records are allocated one by one, not in blocks: an exit frees its process's
 * mm, and the record then fits the hole it leaves (with blocks, the 1M-task run's peak was 21 MB higher). */
typedef struct {
  int pid;              /* scenario pid of the victim the OOM killer selected */
  const char *comm;
  const char *constraint; /* "CONSTRAINT_NONE", "CONSTRAINT_MEMCG", ... */
  const char *oom_memcg;  /* the OOM domain: a cgroup path, or NULL for a global OOM */
  const char *task_memcg;
  gboolean allocating_task; /* killed by vm.oom_kill_allocating_task */
  /* the Killed process line, in kB as the kernel prints it */
  guint64 total_vm_kb, anon_rss_kb, file_rss_kb, shmem_rss_kb, pgtables_kb;
  int oom_score_adj;
  guint64 time_ns;      /* on the virtual clock (the simulator's; the harness leaves it 0) */
} SimKill;

typedef struct {
  int pid;
  int status;     /* the shell's status: code, or 128 + signal */
  int signal;     /* 0 when the process exited by itself */
  gboolean survived; /* still running when the trace ended (the simulator ends it with 0) */
  const char *reason; /* "OOMKilled", "Completed", "Error", "Killed" */
  guint64 time_ns; /* when, on the virtual clock (the simulator; 0 from the VM harness) */
  const char *by; /* the actor that killed it: "kernel", "kubelet", "earlyoom", "systemd-oomd"; NULL: none */
} SimExit; /* 40 bytes: the 4-byte fields first (every survivor of a million-process run has one, issue 13) */

/* A signal a userspace actor sent (earlyoom's "sending SIGTERM to process ..."), whether or not the process was
 * still alive to be ended by it (a victim already dying in the kernel is signalled too). */
typedef struct {
  char *actor;           /* "earlyoom" */
  int pid;
  int signal;            /* 15 or 9 */
  guint64 steps_done;    /* trace steps run before it (the simulator's: its polls fall between steps; the VM
                          * harness: the steps the agent had run when it saw the process die, itself included) */
  guint64 time_ns;       /* the simulator's virtual clock; 0 from the VM harness */
  int badness;           /* earlyoom's badness of the victim (oom_score with --prefer/--avoid), -1: none (escalation) */
  long long rss_mib;     /* its VmRSS in MiB, as earlyoom logs it */
} SimActorSignal;

typedef struct {
  char *cgroup;
  /* memory.events, hierarchical as the kernel reports them; -1: the file does not exist in this setup */
  gint64 low, high, max, oom, oom_kill, oom_group_kill;
} SimMemcgEvents;

/* A cgroup's peak memory and least headroom over the run (the simulator's; the harness fills none). */
typedef struct {
  char *cgroup;
  guint64 peak_bytes;         /* page_counter watermark of memory (memory.peak) */
  guint64 swap_peak_bytes;    /* of swap (memory.swap.peak; v1: 0) */
  gboolean limited;           /* it had a memory.max (limit_in_bytes) below "max" at some point */
  guint64 min_headroom_bytes; /* the least memory.max - usage any charge or limit write left (0: at the limit) */
} SimMemcgPeak;

/* A process alive at the end of the trace, before the survivors exit: what oom_badness() would score for it over
 * the whole machine (totalpages = RAM + swap, as proc_oom_score() does), for a report of a run in which the OOM
 * killer never ran. Kernel threads and init are left out, as select_bad_process() leaves them out. */
typedef struct {
  int pid;
  char *comm;
  gint64 rss, swapents, pgtables; /* pages, as the profile's oom_badness() counts them */
  int oom_score_adj;
  gboolean cap_sys_admin;
  int proc_oom_score;        /* /proc/PID/oom_score at that moment */
} SimFinalScore;

#define SIM_FINAL_SCORES_MAX 1000

/* A container of a <kubelet> pod when the trace ended, as the kubelet's status of it says (the simulator's; the VM
 * harness fills none): how often the kubelet started it again, when the current run started, and whether it waits
 * in CrashLoopBackOff (sim/engine-restart.c). Each run's end is an exit of the container's pid, in outcome.exits. */
typedef struct {
  int pid;
  guint restart_count;      /* runs after the first (kubectl's Restart Count) */
  guint64 started_ns;       /* the start of the last run (0: the first run, at the start of the trace) */
  guint64 last_started_ns;  /* the start of the run before it (restart_count > 0) */
  gboolean waiting;         /* the last run ended and the kubelet restarts it after a back-off still running */
  guint64 backoff_ns;       /* waiting: the back-off (10 s, 20 s ... 300 s) */
  guint64 restart_at_ns;    /* waiting: when it ends (the run's finish + the back-off) */
} SimContainerStatus;

typedef struct {
  GPtrArray *kills;          /* SimKill*: one per OOM kill decision, in order (sim_outcome_add_kill()) */
  GPtrArray *exits;          /* SimExit*, in order of death (sim_outcome_add_exit()) */
  GPtrArray *enomem_steps;   /* char*: ids of steps that failed with ENOMEM (steps without id: "#N") */
  GPtrArray *step_errors;    /* char*: "LABEL ERRNO" of steps that failed with another error, in order (a v1
                                limit write below unreclaimable usage: "#3 EBUSY") */
  GPtrArray *blocked_pids;   /* int as GINT_TO_POINTER: processes blocked at the end of the trace */
  GPtrArray *ever_blocked_pids; /* int as GINT_TO_POINTER: processes that were blocked at some time, in the order
                                   they first blocked (the simulator's; the VM harness leaves it empty) */
  GPtrArray *completed_steps; /* char*: ids of the steps (with an id) that ran to their end without an error (the
                                 simulator's, for <succeeds>; the VM harness leaves it empty) */
  GPtrArray *livelocked_pids; /* int as GINT_TO_POINTER: processes retrying a charge for ever */
  GArray *known_pids;        /* int: every process of the run (scenario and forked), in the order they were made */
  GPtrArray *memcg_events;   /* SimMemcgEvents*, in the scenario's cgroup order */
  GPtrArray *actor_signals;  /* SimActorSignal*, in order: earlyoom's signals */
  gboolean panicked;
  char *panic_message;       /* "Out of memory: system-wide panic_on_oom is enabled", ... */
  gboolean no_killable;      /* an OOM found nothing to kill */
  gboolean unresolved;       /* the run ended in a state the kernel would not leave (e.g. a memcg OOM with no
                                killable task retrying for ever); see docs/model.md */
  /* the simulator's only (what-if sweeps): */
  guint64 oom_count;         /* out_of_memory() invocations, whatever they decided */
  guint64 first_oom_ns;      /* virtual time of the first (0 when oom_count is 0) */
  GPtrArray *memcg_peaks;    /* SimMemcgPeak*, in the scenario's cgroup order */
  guint64 machine_peak_bytes; /* KmSystem.charged_peak: the most memory charged to memcgs at once */
  GPtrArray *final_scores;   /* SimFinalScore*, task-list order, only when oom_count is 0 and the run did not panic,
                                and only for a run with a report (an event sink: reports/html.c draws them);
                                at most SIM_FINAL_SCORES_MAX (final_scores_dropped: the others) */
  guint final_scores_dropped;
  GPtrArray *containers;     /* SimContainerStatus*, the <kubelet>'s containers in document order (none without) */
  GStringChunk *strings;     /* the strings of kills and exits (sim_outcome_intern()) and completed_steps */
  const char *last_interned; /* what sim_outcome_intern() returned last (in strings), checked before the hash */
  KmSlab kill_slab, exit_slab; /* where kills and exits come from: blocks freed with the outcome, not a malloc each
                                * (a sweep records a thousand exits per variant, issue 10) */
} SimOutcome;

SimOutcome *sim_outcome_new(void);
void sim_outcome_free(SimOutcome *outcome);
/* A zeroed kill or exit, appended to outcome->kills or ->exits; the outcome's. */
SimKill *sim_outcome_add_kill(SimOutcome *outcome);
SimExit *sim_outcome_add_exit(SimOutcome *outcome);
/* Appends a copy of step_id, kept with the outcome's strings, to completed_steps. */
void sim_outcome_add_completed_step(SimOutcome *outcome, const char *step_id);
/* The outcome's copy of text, one per distinct string (NULL: NULL). */
const char *sim_outcome_intern(SimOutcome *outcome, const char *text);
/* The first exit of pid (a restarted container's pid has one per run: sim_outcome_find_exit_nth()) */
const SimExit *sim_outcome_find_exit(const SimOutcome *outcome, int pid);
/* The n-th exit of pid from 0; n < 0: from the last (-1 the last); NULL if there is no such exit. */
const SimExit *sim_outcome_find_exit_nth(const SimOutcome *outcome, int pid, int n);
const SimContainerStatus *sim_outcome_find_container(const SimOutcome *outcome, int pid);

/* A container's status at the end of the trace as `kubectl describe pod` shows it (State, Last State, Restart
 * Count), from the exits of its pid (one per run) and its SimContainerStatus (sim/engine-restart.c). A process still
 * running when the trace ends is Running (the simulator then ends it with 0: x->survived). */
typedef struct {
  const char *state;         /* "Running", "Waiting" or "Terminated" */
  const char *reason;        /* Waiting: "CrashLoopBackOff"; Terminated: the exit's reason; Running: NULL */
  const SimExit *exit;       /* Terminated: how the run ended */
  guint64 started_ns;        /* Running, Terminated: when the run started */
  const SimExit *last;       /* Last State: Terminated, how the run before ended; NULL: none */
  guint64 last_started_ns;
  guint restart_count;
  guint64 backoff_ns, restart_at_ns; /* Waiting: the back-off and when it ends */
} SimContainerState;
/* outcome may be NULL (no run): Running since 0 */
void sim_outcome_container_state(const SimOutcome *outcome, int pid, SimContainerState *out);
const SimMemcgEvents *sim_outcome_find_events(const SimOutcome *outcome, const char *cgroup);
gboolean sim_outcome_step_failed(const SimOutcome *outcome, const char *step_id);
/* the errno name a step failed with ("EBUSY"), NULL if it did not fail with one (ENOMEM: enomem_steps) */
const char *sim_outcome_step_error(const SimOutcome *outcome, const char *step_id);
gboolean sim_outcome_is_blocked(const SimOutcome *outcome, int pid);
gboolean sim_outcome_was_blocked(const SimOutcome *outcome, int pid);
gboolean sim_outcome_step_completed(const SimOutcome *outcome, const char *step_id);
gboolean sim_outcome_is_livelocked(const SimOutcome *outcome, int pid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimOutcome, sim_outcome_free)

G_END_DECLS
