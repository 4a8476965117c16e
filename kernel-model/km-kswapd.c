/* kernel-model/km-kswapd.c: mm/vmscan.c kswapd(), balance_pgdat(), kswapd_shrink_node() and pgdat_balanced(), with
 * wakeup_kswapd() as mm/page_alloc.c's slow path calls it, kernels 6.1 and 6.12.
 *
 * The allocator's fast path (get_page_from_freelist() with ALLOC_WMARK_LOW) serves a page only from a zone whose
 * free pages are above its low watermark plus lowmem_reserve; when every zone fails, __alloc_pages_slowpath()
 * wakes kswapd (wake_all_kswapds() -> wakeup_kswapd(), which does nothing when pgdat_balanced()) and retries at the
 * min watermark, so the task goes on allocating while kswapd reclaims beside it. balance_pgdat() then loops from
 * DEF_PRIORITY (12) down: at the top of each iteration it stops when pgdat_balanced() (some eligible zone above its
 * high watermark plus lowmem_reserve: "allocation can succeed in any zone, done"); otherwise kswapd_shrink_node()
 * asks shrink_node() for sc->nr_to_reclaim = the zones' max(high_wmark_pages(zone), SWAP_CLUSTER_MAX), and
 * shrink_lruvec() scans each LRU's size >> priority pages (get_scan_count()), stopping once that many are reclaimed
 * (kswapd reclaims no further than nr_to_reclaim: proportional_reclaim is for direct reclaim at DEF_PRIORITY only).
 * The priority is raised (decremented) after a pass that scanned less than nr_to_reclaim or reclaimed nothing.
 * So kswapd overshoots the high watermark by up to one pass: the pass that crosses it is not cut short. Under a
 * process that keeps allocating, that is what /proc/meminfo shows: MemAvailable swinging by a few MiB from poll to
 * poll and swap used running ahead of the anon pages that did not fit (found by the real earlyoom in the VM,
 * scenarios/validation/earlyoom-swap-both-low.xml; docs/model.md, "kswapd").
 * 6.12 with the multi-gen LRU (Debian's default) reclaims through lru_gen_shrink_node(): the scan target is the
 * evictable size >> priority as well (get_nr_to_scan()), and should_abort_scan() ends a kswapd pass once
 * nr_to_reclaim pages are reclaimed or every eligible zone is above high + MIN_LRU_BATCH; with the zones summed
 * (below) the first of those is the one that ends a pass, as in 6.1.
 *
 * Simplified (docs/model.md): the zones are summed, as for the allocator's floor (free pages against the sum of
 * the zones' marks; pgdat_balanced() asks whether any one zone is balanced); one node; order 0 only (no compaction,
 * no high-order wake-ups); no watermark_boost (boost_watermark() after a pageblock is stolen for another
 * migratetype: the model has no fragmentation); every page a pass scans is reclaimed in the model's own order
 * (km_reclaim(): page cache first, then the oldest swap-backed pages), where the kernel rotates referenced pages
 * and splits the scan between the file and anon lists by swappiness; kswapd_failures (after 16 runs that reclaim
 * nothing kswapd is no longer woken) is not kept: a run that finds nothing to reclaim changes nothing. When kswapd
 * runs is the simulator's business (sim/engine-charge.c): the model runs balance_pgdat() one pass at a time
 * (km_kswapd_pass()), its state kept in KmMachine.kswapd, beside the allocating task during a step, and to the end
 * of the run when the virtual clock moves on (km_kswapd_finish()).
 */
#include "km-kswapd.h"

#include "km-pcp.h"
#include "km-util.h"
#include "km-vmscan.h"

#define SWAP_CLUSTER_MAX 32

gboolean km_kswapd_woken(const KmSystem *sys)
{
  return sys->machine.nr_zones > 0 && km_buddy_free_pages(sys) <= km_low_mark_pages(sys);
}

/* pgdat_balanced(): zone_watermark_ok_safe(zone, 0, high_wmark_pages(zone), highest_zoneidx) is
 * free > high + lowmem_reserve[highest_zoneidx], the same per-zone sum calculate_totalreserve_pages() makes */
gboolean km_kswapd_balanced(const KmSystem *sys)
{
  return km_buddy_free_pages(sys) > km_totalreserve_pages(sys);
}

