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
 * scenarios/validation-open/earlyoom-swap-both-low.xml; docs/model.md, "kswapd").
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
 * runs is the simulator's business: the model's steps take no time, so kswapd gets none during a step and runs
 * when the virtual clock moves on (sim/engine.c).
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

KmKswapdResult km_kswapd_run(KmSystem *sys)
{
  KmKswapdResult r = { 0, 0, 0, KM_KSWAPD_DEF_PRIORITY + 1, FALSE, 0 };
  if (!km_kswapd_woken(sys))
    return r;
  KmPages nr_to_reclaim = km_kswapd_nr_to_reclaim(sys);
  /* set_reclaim_active() (5.14+): the pages reclaim frees onto the per-CPU lists go on to the buddy lists past
   * batch << 2 (km-pcp.c nr_pcp_high()), so that they count for pgdat_balanced() */
  sys->machine.pcp.reclaim_active = sys->profile->pcp != KM_PCP_FIXED;
  for (int priority = KM_KSWAPD_DEF_PRIORITY; priority >= 1;) {
    if (km_kswapd_balanced(sys)) {
      r.balanced = TRUE;
      break;
    }
    /* kswapd_shrink_node(): shrink_node() scans lru >> priority, reclaiming at most nr_to_reclaim */
    KmPages nr_scanned = km_reclaim_lru_pages(sys, TRUE) >> priority;
    KmPages nr = MIN(nr_scanned, nr_to_reclaim);
    KmReclaimResult rec = { 0, 0, 0 };
    if (nr > 0)
      rec = km_reclaim(sys, NULL, nr, TRUE);
    r.passes++;
    r.priority = priority;
    r.file += rec.file;
    r.swapped += rec.swapped;
    r.memcgs_visited += rec.memcgs_visited;
    /* "There should be no need to raise the scanning priority if enough pages are already being scanned that
     * that high watermark would be met at 100% efficiency"; and `if (raise_priority || !nr_reclaimed)` */
    gboolean raise_priority = nr_scanned < nr_to_reclaim;
    if (raise_priority || rec.file + rec.swapped == 0)
      priority--;
  }
  sys->machine.pcp.reclaim_active = FALSE; /* clear_reclaim_active() */
  return r;
}
