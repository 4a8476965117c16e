/* kernel-model/km-pcp.h: mm/page_alloc.c per-CPU page lists (struct per_cpu_pages): how many free pages sit on
 * them, out of reach of an allocation once the buddy lists are below the watermark. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

/* zone_batchsize(), zone_highsize() / pageset_set_batch() for the highest zone; the lists keep their pages.
 * Called after km_zones_setup(). */
void km_pcp_setup(KmSystem *sys);
/* Free pages on the lists (pcp->count) and in the buddy lists (NR_FREE_PAGES: MemFree). */
KmPages km_pcp_count(const KmSystem *sys);
KmPages km_buddy_free_pages(const KmSystem *sys);
/* n order-0 pages of a list handed out (rmqueue_pcplist()), the list refilled from the buddy lists when empty;
 * no watermark check (the caller made it). Call before the pages are counted as used. */
void km_pcp_alloc(KmSystem *sys, KmPcpList list, KmPages n);
/* n order-0 pages freed to a list (free_unref_page_commit()), bulk-freed to the buddy lists past pcp->high.
 * Call before the pages are counted as free. */
void km_pcp_free(KmSystem *sys, KmPcpList list, KmPages n);
/* decay_pcp_high() of 6.7+ (mm/page_alloc.c 6.7-6.12), one call, as vmstat_update() makes it once a second:
 * pcp->high loses an eighth (at least down to count - (batch << 5), at most to high_min) and what the list holds
 * above it goes back to the buddy lists. TRUE when there is more to do (high above high_min, or pages drained);
 * FALSE, and nothing changed, before 6.7 or when the list is settled. */
gboolean km_pcp_decay_high(KmSystem *sys);
/* drain_all_pages(): every list back to the buddy lists */
void km_pcp_drain(KmSystem *sys);
/* Order-0 GFP_HIGHUSER_MOVABLE pages that can still be allocated before get_page_from_freelist() fails: each
 * allocation first needs the buddy lists above km_alloc_floor_pages() (zone_watermark_fast()), then takes a page
 * from the movable list, refilling it when empty; what the last refill brought beyond its first page stays on
 * the list. */
KmPages km_alloc_available(const KmSystem *sys);
/* The same above the low watermark: what the allocator's fast path (get_page_from_freelist() with ALLOC_WMARK_LOW)
 * hands out before an allocation finds every zone at or below low + lowmem_reserve and wakes kswapd
 * (km-kswapd.c) */
KmPages km_alloc_available_fast(const KmSystem *sys);
/* The two marks those are taken against: km_low_mark_pages() and km_alloc_floor_pages(), sums over the zones that
 * only km_zones_setup() (or a measured machine) changes, so a caller may keep them for a run */
typedef struct {
  KmPages low, floor;
} KmAllocMarks;
KmAllocMarks km_alloc_marks(const KmSystem *sys);
/* Both at once, from one walk of the refills (the fast path's low mark is above the min mark): *out_fast is
 * km_alloc_available_fast(), *out_min km_alloc_available(), of the same state; marks is km_alloc_marks(sys) */
void km_alloc_available_marks(const KmSystem *sys, const KmAllocMarks *marks, KmPages *out_fast, KmPages *out_min);

G_END_DECLS
