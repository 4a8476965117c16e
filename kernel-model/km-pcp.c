/* kernel-model/km-pcp.c: the per-CPU page lists of mm/page_alloc.c (struct per_cpu_pages).
 *
 * An order-0 allocation passes zone_watermark_fast() on the zone's buddy free pages (NR_FREE_PAGES) first and only
 * then takes a page from the CPU's list for its migratetype (rmqueue_pcplist()), refilling an empty list with a
 * batch from the buddy lists (rmqueue_bulk(), no watermark check). Freed order-0 pages go onto the lists
 * (free_unref_page_commit()) and back to the buddy lists in bulk past pcp->high (free_pcppages_bulk()). So at a
 * global OOM the pages on the lists are free but out of reach: what the last refill brought beyond the page it was
 * for, and what frees left there. Per version:
 *   < 5.14 (KM_PCP_FIXED): refills and bulk frees of pcp->batch pages, high = 6 * batch (pageset_set_batch()),
 *     the bulk free round-robin over the lists (5.10 free_pcppages_bulk(), batch_free).
 *   5.14-6.6 (KM_PCP_FREE_FACTOR, Debian's 6.1 with CONFIG_PCP_BATCH_SCALE_MAX=5): high = zone_highsize(), the
 *     low watermark split over the CPUs, at least 4 * batch; bulk frees of nr_pcp_free(): batch << free_factor
 *     within [batch, high - batch], free_factor + 1 per bulk free and halved per allocation; free_pcppages_bulk()
 *     empties the freeing page's list first.
 *   6.7+ (KM_PCP_AUTOTUNE, 6.12): nr_pcp_alloc() doubles the refill (alloc_factor, up to batch << 5) on every
 *     refill without a free between; pcp->high moves between high_min (zone_highsize()) and high_max (managed / 8)
 *     in nr_pcp_alloc() and nr_pcp_high(), ZONE_BELOW_HIGH stops it growing; nr_pcp_free() frees free_count.
 * Simplified (docs/model.md): the lists of one CPU, the one the tasks run on (high is that CPU's share,
 * zone_highsize()); those of the zone allocations come from first (the highest populated one) stand for every
 * zone's; only page tables are unmovable allocations (the kernel's own slab
 * and stack pages are not on the lists). ZONE_RECLAIM_ACTIVE (5.14+: while kswapd is in balance_pgdat(), a free
 * finds high at most 4 * batch, and 6.7+ lowers pcp->high by free_count on each free) is pcp.reclaim_active, which
 * km_kswapd_run() sets. 6.7+'s decay_pcp_high() is km_pcp_decay_high(), which the simulator calls once a second of its virtual
 * clock (vmstat_update()'s period, sysctl_stat_interval = HZ; found by the real earlyoom on 6.12, whose MemAvailable
 * rose in the seconds after a process freed 60 MiB onto the lists: docs/userspace-killers.md, "Validation").
 */
#include "km-pcp.h"
#include "km-util.h"

#define PCP_BATCH_SCALE_MAX 5 /* CONFIG_PCP_BATCH_SCALE_MAX (Debian's 6.1 and 6.12) */

static const KmZone *pcp_zone(const KmSystem *sys)
{
  const KmMachine *m = &sys->machine;
  return m->nr_zones ? &m->zones[m->nr_zones - 1] : NULL;
}

static KmPages rounddown_pow_of_two(KmPages n)
{
  KmPages p = 1;
  while (p * 2 <= n)
    p *= 2;
  return p;
}

/* zone_batchsize() (3.10-6.12): about a thousandth of the zone, at most 512 KiB (3.10) or 1 MiB of pages, a
 * quarter of that rounded to 2^n - 1; 0 for tiny zones. */
static int zone_batchsize(const KmSystem *sys, KmPages managed)
{
  KmPages cap = (KmPages)sys->profile->pcp_batch_cap_kb * 1024 / sys->machine.page_size;
  KmPages batch = MIN(managed / 1024, cap);
  batch /= 4;
  if (batch < 1)
    batch = 1;
  return (int)(rounddown_pow_of_two(batch + batch / 2) - 1);
}

/* zone_highsize(): total_pages (the low watermark, or managed / fraction) split over the CPUs of the node (one
 * node: all of them), at least batch * 4 */
