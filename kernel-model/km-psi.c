/* kernel-model/km-psi.c: kernel/sched/psi.c, memory pressure, kernel 6.1.y and 6.12 (the functions below are the same
 * in both, the 6.1.y stable series having the avgs_work re-arm fix of 6.3): psi_group_change() and record_times()
 * for NR_MEMSTALL, get_recent_times(), collect_percpu_times(), update_averages(), calc_avgs(), psi_avgs_work(),
 * psi_show(); include/linux/sched/loadavg.h calc_load(), kernel/sched/loadavg.c calc_load_n().
 *
 * How the kernel measures pressure. A task is in a memory stall between psi_memstall_enter() and
 * psi_memstall_leave(): direct reclaim, memory.high throttling (mem_cgroup_handle_over_high() sleeps
 * penalty_jiffies between the two), refaults of thrashing pages, compaction. psi_group_change() keeps, per CPU and
 * per cgroup (the task's and every ancestor's; the root's is /proc/pressure/memory), the count of tasks stalled and
 * running, and adds the time since the last change to the states that held: SOME (a task stalled), FULL (stalled
 * tasks and no other running one), NONIDLE. Reads and a periodic worker fold those per-CPU times into the group's
 * total= (each CPU weighted by its non-idle jiffies, so a CPU idle for the sample counts nothing; a CPU non-idle for
 * less than a jiffy, nsecs_to_jiffies() being 0, adds nothing either), and every PSI_FREQ (2 s + 1 jiffy) on a fixed
 * grid from the group's creation update_averages() turns the stall time of the period into a percentage and feeds
 * it to three exponentially decaying averages, as the load average is computed: avg = (avg * e + pct * (2048 - e)) /
 * 2048 in 11-bit fixed point, e = 2048 / exp(2 s / 10 s, 60 s, 300 s). Periods with no update (the worker stops while
 * the group is idle) are caught up in one go with calc_load_n() (the factor raised to the number of missed periods,
 * rounding at each squaring, which is not the same as calling calc_load() that many times). A stall longer than the
 * period that elapsed is clipped to it and the rest carried into the next (sample > period). The worker is armed
 * PSI_FREQ after a state change when none is pending, and re-arms itself for just after the next grid point while
 * the group had non-idle time since the previous fold.
 *
 * The model. Steps take no time; the only stall the virtual clock has is memory.high's penalty sleep (the engine
 * calls enter and leave around it). Direct reclaim, kswapd and refaults are instantaneous in the model, so they
 * stall nobody: pressure in the model is a lower bound, exactly the throttling share. While a task sleeps in the
 * throttle no other step runs, so it is the only non-idle task anywhere: its stall is SOME and FULL for its cgroup
 * and each ancestor, and the one CPU that is non-idle is its CPU (the others weigh nothing). The group therefore
 * needs one time figure, and one CPU. The averages work is taken to run on another CPU (it re-arms while the group's
 * non-idle time grew since the last fold: get_recent_times()'s rule for a CPU other than the worker's) exactly at
 * its timer, without the latency a real workqueue adds; sched_clock() is the virtual clock. Every group's grid starts
 * at time 0 (the kernel's starts at the cgroup's creation, which the model does not know: the phase is a
 * simplification). The kernel keeps the per-CPU times in u32, which wrap after 4.29 s; the model's samples are
 * shorter (the worker folds at least every period while a stall lasts), so 64 bits give the same figures.
 */
#include "km-psi.h"

#include "km-memcg-high.h" /* KM_HZ, KM_NS_PER_JIFFY */

#define KM_PSI_FREQ_JIFFIES (2 * KM_HZ + 1)                      /* PSI_FREQ: "2 sec intervals" */
#define KM_PSI_PERIOD_NS (KM_NS_PER_JIFFY * KM_PSI_FREQ_JIFFIES) /* psi_period = jiffies_to_nsecs(PSI_FREQ) */

/* calc_load(): include/linux/sched/loadavg.h, 6.1 */
unsigned long km_calc_load(unsigned long load, unsigned long exp, unsigned long active)
{
  unsigned long newload = load * exp + active * (KM_FIXED_1 - exp);
  if (active >= load)
    newload += KM_FIXED_1 - 1;
  return newload / KM_FIXED_1;
}

/* fixed_power_int(): kernel/sched/loadavg.c, x^n in frac_bits fixed point, rounding at each step */
unsigned long km_fixed_power_int(unsigned long x, unsigned int frac_bits, unsigned int n)
{
  unsigned long result = 1UL << frac_bits;
  if (n) {
    for (;;) {
      if (n & 1) {
        result *= x;
        result += 1UL << (frac_bits - 1);
        result >>= frac_bits;
      }
      n >>= 1;
      if (!n)
        break;
      x *= x;
      x += 1UL << (frac_bits - 1);
      x >>= frac_bits;
    }
  }
  return result;
}

unsigned long km_calc_load_n(unsigned long load, unsigned long exp, unsigned long active, unsigned int n)
{
  return km_calc_load(load, km_fixed_power_int(exp, KM_FSHIFT, n), active);
}

unsigned long km_load_int(unsigned long x)
{
  return x >> KM_FSHIFT;
}

