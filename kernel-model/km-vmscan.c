/* kernel-model/km-vmscan.c: mm/vmscan.c, reduced to what decides whether an OOM happens, kernel 6.1.
 *
 * The kernel balances file and anon reclaim by swappiness and refault cost (get_scan_count()); with clean page
 * cache present it reclaims mostly file pages, and it only reclaims anon pages when they can go to swap.
 * The model keeps that order strictly: every clean page-cache page of the domain goes first, then anon pages
 * go to swap, oldest first (one FIFO per memcg, visited in pre-order), while the domain's swap allowance
 * (global free swap; memory.swap.max on v2) lasts. shmem pages are swap-backed and sit on the same LRU (they go
 * to swap through shmem_writepage()), in the order they were written. vm.swappiness 0 (anon_allowed()): cgroup
 * reclaim never swaps; global reclaim on the classic LRU still does once file + free pages are down to the high
 * watermarks (get_scan_count(): file_is_tiny -> SCAN_ANON, 6.1; 4.19 and 3.10 the same test per node / per zone);
 * with the multi-gen LRU (the 6.12 profile) swappiness 0 means file only, global reclaim included
 * (isolate_folios()).
 */
#include "km-vmscan.h"

#include "km-memcg.h"
#include "km-pcp.h"

static void collect_subtree(KmMemcg *memcg, GPtrArray *out)
{
  g_ptr_array_add(out, memcg);
  for (GList *l = memcg->children.head; l; l = l->next)
    collect_subtree(l->data, out);
}

static KmPages reclaim_file(KmSystem *sys, GPtrArray *memcgs, KmPages nr)
{
  KmPages done = 0;
  for (guint i = 0; i < memcgs->len && done < nr; i++) {
    KmMemcg *memcg = memcgs->pdata[i];
    KmPages k = MIN(memcg->file, nr - done);
    if (k > 0) {
      km_memcg_uncharge(sys, memcg, KM_PAGE_FILE, k);
      memcg->pgscan_local += (guint64)k; /* scanned = reclaimed in the model */
      done += k;
    }
  }
  return done;
}

/* shrink_anon for one memcg's LRU: swap out from the oldest chunk (anon pages of a mapping, or shmem). A process's
 * base anon pages are a chunk of its internal mapping mm->base->anon, queued when the process was set up, so they go
 * before any page the trace faulted after that (km_mm_set_base()). */
static KmPages swap_out_memcg(KmSystem *sys, KmMemcg *memcg, KmPages nr)
{
  KmPages done = 0;
  KmLruChunk *chunk;
  while (done < nr && (chunk = g_queue_peek_head(&memcg->lru_anon))) {
    KmMapping *mapping = chunk->mapping;
    KmPages room = km_memcg_swap_margin(sys, memcg);
    if (room <= 0)
      break;
    if (!mapping) {
      KmPages k = MIN(chunk->pages, MIN(nr - done, room));
      km_memcg_swap_out(sys, memcg, KM_PAGE_SHMEM, k);
      memcg->pgscan_local += (guint64)k;
      chunk->pages -= k;
      done += k;
      if (chunk->pages == 0)
        km_lru_chunk_free(sys, km_lru_pop_head(memcg));
      continue;
    }
    /* the chunk is on this memcg's LRU, so its pages are charged here (a process that moved has pages in both) */
    KmMapCharge *charge = km_mapping_find_charge(mapping, memcg);
    KmPages k = MIN(MIN(chunk->pages, mapping->dead || !charge ? 0 : charge->resident), MIN(nr - done, room));
    if (k > 0) {
      km_memcg_swap_out(sys, memcg, KM_PAGE_ANON, k);
      memcg->pgscan_local += (guint64)k;
      charge->resident -= k;
      charge->swapped += k;
      mapping->resident -= k;
      mapping->swapped += k;
      chunk->mm->anon_rss -= k;
      chunk->mm->swapents += k;
      chunk->pages -= k;
      done += k;
    }
    if (chunk->pages == 0 || mapping->dead || !charge || charge->resident == 0) {
      km_lru_pop_head(memcg);
      km_lru_chunk_free(sys, chunk); /* before the unref, which may free the mapping the chunk points to */
      km_mapping_unref(sys, mapping);
    }
  }
  return done;
}

/* May this reclaim take anon (and shmem) pages at all, once the page cache is gone? */
static gboolean anon_allowed(const KmSystem *sys, const KmMemcg *target, gboolean may_swap)
{
  if (!may_swap)
    return FALSE;
  if (sys->machine.swappiness != 0)
    return TRUE;
  if (target || sys->profile->lru_gen)
    return FALSE; /* cgroup_reclaim(sc) && !swappiness: SCAN_FILE; MGLRU: LRU_GEN_FILE only */
  /* prepare_scan_count(): file_is_tiny = file + free <= sum of the zones' high watermarks (the model's anon LRU
   * is never "low", so the remaining conditions hold) */
  KmPages high = 0;
  for (guint z = 0; z < sys->machine.nr_zones; z++)
    high += sys->machine.zones[z].wmark_high;
  return sys->machine.file + km_buddy_free_pages(sys) <= high;
}

KmReclaimResult km_reclaim(KmSystem *sys, KmMemcg *target, KmPages nr, gboolean may_swap)
{
  KmReclaimResult result = { 0, 0, 0 };
  g_autoptr(GPtrArray) memcgs = g_ptr_array_new();
  collect_subtree(target ? target : sys->root_memcg, memcgs);
  result.memcgs_visited = memcgs->len;

  result.file = reclaim_file(sys, memcgs, nr);
  if (result.file < nr && anon_allowed(sys, target, may_swap))
    for (guint i = 0; i < memcgs->len && result.file + result.swapped < nr; i++)
      result.swapped += swap_out_memcg(sys, memcgs->pdata[i], nr - result.file - result.swapped);
  /* shrink_node(): "if (reclaimable) pgdat->kswapd_failures = 0", direct, memcg and kswapd reclaim alike */
  if (result.file + result.swapped > 0)
    sys->machine.kswapd.failures = 0;
  return result;
}

KmPages km_reclaim_lru_pages(const KmSystem *sys, gboolean may_swap)
{
  const KmMachine *m = &sys->machine;
  /* can_reclaim_anon_pages(): get_nr_swap_pages() > 0 */
  gboolean swap_room = m->total_swap_pages > m->swap_used;
  return m->file + (swap_room && anon_allowed(sys, NULL, may_swap) ? m->anon + m->shmem : 0);
}