static int zone_highsize(const KmSystem *sys, KmPages total_pages, int batch)
{
  KmPages nr_split_cpus = MAX(sys->machine.nr_cpus, 1);
  return (int)MAX(total_pages / nr_split_cpus, (KmPages)batch << 2);
}

void km_pcp_setup(KmSystem *sys)
{
  KmPcp *p = &sys->machine.pcp;
  const KmZone *z = pcp_zone(sys);
  if (!z)
    return;
  int batch = zone_batchsize(sys, z->managed);
  /* _watermark[WMARK_LOW] = min + tmp, _watermark[WMARK_HIGH] = min + 2 * tmp */
  KmPages low = z->wmark_min + (z->wmark_high - z->wmark_min) / 2;
  switch (sys->profile->pcp) {
  case KM_PCP_FIXED:
    /* pageset_set_batch(): pageset_update(pcp, 6 * batch, max(1UL, 1 * batch)) */
    p->high = 6 * batch;
    p->batch = MAX(batch, 1);
    break;
  case KM_PCP_FREE_FACTOR:
    /* zone_set_pageset_high_and_batch(): new_batch = max(1, zone_batchsize(zone)) */
    p->batch = MAX(batch, 1);
    p->high = zone_highsize(sys, low, p->batch);
    break;
  case KM_PCP_AUTOTUNE:
  default:
    p->batch = MAX(batch, 1);
    p->high_min = zone_highsize(sys, low, p->batch);
    /* MIN_PERCPU_PAGELIST_HIGH_FRACTION (8) */
    p->high_max = zone_highsize(sys, z->managed / 8, p->batch);
    p->high = p->high_min;
    break;
  }
}

KmPages km_pcp_count(const KmSystem *sys)
{
  const KmPcp *p = &sys->machine.pcp;
  return p->count[KM_PCP_UNMOVABLE] + p->count[KM_PCP_MOVABLE];
}

KmPages km_buddy_free_pages(const KmSystem *sys)
{
  return MAX(km_free_pages(sys) - km_pcp_count(sys), 0);
}

/* zone_watermark_ok(zone, 0, high_wmark_pages(zone), ZONE_MOVABLE, 0), summed over the zones like the floor */
static KmPages high_mark(const KmSystem *sys)
{
  KmPages sum = 0;
  for (guint i = 0; i < sys->machine.nr_zones; i++) {
    const KmZone *z = &sys->machine.zones[i];
    sum += MIN(z->managed, z->wmark_high + z->lowmem_reserve);
  }
  return sum;
}

static KmPages shift_down(KmPages v, KmPages times)
{
  return times >= 62 ? 0 : v >> times;
}

/* The pages an empty list is refilled with: pcp->batch before 6.7, nr_pcp_alloc() (order 0) from 6.7. `total` is
 * pcp->count. */
static KmPages refill_batch(const KmSystem *sys, KmPcp *p, KmPages total)
{
  if (sys->profile->pcp != KM_PCP_AUTOTUNE)
    return p->batch;
  int base = p->batch;
  p->high = CLAMP(p->high, p->high_min, p->high_max);
  if (p->high < base)
    return 1;
  KmPages batch = (KmPages)base << p->alloc_factor;
  /* "If we had larger pcp->high, we could avoid to allocate from zone." */
  if (p->high_min != p->high_max && !p->below_high)
    p->high = (int)MIN((KmPages)p->high + batch, (KmPages)p->high_max);
  /* "Leave at least pcp->batch pages on the list" */
  KmPages max_nr_alloc = MAX((KmPages)p->high - total - base, (KmPages)base);
  if (batch <= max_nr_alloc && p->alloc_factor < PCP_BATCH_SCALE_MAX)
    p->alloc_factor++;
  batch = MIN(batch, max_nr_alloc);
  return batch > 1 ? MAX(batch, 2) : batch;
}

/* get_page_from_freelist() (6.7+): an allocation that finds the zone at or below its high watermark sets
 * ZONE_BELOW_HIGH. `hmark` is high_mark(sys), or -1 to have it computed when it is needed. */
static void note_below_high(const KmSystem *sys, KmPcp *p, KmPages buddy, KmPages hmark)
{
  if (sys->profile->pcp == KM_PCP_AUTOTUNE && !p->below_high && buddy <= (hmark >= 0 ? hmark : high_mark(sys)))
    p->below_high = TRUE;
}

