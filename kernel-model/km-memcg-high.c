/* kernel-model/km-memcg-high.c: mm/memcontrol.c memory.high: try_charge_memcg()'s stock refills and done_restock
 * check, reclaim_high(), calculate_overage(), calculate_high_delay(), mem_cgroup_handle_over_high(), kernel 6.1,
 * with 4.19's, 5.4's and 5.10's differences (KmProfile.memcg_charge_batch, high_throttle, high_sync).
 *
 * How the kernel throttles. A charge is first taken from the CPU's stock of pages charged ahead to one memcg
 * (consume_stock()); when the stock is short, try_charge_memcg() charges a batch of MEMCG_CHARGE_BATCH pages (64
 * from 6.1, 32 before) to the page counters, keeps the rest in the stock (refill_stock()), and only then looks at
 * memory.high: if the memcg or an ancestor is above it, current->memcg_nr_pages_over_high grows by the batch and
 * TIF_NOTIFY_RESUME is set. A charge served from the stock checks nothing. On the way back to user mode -- after
 * every page fault, after a system call -- mem_cgroup_handle_over_high() calls reclaim_high(), which counts one
 * MEMCG_HIGH event for each level (up to, not including, the root) still above its high and reclaims
 * max(nr_pages, SWAP_CLUSTER_MAX) pages there; then it computes a penalty from the largest overage along the
 * hierarchy, overage = ((usage - high) << 20) / high, penalty = (overage^2 * HZ >> 20 >> 14) * nr_pages /
 * MEMCG_CHARGE_BATCH jiffies, clamped to 2 s (MEMCG_MAX_HIGH_DELAY_JIFFIES). At most HZ / 100 jiffies: no sleep.
 * From 5.8 it first retries reclaim_high() (SWAP_CLUSTER_MAX pages) while that makes progress, and up to
 * MAX_RECLAIM_RETRIES (16) more times without, each retry counting its events again, and sleeps only then
 * (schedule_timeout_killable()). So a task growing past memory.high with nothing to reclaim counts 17 events and
 * sleeps once per batch, and a `touch` of N pages returns to user after every page but throttles once per
 * refill, N / MEMCG_CHARGE_BATCH times. 5.18+ (the 6.1 profile) also handles it synchronously in try_charge_memcg()
 * once more than a batch has accumulated (a system call charging many pages). 4.19 reclaims once, never sleeps.
 *
 * Simplifications (docs/model.md): one CPU's stock; its pages are not in the model's usage (memory.current and
 * the memory.max margin), only in the memory.high comparisons, where the kernel's page counter has them; near
 * memory.max the kernel charges single pages (batch = nr_pages) and the model keeps the batch cadence;
 * memory.swap.high is not modelled (its penalty term is 0); 5.4's calculate_high_delay() looks at the memcg's own
 * overage (the ancestors' came in 5.7), the model at the largest along the hierarchy for every profile.
 */
#include "km-memcg-high.h"

#include "km-memcg.h"
#include "km-vmscan.h"

#define SWAP_CLUSTER_MAX 32
#define MAX_RECLAIM_RETRIES 16
#define MEMCG_MAX_HIGH_DELAY_JIFFIES (2 * KM_HZ)
#define MEMCG_DELAY_PRECISION_SHIFT 20
#define MEMCG_DELAY_SCALING_SHIFT 14

static gboolean has_high(const KmMemcg *c)
{
  return c->version == 2 && c->high != KM_PAGES_MAX;
}

/* page_counter_read(&c->memory) in the kernel: the model's usage plus the stock, when the stock's memcg is c or below */
static KmPages counter_read(const KmSystem *sys, const KmMemcg *c)
{
  KmMemcg *stock = sys->stock.memcg;
  return c->usage + (stock && km_memcg_is_descendant(stock, c) ? sys->stock.pages : 0);
}

static KmPages stock_of(const KmSystem *sys, const KmMemcg *memcg)
{
  return sys->stock.memcg == memcg ? sys->stock.pages : 0;
}

KmPages km_memcg_high_charge_room(const KmSystem *sys, const KmMemcg *memcg)
{
  KmPages batch = sys->profile->memcg_charge_batch, s = stock_of(sys, memcg), room = KM_PAGES_MAX;
  for (const KmMemcg *c = memcg; c && c->parent; c = c->parent) {
    if (!has_high(c))
      continue;
    /* refill j (1-based) comes at charge s + 1 + (j - 1) * batch and leaves the counter at usage + s + j * batch */
    KmPages headroom = c->high - (c->usage + s);
    KmPages j = headroom >= 0 ? headroom / batch + 1 : 1;
    room = MIN(room, s + 1 + (j - 1) * batch);
  }
  return room;
}

