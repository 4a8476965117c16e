/* kernel-model/km-kswapd.h: mm/vmscan.c kswapd's background reclaim (wakeup_kswapd(), pgdat_balanced(),
 * balance_pgdat(), kswapd_shrink_node()), kernels 6.1 and 6.12. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

#define KM_KSWAPD_DEF_PRIORITY 12 /* DEF_PRIORITY: a pass at priority p scans an LRU's size >> p pages */

#define KM_KSWAPD_MAX_RECLAIM_RETRIES 16 /* MAX_RECLAIM_RETRIES: kswapd_failures at which wakeup_kswapd() gives up */

typedef struct {
  KmPages file;     /* clean page cache dropped */
  KmPages swapped;  /* anon and shmem pages written to swap */
  guint passes;     /* kswapd_shrink_node() calls: balance_pgdat()'s priority iterations */
  int priority;     /* the priority of the last pass (0 in a zeroed result: no pass) */
  gboolean ended;   /* the run ended (kswapd went back to sleep) */
  gboolean balanced; /* it ended because pgdat_balanced(); FALSE: priority 1 passed without balancing */
  guint memcgs_visited; /* the reclaim passes' cost (km_reclaim()), for the simulator's work bound */
} KmKswapdResult;

/* An allocation's fast path (get_page_from_freelist() with ALLOC_WMARK_LOW) would find every zone at or below its
 * low watermark plus lowmem_reserve: TRUE when the buddy free pages are at or below that mark. */
gboolean km_kswapd_woken(const KmSystem *sys);
/* pgdat_balanced() for an order-0 GFP_HIGHUSER_MOVABLE wake-up: free pages above the high watermark plus
 * lowmem_reserve (the zones summed) */
gboolean km_kswapd_balanced(const KmSystem *sys);
/* kswapd_shrink_node()'s sc->nr_to_reclaim: the zones' max(high_wmark_pages(zone), SWAP_CLUSTER_MAX), summed */
KmPages km_kswapd_nr_to_reclaim(const KmSystem *sys);
/* wakeup_kswapd() from __alloc_pages_slowpath(): starts a balance_pgdat() run at DEF_PRIORITY unless kswapd is
 * running already, the node is hopeless (kswapd_failures) or balanced. TRUE when it started one. */
gboolean km_kswapd_wakeup(KmSystem *sys);
/* One iteration of balance_pgdat()'s loop: the run ends when the node is balanced at its top, or after the pass
 * of priority 1; else one kswapd_shrink_node() pass. Adds to acc; returns the pages the pass reclaimed (0 when
 * kswapd is not running or the run ended at the balance check). */
KmPages km_kswapd_pass(KmSystem *sys, KmKswapdResult *acc);
/* The rest of the run when time passes: kswapd is woken first if the node is at or below the low mark, then its
 * passes go on until the run ends (balanced, or priority 1 passed). */
void km_kswapd_finish(KmSystem *sys, KmKswapdResult *acc);
/* km_kswapd_finish() with a fresh result (priority KM_KSWAPD_DEF_PRIORITY + 1 when no pass ran) */
KmKswapdResult km_kswapd_run(KmSystem *sys);

G_END_DECLS