/* km_pcp_alloc() before 6.7, where every refill is pcp->batch pages whatever the state (refill_batch()), so its loop
 * comes to: the list's pages first, then refills of batch from the buddy lists, the last one what they have left,
 * until n pages are handed out or the buddy lists are empty; what the last refill brought beyond the pages it was
 * for stays on the list. The buddy lists as the first refill finds them give `buddy` pages in all. */
static void pcp_alloc_fixed(KmSystem *sys, KmPcp *p, KmPcpList list, KmPages n)
{
  if (n <= 0)
    return;
  KmPages taken = MIN(n, p->count[list]);
  p->count[list] -= taken;
  KmPages served = 0;
  if (n > taken) {
    /* the pages handed out so far in this call still count as free (the caller counts them afterwards) */
    KmPages buddy = MAX(km_buddy_free_pages(sys) - taken, 0), batch = p->batch;
    served = MIN(n - taken, buddy);
    p->count[list] = MIN((served + batch - 1) / batch * batch, buddy) - served;
  }
  /* rmqueue_pcplist() per page: the shifts of the loop's turns add up */
  p->free_factor = (int)shift_down(p->free_factor, taken + served);
  p->free_count = (int)shift_down(p->free_count, taken + served);
}

void km_pcp_alloc(KmSystem *sys, KmPcpList list, KmPages n)
{
  KmPcp *p = &sys->machine.pcp;
  if (!p->batch)
    return; /* no zones: no lists */
  if (sys->profile->pcp != KM_PCP_AUTOTUNE) {
    pcp_alloc_fixed(sys, p, list, n);
    return;
  }
  KmPages done = 0;
  while (n > 0) {
    if (p->count[list] == 0) {
      /* the pages handed out so far in this call still count as free (the caller counts them afterwards) */
      KmPages buddy = MAX(km_buddy_free_pages(sys) - done, 0);
      note_below_high(sys, p, buddy, -1);
      KmPages batch = refill_batch(sys, p, km_pcp_count(sys)); /* it updates the pcp: call it once */
      KmPages got = MIN(batch, buddy);
      if (got <= 0)
        return; /* rmqueue_bulk() found nothing: the pages come from (or past) the buddy lists */
      p->count[list] = got;
    }
    KmPages t = MIN(n, p->count[list]);
    p->count[list] -= t;
    n -= t;
    done += t;
    /* rmqueue_pcplist(): "On allocation, reduce the number of pages that are batch freed" */
    p->free_factor = (int)shift_down(p->free_factor, t);
    p->free_count = (int)shift_down(p->free_count, t);
  }
}

/* free_pcppages_bulk() of 5.14+: the freeing page's list first, then the next non-empty one, each emptied in
 * turn until count pages are freed */
static void bulk_free_from(KmPcp *p, KmPages count, KmPcpList first)
{
  KmPcpList other = first == KM_PCP_MOVABLE ? KM_PCP_UNMOVABLE : KM_PCP_MOVABLE;
  count = MIN(count, p->count[first] + p->count[other]);
  KmPages t = MIN(count, p->count[first]);
  p->count[first] -= t;
  p->count[other] -= count - t;
}

/* free_pcppages_bulk() before 5.14: round-robin over MIGRATE_UNMOVABLE (0), MIGRATE_MOVABLE (1) and
 * MIGRATE_RECLAIMABLE (2, always empty here) from migratetype 1, batch_free pages per list, batch_free growing by
 * one for every empty list passed */
static void bulk_free_round_robin(KmPcp *p, KmPages count)
{
  KmPages lists[3] = { p->count[KM_PCP_UNMOVABLE], p->count[KM_PCP_MOVABLE], 0 };
  count = MIN(count, lists[0] + lists[1]);
  int mt = 0;
  KmPages batch_free = 0;
  while (count > 0) {
    do {
      batch_free++;
      if (++mt == 3)
        mt = 0;
    } while (lists[mt] == 0);
    if (batch_free == 3)
      batch_free = count; /* "This is the only non-empty list. Free them all." */
    do {
      lists[mt]--;
      count--;
    } while (count > 0 && --batch_free > 0 && lists[mt] > 0);
  }
  p->count[KM_PCP_UNMOVABLE] = lists[0];
  p->count[KM_PCP_MOVABLE] = lists[1];
}

