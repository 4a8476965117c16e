/* kernel-model/km-util.h: mm/util.c __vm_enough_memory() and vm_commit_limit(); mm/page_alloc.c watermarks. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

/* vm_commit_limit(): CommitLimit in pages */
KmPages km_vm_commit_limit(const KmSystem *sys);
/* __vm_enough_memory(): TRUE if `pages` more may be committed by mm (whose total_vm is before the new
 * mapping). On success Committed_AS has grown by pages; on failure it is unchanged. */
gboolean km_vm_enough_memory(KmSystem *sys, const KmMm *mm, KmPages pages, gboolean cap_sys_admin);
/* init_per_zone_wmark_min(): the default vm.min_free_kbytes for a machine of totalram pages */
void km_default_reserves(KmMachine *m, KmPages free_pages);
guint64 km_default_min_free_kbytes(KmPages totalram_pages, guint page_size);
/* The zones, their watermarks (__setup_per_zone_wmarks()) and lowmem_reserve (setup_per_zone_lowmem_reserve())
 * from totalram_pages and min_free_kbytes, unless machine.zones_given. Called once the sysctls are applied
 * (the kernel computes the watermarks again when vm.min_free_kbytes is written; the reserve does not depend
 * on it). */
void km_zones_setup(KmSystem *sys);
/* WMARK_MIN summed over the zones */
KmPages km_wmark_min_pages(const KmSystem *sys);
/* free pages at which an order-0 GFP_HIGHUSER_MOVABLE allocation fails in every zone: sum of min + reserve */
KmPages km_alloc_floor_pages(const KmSystem *sys);
/* free pages at or below which the allocator's fast path (ALLOC_WMARK_LOW) fails in every zone and wakes kswapd:
 * sum of low + reserve */
KmPages km_low_mark_pages(const KmSystem *sys);
/* calculate_totalreserve_pages() */
KmPages km_totalreserve_pages(const KmSystem *sys);
/* si_mem_available(): /proc/meminfo MemAvailable in pages (see km-util.c) */
KmPages km_si_mem_available(const KmSystem *sys);
/* MemFree: pages not held by the kernel (incl. its per-process memory), anon, page cache, shmem or page tables */
KmPages km_free_pages(const KmSystem *sys);

G_END_DECLS
