/* kernel-model/km-memcg-high.h: memory.high (cgroup v2): try_charge_memcg()'s per-CPU stock refills and
 * mem_cgroup_handle_over_high() (mm/memcontrol.c, kernel 6.1 with the profile's differences). */
#pragma once

#include "km.h"

G_BEGIN_DECLS

/* CONFIG_HZ of the kernels the profiles stand for (Debian's and Ubuntu's x86-64 configs: 250). */
#define KM_HZ 250
#define KM_NS_PER_JIFFY (G_GUINT64_CONSTANT(1000000000) / KM_HZ)

typedef struct {
  guint64 penalty_jiffies; /* slept in schedule_timeout_killable(); 0: no sleep */
  guint reclaim_calls;     /* reclaim_high() calls */
  KmPages file, swapped;   /* what they reclaimed */
} KmHighResult;

/* How many single-page charges to memcg can go before (and including) the first stock refill that finds the
 * memcg or an ancestor above memory.high; KM_PAGES_MAX when none can (no memory.high along the hierarchy). */
KmPages km_memcg_high_charge_room(const KmSystem *sys, const KmMemcg *memcg);
/* n single-page charges to memcg through the stock (consume_stock(), refill_stock()); returns the number of
 * refills, each of which charged MEMCG_CHARGE_BATCH pages ahead to the page counter. */
KmPages km_memcg_stock_charge(KmSystem *sys, KmMemcg *memcg, KmPages n);
/* drain_all_stock(): the charge path found a counter at its limit. */
void km_memcg_stock_drain(KmSystem *sys);
/* try_charge_memcg()'s done_restock loop: is memcg or an ancestor above memory.high (page counter with the stock)? */
gboolean km_memcg_over_high(const KmSystem *sys, const KmMemcg *memcg);
/* calculate_overage() + calculate_high_delay() for the largest overage along the hierarchy (mem_find_max_overage()),
 * clamped to MEMCG_MAX_HIGH_DELAY_JIFFIES. */
guint64 km_memcg_high_delay(const KmSystem *sys, const KmMemcg *memcg, KmPages nr_pages);
/* mem_cgroup_handle_over_high() for the mm's memcg and nr_pages = current->memcg_nr_pages_over_high. */
KmHighResult km_memcg_handle_over_high(KmSystem *sys, KmMemcg *memcg, KmPages nr_pages);

G_END_DECLS
