/* reports/dmesg.c: the kernel log of a run: the lines mm/oom_kill.c, mm/memcontrol.c, mm/show_mem.c and
 * mm/util.c print for the same events, in the printk formats of the profile's kernel version
 * (docs/research/kernel-sources.md, section 12, has every format string verbatim; KmProfile says which one a
 * version uses). The records around the killer lines follow their version too (issue 11): show_free_areas()'s
 * Mem-Info record, show_swap_cache_info(), show_mem()'s totals with the build-option lines of the fleet's kernel,
 * and the memcg memory.stat key list, each read in that version's mm/page_alloc.c, mm/show_mem.c,
 * mm/swap_state.c, lib/show_mem.c and mm/memcontrol.c (docs/research/kernel-sources.md, section 13).
 *
 * What a real log has and this one does not (docs/report-formats.md): dump_stack() (the CPU, Hardware name,
 * Call Trace, register and Code lines), the per-node, per-zone and (3.10) per-CPU lines of show_mem() and the
 * buddy lists:
 * they describe the hardware and the build, not the OOM decision. The timestamp is the virtual clock
 * ("[%5lu.%06lu] "), which starts at 0 when the trace starts. Every line of a multi-line record carries the
 * record's timestamp, as the console and dmesg(1) print it.
 */
#include "report-private.h"

#include "../kernel-model/km-memcg.h"
#include "../kernel-model/km-util.h"
#include "../kernel-model/km-pcp.h"

#include <stdarg.h>

struct _ReportDmesg {
  GString *out;
};

ReportDmesg *report_dmesg_new(GString *out)
{
  ReportDmesg *dmesg = g_new0(ReportDmesg, 1);
  dmesg->out = out;
  return dmesg;
}

void report_dmesg_free(ReportDmesg *dmesg)
{
  g_free(dmesg);
}