gboolean km_pcp_decay_high(KmSystem *sys)
{
  KmPcp *p = &sys->machine.pcp;
  if (sys->profile->pcp != KM_PCP_AUTOTUNE || !p->batch)
    return FALSE;
  gboolean todo = FALSE;
  KmPages count = km_pcp_count(sys);
  /* "Decrease pcp->high periodically to try to free possible idle PCP pages. And, avoid to free too many pages to
   * control latency. This caps pcp->high decrement too." */
  if (p->high > p->high_min) {
    KmPages high = MAX(count - ((KmPages)p->batch << PCP_BATCH_SCALE_MAX), (KmPages)(p->high - (p->high >> 3)));
    p->high = (int)MAX(high, (KmPages)p->high_min);
    todo = p->high > p->high_min;
  }
  KmPages to_drain = count - p->high;
  if (to_drain > 0) {
    /* free_pcppages_bulk(zone, to_drain, pcp, 0): pindex 0 is incremented before the first list is taken, so the
     * movable list (pindex 1 for order 0) is emptied first */
    bulk_free_from(p, to_drain, KM_PCP_MOVABLE);
    todo = TRUE;
  }
  return todo;
}

/* nr_pcp_free() of 5.14-6.6 */
static KmPages nr_pcp_free_factor(KmPcp *p, int high)
{
  if (high < p->batch)
    return 1;
  KmPages min_nr_free = p->batch, max_nr_free = high - p->batch;
  KmPages batch = (KmPages)p->batch << p->free_factor;
  if (batch < max_nr_free && p->free_factor < PCP_BATCH_SCALE_MAX)
    p->free_factor++;
  return MIN(MAX(batch, min_nr_free), max_nr_free);
}

/* nr_pcp_high() of 5.14-6.6: pcp->high, or while kswapd reclaims (ZONE_RECLAIM_ACTIVE) at most batch << 2 ("If
 * reclaim is active, limit the number of pages that can be stored on pcp lists") */
static int nr_pcp_high_free_factor(const KmPcp *p)
{
  return p->reclaim_active ? MIN(p->batch << 2, p->high) : p->high;
}

/* nr_pcp_high() of 6.7+ for an order-0 free */
static int nr_pcp_high_autotune(KmPcp *p, KmPages total)
{
  int high = p->high = CLAMP(p->high, p->high_min, p->high_max);
  if (!high)
    return 0;
  if (p->reclaim_active) {
    /* "If reclaim is active, limit the number of pages that can be stored on pcp lists" */
    int free_count = MAX(p->free_count, p->batch);
    p->high = MAX(high - free_count, p->high_min);
    return MIN(p->batch << 2, p->high);
  }
  if (p->high_min == p->high_max)
    return high;
  if (p->below_high) {
    int free_count = MAX(p->free_count, p->batch);
    p->high = MAX(high - free_count, p->high_min);
    high = (int)MAX(total, (KmPages)p->high_min);
  } else if (total >= high) {
    int need_high = p->free_count + p->batch;
    if (p->high < need_high)
      p->high = CLAMP(need_high, p->high_min, p->high_max);
  }
  return high;
}

/* How many order-0 frees in a row (6.7+) change nothing but count, free_count (capped) and alloc_factor (halved each
 * time): those for which nr_pcp_high_autotune() leaves pcp->high as it is and returns a high that the new count
 * stays below. That is every free while count + 1 < high, high being high_min when ZONE_BELOW_HIGH is set (and
 * pcp->high already down to it: until then each free lowers it) and the clamped pcp->high when it is not. */
static KmPages autotune_quiet_pages(const KmPcp *p)
{
  int high = CLAMP(p->high, p->high_min, p->high_max);
  if (p->reclaim_active)
    return 0; /* each free may lower pcp->high */
  if (high == 0 || (p->below_high && high != p->high_min && p->high_min != p->high_max))
    return 0;
  KmPages total = p->count[KM_PCP_UNMOVABLE] + p->count[KM_PCP_MOVABLE];
  return MAX((KmPages)high - 1 - total, 0);
}