KmPages km_kswapd_nr_to_reclaim(const KmSystem *sys)
{
  KmPages nr = 0;
  for (guint z = 0; z < sys->machine.nr_zones; z++)
    nr += MAX(sys->machine.zones[z].wmark_high, (KmPages)SWAP_CLUSTER_MAX);
  return nr;
}

/* wakeup_kswapd(): nothing when kswapd is already awake (!waitqueue_active()), when the node is hopeless
 * (kswapd_failures >= MAX_RECLAIM_RETRIES: "leave it to direct reclaim") or when it is balanced; else kswapd
 * starts balance_pgdat() at DEF_PRIORITY with ZONE_RECLAIM_ACTIVE set (set_reclaim_active(), 5.14+: the pages
 * reclaim frees onto the per-CPU lists go on to the buddy lists past batch << 2, km-pcp.c nr_pcp_high(), so that
 * they count for pgdat_balanced()) */
gboolean km_kswapd_wakeup(KmSystem *sys)
{
  KmKswapd *k = &sys->machine.kswapd;
  if (sys->machine.nr_zones == 0 || k->running || k->failures >= KM_KSWAPD_MAX_RECLAIM_RETRIES ||
      km_kswapd_balanced(sys))
    return FALSE;
  k->running = TRUE;
  k->priority = KM_KSWAPD_DEF_PRIORITY;
  k->nr_reclaimed = 0;
  sys->machine.pcp.reclaim_active = sys->profile->pcp != KM_PCP_FIXED;
  return TRUE;
}

static void run_end(KmSystem *sys, KmKswapdResult *acc, gboolean balanced)
{
  KmKswapd *k = &sys->machine.kswapd;
  /* after the loop (not on the `goto out` of a balanced node): "if (!sc.nr_reclaimed) pgdat->kswapd_failures++" */
  if (!balanced && k->nr_reclaimed == 0)
    k->failures++;
  k->running = FALSE;
  sys->machine.pcp.reclaim_active = FALSE; /* clear_reclaim_active() */
  acc->balanced = balanced;
  acc->ended = TRUE;
}

KmPages km_kswapd_pass(KmSystem *sys, KmKswapdResult *acc)
{
  KmKswapd *k = &sys->machine.kswapd;
  if (!k->running)
    return 0;
  if (km_kswapd_balanced(sys)) {
    run_end(sys, acc, TRUE);
    return 0;
  }
  /* kswapd_shrink_node(): shrink_node() scans lru >> priority, reclaiming at most nr_to_reclaim */
  KmPages nr_to_reclaim = km_kswapd_nr_to_reclaim(sys);
  KmPages nr_scanned = km_reclaim_lru_pages(sys, TRUE) >> k->priority;
  KmPages nr = MIN(nr_scanned, nr_to_reclaim);
  KmReclaimResult rec = { 0, 0, 0 };
  if (nr > 0)
    rec = km_reclaim(sys, NULL, nr, TRUE);
  acc->passes++;
  acc->priority = k->priority;
  acc->file += rec.file;
  acc->swapped += rec.swapped;
  acc->memcgs_visited += rec.memcgs_visited;
  k->nr_reclaimed += rec.file + rec.swapped;
  /* "There should be no need to raise the scanning priority if enough pages are already being scanned that
   * that high watermark would be met at 100% efficiency"; and `if (raise_priority || !nr_reclaimed)` */
  gboolean raise_priority = nr_scanned < nr_to_reclaim;
  if (raise_priority || rec.file + rec.swapped == 0)
    k->priority--;
  if (k->priority < 1) /* } while (sc.priority >= 1) */
    run_end(sys, acc, FALSE);
  return rec.file + rec.swapped;
}

void km_kswapd_finish(KmSystem *sys, KmKswapdResult *acc)
{
  if (!sys->machine.kswapd.running && km_kswapd_woken(sys))
    km_kswapd_wakeup(sys);
  while (sys->machine.kswapd.running)
    km_kswapd_pass(sys, acc);
}

KmKswapdResult km_kswapd_run(KmSystem *sys)
{
  KmKswapdResult r = { .priority = KM_KSWAPD_DEF_PRIORITY + 1 };
  km_kswapd_finish(sys, &r);
  return r;
}