KmPages km_memcg_stock_charge(KmSystem *sys, KmMemcg *memcg, KmPages n)
{
  KmPages batch = sys->profile->memcg_charge_batch;
  if (sys->stock.memcg != memcg) {
    /* refill_stock() of another memcg drains the old one (drain_stock()) */
    sys->stock.memcg = memcg;
    sys->stock.pages = 0;
  }
  if (n <= sys->stock.pages) {
    sys->stock.pages -= n;
    return 0;
  }
  KmPages refills = (n - sys->stock.pages + batch - 1) / batch;
  sys->stock.pages += refills * batch - n;
  return refills;
}

void km_memcg_stock_drain(KmSystem *sys)
{
  sys->stock.memcg = NULL;
  sys->stock.pages = 0;
}

gboolean km_memcg_over_high(const KmSystem *sys, const KmMemcg *memcg)
{
  for (const KmMemcg *c = memcg; c; c = c->parent)
    if (has_high(c) && counter_read(sys, c) > c->high)
      return TRUE;
  return FALSE;
}

/* calculate_overage(), 6.1 */
static guint64 calculate_overage(guint64 usage, guint64 high)
{
  if (usage <= high)
    return 0;
  high = MAX(high, 1);
  return ((usage - high) << MEMCG_DELAY_PRECISION_SHIFT) / high;
}

guint64 km_memcg_high_delay(const KmSystem *sys, const KmMemcg *memcg, KmPages nr_pages)
{
  /* mem_find_max_overage(): the memcg and its ancestors, not the root */
  guint64 max_overage = 0;
  for (const KmMemcg *c = memcg; c && c->parent; c = c->parent)
    if (has_high(c))
      max_overage = MAX(max_overage, calculate_overage((guint64)counter_read(sys, c), (guint64)c->high));
  if (!max_overage)
    return 0;
  /* calculate_high_delay(): unsigned long arithmetic, as the kernel's (it wraps where the kernel's wraps) */
  guint64 penalty_jiffies = max_overage * max_overage * KM_HZ;
  penalty_jiffies >>= MEMCG_DELAY_PRECISION_SHIFT;
  penalty_jiffies >>= MEMCG_DELAY_SCALING_SHIFT;
  penalty_jiffies = penalty_jiffies * (guint64)nr_pages / (guint64)sys->profile->memcg_charge_batch;
  return MIN(penalty_jiffies, MEMCG_MAX_HIGH_DELAY_JIFFIES);
}

/* reclaim_high(), 6.1: one MEMCG_HIGH event per level above its high (the root excluded), and
 * try_to_free_mem_cgroup_pages(memcg, nr_pages) there, which reclaims at least SWAP_CLUSTER_MAX pages. With
 * reclaim FALSE only the events are counted (a retry that the model knows will reclaim nothing). */
static KmPages reclaim_high(KmSystem *sys, KmMemcg *memcg, KmPages nr_pages, gboolean reclaim, KmHighResult *res)
{
  KmPages reclaimed = 0;
  res->reclaim_calls++;
  for (KmMemcg *c = memcg; c && c->parent; c = c->parent) {
    if (!has_high(c) || counter_read(sys, c) <= c->high)
      continue;
    km_memcg_memory_event(sys, c, KM_MEMCG_HIGH);
    if (!reclaim)
      continue;
    KmReclaimResult rec = km_reclaim(sys, c, MAX(nr_pages, SWAP_CLUSTER_MAX), TRUE);
    res->file += rec.file;
    res->swapped += rec.swapped;
    reclaimed += rec.file + rec.swapped;
  }
  return reclaimed;
}

KmHighResult km_memcg_handle_over_high(KmSystem *sys, KmMemcg *memcg, KmPages nr_pages)
{
  KmHighResult res = { 0 };
  KmHighThrottle mode = sys->profile->high_throttle;
  if (nr_pages <= 0)
    return res;
  KmPages reclaimed = reclaim_high(sys, memcg, nr_pages, TRUE, &res);
  if (mode == KM_HIGH_RECLAIM_ONLY)
    return res;
  int nr_retries = MAX_RECLAIM_RETRIES;
  for (;;) {
    guint64 penalty = km_memcg_high_delay(sys, memcg, nr_pages);
    if (penalty <= KM_HZ / 100)
      return res;
    if (mode == KM_HIGH_PENALTY_RETRY && reclaimed) {
      reclaimed = reclaim_high(sys, memcg, SWAP_CLUSTER_MAX, TRUE, &res);
      continue;
    }
    if (mode == KM_HIGH_PENALTY_RETRY && nr_retries > 0) {
      /* no progress: nothing in the model changes until the sleep, so the remaining retries reclaim nothing
       * either and each counts the same events again */
      for (; nr_retries > 0; nr_retries--)
        reclaim_high(sys, memcg, SWAP_CLUSTER_MAX, FALSE, &res);
      continue;
    }
    res.penalty_jiffies = penalty;
    return res;
  }
}