void km_pcp_free(KmSystem *sys, KmPcpList list, KmPages n)
{
  KmPcp *p = &sys->machine.pcp;
  if (!p->batch)
    return;
  /* the n pages are not counted as free yet: buddy free pages after `done` of them are on the lists or beyond */
  KmPages free_before = km_free_pages(sys);
  KmPages done = 0;
  while (done < n) {
    switch (sys->profile->pcp) {
    case KM_PCP_FIXED:
    case KM_PCP_FREE_FACTOR: {
      /* up to the page that brings pcp->count to high, which triggers the bulk free */
      int high = sys->profile->pcp == KM_PCP_FIXED ? p->high : nr_pcp_high_free_factor(p);
      KmPages total = km_pcp_count(sys);
      KmPages t = MIN(n - done, MAX((KmPages)high - total, 1));
      p->count[list] += t;
      done += t;
      if (km_pcp_count(sys) >= high) {
        if (sys->profile->pcp == KM_PCP_FIXED)
          bulk_free_round_robin(p, p->batch);
        else
          bulk_free_from(p, nr_pcp_free_factor(p, high), list);
      }
      break;
    }
    case KM_PCP_AUTOTUNE:
    default: {
      /* free_unref_page_commit() of 6.12, one page at a time; the pages that cannot bring a bulk free are added
       * at once (autotune_quiet_pages()), so a free of n pages costs O(n / batch), not O(n) */
      KmPages quiet = MIN(autotune_quiet_pages(p), n - done - 1);
      if (quiet > 0) {
        p->high = CLAMP(p->high, p->high_min, p->high_max); /* what each nr_pcp_high_autotune() call would do */
        p->alloc_factor = (int)shift_down(p->alloc_factor, quiet);
        p->count[list] += quiet;
        done += quiet;
        p->free_count = (int)MIN((KmPages)p->free_count + quiet, (KmPages)(p->batch << PCP_BATCH_SCALE_MAX));
      }
      p->alloc_factor >>= 1;
      p->count[list]++;
      done++;
      if (p->free_count < (p->batch << PCP_BATCH_SCALE_MAX))
        p->free_count++;
      KmPages total = km_pcp_count(sys);
      int high = nr_pcp_high_autotune(p, total);
      if (total >= high) {
        KmPages nr = high < p->batch ? 1 : MIN(MAX((KmPages)p->free_count, (KmPages)p->batch), (KmPages)(high - p->batch));
        bulk_free_from(p, nr, list);
        if (p->below_high && free_before + done - km_pcp_count(sys) > high_mark(sys))
          p->below_high = FALSE;
      }
      break;
    }
    }
  }
}

void km_pcp_drain(KmSystem *sys)
{
  KmPcp *p = &sys->machine.pcp;
  p->count[KM_PCP_UNMOVABLE] = 0;
  p->count[KM_PCP_MOVABLE] = 0;
}

/* Pages served from `got` on the list and `buddy` in the buddy lists, refilled `r` at a time, by allocations checked
 * against `mark` (buddy > mark): the refills that leave buddy above it, (buddy - mark - 1) / r, and the first page
 * of the one that crosses it. */
static KmPages served_above_mark(KmPages got, KmPages buddy, KmPages mark, KmPages r)
{
  return got + (buddy - mark - 1) / r * r + 1;
}

/* Order-0 movable pages an allocation can take while the buddy lists stay above floor at each watermark check,
 * and in *out_upper the same above `upper` (upper >= floor). The walk goes from refill to refill of the movable
 * list as the allocations would, and stops where the buddy lists reach the floor; it passes `upper` on the way, so
 * one walk answers for both marks: the refills do not depend on the mark an allocation is checked against, only
 * where the allocations stop does. The answer for `upper` is the one a walk stopped there would give (the unit test
 * /kernel-model/pcp/available-both-marks compares them, and both with page-by-page allocations). */
