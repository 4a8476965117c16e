/* kernel-model/km-kswapd.h: mm/vmscan.c kswapd's background reclaim (wakeup_kswapd(), pgdat_balanced(),
 * balance_pgdat(), kswapd_shrink_node()), kernels 6.1 and 6.12. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

#define KM_KSWAPD_DEF_PRIORITY 12 /* DEF_PRIORITY: a pass at priority p scans an LRU's size >> p pages */

typedef struct {
  KmPages file;     /* clean page cache dropped */
  KmPages swapped;  /* anon and shmem pages written to swap */
  guint passes;     /* kswapd_shrink_node() calls: balance_pgdat()'s priority iterations */
  int priority;     /* the priority of the last pass (KM_KSWAPD_DEF_PRIORITY + 1: no pass) */
  gboolean balanced; /* it stopped because pgdat_balanced(); FALSE: priority 1 passed without balancing */
  guint memcgs_visited; /* the reclaim passes' cost (km_reclaim()), for the simulator's work bound */
} KmKswapdResult;

/* wakeup_kswapd() from the allocator: an allocation's fast path (get_page_from_freelist() with ALLOC_WMARK_LOW)
 * found every zone at or below its low watermark plus lowmem_reserve, so __alloc_pages_slowpath() woke kswapd;
 * it stays asleep when the node is balanced. TRUE when the buddy free pages are at or below that mark. */
gboolean km_kswapd_woken(const KmSystem *sys);
/* pgdat_balanced() for an order-0 GFP_HIGHUSER_MOVABLE wake-up: free pages above the high watermark plus
 * lowmem_reserve (the zones summed) */
gboolean km_kswapd_balanced(const KmSystem *sys);
/* kswapd_shrink_node()'s sc->nr_to_reclaim: the zones' max(high_wmark_pages(zone), SWAP_CLUSTER_MAX), summed */
KmPages km_kswapd_nr_to_reclaim(const KmSystem *sys);
/* One balance_pgdat() run of an order-0 wake-up, from DEF_PRIORITY until the node is balanced or priority 1 has
 * passed; nothing when kswapd is not woken (km_kswapd_woken()). */
KmKswapdResult km_kswapd_run(KmSystem *sys);

G_END_DECLS