unsigned long km_load_frac(unsigned long x)
{
  return km_load_int((x & (KM_FIXED_1 - 1)) * 100);
}

/* group_init(): the grid from time 0 (above) */
static void psi_init(KmPsiGroup *g)
{
  if (g->initialized)
    return;
  g->initialized = TRUE;
  g->avg_last_update_ns = 0;
  g->avg_next_update_ns = KM_PSI_PERIOD_NS;
  g->work_at_ns = KM_PSI_NO_WORK;
}

/* calc_avgs() */
static void calc_avgs(unsigned long avg[3], guint64 missed_periods, guint64 time, guint64 period)
{
  static const unsigned long exps[3] = { KM_PSI_EXP_10S, KM_PSI_EXP_60S, KM_PSI_EXP_300S };
  if (missed_periods)
    for (int i = 0; i < 3; i++)
      avg[i] = km_calc_load_n(avg[i], exps[i], 0, (unsigned int)MIN(missed_periods, G_MAXUINT));
  unsigned long pct = (unsigned long)(time * 100 / period) * KM_FIXED_1;
  for (int i = 0; i < 3; i++)
    avg[i] = km_calc_load(avg[i], exps[i], pct);
}

/* get_recent_times() + collect_percpu_times() for the one CPU: TRUE when non-idle time grew since the last fold */
static gboolean collect(KmPsiGroup *g, guint64 now_ns)
{
  guint64 times = g->times_ns + (g->nr_memstall ? now_ns - g->state_start_ns : 0);
  guint64 delta = times - g->times_prev_ns;
  g->times_prev_ns = times;
  /* deltas[s] += times[s] * nonidle; total += deltas[s] / max(nonidle_total, 1), nonidle in whole jiffies */
  if (delta / KM_NS_PER_JIFFY > 0)
    g->total_ns += delta;
  return delta > 0;
}

/* update_averages(): returns the next avg_next_update */
static guint64 update_averages(KmPsiGroup *g, guint64 now_ns)
{
  guint64 missed_periods = 0, expires = g->avg_next_update_ns;
  if (now_ns - expires >= KM_PSI_PERIOD_NS)
    missed_periods = (now_ns - expires) / KM_PSI_PERIOD_NS;
  guint64 avg_next_update = expires + (1 + missed_periods) * KM_PSI_PERIOD_NS;
  guint64 period = now_ns - (g->avg_last_update_ns + missed_periods * KM_PSI_PERIOD_NS);
  g->avg_last_update_ns = now_ns;
  guint64 sample = g->total_ns - g->avg_total_ns;
  if (sample > period)
    sample = period; /* "we punt any overage into the future until pressure subsides" */
  g->avg_total_ns += sample;
  calc_avgs(g->avg, missed_periods, sample, period);
  return avg_next_update;
}

/* psi_avgs_work() at its timer */
static void avgs_work(KmPsiGroup *g)
{
  guint64 now_ns = g->work_at_ns;
  gboolean nonidle = collect(g, now_ns);
  if (now_ns >= g->avg_next_update_ns)
    g->avg_next_update_ns = update_averages(g, now_ns);
  /* schedule_delayed_work(dwork, nsecs_to_jiffies(avg_next_update - now) + 1) */
  g->work_at_ns = nonidle ? now_ns + ((g->avg_next_update_ns - now_ns) / KM_NS_PER_JIFFY + 1) * KM_NS_PER_JIFFY
                          : KM_PSI_NO_WORK;
}

/* The averages work due up to now_ns, in order: nothing else changes the group between two calls. */
static void run_work_until(KmPsiGroup *g, guint64 now_ns)
{
  psi_init(g);
  while (g->work_at_ns <= now_ns)
    avgs_work(g);
}

/* psi_group_change(): record_times() for the state that held, the new task count, and wake the clock */
static void group_change(KmPsiGroup *g, gboolean enter, guint64 now_ns)
{
  run_work_until(g, now_ns);
  if (g->nr_memstall)
    g->times_ns += now_ns - g->state_start_ns;
  g->state_start_ns = now_ns;
  if (enter)
    g->nr_memstall++;
  else if (g->nr_memstall)
    g->nr_memstall--;
  if (g->work_at_ns == KM_PSI_NO_WORK)
    g->work_at_ns = now_ns + KM_PSI_FREQ_JIFFIES * KM_NS_PER_JIFFY;
}

void km_psi_memstall_enter(KmPsiGroup *g, guint64 now_ns)
{
  group_change(g, TRUE, now_ns);
}

void km_psi_memstall_leave(KmPsiGroup *g, guint64 now_ns)
{
  group_change(g, FALSE, now_ns);
}

KmPsiShow km_psi_show(KmPsiGroup *g, guint64 now_ns)
{
  run_work_until(g, now_ns);
  collect(g, now_ns);
  if (now_ns >= g->avg_next_update_ns)
    g->avg_next_update_ns = update_averages(g, now_ns);
  return (KmPsiShow){ .avg10 = g->avg[0], .avg60 = g->avg[1], .avg300 = g->avg[2],
                      .total_us = g->total_ns / 1000 };
}

KmPsiShow km_psi_peek(const KmPsiGroup *g, guint64 now_ns)
{
  KmPsiGroup copy = *g;
  return km_psi_show(&copy, now_ns);
}
