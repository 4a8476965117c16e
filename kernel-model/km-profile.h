/* kernel-model/km-profile.h: what differs between kernel versions, as data (see docs/kernel-versions.md).
 *
 * Every field names the kernel function whose behaviour it selects and the version where it changed.
 * The model's functions branch on these fields in small named places; there is one OOM path, not one per
 * version.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define KM_KVER(a, b) ((a) * 1000 + (b))

typedef enum {
  KM_PGTABLES_NR_PTES,       /* 3.10: mm->nr_ptes (pages) */
  KM_PGTABLES_NR_PTES_PMDS,  /* 4.0-4.14: atomic_long_read(&mm->nr_ptes) + mm_nr_pmds(mm) (pages); the model has no
                              * PUD level, so the sum is the 4.15+ mm_pgtables_bytes / PAGE_SIZE too */
  KM_PGTABLES_BYTES,         /* 4.15+: mm_pgtables_bytes(mm) / PAGE_SIZE */
} KmPgtablesKind;

typedef enum {
  KM_ROOT_BONUS_NONE,        /* 4.17+ */
  KM_ROOT_BONUS_ADJ_30,      /* 2.6.36-3.13 (3.10.9): adj -= 30 before adj *= totalpages / 1000 (explain's eras) */
  KM_ROOT_BONUS_3_PERCENT,   /* 3.14-4.16 and the 3.10.y stable backport (3.10.105, RHEL 7.9): points -= points * 3 / 100
                              * ("mm, oom: base root bonus on current usage") */
} KmRootBonus;

typedef enum {
  KM_GFP_FS_BAIL_ANY_WITH_MASK,  /* 4.19: if (gfp_mask && !(gfp_mask & __GFP_FS)) return true; memcg too */
  KM_GFP_FS_BAIL_GLOBAL_WITH_MASK, /* 5.x: ... && !is_memcg_oom(oc) */
  KM_GFP_FS_BAIL_GLOBAL,         /* 6.x: if (!(oc->gfp_mask & __GFP_FS) && !is_memcg_oom(oc)) */
} KmGfpFsBail;

typedef enum {
  KM_TASKDUMP_NR_PTES,      /* 3.10: "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name" */
  KM_TASKDUMP_NR_PTES_PMDS, /* 4.0-4.14: "... rss nr_ptes nr_pmds swapents oom_score_adj name", "[%5d]" rows */
  KM_TASKDUMP_PGTABLES,     /* 4.19-6.6: pgtables_bytes column */
  KM_TASKDUMP_RSS_SPLIT,    /* 6.8+: adds rss_anon rss_file rss_shmem */
} KmTaskDumpKind;

/* show_free_areas()'s global counters record after "Mem-Info:" (mm/page_alloc.c; mm/show_mem.c from 6.2) */
typedef enum {
  KM_MEMINFO_3_10,  /* 3.10: " unevictable:%lu dirty:%lu writeback:%lu unstable:%lu", " free:%lu slab_reclaimable:..",
                     * " mapped:%lu shmem:%lu pagetables:%lu bounce:%lu", " free_cma:%lu" on a line of its own */
  KM_MEMINFO_4_X,   /* 4.19, 5.4 (and RHEL 7.9's 3.10.0-1160): unstable, then " free:%lu free_pcp:%lu free_cma:%lu" */
  KM_MEMINFO_5_10,  /* 5.8+ (NR_UNSTABLE_NFS gone): " unevictable:%lu dirty:%lu writeback:%lu" */
  KM_MEMINFO_5_15,  /* 5.14+: adds " kernel_misc_reclaimable:%lu" */
  KM_MEMINFO_6_X,   /* 6.0+: " mapped:%lu shmem:%lu pagetables:%lu", " sec_pagetables:%lu bounce:%lu" */
} KmMeminfoKind;

/* The memory.stat key list mem_cgroup_print_oom_meminfo() prints (mm/memcontrol.c memory_stat_format() and
 * memory_stats[]); before 5.0 mem_cgroup_print_oom_info() prints one "Memory cgroup stats for PATH: k:vKB ..." line
 * per memcg of the subtree instead (reports/dmesg.c has the lists) */
