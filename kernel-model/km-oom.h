/* kernel-model/km-oom.h: mm/oom_kill.c: out_of_memory(), select_bad_process(), oom_badness(),
 * oom_kill_process() and the OOM reaper, per version profile. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

/* enum oom_constraint and oom_constraint_text[] */
typedef enum {
  KM_CONSTRAINT_NONE,
  KM_CONSTRAINT_CPUSET,
  KM_CONSTRAINT_MEMORY_POLICY,
  KM_CONSTRAINT_MEMCG,
  KM_CONSTRAINT_N,
} KmConstraint;
extern const char *const km_constraint_names[KM_CONSTRAINT_N];

/* Why oom_evaluate_task() passed over a task. */
typedef enum {
  KM_SKIP_NONE,         /* a candidate: points computed */
  KM_SKIP_UNKILLABLE,   /* oom_unkillable_task(): global init or a kernel thread */
  KM_SKIP_OTHER_MEMCG,  /* before 5.3 (oom_unkillable_task() memcg check): outside the OOM memcg */
  KM_SKIP_NO_MM,        /* find_lock_task_mm() found no mm: the task has exited its mm */
  KM_SKIP_ADJ_MIN,      /* oom_badness(): oom_score_adj == OOM_SCORE_ADJ_MIN */
  KM_SKIP_OOM_SKIP,     /* oom_badness() or oom_evaluate_task(): MMF_OOM_SKIP (already reaped) */
  KM_SKIP_VFORK,        /* oom_badness(): in_vfork() */
  KM_SKIP_VICTIM_ABORT, /* oom_evaluate_task(): an earlier victim is still exiting: scan aborted here */
  KM_SKIP_NOT_SCANNED,  /* after an abort or an oom_task_origin pick, the rest of the list */
  KM_SKIP_N,
} KmSkipReason;
extern const char *const km_skip_reason_text[KM_SKIP_N];

/* One row of the scan, with the figures dump_task() prints (those only when OomControl.dump_figures is set; the
 * decision reads task, skip, origin and points alone). */
typedef struct {
  KmTask *task;
  KmSkipReason skip;
  gboolean origin;          /* oom_task_origin(): selected at once */
  glong points;             /* oom_badness(), valid when skip == KM_SKIP_NONE */
  gboolean in_dump;         /* dump_tasks() prints this task */
  KmPages total_vm, rss, anon_rss, file_rss, shmem_rss, swapents, pgtables;
  KmPages nr_pmds;          /* 4.0-4.14's nr_pmds column (pgtables then counts nr_ptes + nr_pmds) */
  int oom_score_adj;
  int proc_oom_score;       /* /proc/PID/oom_score at this moment */
} KmOomRow;

typedef enum {
  KM_OOM_KILLED,          /* a victim was killed (oom_kill_process) */
  KM_OOM_KILLED_ALLOCATING, /* vm.oom_kill_allocating_task killed current */
  KM_OOM_CURRENT_EXITING, /* task_will_free_mem(current): current marked as victim, no report */
  KM_OOM_VICTIM_EXITING,  /* oom_kill_process(): task_will_free_mem(victim): marked, no report */
  KM_OOM_GFP_NOFS,        /* the __GFP_FS bail-out: nothing done, the allocation is retried */
  KM_OOM_ABORTED,         /* select_bad_process() aborted: an earlier victim is still exiting */
  KM_OOM_NO_KILLABLE,     /* "Out of memory and no killable processes..." (global: then panic) */
  KM_OOM_PANIC,           /* check_panic_on_oom() */
} KmOomAction;

/* Why a process was sent SIGKILL. */
typedef enum {
  KM_KILL_VICTIM,       /* the chosen victim */
  KM_KILL_CHILD,        /* before 5.1: a child sacrificed for the chosen parent */
  KM_KILL_OOM_GROUP,    /* a member of the memory.oom.group cgroup */
  KM_KILL_SHARES_MM,    /* another process sharing the victim's mm */
} KmKillKind;

typedef struct {
  KmTask *task;
  KmKillKind kind;
  gboolean printed;     /* a "Killed process" line (victim, child, oom.group member) */
  /* the Killed line's figures, in pages, at the time of the kill */
  KmPages total_vm, anon_rss, file_rss, shmem_rss, pgtables;
  int oom_score_adj;
  KmTask *pinned_by;    /* global init sharing the mm ("has mm pinned by") */
} KmKill;

