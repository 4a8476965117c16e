/* kernel-model/km-psi.h: pressure stall information for memory (kernel/sched/psi.c, kernel 6.1.y and 6.12; PSI
 * exists from 4.20): the memory stall time of one psi_group (a cgroup v2's memory.pressure, the root's
 * /proc/pressure/memory), its cumulative total= and its avg10/avg60/avg300 running averages, in the kernel's
 * fixed-point arithmetic. docs/userspace-killers.md, "Memory pressure (PSI)".
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* include/linux/sched/loadavg.h */
#define KM_FSHIFT 11
#define KM_FIXED_1 (1UL << KM_FSHIFT)
/* kernel/sched/psi.c: the decay factors per PSI_FREQ (2 * HZ + 1 jiffies: 2.004 s at HZ 250, km-psi.c) */
#define KM_PSI_EXP_10S 1677UL  /* 1/exp(2s/10s) as fixed-point */
#define KM_PSI_EXP_60S 1981UL  /* 1/exp(2s/60s) */
#define KM_PSI_EXP_300S 2034UL /* 1/exp(2s/300s) */
#define KM_PSI_NO_WORK G_MAXUINT64

/* One psi_group, memory only, and its one CPU's psi_group_cpu. In the model a stall is always FULL (the stalled task
 * is the only non-idle one: km-psi.c), so SOME, FULL and NONIDLE accumulate the same time and one figure stands for
 * the three. All times on the simulator's virtual clock, ns. */
typedef struct {
  /* struct psi_group_cpu */
  guint nr_memstall;          /* tasks[NR_MEMSTALL] */
  guint64 state_start_ns;     /* groupc->state_start */
  guint64 times_ns;           /* groupc->times[PSI_MEM_SOME] (= [PSI_MEM_FULL] = [PSI_NONIDLE]) */
  guint64 times_prev_ns;      /* groupc->times_prev[PSI_AVGS][...] */
  /* struct psi_group */
  guint64 total_ns;           /* group->total[PSI_AVGS][PSI_MEM_SOME] (= FULL) */
  guint64 avg_total_ns;       /* group->avg_total[] */
  unsigned long avg[3];       /* group->avg[][0..2]: avg10, avg60, avg300, fixed point (FSHIFT) */
  guint64 avg_last_update_ns, avg_next_update_ns;
  guint64 work_at_ns;         /* when the pending avgs_work runs; KM_PSI_NO_WORK: not pending */
  gboolean initialized;
} KmPsiGroup;

/* What psi_show() prints for memory: the "some" and "full" lines alike in the model. */
typedef struct {
  unsigned long avg10, avg60, avg300; /* fixed point (FSHIFT); LOAD_INT()/LOAD_FRAC() print them */
  guint64 total_us;                   /* total= */
} KmPsiShow;

/* include/linux/sched/loadavg.h calc_load() and kernel/sched/loadavg.c calc_load_n(), fixed_power_int(). */
unsigned long km_calc_load(unsigned long load, unsigned long exp, unsigned long active);
unsigned long km_fixed_power_int(unsigned long x, unsigned int frac_bits, unsigned int n);
unsigned long km_calc_load_n(unsigned long load, unsigned long exp, unsigned long active, unsigned int n);
/* LOAD_INT(x), LOAD_FRAC(x): "%lu.%02lu" as psi_show() prints a figure */
unsigned long km_load_int(unsigned long x);
unsigned long km_load_frac(unsigned long x);

/* psi_memstall_enter() / psi_memstall_leave() as psi_group_change() applies them to one group (the caller walks
 * the task's cgroup and its ancestors, as psi_task_change() does), at now_ns. */
void km_psi_memstall_enter(KmPsiGroup *g, guint64 now_ns);
void km_psi_memstall_leave(KmPsiGroup *g, guint64 now_ns);
/* A read of memory.pressure at now_ns (psi_show(): it folds the times and updates the averages when due, which
 * changes what later reads see, as in the kernel). */
KmPsiShow km_psi_show(KmPsiGroup *g, guint64 now_ns);
/* What a read at now_ns would show, without reading: for the reports, which must not change the model. */
KmPsiShow km_psi_peek(const KmPsiGroup *g, guint64 now_ns);

G_END_DECLS