typedef enum {
  KM_MEMCG_STAT_V1_LINE_3_10, /* cache rss rss_huge mapped_file swap, then the LRU lists */
  KM_MEMCG_STAT_V1_LINE_4_X,  /* 4.x: cache rss rss_huge shmem mapped_file dirty writeback swap, then the LRU lists */
  KM_MEMCG_STAT_5_4,          /* 31 keys, anon file kernel_stack slab sock ... thp_collapse_alloc */
  KM_MEMCG_STAT_5_10,         /* memory_stats[] of 5.10: percpu, workingset_*_anon/_file; no pagetables */
  KM_MEMCG_STAT_5_15,         /* adds pagetables, swapcached, file_thp, shmem_thp */
  KM_MEMCG_STAT_6_1,          /* adds kernel, sec_pagetables, vmalloc, pgscan_/pgsteal_kswapd/direct */
  KM_MEMCG_STAT_6_6,          /* adds pgscan_/pgsteal_khugepaged; a v1 memcg prints memcg1_stat_format() */
  KM_MEMCG_STAT_6_8,          /* 6.8: memcg_vm_event_stat[] adds zswpwb (with zswap), thp_swpout, thp_swpout_fallback */
  KM_MEMCG_STAT_6_12,         /* adds pgdemote_*, pgpromote_success, swpin_zero, swpout_zero, thp_swpout*, numa_* */
} KmMemcgStatKind;

typedef enum {
  KM_VM_WARN_NONE,       /* 5.10.223 and older: __vm_enough_memory() prints nothing */
  KM_VM_WARN_NO_ENOUGH,  /* 6.1.192: "%s: pid: %d, comm: %s, no enough memory for the allocation" */
  KM_VM_WARN_NOT_ENOUGH, /* 6.8.0: "%s: pid: %d, comm: %s, not enough memory for the allocation" */
  KM_VM_WARN_BYTES,      /* 6.12: "%s: pid: %d, comm: %s, bytes: %lu not enough memory for the allocation" */
} KmVmWarning;

/* How the per-CPU page lists are sized and refilled (mm/page_alloc.c) */
typedef enum {
  KM_PCP_FIXED,       /* < 5.14: refill and free pcp->batch pages; high = 6 * batch */
  KM_PCP_FREE_FACTOR, /* 5.14-6.6: high from the low watermark, frees scale with free_factor (nr_pcp_free()) */
  KM_PCP_AUTOTUNE,    /* 6.7+: refills scale with alloc_factor (nr_pcp_alloc()), high between high_min and high_max */
} KmPcpScheme;

/* What mem_cgroup_handle_over_high() does on return to user mode (mm/memcontrol.c) */
typedef enum {
  KM_HIGH_RECLAIM_ONLY,   /* 4.19: reclaim_high() once, no penalty */
  KM_HIGH_PENALTY,        /* 5.4 (0e4b01df8659 "mm, memcg: throttle allocators when failing reclaim over
                           * memory.high"): reclaim_high() once, then sleep calculate_high_delay() */
  KM_HIGH_PENALTY_RETRY,  /* 5.8+ ("mm, memcg: reclaim more aggressively before high allocator throttling"): retry
                           * reclaim_high() while it makes progress, and up to MAX_RECLAIM_RETRIES times without,
                           * before the sleep */
} KmHighThrottle;