/* struct oom_control plus what the model records for the reports. */
typedef struct {
  /* input */
  KmMemcg *memcg;          /* NULL: global OOM */
  KmTask *current;
  guint gfp_mask;
  int order;
  gboolean dump_figures;   /* fill every row's dump_task() figures and /proc oom_score (TRUE by default; a caller
                            * with no report to print them clears it: the decision does not read them) */
  /* decided by out_of_memory() */
  KmConstraint constraint;
  KmPages totalpages;
  KmTask *chosen;
  glong chosen_points;     /* before 5.9: normalised to points * 1000 / totalpages */
  glong chosen_raw_points; /* oom_badness() of the victim, before normalisation */
  KmOomAction action;
  const char *panic_message; /* "Out of memory: system-wide panic_on_oom is enabled" ... */
  const char *kill_message;  /* "Out of memory", "Memory cgroup out of memory", "... (oom_kill_allocating_task)" */
  gboolean dumped;           /* dump_header() printed */
  gboolean dump_global;      /* 3.10's panic in a memcg OOM: dump_header() without the memcg (global Mem-Info, every
                              * task in rows) */
  KmTask *sacrificed_for;    /* before 5.1: the parent named in "Kill process ... or sacrifice child" */
  glong sacrificed_for_score;
  KmMemcg *oom_group;        /* memory.oom.group cgroup killed as a whole */
  GArray *rows;              /* KmOomRow, the scan in order (also the dump_tasks() table) */
  GArray *kills;             /* KmKill, in the order SIGKILL was sent */
} OomControl;

/* The allocation the kernel's page fault path would make. */
#define KM_GFP_KERNEL 0xcc0u             /* memcg charge of a user page on 6.1 (as the VM logs show) */
#define KM_GFP_HIGHUSER_MOVABLE 0x140dcau /* ...|__GFP_COMP|__GFP_ZERO, as printed for an anon fault */
#define KM_GFP_FS 0x80u                  /* __GFP_FS */

OomControl *km_oom_control_new(KmMemcg *memcg, KmTask *current, guint gfp_mask, int order);
void km_oom_control_free(OomControl *oc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(OomControl, km_oom_control_free)

glong km_oom_badness(const KmSystem *sys, KmTask *p, KmPages totalpages, KmSkipReason *out_skip);

/* oom_badness()'s points of a candidate, term by term: their sum is the points. */
typedef struct {
  glong rss, swapents, pgtables; /* pages (pgtables: the profile's count, nr_ptes on 3.10) */
  glong root_bonus;              /* CAP_SYS_ADMIN: 3.10 -30 * (totalpages / 1000); 4.x before 4.17 -3 %; else 0 */
  glong adj;                     /* oom_score_adj * (totalpages / 1000) */
  glong floor;                   /* before 5.9 a sum <= 0 is returned as 1: what that added */
} KmBadnessTerms;
/* The page-table pages the profile's oom_badness() scores (nr_ptes; nr_ptes + nr_pmds; pgtables_bytes / PAGE_SIZE) */
KmPages km_oom_scored_pgtables(const KmProfile *prof, const KmMm *mm);
glong km_oom_badness_split(const KmProfile *prof, KmPages rss, KmPages swapents, KmPages pgtables, int oom_score_adj,
                           gboolean cap_sys_admin, KmPages totalpages, KmBadnessTerms *out_terms);
int km_proc_oom_score(const KmSystem *sys, KmTask *p);
KmPages km_oom_totalpages(const KmSystem *sys, KmMemcg *memcg);
gboolean km_task_will_free_mem(const KmSystem *sys, KmTask *task);
gboolean km_oom_unkillable_task(const KmTask *p);

/* out_of_memory(): decides and acts on the model (marks victims, sets fatal signals, counts events). The
 * caller (the simulator) then runs the victims' exits and the reaper on its clock. Returns the kernel's
 * return value: TRUE when progress was made or is expected (the allocation is retried). */
gboolean km_out_of_memory(KmSystem *sys, OomControl *oc);

/* oom_reap_task(): frees the victim's anon memory and swap, sets MMF_OOM_SKIP. Returns FALSE when there was
 * nothing to reap (the mm is gone or already skipped). */
gboolean km_oom_reap_task(KmSystem *sys, KmTask *victim, KmPages *out_anon, KmPages *out_file, KmPages *out_shmem);

G_END_DECLS