/* One printk line: "[    1.000000] text\n". */
static void kline(GString *out, guint64 time_ns, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void kline(GString *out, guint64 time_ns, const char *fmt, ...)
{
  va_list args;
  report_append_timestamp(out, time_ns);
  g_string_append_c(out, ' ');
  va_start(args, fmt);
  g_string_append_vprintf(out, fmt, args);
  va_end(args);
  g_string_append_c(out, '\n');
}

/* K(x): pages -> kB */
static guint64 K(const KmSystem *sys, KmPages pages)
{
  return km_pages_to_kb(sys, MAX(pages, 0));
}

/* A page_counter's max in kB: "max" is PAGE_COUNTER_MAX (LONG_MAX / PAGE_SIZE pages), which real logs print
 * as 9007199254740988kB on x86-64. */
static guint64 limit_kb(const KmSystem *sys, KmPages max)
{
  if (max == KM_PAGES_MAX)
    return K(sys, (KmPages)(G_MAXINT64 / sys->machine.page_size));
  return K(sys, max);
}

/* The gfp_mask and its %pGg flag names. The model passes two allocations: the memcg charge of a user page
 * (GFP_KERNEL) and the anon page fault (GFP_HIGHUSER_MOVABLE|__GFP_ZERO, plus __GFP_COMP from 6.x's
 * vma_alloc_folio()). The bit values changed over time; each version's are those its own logs show. */
static void gfp_for_profile(const KmProfile *prof, guint gfp, guint *out_mask, const char **out_names)
{
  gboolean anon = gfp == KM_GFP_HIGHUSER_MOVABLE;
  if (gfp != KM_GFP_KERNEL && !anon) {
    *out_mask = gfp;
    *out_names = "";
  } else if (prof->version >= KM_KVER(6, 0)) {
    *out_mask = anon ? 0x140dcau : 0xcc0u;
    *out_names = anon ? "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO" : "GFP_KERNEL";
  } else if (prof->version >= KM_KVER(5, 0)) {
    *out_mask = anon ? 0x100dcau : 0xcc0u;
    *out_names = anon ? "GFP_HIGHUSER_MOVABLE|__GFP_ZERO" : "GFP_KERNEL";
  } else if (prof->version >= KM_KVER(4, 15)) {
    *out_mask = anon ? 0x6280cau : 0x6000c0u;
    *out_names = anon ? "GFP_HIGHUSER_MOVABLE|__GFP_ZERO" : "GFP_KERNEL";
  } else if (prof->version >= KM_KVER(4, 0)) {
    /* v4.14 include/linux/gfp.h, before __GFP_COLD and __GFP_NOTRACK went (4.15): ___GFP_DIRECT_RECLAIM 0x400000,
     * ___GFP_KSWAPD_RECLAIM 0x1000000, so GFP_KERNEL = 0x14000c0 and GFP_HIGHUSER_MOVABLE = 0x14200ca (as the 4.14.67
     * report tests/corpus/kata-1310-4.14-memcg-nodemask prints it), | __GFP_ZERO 0x8000 */
    *out_mask = anon ? 0x14280cau : 0x14000c0u;
    *out_names = anon ? "GFP_HIGHUSER_MOVABLE|__GFP_ZERO" : "GFP_KERNEL";
  } else {
    *out_mask = anon ? 0x280dau : 0xd0u;
    *out_names = NULL; /* 3.10 prints the mask only */
  }
}

/* The task the kernel calls `current`. An OOM from a cgroup-set step (memory_max_write()) runs in the task
 * that wrote the file: on the VM harness that is the agent, pid 1 "init". */
static void current_task(const KmSystem *sys, const OomControl *oc, const char **out_comm, int *out_adj)
{
  const KmTask *cur = oc->current;
  if (!cur)
    cur = km_system_find_task(sys, 1);
  *out_comm = cur ? cur->comm : "init";
  *out_adj = cur ? cur->oom_score_adj : 0;
}

static void print_invoked(GString *out, const KmSystem *sys, guint64 t, const OomControl *oc)
{
  const KmProfile *prof = sys->profile;
  const char *comm, *names;
  int adj;
  guint mask;
  current_task(sys, oc, &comm, &adj);
  gfp_for_profile(prof, oc->gfp_mask, &mask, &names);
  if (!names)
    kline(out, t, "%s invoked oom-killer: gfp_mask=0x%x, order=%d, oom_score_adj=%hd", comm, mask, oc->order,
          (short)adj);
  else if (prof->invoked_has_nodemask)
    /* 4.8-4.18 print the nodemask with pr_cont() and then ",  order=" with two blanks (v4.14 dump_header()) */
    kline(out, t, "%s invoked oom-killer: gfp_mask=%#x(%s), nodemask=(null),%s order=%d, oom_score_adj=%hd", comm,
          mask, names, prof->invoked_order_two_spaces ? " " : "", oc->order, (short)adj);
  else
    kline(out, t, "%s invoked oom-killer: gfp_mask=%#x(%s), order=%d, oom_score_adj=%hd", comm, mask, names,
          oc->order, (short)adj);
  /* before 5.0 the cpuset of current is a line of its own (cpuset_print_current_mems_allowed()) */
  if (!prof->has_oom_kill_summary)
    kline(out, t, "%s cpuset=/ mems_allowed=0", comm);
}

/* Free pages: the buddy lists and the per-CPU lists */
static KmPages free_pages_of(const KmSystem *sys)
{
  return km_buddy_free_pages(sys) + km_pcp_count(sys);
}

/* ---------------------------------------------------------------- memcg information */

typedef enum {
  STAT_ZERO,
  STAT_ANON,
  STAT_FILE,     /* NR_FILE_PAGES: page cache including shmem */
  STAT_KERNEL,   /* MEMCG_KMEM: page tables and the mm's other charged kernel memory (KmMm.base_kmem) */
  STAT_PGTABLES,
  STAT_SHMEM,
  STAT_INACTIVE_ANON, /* anon and shmem pages sit on the anon LRU; the model has no active list */
  STAT_INACTIVE_FILE,
} StatValue;

/* A key of memory.stat: printed when its build option is on (memory_stats[]'s #ifdefs) */
typedef enum {
  COND_ALWAYS,
  COND_ZSWAP,         /* CONFIG_ZSWAP (and CONFIG_MEMCG_KMEM before 6.12) */
  COND_NUMA_BALANCING,
} StatCond;

typedef struct {
  const char *name;
  StatValue value;
  StatCond cond;
} StatKey;

#define STAT_END { NULL, STAT_ZERO, COND_ALWAYS }

/* memory_stat_format() of 5.4 (31 keys in its own order: seq_buf_printf() calls, the LRU lists by
 * mem_cgroup_lru_names[], the memcg events); read in 5.4.301 */
static const StatKey memory_stat_5_4[] = {
  { "anon", STAT_ANON, 0 }, { "file", STAT_FILE, 0 }, { "kernel_stack", STAT_ZERO, 0 }, { "slab", STAT_ZERO, 0 },
  { "sock", STAT_ZERO, 0 }, { "shmem", STAT_SHMEM, 0 }, { "file_mapped", STAT_ZERO, 0 },
  { "file_dirty", STAT_ZERO, 0 }, { "file_writeback", STAT_ZERO, 0 }, { "anon_thp", STAT_ZERO, 0 },
  { "inactive_anon", STAT_INACTIVE_ANON, 0 }, { "active_anon", STAT_ZERO, 0 },
  { "inactive_file", STAT_INACTIVE_FILE, 0 }, { "active_file", STAT_ZERO, 0 }, { "unevictable", STAT_ZERO, 0 },
  { "slab_reclaimable", STAT_ZERO, 0 }, { "slab_unreclaimable", STAT_ZERO, 0 }, { "pgfault", STAT_ZERO, 0 },
  { "pgmajfault", STAT_ZERO, 0 }, { "workingset_refault", STAT_ZERO, 0 }, { "workingset_activate", STAT_ZERO, 0 },
  { "workingset_nodereclaim", STAT_ZERO, 0 }, { "pgrefill", STAT_ZERO, 0 }, { "pgscan", STAT_ZERO, 0 },
  { "pgsteal", STAT_ZERO, 0 }, { "pgactivate", STAT_ZERO, 0 }, { "pgdeactivate", STAT_ZERO, 0 },
  { "pglazyfree", STAT_ZERO, 0 }, { "pglazyfreed", STAT_ZERO, 0 }, { "thp_fault_alloc", STAT_ZERO, 0 },
  { "thp_collapse_alloc", STAT_ZERO, 0 }, STAT_END,
};

/* The tail of 5.10's and 5.15's list: the workingset counters of memory_stats[], then the events */
#define MEMORY_STATS_5_X_TAIL                                                                                       \
  { "workingset_refault_anon", STAT_ZERO, 0 }, { "workingset_refault_file", STAT_ZERO, 0 },                         \
    { "workingset_activate_anon", STAT_ZERO, 0 }, { "workingset_activate_file", STAT_ZERO, 0 },                     \
    { "workingset_restore_anon", STAT_ZERO, 0 }, { "workingset_restore_file", STAT_ZERO, 0 },                       \
    { "workingset_nodereclaim", STAT_ZERO, 0 }, { "pgfault", STAT_ZERO, 0 }, { "pgmajfault", STAT_ZERO, 0 },        \
    { "pgrefill", STAT_ZERO, 0 }, { "pgscan", STAT_ZERO, 0 }, { "pgsteal", STAT_ZERO, 0 },                          \
    { "pgactivate", STAT_ZERO, 0 }, { "pgdeactivate", STAT_ZERO, 0 }, { "pglazyfree", STAT_ZERO, 0 },               \
    { "pglazyfreed", STAT_ZERO, 0 }, { "thp_fault_alloc", STAT_ZERO, 0 }, { "thp_collapse_alloc", STAT_ZERO, 0 },   \
    STAT_END

/* 5.10 (5.10.265): memory_stats[] (slab after slab_unreclaimable), then the events printed one by one */
static const StatKey memory_stat_5_10[] = {
  { "anon", STAT_ANON, 0 }, { "file", STAT_FILE, 0 }, { "kernel_stack", STAT_ZERO, 0 }, { "percpu", STAT_ZERO, 0 },
  { "sock", STAT_ZERO, 0 }, { "shmem", STAT_SHMEM, 0 }, { "file_mapped", STAT_ZERO, 0 },
  { "file_dirty", STAT_ZERO, 0 }, { "file_writeback", STAT_ZERO, 0 }, { "anon_thp", STAT_ZERO, 0 },
  { "inactive_anon", STAT_INACTIVE_ANON, 0 }, { "active_anon", STAT_ZERO, 0 },
  { "inactive_file", STAT_INACTIVE_FILE, 0 }, { "active_file", STAT_ZERO, 0 }, { "unevictable", STAT_ZERO, 0 },
  { "slab_reclaimable", STAT_ZERO, 0 }, { "slab_unreclaimable", STAT_ZERO, 0 }, { "slab", STAT_ZERO, 0 },
  MEMORY_STATS_5_X_TAIL,
};

/* 5.15 (5.15.215): adds pagetables, swapcached, file_thp, shmem_thp; no kernel, sec_pagetables, vmalloc */
static const StatKey memory_stat_5_15[] = {
  { "anon", STAT_ANON, 0 }, { "file", STAT_FILE, 0 }, { "kernel_stack", STAT_ZERO, 0 },
  { "pagetables", STAT_PGTABLES, 0 }, { "percpu", STAT_ZERO, 0 }, { "sock", STAT_ZERO, 0 },
  { "shmem", STAT_SHMEM, 0 }, { "file_mapped", STAT_ZERO, 0 }, { "file_dirty", STAT_ZERO, 0 },
  { "file_writeback", STAT_ZERO, 0 }, { "swapcached", STAT_ZERO, 0 }, { "anon_thp", STAT_ZERO, 0 },
  { "file_thp", STAT_ZERO, 0 }, { "shmem_thp", STAT_ZERO, 0 }, { "inactive_anon", STAT_INACTIVE_ANON, 0 },
  { "active_anon", STAT_ZERO, 0 }, { "inactive_file", STAT_INACTIVE_FILE, 0 }, { "active_file", STAT_ZERO, 0 },
  { "unevictable", STAT_ZERO, 0 }, { "slab_reclaimable", STAT_ZERO, 0 }, { "slab_unreclaimable", STAT_ZERO, 0 },
  { "slab", STAT_ZERO, 0 }, MEMORY_STATS_5_X_TAIL,
};

/* The head of memory_stats[] shared by 6.1, 6.6 and 6.12 (the order and names of the 6.1 reference log,
 * shared/reference/kernel-6.1-vm) */
#define MEMORY_STATS_6_X_HEAD                                                                                        \
  { "anon", STAT_ANON, 0 }, { "file", STAT_FILE, 0 }, { "kernel", STAT_KERNEL, 0 }, { "kernel_stack", STAT_ZERO, 0 }, \
    { "pagetables", STAT_PGTABLES, 0 }, { "sec_pagetables", STAT_ZERO, 0 }, { "percpu", STAT_ZERO, 0 },             \
    { "sock", STAT_ZERO, 0 }, { "vmalloc", STAT_ZERO, 0 }, { "shmem", STAT_SHMEM, 0 },                              \
    { "zswap", STAT_ZERO, COND_ZSWAP }, { "zswapped", STAT_ZERO, COND_ZSWAP }, { "file_mapped", STAT_ZERO, 0 },     \
    { "file_dirty", STAT_ZERO, 0 }, { "file_writeback", STAT_ZERO, 0 }, { "swapcached", STAT_ZERO, 0 },             \
    { "anon_thp", STAT_ZERO, 0 }, { "file_thp", STAT_ZERO, 0 }, { "shmem_thp", STAT_ZERO, 0 },                      \
    { "inactive_anon", STAT_INACTIVE_ANON, 0 }, { "active_anon", STAT_ZERO, 0 },                                    \
    { "inactive_file", STAT_INACTIVE_FILE, 0 }, { "active_file", STAT_ZERO, 0 }, { "unevictable", STAT_ZERO, 0 },   \
    { "slab_reclaimable", STAT_ZERO, 0 }, { "slab_unreclaimable", STAT_ZERO, 0 }, { "slab", STAT_ZERO, 0 },         \
    { "workingset_refault_anon", STAT_ZERO, 0 }, { "workingset_refault_file", STAT_ZERO, 0 },                       \
    { "workingset_activate_anon", STAT_ZERO, 0 }, { "workingset_activate_file", STAT_ZERO, 0 },                     \
    { "workingset_restore_anon", STAT_ZERO, 0 }, { "workingset_restore_file", STAT_ZERO, 0 },                       \
    { "workingset_nodereclaim", STAT_ZERO, 0 }

/* 6.1 (6.1.192): memory_stats[], pgscan, pgsteal, then memcg_vm_event_stat[] without pgpgin/pgpgout */
static const StatKey memory_stat_6_1[] = {
  MEMORY_STATS_6_X_HEAD, { "pgscan", STAT_ZERO, 0 }, { "pgsteal", STAT_ZERO, 0 },
  { "pgscan_kswapd", STAT_ZERO, 0 }, { "pgscan_direct", STAT_ZERO, 0 }, { "pgsteal_kswapd", STAT_ZERO, 0 },
  { "pgsteal_direct", STAT_ZERO, 0 }, { "pgfault", STAT_ZERO, 0 }, { "pgmajfault", STAT_ZERO, 0 },
  { "pgrefill", STAT_ZERO, 0 }, { "pgactivate", STAT_ZERO, 0 }, { "pgdeactivate", STAT_ZERO, 0 },
  { "pglazyfree", STAT_ZERO, 0 }, { "pglazyfreed", STAT_ZERO, 0 }, { "zswpin", STAT_ZERO, COND_ZSWAP },
  { "zswpout", STAT_ZERO, COND_ZSWAP }, { "thp_fault_alloc", STAT_ZERO, 0 }, { "thp_collapse_alloc", STAT_ZERO, 0 },
  STAT_END,
};

/* 6.6 (6.6.57): memcg_stat_format(): as 6.1 with the khugepaged scans */
/* 6.6 on: pgscan and pgsteal (with khugepaged's), then memcg_vm_event_stat[] up to pglazyfreed */
#define MEMORY_EVENTS_6_6_HEAD                                                                                       \
  { "pgscan", STAT_ZERO, 0 }, { "pgsteal", STAT_ZERO, 0 }, { "pgscan_kswapd", STAT_ZERO, 0 },                       \
    { "pgscan_direct", STAT_ZERO, 0 }, { "pgscan_khugepaged", STAT_ZERO, 0 }, { "pgsteal_kswapd", STAT_ZERO, 0 },   \
    { "pgsteal_direct", STAT_ZERO, 0 }, { "pgsteal_khugepaged", STAT_ZERO, 0 }, { "pgfault", STAT_ZERO, 0 },        \
    { "pgmajfault", STAT_ZERO, 0 }, { "pgrefill", STAT_ZERO, 0 }, { "pgactivate", STAT_ZERO, 0 },                   \
    { "pgdeactivate", STAT_ZERO, 0 }, { "pglazyfree", STAT_ZERO, 0 }, { "pglazyfreed", STAT_ZERO, 0 }

static const StatKey memory_stat_6_6[] = {
  MEMORY_STATS_6_X_HEAD, MEMORY_EVENTS_6_6_HEAD, { "zswpin", STAT_ZERO, COND_ZSWAP }, { "zswpout", STAT_ZERO, COND_ZSWAP },
  { "thp_fault_alloc", STAT_ZERO, 0 }, { "thp_collapse_alloc", STAT_ZERO, 0 }, STAT_END,
};

/* 6.8 (6.8.0 memcg_stat_format()): as 6.6, memcg_vm_event_stat[] adds zswpwb (with zswap), thp_swpout and
 * thp_swpout_fallback */
static const StatKey memory_stat_6_8[] = {
  MEMORY_STATS_6_X_HEAD, MEMORY_EVENTS_6_6_HEAD, { "zswpin", STAT_ZERO, COND_ZSWAP }, { "zswpout", STAT_ZERO, COND_ZSWAP },
  { "zswpwb", STAT_ZERO, COND_ZSWAP }, { "thp_fault_alloc", STAT_ZERO, 0 }, { "thp_collapse_alloc", STAT_ZERO, 0 },
  { "thp_swpout", STAT_ZERO, 0 }, { "thp_swpout_fallback", STAT_ZERO, 0 }, STAT_END,
};

/* 6.12 (6.12.19; Debian's 6.12 cloud config: CONFIG_NUMA_BALANCING=y, no CONFIG_ZSWAP): memory_stats[] adds
 * pgdemote_* and pgpromote_success, memcg_vm_event_stat[] swpin_zero, swpout_zero, zswpwb, thp_swpout* and numa_* */
static const StatKey memory_stat_6_12[] = {
  MEMORY_STATS_6_X_HEAD, { "pgdemote_kswapd", STAT_ZERO, 0 }, { "pgdemote_direct", STAT_ZERO, 0 },
  { "pgdemote_khugepaged", STAT_ZERO, 0 }, { "pgpromote_success", STAT_ZERO, COND_NUMA_BALANCING },
  MEMORY_EVENTS_6_6_HEAD, { "swpin_zero", STAT_ZERO, 0 }, { "swpout_zero", STAT_ZERO, 0 }, { "zswpin", STAT_ZERO, COND_ZSWAP },
  { "zswpout", STAT_ZERO, COND_ZSWAP }, { "zswpwb", STAT_ZERO, COND_ZSWAP }, { "thp_fault_alloc", STAT_ZERO, 0 },
  { "thp_collapse_alloc", STAT_ZERO, 0 }, { "thp_swpout", STAT_ZERO, 0 }, { "thp_swpout_fallback", STAT_ZERO, 0 },
  { "numa_pages_migrated", STAT_ZERO, COND_NUMA_BALANCING }, { "numa_pte_updates", STAT_ZERO, COND_NUMA_BALANCING },
  { "numa_hint_faults", STAT_ZERO, COND_NUMA_BALANCING }, STAT_END,
};

static const StatKey *memory_stat_keys(KmMemcgStatKind kind)
{
  switch (kind) {
  case KM_MEMCG_STAT_5_4:
    return memory_stat_5_4;
  case KM_MEMCG_STAT_5_10:
    return memory_stat_5_10;
  case KM_MEMCG_STAT_5_15:
    return memory_stat_5_15;
  case KM_MEMCG_STAT_6_6:
    return memory_stat_6_6;
  case KM_MEMCG_STAT_6_8:
    return memory_stat_6_8;
  case KM_MEMCG_STAT_6_12:
    return memory_stat_6_12;
  case KM_MEMCG_STAT_6_1:
  case KM_MEMCG_STAT_V1_LINE_3_10:
  case KM_MEMCG_STAT_V1_LINE_4_X:
  default:
    return memory_stat_6_1;
  }
}

static gboolean stat_cond_holds(const KmProfile *prof, StatCond cond)
{
  switch (cond) {
  case COND_ZSWAP:
    return prof->config_zswap;
  case COND_NUMA_BALANCING:
    return prof->config_numa_balancing;
  case COND_ALWAYS:
  default:
    return TRUE;
  }
}

static KmPages stat_pages(const ReportMemcgStat *s, StatValue v)
{
  switch (v) {
  case STAT_ANON:
    return s->anon;
  case STAT_FILE:
    return s->file + s->shmem;
  case STAT_KERNEL:
    return s->pgtables + s->kmem;
  case STAT_PGTABLES:
    return s->pgtables;
  case STAT_SHMEM:
    return s->shmem;
  case STAT_INACTIVE_ANON:
    return s->anon + s->shmem;
  case STAT_INACTIVE_FILE:
    return s->file;
  case STAT_ZERO:
  default:
    return 0;
  }
}

/* memcg1_stat_format() (6.6, a v1 memcg): the v1 memory.stat file, local counters then the hierarchical limits and
 * the total_ counters; CONFIG_TRANSPARENT_HUGEPAGE on (rss_huge), swap only with memsw accounting (on) */
static void print_memcg1_stat(GString *out, const KmSystem *sys, guint64 t, const KmMemcg *memcg,
                              const ReportMemcgStat *total)
{
  static const char *const events[] = { "pgpgin", "pgpgout", "pgfault", "pgmajfault" };
  static const char *const lru[] = { "inactive_anon", "active_anon", "inactive_file", "active_file", "unevictable" };
  guint64 ps = sys->machine.page_size;
  KmPages max = KM_PAGES_MAX, memsw_max = KM_PAGES_MAX;
  for (const KmMemcg *mi = memcg; mi; mi = mi->parent) {
    max = MIN(max, mi->max);
    memsw_max = MIN(memsw_max, mi->memsw_max);
  }
  for (int pass = 0; pass < 2; pass++) {
    const char *pre = pass ? "total_" : "";
    KmPages anon = pass ? total->anon : memcg->anon, file = pass ? total->file : memcg->file;
    KmPages shmem = pass ? total->shmem : memcg->shmem;
    KmPages swap = pass ? MAX(memcg->memsw_usage - memcg->usage, 0) : report_memcg_local_swap(memcg);
    guint64 v[] = { (guint64)(file + shmem), (guint64)anon, 0, (guint64)shmem, 0, 0, 0, 0, 0, (guint64)swap };
    static const char *const names[] = { "cache", "rss", "rss_huge", "shmem", "mapped_file", "dirty", "writeback",
                                         "workingset_refault_anon", "workingset_refault_file", "swap" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) /* workingset_refault_* are counts, the rest pages */
      kline(out, t, "%s%s %" G_GUINT64_FORMAT, pre, names[i], i == 7 || i == 8 ? v[i] : v[i] * ps);
    for (guint i = 0; i < G_N_ELEMENTS(events); i++)
      kline(out, t, "%s%s 0", pre, events[i]);
    guint64 lv[] = { (guint64)(anon + shmem), 0, (guint64)file, 0, 0 };
    for (guint i = 0; i < G_N_ELEMENTS(lru); i++)
      kline(out, t, "%s%s %" G_GUINT64_FORMAT, pre, lru[i], lv[i] * ps);
    if (!pass) {
      kline(out, t, "hierarchical_memory_limit %" G_GUINT64_FORMAT,
            (max == KM_PAGES_MAX ? (guint64)(G_MAXINT64 / (gint64)ps) : (guint64)max) * ps);
      kline(out, t, "hierarchical_memsw_limit %" G_GUINT64_FORMAT,
            (memsw_max == KM_PAGES_MAX ? (guint64)(G_MAXINT64 / (gint64)ps) : (guint64)memsw_max) * ps);
    }
  }
}

/* mem_cgroup_print_oom_meminfo(), 5.0+ */
static void print_memcg_meminfo(GString *out, const KmSystem *sys, guint64 t, const KmMemcg *memcg)
{
  const KmProfile *prof = sys->profile;
  ReportMemcgStat stat;
  report_memcg_stat(memcg, &stat);
  kline(out, t, "memory: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt %" G_GUINT64_FORMAT,
        K(sys, memcg->usage), limit_kb(sys, memcg->max), memcg->failcnt);
  if (memcg->version == 2) {
    kline(out, t, "swap: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt %" G_GUINT64_FORMAT,
          K(sys, memcg->swap_usage), limit_kb(sys, memcg->swap_max), memcg->swap_failcnt);
  } else {
    kline(out, t,
          "memory+swap: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt %" G_GUINT64_FORMAT,
          K(sys, memcg->memsw_usage), limit_kb(sys, memcg->memsw_max), memcg->memsw_failcnt);
    kline(out, t, "kmem: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt 0",
          K(sys, stat.pgtables), limit_kb(sys, KM_PAGES_MAX));
  }
  kline(out, t, "Memory cgroup stats for %s:", memcg->path);
  /* 6.6+: memory_stat_format() prints a v1 memcg's own memory.stat (memcg1_stat_format()) */
  if (memcg->version == 1 && prof->memcg_stat >= KM_MEMCG_STAT_6_6) {
    print_memcg1_stat(out, sys, t, memcg, &stat);
    return;
  }
  guint64 page_size = sys->machine.page_size;
  for (const StatKey *k = memory_stat_keys(prof->memcg_stat); k->name; k++)
    if (stat_cond_holds(prof, k->cond))
      kline(out, t, "%s %" G_GUINT64_FORMAT, k->name, (guint64)MAX(stat_pages(&stat, k->value), 0) * page_size);
}

/* One "Memory cgroup stats for PATH:" line per memcg of the subtree (for_each_mem_cgroup_tree, pre-order): 3.10's
 * mem_cgroup_stat_names[] (cache rss rss_huge mapped_file swap) or 4.x's memcg1_stat_names[] (adds shmem, dirty,
 * writeback), in KB, then mem_cgroup_lru_names[]; swap only with do_swap_account (the model accounts swap) */
static void memcg_v1_stats_tree(GString *out, const KmSystem *sys, guint64 t, const KmMemcg *memcg)
{
  guint64 cache = K(sys, memcg->file + memcg->shmem), rss = K(sys, memcg->anon);
  guint64 swap = K(sys, report_memcg_local_swap(memcg));
  guint64 inactive_anon = K(sys, memcg->anon + memcg->shmem), inactive_file = K(sys, memcg->file);
  if (sys->profile->memcg_stat == KM_MEMCG_STAT_V1_LINE_3_10)
    kline(out, t,
          "Memory cgroup stats for %s: cache:%" G_GUINT64_FORMAT "KB rss:%" G_GUINT64_FORMAT
          "KB rss_huge:0KB mapped_file:0KB swap:%" G_GUINT64_FORMAT "KB inactive_anon:%" G_GUINT64_FORMAT
          "KB active_anon:0KB inactive_file:%" G_GUINT64_FORMAT "KB active_file:0KB unevictable:0KB",
          memcg->path, cache, rss, swap, inactive_anon, inactive_file);
  else
    kline(out, t,
          "Memory cgroup stats for %s: cache:%" G_GUINT64_FORMAT "KB rss:%" G_GUINT64_FORMAT
          "KB rss_huge:0KB shmem:%" G_GUINT64_FORMAT "KB mapped_file:0KB dirty:0KB writeback:0KB swap:%" G_GUINT64_FORMAT
          "KB inactive_anon:%" G_GUINT64_FORMAT "KB active_anon:0KB inactive_file:%" G_GUINT64_FORMAT
          "KB active_file:0KB unevictable:0KB",
          memcg->path, cache, rss, K(sys, memcg->shmem), swap, inactive_anon, inactive_file);
  for (GList *l = memcg->children.head; l; l = l->next)
    memcg_v1_stats_tree(out, sys, t, l->data);
}

/* mem_cgroup_print_oom_info(), before 5.0: the "Task in" line, three counters, then one stats line per memcg
 * of the subtree with the v1 stat names in KB. 3.10 prints nothing without a task (`if (!p) return;`); 4.x says
 * "Memory limit reached of cgroup PATH" instead of the "Task in" line. */
static void print_memcg_info_v1(GString *out, const KmSystem *sys, guint64 t, const KmMemcg *memcg,
                                const KmTask *victim)
{
  ReportMemcgStat stat;
  report_memcg_stat(memcg, &stat);
  if (victim)
    kline(out, t, "Task in %s killed as a result of limit of %s", victim->memcg->path, memcg->path);
  else if (sys->profile->memcg_stat == KM_MEMCG_STAT_V1_LINE_3_10)
    return;
  else
    kline(out, t, "Memory limit reached of cgroup %s", memcg->path);
  kline(out, t, "memory: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt %" G_GUINT64_FORMAT,
        K(sys, memcg->usage), limit_kb(sys, memcg->max), memcg->failcnt);
  kline(out, t, "memory+swap: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt %" G_GUINT64_FORMAT,
        K(sys, memcg->memsw_usage), limit_kb(sys, memcg->memsw_max), memcg->memsw_failcnt);
  kline(out, t, "kmem: usage %" G_GUINT64_FORMAT "kB, limit %" G_GUINT64_FORMAT "kB, failcnt 0",
        K(sys, stat.pgtables), limit_kb(sys, KM_PAGES_MAX));
  memcg_v1_stats_tree(out, sys, t, memcg);
}

/* show_free_areas()'s global counters record, per version (KmMeminfoKind; continuation lines start with a space,
 * as the kernel's format string does). The model has one LRU list per type (inactive) and no slab, dirty or
 * writeback pages. */
static void print_free_areas_record(GString *out, const KmSystem *sys, guint64 t)
{
  const KmMachine *m = &sys->machine;
  KmMeminfoKind kind = sys->profile->meminfo;
  KmPages free_pages = km_buddy_free_pages(sys);
  kline(out, t, "active_anon:0 inactive_anon:%" G_GINT64_FORMAT " isolated_anon:0", m->anon + m->shmem);
  kline(out, t, " active_file:0 inactive_file:%" G_GINT64_FORMAT " isolated_file:0", m->file);
  if (kind == KM_MEMINFO_3_10) {
    kline(out, t, " unevictable:0 dirty:0 writeback:0 unstable:0");
    kline(out, t, " free:%" G_GINT64_FORMAT " slab_reclaimable:0 slab_unreclaimable:0", free_pages);
    kline(out, t, " mapped:0 shmem:%" G_GINT64_FORMAT " pagetables:%" G_GINT64_FORMAT " bounce:0", m->shmem,
          m->pgtables);
    kline(out, t, " free_cma:0");
    return;
  }
  kline(out, t, kind == KM_MEMINFO_4_X ? " unevictable:0 dirty:0 writeback:0 unstable:0" : " unevictable:0 dirty:0 writeback:0");
  kline(out, t, " slab_reclaimable:0 slab_unreclaimable:0");
  if (kind == KM_MEMINFO_6_X) {
    kline(out, t, " mapped:0 shmem:%" G_GINT64_FORMAT " pagetables:%" G_GINT64_FORMAT, m->shmem, m->pgtables);
    kline(out, t, " sec_pagetables:0 bounce:0");
  } else {
    kline(out, t, " mapped:0 shmem:%" G_GINT64_FORMAT " pagetables:%" G_GINT64_FORMAT " bounce:0", m->shmem,
          m->pgtables);
  }
  if (kind == KM_MEMINFO_5_15 || kind == KM_MEMINFO_6_X)
    kline(out, t, " kernel_misc_reclaimable:0");
  kline(out, t, " free:%" G_GINT64_FORMAT " free_pcp:%" G_GINT64_FORMAT " free_cma:0", free_pages, km_pcp_count(sys));
}

/* show_mem(): "Mem-Info:", show_free_areas() (the record above; then "N total pagecache pages" and
 * show_swap_cache_info()), and the RAM totals. The per-node, per-zone, buddy-list and (3.10) per-CPU lines are
 * left out: they describe the hardware's zones, which the model has as one (docs/report-formats.md). The model has
 * no swap cache: its pages and the "Swap cache stats" counters (add, delete, find) are 0. */
static void print_show_mem(GString *out, const KmSystem *sys, guint64 t)
{
  const KmProfile *prof = sys->profile;
  const KmMachine *m = &sys->machine;
  kline(out, t, "Mem-Info:");
  print_free_areas_record(out, sys, t);
  kline(out, t, "%" G_GINT64_FORMAT " total pagecache pages", m->file + m->shmem);
  kline(out, t, "0 pages in swap cache");
  if (prof->has_swap_cache_stats)
    kline(out, t, "Swap cache stats: add 0, delete 0, find 0/0");
  kline(out, t, "Free swap  = %" G_GUINT64_FORMAT "kB", K(sys, m->total_swap_pages - m->swap_used));
  kline(out, t, "Total swap = %" G_GUINT64_FORMAT "kB", K(sys, m->total_swap_pages));
  kline(out, t, "%" G_GINT64_FORMAT " pages RAM", m->totalram_pages);
  if (prof->show_mem_shared_lines) {
    /* 3.10 lib/show_mem.c walks every page: reserved, shared (page_count > 1) and non-shared (page_count == 1);
     * the model's pages are never shared, so every page in use is non-shared ("HighMem" only with CONFIG_HIGHMEM) */
    kline(out, t, "0 pages reserved");
    kline(out, t, "0 pages shared");
    kline(out, t, "%" G_GINT64_FORMAT " pages non-shared", MAX(m->totalram_pages - free_pages_of(sys), 0));
    return;
  }
  kline(out, t, "0 pages HighMem/MovableOnly");
  kline(out, t, "0 pages reserved");
  if (prof->config_cma)
    kline(out, t, "0 pages cma reserved");
  if (prof->config_memory_failure)
    kline(out, t, "0 pages hwpoisoned");
}

/* ---------------------------------------------------------------- dump_tasks() */

static gint row_by_task_list_order(gconstpointer a, gconstpointer b)
{
  const KmOomRow *ra = *(const KmOomRow *const *)a;
  const KmOomRow *rb = *(const KmOomRow *const *)b;
  return ra->task->seq < rb->task->seq ? -1 : ra->task->seq > rb->task->seq;
}

static void print_task_row(GString *out, const KmSystem *sys, guint64 t, const KmOomRow *row)
{
  const KmTask *task = row->task;
  short adj = (short)row->oom_score_adj;
  switch (sys->profile->taskdump) {
  case KM_TASKDUMP_NR_PTES:
    kline(out, t, "[%5d] %5u %5d %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
          "         %5hd %s",
          task->pid, task->uid, km_task_tgid(task), row->total_vm, row->rss, row->pgtables, row->swapents, adj, task->comm);
    break;
  case KM_TASKDUMP_NR_PTES_PMDS: /* v4.14 dump_tasks(): "[%5d] %5d %5d %8lu %8lu %7ld %7ld %8lu         %5hd %s" */
    kline(out, t, "[%5d] %5u %5d %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %7" G_GINT64_FORMAT " %7" G_GINT64_FORMAT
          " %8" G_GINT64_FORMAT "         %5hd %s",
          task->pid, task->uid, km_task_tgid(task), row->total_vm, row->rss, row->pgtables - row->nr_pmds, row->nr_pmds,
          row->swapents, adj, task->comm);
    break;
  case KM_TASKDUMP_RSS_SPLIT:
    kline(out, t, "[%7d] %5u %5d %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
          " %9" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT "         %5hd %s",
          task->pid, task->uid, km_task_tgid(task), row->total_vm, row->rss, row->anon_rss, row->file_rss, row->shmem_rss,
          row->pgtables * (KmPages)sys->machine.page_size, row->swapents, adj, task->comm);
    break;
  case KM_TASKDUMP_PGTABLES:
  default:
    kline(out, t, "[%7d] %5u %5d %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT " %8" G_GINT64_FORMAT
          "         %5hd %s",
          task->pid, task->uid, km_task_tgid(task), row->total_vm, row->rss, row->pgtables * (KmPages)sys->machine.page_size,
          row->swapents, adj, task->comm);
    break;
  }
}

static void print_dump_tasks(GString *out, const KmSystem *sys, guint64 t, const OomControl *oc)
{
  const KmProfile *prof = sys->profile;
  if (prof->taskdump_has_state_line)
    kline(out, t, "Tasks state (memory values in pages):");
  switch (prof->taskdump) {
  case KM_TASKDUMP_NR_PTES:
    kline(out, t, "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name");
    break;
  case KM_TASKDUMP_NR_PTES_PMDS:
    kline(out, t, "[ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name");
    break;
  case KM_TASKDUMP_RSS_SPLIT:
    kline(out, t, "[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents "
                  "oom_score_adj name");
    break;
  case KM_TASKDUMP_PGTABLES:
  default:
    kline(out, t, "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name");
    break;
  }
  g_autoptr(GPtrArray) rows = g_ptr_array_new();
  for (guint i = 0; i < oc->rows->len; i++) {
    const KmOomRow *row = &g_array_index(oc->rows, KmOomRow, i);
    if (row->in_dump)
      g_ptr_array_add(rows, (gpointer)row);
  }
  /* before 5.0 dump_tasks() walks for_each_process even for a memcg OOM (skipping other memcgs' tasks); from
   * 5.0 a memcg OOM dumps in mem_cgroup_scan_tasks() order, which is the order of the rows */
  if (!prof->has_oom_kill_summary)
    g_ptr_array_sort(rows, row_by_task_list_order);
  for (guint i = 0; i < rows->len; i++)
    print_task_row(out, sys, t, rows->pdata[i]);
}

/* dump_oom_summary() (5.0-6.11) / dump_oom_victim() (6.12): the same line */
static void print_oom_summary(GString *out, guint64 t, const OomControl *oc, const KmTask *victim)
{
  g_autofree char *domain = oc->memcg ? g_strdup_printf("oom_memcg=%s", oc->memcg->path) : g_strdup("global_oom");
  kline(out, t, "oom-kill:constraint=%s,nodemask=(null),cpuset=/,mems_allowed=0,%s,task_memcg=%s,task=%s,pid=%d,uid=%u",
        km_constraint_names[oc->constraint], domain, victim->memcg->path, victim->comm, victim->pid, victim->uid);
}

/* dump_header(oc, p): p is the chosen task, NULL for a panic or when nothing is killable */
static void print_dump_header(GString *out, const KmSystem *sys, guint64 t, const OomControl *oc, const KmTask *p)
{
  print_invoked(out, sys, t, oc);
  /* dump_stack(): left out (hardware and build specific) */
  if (oc->memcg && !oc->dump_global) {
    if (sys->profile->memcg_v1_task_in_line)
      print_memcg_info_v1(out, sys, t, oc->memcg, p);
    else
      print_memcg_meminfo(out, sys, t, oc->memcg);
  } else {
    print_show_mem(out, sys, t);
  }
  print_dump_tasks(out, sys, t, oc);
  if (p && sys->profile->has_oom_kill_summary)
    print_oom_summary(out, t, oc, p);
}

/* ---------------------------------------------------------------- oom_kill_process() */

static void print_killed(GString *out, const KmSystem *sys, guint64 t, const OomControl *oc, const KmKill *kill)
{
  const KmProfile *prof = sys->profile;
  GString *text = g_string_new(NULL);
  if (prof->killed_has_prefix)
    g_string_append_printf(text, "%s: ", oc->kill_message ? oc->kill_message : "Out of memory");
  if (prof->killed_rhel7_uid) /* RHEL 7.9 */
    g_string_append_printf(text, "Killed process %d (%s), UID %d, total-vm:%" G_GUINT64_FORMAT "kB, anon-rss:%"
                           G_GUINT64_FORMAT "kB, file-rss:%" G_GUINT64_FORMAT "kB",
                           kill->task->pid, kill->task->comm, (int)kill->task->uid, K(sys, kill->total_vm),
                           K(sys, kill->anon_rss), K(sys, kill->file_rss));
  else
    g_string_append_printf(text,
                           "Killed process %d (%s) total-vm:%" G_GUINT64_FORMAT "kB, anon-rss:%" G_GUINT64_FORMAT
                           "kB, file-rss:%" G_GUINT64_FORMAT "kB",
                           kill->task->pid, kill->task->comm, K(sys, kill->total_vm), K(sys, kill->anon_rss),
                           K(sys, kill->file_rss));
  if (prof->killed_has_shmem)
    g_string_append_printf(text, ", shmem-rss:%" G_GUINT64_FORMAT "kB", K(sys, kill->shmem_rss));
  if (prof->killed_has_uid)
    g_string_append_printf(text, ", UID:%u", kill->task->uid);
  if (prof->killed_has_pgtables_adj)
    g_string_append_printf(text, " pgtables:%" G_GUINT64_FORMAT "kB oom_score_adj:%hd", K(sys, kill->pgtables),
                           (short)kill->oom_score_adj);
  kline(out, t, "%s", text->str);
  g_string_free(text, TRUE);
}

static void print_kills(GString *out, const KmSystem *sys, guint64 t, const OomControl *oc)
{
  const KmProfile *prof = sys->profile;
  gboolean group_line = FALSE;

  if (prof->sacrifice_child && oc->sacrificed_for) {
    /* the allocating-task path never sets chosen_points: the kernel prints 0 */
    glong score = oc->action == KM_OOM_KILLED_ALLOCATING ? 0 : oc->sacrificed_for_score;
    if (prof->version < KM_KVER(4, 0))
      kline(out, t, "%s: Kill process %d (%s) score %d or sacrifice child", oc->kill_message, oc->sacrificed_for->pid,
            oc->sacrificed_for->comm, (int)score);
    else
      kline(out, t, "%s: Kill process %d (%s) score %u or sacrifice child", oc->kill_message, oc->sacrificed_for->pid,
            oc->sacrificed_for->comm, (guint)score);
  }
  for (guint i = 0; i < oc->kills->len; i++) {
    const KmKill *kill = &g_array_index(oc->kills, KmKill, i);
    if (kill->kind == KM_KILL_OOM_GROUP && !group_line && oc->oom_group) {
      /* mem_cgroup_print_oom_group(), after the victim's own kill */
      kline(out, t, "Tasks in %s are going to be killed due to memory.oom.group set", oc->oom_group->path);
      group_line = TRUE;
    }
    if (kill->kind == KM_KILL_SHARES_MM) {
      if (prof->sharers_kill_line)
        kline(out, t, "Kill process %d (%s) sharing same memory", kill->task->pid, kill->task->comm);
    } else if (kill->printed) {
      print_killed(out, sys, t, oc, kill);
    }
    /* "has mm pinned by" came with the OOM reaper's can_oom_reap (4.6); 3.10 has neither */
    if (kill->pinned_by && prof->has_oom_reaper)
      kline(out, t, "oom killer %d (%s) has mm pinned by %d (%s)", kill->task->pid, kill->task->comm,
            kill->pinned_by->pid, kill->pinned_by->comm);
  }
  if (oc->oom_group && !group_line)
    kline(out, t, "Tasks in %s are going to be killed due to memory.oom.group set", oc->oom_group->path);
}

static void print_oom(GString *out, const KmSystem *sys, guint64 t, const OomControl *oc)
{
  switch (oc->action) {
  case KM_OOM_KILLED:
  case KM_OOM_KILLED_ALLOCATING:
    if (oc->dumped)
      print_dump_header(out, sys, t, oc, oc->chosen);
    print_kills(out, sys, t, oc);
    break;
  case KM_OOM_NO_KILLABLE:
    if (!oc->dumped) /* 3.10's memcg OOM with nothing killable: no report */
      break;
    print_dump_header(out, sys, t, oc, NULL);
    /* 3.10 panics with this text instead (the PANIC event prints it) */
    if (!sys->profile->no_killable_always_panics)
      kline(out, t, "Out of memory and no killable processes...");
    break;
  case KM_OOM_PANIC:
    /* check_panic_on_oom(): dump_header(oc, NULL), then panic() (the PANIC event) */
    print_dump_header(out, sys, t, oc, NULL);
    break;
  case KM_OOM_CURRENT_EXITING:
  case KM_OOM_VICTIM_EXITING:
  case KM_OOM_GFP_NOFS:
  case KM_OOM_ABORTED:
  default:
    /* silent in the kernel: no report */
    break;
  }
}

/* __vm_enough_memory()'s ratelimited warning, per version */
static void print_vm_warning(GString *out, const KmSystem *sys, const SimEvent *ev)
{
  if (!ev->task || !ev->enomem_overcommit) /* get_unmapped_area() prints nothing */
    return;
  switch (sys->profile->vm_warning) {
  case KM_VM_WARN_NO_ENOUGH:
    kline(out, ev->time_ns, "__vm_enough_memory: pid: %d, comm: %s, no enough memory for the allocation", ev->task->pid,
          ev->task->comm);
    break;
  case KM_VM_WARN_NOT_ENOUGH:
    kline(out, ev->time_ns, "__vm_enough_memory: pid: %d, comm: %s, not enough memory for the allocation",
          ev->task->pid, ev->task->comm);
    break;
  case KM_VM_WARN_BYTES:
    kline(out, ev->time_ns, "__vm_enough_memory: pid: %d, comm: %s, bytes: %" G_GUINT64_FORMAT
          " not enough memory for the allocation",
          ev->task->pid, ev->task->comm, (guint64)ev->enomem_pages * sys->machine.page_size);
    break;
  case KM_VM_WARN_NONE:
  default:
    break;
  }
}

void report_dmesg_event(ReportDmesg *dmesg, const KmSystem *sys, const SimEvent *ev)
{
  GString *out = dmesg->out;
  switch (ev->kind) {
  case SIM_EV_OOM:
    if (ev->oc)
      print_oom(out, sys, ev->time_ns, ev->oc);
    break;
  case SIM_EV_REAPED:
    if (sys->profile->has_oom_reaper && ev->task)
      kline(out, ev->time_ns,
            "oom_reaper: reaped process %d (%s), now anon-rss:%" G_GUINT64_FORMAT "kB, file-rss:%" G_GUINT64_FORMAT
            "kB, shmem-rss:%" G_GUINT64_FORMAT "kB",
            ev->task->pid, ev->task->comm, K(sys, ev->reaped_anon_rss), K(sys, ev->reaped_file_rss),
            K(sys, ev->reaped_shmem_rss));
    break;
  case SIM_EV_ENOMEM:
    print_vm_warning(out, sys, ev); /* only __vm_enough_memory() logs (a failed memcg charge logs its OOM report) */
    break;
  case SIM_EV_PANIC:
    kline(out, ev->time_ns, "Kernel panic - not syncing: %s", ev->panic_message ? ev->panic_message : "");
    break;
  case SIM_EV_BEGIN:
  case SIM_EV_STEP:
  case SIM_EV_STEP_ERROR:
  case SIM_EV_CHARGE_FORCED:
  case SIM_EV_SEGV: /* the kernel's "segfault at ADDR ip ... sp ..." line needs addresses the model has not got */
  case SIM_EV_SKIPPED:
  case SIM_EV_QUEUED:
  case SIM_EV_BLOCKED:
  case SIM_EV_UNBLOCKED:
  case SIM_EV_RECLAIM:
  case SIM_EV_EXIT:
  case SIM_EV_LIVELOCK:
  case SIM_EV_WAIT:
  case SIM_EV_THROTTLE:
  case SIM_EV_END:
  default:
    /* nothing the kernel logs */
    break;
  }
}
