/* kernel-model/km-vmscan.h: mm/vmscan.c reclaim as the OOM path sees it (try_to_free_pages(),
 * try_to_free_mem_cgroup_pages()). */
#pragma once

#include "km.h"

G_BEGIN_DECLS

typedef struct {
  KmPages file;     /* clean page cache dropped */
  KmPages swapped;  /* anon pages written to swap */
  guint memcgs_visited; /* the memcgs of the domain the pass walked (shrink_node_memcgs()): its cost, which the
                         * simulator counts against its work bound */
} KmReclaimResult;

/* Reclaims up to nr pages from target's subtree (NULL: the whole machine): clean page cache first, then anon
 * pages to swap when may_swap and there is swap room. */
KmReclaimResult km_reclaim(KmSystem *sys, KmMemcg *target, KmPages nr, gboolean may_swap);
/* The pages reclaim of target's subtree (NULL: the machine) would scan at priority 0: its page cache, and its anon
 * and shmem pages when they may go to swap (get_scan_count(): SCAN_FILE without swap room or with swappiness 0
 * where that forbids anon). Machine-wide only (target NULL) in this version. */
KmPages km_reclaim_lru_pages(const KmSystem *sys, gboolean may_swap);

G_END_DECLS