static KmPages alloc_available_walk(const KmSystem *sys, KmPages upper, KmPages floor, KmPages *out_upper)
{
  const KmPcp *sp = &sys->machine.pcp;
  KmPages buddy = km_buddy_free_pages(sys);
  KmPages got = sp->count[KM_PCP_MOVABLE];
  if (!sp->batch) {
    /* no lists: every page comes from the buddy lists */
    *out_upper = buddy > upper ? got + buddy - upper : 0;
    return buddy > floor ? got + buddy - floor : 0;
  }
  *out_upper = 0;
  if (buddy <= floor)
    return 0;
  if (sys->profile->pcp != KM_PCP_AUTOTUNE) {
    /* Before 6.7 every refill is pcp->batch pages (or what the buddy lists have left), whatever the state: the
     * refills that leave buddy above a mark are (buddy - mark - 1) / batch, and the one that crosses it serves
     * its first page (the loop below, taken in one step) */
    KmPages batch = sp->batch;
    if (buddy > upper)
      *out_upper = served_above_mark(got, buddy, upper, batch);
    return served_above_mark(got, buddy, floor, batch);
  }
  KmPcp p = *sp;
  gboolean pending = buddy > upper; /* *out_upper is still to be found */
  KmPages hmark = high_mark(sys);
  for (;;) {
    /* the movable list is empty and this allocation passed the watermark check */
    note_below_high(sys, &p, buddy, hmark);
    KmPcp before = p;
    KmPages batch = refill_batch(sys, &p, p.count[KM_PCP_UNMOVABLE]);
    KmPages r = MIN(batch, buddy);
    if (r <= 0) {
      if (pending)
        *out_upper = got;
      return got;
    }
    buddy -= r;
    if (pending && buddy <= upper) {
      *out_upper = got + 1; /* the allocations checked against upper stop after this refill's first page */
      pending = FALSE;
    }
    if (buddy <= floor)
      return got + 1; /* the rest of this batch stays on the list */
    got += r;
    /* The next refills are the same size r (or, the last, what is left) when this one left alloc_factor and
     * ZONE_BELOW_HIGH as they were and either pcp->high too (the state is a fixed point) or r was the whole
     * batch << alloc_factor at its cap (PCP_BATCH_SCALE_MAX): then pcp->high only grows by r a refill, up to
     * high_max, and each refill finds room for r again (nr_pcp_alloc()'s max_nr_alloc grows with it). That lasts
     * until a refill starts at or below the high mark while ZONE_BELOW_HIGH is clear (`changes`). A mark at or
     * above that is reached by whole refills of r: of those that leave buddy above the mark there are
     * (buddy - mark - 1) / r, and the one that crosses it serves its first page. A mark below it: skip the refills
     * that stay above the high mark (pcp->high moved on with them), and go on from there. Without the growing case
     * a 6.12 walk on a large machine went refill by refill up to high_max: 16,400 turns for 1 TiB. */
    gboolean growing = p.high != before.high && p.alloc_factor == PCP_BATCH_SCALE_MAX &&
                       r == (KmPages)p.batch << p.alloc_factor;
    if (p.alloc_factor == before.alloc_factor && p.below_high == before.below_high &&
        (p.high == before.high || growing)) {
      KmPages changes = p.below_high ? -1 : hmark;
      if (pending && upper >= changes) {
        *out_upper = served_above_mark(got, buddy, upper, r);
        pending = FALSE;
      }
      if (!pending && floor >= changes)
        return served_above_mark(got, buddy, floor, r);
      if (buddy > changes) {
        KmPages k = (buddy - changes - 1) / r;
        got += k * r;
        buddy -= k * r;
        if (growing)
          p.high = (int)MIN((KmPages)p.high + k * r, (KmPages)p.high_max);
      }
    }
  }
}

KmPages km_alloc_available(const KmSystem *sys)
{
  KmPages floor = km_alloc_floor_pages(sys), unused;
  return alloc_available_walk(sys, floor, floor, &unused);
}

KmPages km_alloc_available_fast(const KmSystem *sys)
{
  KmPages low = km_low_mark_pages(sys), fast;
  alloc_available_walk(sys, low, low, &fast);
  return fast;
}

KmAllocMarks km_alloc_marks(const KmSystem *sys)
{
  return (KmAllocMarks){ .low = km_low_mark_pages(sys), .floor = km_alloc_floor_pages(sys) };
}

void km_alloc_available_marks(const KmSystem *sys, const KmAllocMarks *marks, KmPages *out_fast, KmPages *out_min)
{
  /* low = min + (high - min) / 2 >= min per zone (km-util.c zone_low()); measured zones are taken as given, so
   * a low mark below the floor is answered the other way round */
  if (marks->low >= marks->floor)
    *out_min = alloc_available_walk(sys, marks->low, marks->floor, out_fast);
  else
    *out_fast = alloc_available_walk(sys, marks->floor, marks->low, out_min);
}