typedef struct {
  const char *name;          /* "6.1" */
  int version;               /* KM_KVER(6, 1) */
  const char *summary;       /* one line for `oomsim kernels` */
  const char *uname;         /* the release string printed in dumps, e.g. "6.1.0-oomsim" */

  /* oom_badness() */
  KmRootBonus root_bonus;
  gboolean badness_signed;   /* 5.9+: long points, LONG_MIN = skip, no floor; before: unsigned, 0 = skip, floor 1 */
  KmPgtablesKind pgtables;

  /* oom_evaluate_task() / select_bad_process() */
  gboolean tie_keeps_leader; /* an equal score does not displace a chosen thread-group leader (earlier wins) */
  gboolean normalise_chosen_points; /* < 5.9: chosen_points = chosen_points * 1000 / totalpages */
  gboolean unkillable_checks_memcg; /* < 5.3? oom_unkillable_task() also checks memcg/nodemask */

  /* out_of_memory() / oom_kill_process() */
  KmGfpFsBail gfp_fs_bail;
  gboolean sacrifice_child;  /* < 5.1: "Kill process ... or sacrifice child" and the child pass */
  gboolean has_oom_group;    /* 4.19+: memory.oom.group */
  gboolean has_oom_group_kill_event; /* memory.events oom_group_kill */
  gboolean allocating_task_checks_cpuset; /* 5.3+: cpuset_mems_allowed_intersects(current) */
  gboolean has_oom_reaper;   /* 4.6+ */
  gboolean no_killable_always_panics; /* 3.10: panic("Out of memory and no killable processes...") */
  gboolean sharers_skip_adj_min; /* 3.10: mm sharers with oom_score_adj -1000 are not killed */
  gboolean sharers_kill_line;    /* 3.10: "Kill process %d (%s) sharing same memory" */
  gboolean oom_group_skips_init; /* 5.x: oom_kill_memcg_member() also skips global init */
  /* fs/proc/base.c __set_oom_adj() (4.8+, "mm, oom_adj: make sure processes sharing mm have same view of
   * oom_score_adj"): a write to /proc/PID/oom_score_adj also sets every other process of the mm except vfork
   * children, kernel threads and init, and one to a vfork child sets only it; 3.10's oom_score_adj_write() sets
   * the task's own value only */
  gboolean set_oom_adj_shares_mm;
  /* mem_cgroup_scan_tasks() calls cond_resched() after each task ("memcg: fix soft lockup in the OOM process" and
   * "memcg: always call cond_resched() after fn()", in 5.4.y, 5.10.y, 5.15.y, 6.1.y and Debian's 6.12.117 as read;
   * not in 4.19 or 6.6.57): the oom.group pass lets a victim other than current run and exit before it reaches it */
  gboolean oom_group_scan_resched;
  guint64 oom_reaper_delay_ns; /* queue_oom_reaper(): 0 = immediate wake, 2*HZ from 5.18 */

  /* mm/util.c __vm_enough_memory() */
  gboolean overcommit_heuristic; /* < 5.2: the free-memory heuristic for mode 0 */
  KmVmWarning vm_warning;        /* the ratelimited warning when __vm_enough_memory() fails */

  /* mm/page_alloc.c __setup_per_zone_wmarks() */
  gboolean watermark_scale_factor; /* 4.6+: low/high steps are max(min / 4, managed * 10 / 10000) */
  /* mm/page_alloc.c per-CPU page lists (kernel-model/km-pcp.c) */
  KmPcpScheme pcp;
  int pcp_batch_cap_kb;           /* zone_batchsize(): at most 512 KiB (3.10) or 1 MiB (4.19+) of pages */

  /* mm/memcontrol.c */
  gboolean memcg_events_hierarchical; /* 5.2+ (cgroup v2) */
  gboolean memcg_v1;                 /* the v1 memory controller exists */
  gboolean memcg_v2;                 /* the cgroup v2 memory controller exists (4.5+) */
  gboolean v1_use_hierarchy_default; /* 5.11+: always hierarchical */
  gboolean v1_use_hierarchy_settable; /* < 5.11 */
  /* mm/vmscan.c */
  gboolean lru_gen;          /* multi-gen LRU on by default (Debian's 6.12: CONFIG_LRU_GEN_ENABLED=y; 6.1 has it
                              * built but off): with swappiness 0 isolate_folios() scans file only, global reclaim
                              * too; the classic LRU's get_scan_count() forces anon scanning for global reclaim
                              * when file + free pages fall to the high watermarks (file_is_tiny) */
  /* try_charge_memcg() / mem_cgroup_oom() once reclaim has failed (docs/kernel-versions.md, "Charge paths") */
  gboolean memcg_charges_pgtables; /* 4.8+ (3e79ec7ddc33 "arch: x86: charge page tables to kmemcg"; GFP_PGTABLE_USER
                                    * from 5.4): user page tables are charged to the memcg, v1 and v2; RHEL 7's
                                    * 3.10 allocates them without __GFP_ACCOUNT, so no memcg pays for them */
  gboolean memcg_oom_user_fault_only; /* 3.12's rework (in RHEL 7's 3.10): only a user fault arms the memcg OOM
                                       * killer (current->memcg_oom.may_oom); any other charge fails with -ENOMEM */
  gboolean memcg_oom_failed_forces;   /* < 5.16 and 4.19.y/5.4.y: `case OOM_FAILED: goto force`, an OOM that kills
                                       * nobody forces the charge over the limit (removed by a4ebf1b6ca1e, "memcg:
                                       * prohibit unconditional exceeding the limit of dying tasks", v5.16,
                                       * backported to 5.10.y and 5.15.y) */

  /* memory.high (v2): try_charge_memcg()'s stock refills and mem_cgroup_handle_over_high() (km-memcg-high.c) */
  int memcg_charge_batch;    /* MEMCG_CHARGE_BATCH: 32, 64 from 6.1 (1813e51eece0) */
  KmHighThrottle high_throttle;
  gboolean high_sync;        /* 5.18+ (c9afe31ec443): try_charge_memcg() calls mem_cgroup_handle_over_high() itself once
                              * current->memcg_nr_pages_over_high > MEMCG_CHARGE_BATCH */

  /* fs/proc/base.c proc_oom_score() */
  gboolean oom_score_2000;  /* 5.9+: (1000 + points * 1000 / totalpages) * 2 / 3 */

  /* printk formats (reports/dmesg.c) */
  gboolean invoked_has_nodemask;  /* < 5.0 */
  gboolean invoked_order_two_spaces; /* 4.8-4.18 dump_header(): pr_cont(",  order=%d, oom_score_adj=%hd\n") */
  gboolean has_oom_kill_summary;  /* 5.0+: "oom-kill:constraint=..." (dump_oom_summary) */
  gboolean killed_has_prefix;     /* 5.1+: "Out of memory: Killed process ..." */
  gboolean killed_has_uid;        /* 5.3+ */
  gboolean killed_has_pgtables_adj; /* 5.4+ */
  gboolean killed_has_shmem;      /* 4.9+: shmem-rss */
  gboolean killed_rhel7_uid;      /* RHEL 7.9's 3.10.0-1160: "Killed process %d (%s), UID %d, total-vm:%lukB, ...,
                                   * shmem-rss:%lukB" */
  KmTaskDumpKind taskdump;
  gboolean taskdump_has_state_line; /* "Tasks state (memory values in pages):" 4.19+ */
  gboolean memcg_stats_one_record_per_line; /* 6.6, 6.12: seq_buf_do_printk(), each stat line is its own printk record */
  gboolean memcg_v1_task_in_line;  /* < 5.0: "Task in X killed as a result of limit of Y" */
  KmMeminfoKind meminfo;           /* show_free_areas() */
  gboolean show_mem_shared_lines;  /* 3.10 lib/show_mem.c: "N pages shared", "N pages non-shared" (page walk); 3.15+
                                    * and RHEL 7.9: "N pages HighMem/MovableOnly" instead */
  gboolean has_swap_cache_stats;   /* show_swap_cache_info(): "Swap cache stats: add N, delete N, find N/N" < 6.0 */
  KmMemcgStatKind memcg_stat;
  /* 3.10 check_panic_on_oom() calls dump_header(NULL, ..., memcg NULL, ...): a panic in a memcg OOM prints the
   * global Mem-Info and every task; mem_cgroup_out_of_memory() returns before any dump when nothing is killable */
  gboolean memcg_panic_dumps_global;
  gboolean memcg_no_victim_silent;
  /* build options of the fleet's kernel that add report lines (show_mem(), memory_stats[]) */
  gboolean config_cma;             /* "N pages cma reserved" */
  gboolean config_memory_failure;  /* "N pages hwpoisoned" */
  gboolean config_zswap;           /* memory.stat zswap, zswapped (and zswpin, zswpout, zswpwb events) */
  gboolean config_numa_balancing;  /* memory.stat pgpromote_success, numa_* events (6.12) */
} KmProfile;

#define KM_DEFAULT_PROFILE "6.1"
/* The version of the profile list, printed by `oomsim --version`: the date of the last change to the set of
 * profiles or to what one of them models. Bump it with any such change (docs/kernel-versions.md). */
#define KM_PROFILES_VERSION "2026-12-06"

/* All profiles, oldest first, NULL-terminated. */
const KmProfile *const *km_profiles(void);
const KmProfile *km_profile_default(void);
/* The profile named version ("6.1"), or whose X.Y a "X.Y.Z[-suffix]" release has ("6.1.0-56-cloud-amd64" is
 * 6.1). NULL for anything else: a version without a profile of its own (5.19, 7.0) is not silently run as
 * another kernel (issue 9). */
const KmProfile *km_profile_lookup(const char *version);
/* "3.10, 4.19, ..., 6.12": every profile's name, for messages. */
char *km_profile_names(void);

G_END_DECLS
