/* kernel-model/km.h: the kernel's memory objects, in miniature: tasks, mm, memory cgroups, the machine.
 *
 * Everything counts pages, as the kernel does. The structures keep the kernel's own names where the kernel has
 * one (totalpages, oom_score_adj, MMF_OOM_SKIP, memory.max as `max`), so a reader can put a model function next
 * to the kernel's and compare. Nothing here prints, reads a clock or draws a random number.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>
#include "km-pid.h"
#include "km-profile.h"
#include "km-psi.h"
#include "km-slab.h"

G_BEGIN_DECLS

typedef gint64 KmPages;
#define KM_PAGES_MAX G_MAXINT64 /* "max": no limit */

/* include/linux/oom.h */
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
/* PTRS_PER_PTE / PTRS_PER_PMD on x86-64 with 4 KiB pages: one PTE page maps 512 pages (2 MiB). */
#define KM_PTRS_PER_TABLE 512
/* arch/x86/include/asm/page_64_types.h TASK_SIZE_MAX, 4-level paging: (1 << 47) - PAGE_SIZE, in pages. The loader
 * refuses larger sizes; an mm's mappings together cannot exceed it either (km_mm_get_unmapped_area()). With at most
 * PID_MAX_LIMIT (2^22) mms that bounds vm_committed_as by 2^57 pages: no counter of the model can overflow. */
#define KM_TASK_SIZE_PAGES ((G_GINT64_CONSTANT(1) << 35) - 1)

typedef struct _KmMemcg KmMemcg;
typedef struct _KmTask KmTask;

/* The pages of one mapping charged to one memcg. A page stays charged to the memcg it was charged to when it was
 * faulted (folio->memcg_data; cgroup v2 moves no charges), so a mapping whose process moved has one entry per
 * memcg; its swap entries stay charged there too (swap_cgroup_record() in mem_cgroup_swapout()). */
typedef struct {
  KmMemcg *memcg;
  KmPages resident, swapped;
} KmMapCharge;

/* Page-table pages of an mm charged to one memcg (the memcg the mm's owner was in when they were allocated). */
typedef struct {
  KmMemcg *memcg;
  KmPages pages;
} KmMemcgPages;

/* What names a mapping: a key, the simulator's name for it, resolved once from the trace's step ids (sim/engine.c,
 * mapping_key()), and the mm it is in. Key 0: a mapping nothing can name, which km_mm_find_mapping() never finds. */
typedef struct {
  guint64 key;
  guint mm_id;
} KmMappingName;

/* One mapping (VMA) of an mm. Pages are untouched, resident or swapped out. */
typedef struct {
  KmMappingName name;
  KmPages pages;     /* size */
  KmPages resident;  /* touched, in RAM (anon rss) */
  KmPages swapped;   /* touched, on swap (swapents) */
  gboolean accounted; /* VM_ACCOUNT: counted in Committed_AS */
  gboolean dead;     /* unmapped; kept while LRU entries still point to it */
  guint refs;        /* the mm's reference plus one per LRU chunk */
  KmMapCharge charge0; /* the first memcg its pages are charged to (memcg NULL: none yet), inline: most mappings
                        * have no other, and so allocate nothing for their charges */
  GArray *charges;   /* KmMapCharge, the other memcgs, in first-charge order (NULL until a second one); resident
                      * and swapped above are the sums of charge0 and these (km_mapping_charge_at()) */
  GList *link;       /* its node in the mm's mappings while mapped (removal in O(1)); NULL for mm->base->anon */
  GList node;        /* what link points to: the node is part of the mapping, so mapping allocates no list node */
} KmMapping;

/* mm flags (include/linux/sched/coredump.h) */
#define KM_MMF_OOM_SKIP (1u << 0)

/* An mm's mappings, their page-table ledger and the simulator's bookkeeping over them: made by its first mapping
 * or page table (km_mm_add_mapping(), mm_set_tables()) and kept until the mm is freed. An mm that never maps anything
 * (the idle processes of a scenario with a million of them) has none: a pointer, not these 80 bytes (issue 13). */
typedef struct {
  GQueue list;              /* KmMapping*, creation order (the kernel's mm->mmap list) */
  KmMemcgPages pgtable_charge0; /* the PTE and PMD pages (not base pgtables) per memcg, oldest first: the first
                             * entry inline (memcg NULL: none), as most mms charge page tables to one memcg and so
                             * allocate nothing for them (issue 10)... */
  GArray *pgtable_charges;  /* ...the later entries (KmMemcgPages), NULL until a second one */
  /* The simulator's touch bookkeeping, not kernel state (a touch step picks "the next untouched pages"; the kernel
   * has no such notion): kept up to date by the functions that change mappings so that a touch costs O(1), not a
   * walk of every mapping (issue 13). */
  KmPages untouched_pages;  /* sum over mappings of pages - resident - swapped */
  GList *untouched_from;    /* every mapping before this node is fully touched; NULL: all are */
  KmMapping *last_found;    /* what km_mm_find_mapping() last returned, while it is in mapping_by_name: a touch looks
                             * its mapping up several times (compared by key, so never a stale answer) */
  guint shadowed_ids;       /* mappings whose key another mapping of the mm had already (not in
                             * KmSystem.mapping_by_name) */
} KmMmMappings;

/* What an mm had before the trace (km_mm_set_base(), km_mm_set_base_vm()): made only when some of it is not 0, so an
 * mm that starts empty (the idle processes of a scenario with a million of them) has none (issue 13). */
typedef struct {
  KmMapping *anon;          /* its anon pages (NULL if none): resident or swapped, on memcg's LRU before any trace
                             * page; not one of the mm's mappings (no total_vm, not a touch target, not reported);
                             * freed with the mm (km_mm_put()) */
  KmMemcg *memcg;           /* where anon, pgtables and kmem are charged (the memcg it started in) */
  KmPages pgtables;         /* page-table pages the process had before the trace */
  KmPages kmem;             /* other kernel memory of the mm charged to memcg (mm_struct, pgd, vmas) */
  KmPages vm;               /* total_vm the process had before the trace (its text, data, heap, stack) */
  KmPages committed;        /* the VM_ACCOUNT pages among them, in committed and in vm_committed_as */
} KmMmBase;

/* struct mm_struct: the counters get_mm_rss()/get_mm_counter() read and the page tables. Of the page tables it keeps
 * the PTE level; the PMD level and the sum (4.15+ mm_pgtables_bytes()) follow from it and the base (km_mm_nr_pmds(),
 * km_mm_pgtables()), so an mm is 104 bytes (issue 13). */
typedef struct {
  guint id;                 /* creation order, for stable output */
  guint flags;              /* KM_MMF_* */
  guint users;              /* processes using this mm (mm_users, per process not per thread) */
  KmPages total_vm;
  KmPages anon_rss, file_rss, shmem_rss, swapents;
  KmPages pte_pages;        /* PTE pages of the trace's mappings (nr_ptes, without the base's) */
  KmPages committed;        /* VM_ACCOUNT pages */
  KmMemcg *memcg;           /* the memcg new pages are charged to: mm->owner's (get_mem_cgroup_from_mm()) */
  KmTask *owner;            /* mm->owner: the process that created it, then mm_update_next_owner()'s pick */
  KmMmBase *base;           /* its memory before the trace; NULL: none */
  KmMmMappings *mappings;   /* NULL until the first mapping or page table (above) */
} KmMm;

/* Page-table pages the mm had before the trace (KmMmBase.pgtables; 0 without a base). */
static inline KmPages km_mm_base_pgtables(const KmMm *mm)
{
  return mm->base ? mm->base->pgtables : 0;
}

/* The PMD pages that map pte_pages PTE pages: one per KM_PTRS_PER_TABLE, as __pmd_alloc() makes them. */
static inline KmPages km_pmd_pages_for(KmPages pte_pages)
{
  return (pte_pages + KM_PTRS_PER_TABLE - 1) / KM_PTRS_PER_TABLE;
}

/* mm_nr_pmds() (4.0-4.14 mm->nr_pmds): the PMD pages of the trace's mappings. */
static inline KmPages km_mm_nr_pmds(const KmMm *mm)
{
  return km_pmd_pages_for(mm->pte_pages);
}

/* mm_pgtables_bytes(mm) / PAGE_SIZE (4.15+; nr_ptes + nr_pmds before): every page-table page of the mm, the two levels
 * modelled (PTE and PMD) and the page tables it had before the trace. */
static inline KmPages km_mm_pgtables(const KmMm *mm)
{
  return km_mm_base_pgtables(mm) + mm->pte_pages + km_mm_nr_pmds(mm);
}

/* The first of the mm's mappings (creation order), NULL if it has none: for walks, `l = l->next`. */
static inline GList *km_mm_mappings_head(const KmMm *mm)
{
  return mm->mappings ? mm->mappings->list.head : NULL;
}

typedef enum {
  KM_TASK_RUNNING,
  KM_TASK_BLOCKED,      /* v1 memcg with oom_kill_disable: sleeping in mem_cgroup_oom_synchronize() */
  KM_TASK_LIVELOCKED,   /* retrying a fault that no OOM kill can satisfy */
  KM_TASK_DYING,        /* SIGKILL delivered, cannot exit yet (stuck): waits for the OOM reaper */
  KM_TASK_DEAD,
} KmTaskState;

/* Where a task is on one list of tasks: the kernel links a task_struct into its lists by list_head fields of the task
 * itself (task_struct.tasks: the task list for_each_process() walks; task_struct.cg_list: its css_set's tasks, which
 * css_task_iter walks for mem_cgroup_scan_tasks()). Two pointers of the task per list, as a list_head is: a list
 * allocates nothing, and costs a task 16 bytes where a GList node cost 24 (issue 13). */
typedef struct {
  KmTask *next, *prev;      /* NULL at the ends */
} KmTaskLink;

/* A list of tasks through one of their KmTaskLinks (which one is the list's: KmSystem.tasks through KmTask.tasks,
 * KmMemcg.tasks through KmTask.cg_list), oldest first. Walk it as `for (KmTask *p = list.head; p; p = p->LINK.next)`. */
typedef struct {
  KmTask *head, *tail;
  guint length;
} KmTaskList;

/* struct task_struct, one per process (thread group); threads are a count, so a task is its thread group's leader
 * and its tgid is its pid (km_task_tgid()). The flags are one-bit bool bit-fields, as the kernel keeps several of its
 * own (task_struct's in_execve, in_iowait, ... and signal_struct's), and the list links are part of the task, so that
 * a task of a scenario with a million processes costs what its fields need: 104 bytes (issue 13). */
struct _KmTask {
  int pid, ppid;
  char comm[16];            /* TASK_COMM_LEN */
  guint uid;
  int threads;
  guint seq;                /* creation order: the simulator's index of the task (at most one task per pid, fork step
                             * or container restart: far below 2^32) */
  int exit_code, exit_signal;
  short oom_score_adj;      /* signal->oom_score_adj, a short there too: OOM_SCORE_ADJ_MIN..OOM_SCORE_ADJ_MAX */
  KmTaskState state : 4;    /* with the flags, in the two bytes after oom_score_adj: the task is 104 bytes */
  bool cap_sys_admin : 1, kthread : 1, global_init : 1, in_vfork : 1, oom_task_origin : 1, stuck : 1;
  bool oom_victim : 1;      /* tsk_is_oom_victim(): signal->oom_mm set by mark_oom_victim() */
  bool fatal_signal_pending : 1;
  bool killed_by_oom : 1;   /* how it ended, with exit_code and exit_signal above */
  bool in_container : 1;    /* not kernel state: it runs in a container (the scenario's container=, whose name the
                             * scenario keeps), so the runtime reports OOMKilled for it after any oom_kill in its memcg */
  KmMm *mm;                 /* NULL after exit (and always for a kthread) */
  KmMemcg *memcg;
  KmPages memcg_nr_pages_over_high; /* charged in stock refills above memory.high since the last return to user
                                     * (the kernel's is an unsigned int, but it returns to user after each fault,
                                     * where a touch step of the model is many faults) */
  KmTaskLink tasks;         /* task_struct.tasks: on KmSystem.tasks until km_task_exit() */
  KmTaskLink cg_list;       /* task_struct.cg_list: on memcg->tasks while attached (memcg non-NULL, not dead) */
};

/* task_struct.tgid: the model's task is a whole thread group (threads are a count), so its own pid. */
static inline int km_task_tgid(const KmTask *task)
{
  return task->pid;
}

typedef enum {
  KM_MEMCG_LOW,
  KM_MEMCG_HIGH,
  KM_MEMCG_MAX,
  KM_MEMCG_OOM,
  KM_MEMCG_OOM_KILL,
  KM_MEMCG_OOM_GROUP_KILL,
  KM_MEMCG_NR_EVENTS,
} KmMemcgEvent;

extern const char *const km_memcg_event_names[KM_MEMCG_NR_EVENTS];

/* One entry of the swap-backed LRU (anon and shmem pages, as the kernel's anon LRU lists hold both): pages of one
 * mapping touched together, or (mm and mapping NULL) shmem pages written together; oldest first. */
typedef struct {
  KmMm *mm;
  KmMapping *mapping;
  KmPages pages;
  GList link; /* its node in the memcg's lru_anon (link.data is the chunk): queueing allocates nothing */
} KmLruChunk;

/* struct mem_cgroup with its page_counters. */
struct _KmMemcg {
  char *path;
  KmMemcg *parent;
  GQueue children;          /* KmMemcg*, creation order */
  int version;              /* 1 or 2 */
  /* limits (page_counter max), KM_PAGES_MAX = "max" */
  KmPages max, high, swap_max; /* v2: memory.max, memory.high, memory.swap.max; v1: limit_in_bytes in max */
  KmPages memsw_max;        /* v1 memory.memsw.limit_in_bytes */
  gboolean oom_group;       /* v2 memory.oom.group */
  gboolean oom_kill_disable; /* v1 memory.oom_control */
  gboolean use_hierarchy;   /* v1 memory.use_hierarchy */
  gboolean under_oom;       /* v1 memory.oom_control under_oom */
  /* page_counter usage */
  KmPages usage, swap_usage, memsw_usage;
  /* page_counter.watermark of the memory and swap counters (mm/page_counter.c page_counter_charge(): the highest
   * usage seen; memory.peak from 5.19, memory.swap.peak from 6.5, v1 memory.max_usage_in_bytes) */
  KmPages watermark, swap_watermark;
  /* Not a kernel counter: the least headroom (max - usage, 0 when over) any charge or limit write left, for the
   * what-if sweeps (sim/outcome.h SimMemcgPeak). KM_PAGES_MAX while the memcg has no limit. */
  KmPages min_headroom;
  guint64 failcnt, swap_failcnt, memsw_failcnt;
  /* local stats (memory.stat, not hierarchical) */
  KmPages anon, file, shmem, pgtables, kmem; /* kmem: MEMCG_KMEM less page tables */
  KmPages shmem_swapped;    /* shmem pages of this memcg that reclaim moved to swap (shmem_writepage()) */
  guint64 events[KM_MEMCG_NR_EVENTS];       /* memory.events */
  guint64 events_local[KM_MEMCG_NR_EVENTS]; /* memory.events.local */
  guint64 v1_oom_kill;      /* v1 memory.oom_control oom_kill */
  KmTaskList tasks;         /* attach order, through KmTask.cg_list */
  GQueue lru_anon;          /* KmLruChunk*, oldest first */
  guint id;
  /* memory.pressure (v2; the root's is /proc/pressure/memory): kernel-model/km-psi.c */
  KmPsiGroup psi;
  /* pages reclaim scanned on this memcg's own LRUs (the lruvec's PGSCAN_DIRECT/KSWAPD events); memory.stat's pgscan
   * is the sum over the subtree (km_memcg_pgscan()). The model scans exactly what it reclaims. */
  guint64 pgscan_local;
};

/* The machine and its sysctls. */
/* One memory zone (struct zone, include/linux/mmzone.h), as far as the allocator's watermark check needs it. */
#define KM_MAX_ZONES 3
typedef struct {
  const char *name;        /* "DMA", "DMA32", "Normal" */
  KmPages managed;         /* zone_managed_pages() */
  KmPages wmark_min;       /* min_wmark_pages() */
  KmPages wmark_high;      /* high_wmark_pages() */
  KmPages lowmem_reserve;  /* lowmem_reserve[ZONE_MOVABLE]: what a GFP_HIGHUSER_MOVABLE allocation must leave */
} KmZone;

/* struct per_cpu_pages of the CPU the allocating tasks run on, for the zone allocations come from first (the
 * highest populated one): order-0 lists for the two migratetypes the model allocates (kernel-model/km-pcp.c). */
typedef enum {
  KM_PCP_UNMOVABLE, /* page tables */
  KM_PCP_MOVABLE,   /* user pages: anon, page cache, shmem */
  KM_PCP_NR_LISTS,
} KmPcpList;

typedef struct {
  KmPages count[KM_PCP_NR_LISTS]; /* free pages on each list (pcp->count is their sum) */
  int batch;                      /* pcp->batch */
  int high, high_min, high_max;   /* pcp->high (and 6.7+'s bounds) */
  int free_factor;                /* 5.14-6.6 */
  int alloc_factor, free_count;   /* 6.7+ */
  gboolean below_high;            /* 6.7+ ZONE_BELOW_HIGH */
  gboolean reclaim_active;        /* 5.14+ ZONE_RECLAIM_ACTIVE: kswapd is in balance_pgdat() (km-kswapd.c) */
} KmPcp;

/* kswapd of node 0 (kernel-model/km-kswapd.c): the state balance_pgdat() keeps across its loop, which the model
 * runs pass by pass beside the allocating task */
typedef struct {
  gboolean running;         /* woken (wakeup_kswapd()) and still in balance_pgdat() */
  int priority;             /* sc.priority of its next pass */
  KmPages nr_reclaimed;     /* sc.nr_reclaimed of the current run */
  guint failures;           /* pgdat->kswapd_failures: runs in a row that reclaimed nothing */
} KmKswapd;

typedef struct {
  KmPages totalram_pages;   /* MemTotal */
  /* The zones of node 0 that hold memory, lowest first (km_zones_setup()). */
  guint nr_zones;
  KmZone zones[KM_MAX_ZONES];
  gboolean zones_given;     /* zones[] was measured (the VM harness), not derived from totalram_pages */
  KmPages total_swap_pages;
  KmPages kernel_pages;     /* memory the kernel itself holds (MemTotal - MemFree before any task) */
  KmPages task_kernel_pages; /* kernel memory each process on the task list holds (task_struct, kernel stack,
                               * mm_struct, vmas...): 0 unless given (the VM harness measures it); never
                               * memcg-charged */
  guint page_size;
  int nr_cpus;              /* online CPUs (1 node): pcp->high is split between them */
  /* sysctls */
  int overcommit_memory;    /* vm.overcommit_memory */
  int overcommit_ratio;     /* vm.overcommit_ratio */
  guint64 overcommit_kbytes;
  guint64 admin_reserve_kbytes, user_reserve_kbytes;
  guint64 min_free_kbytes;
  int panic_on_oom;
  int oom_kill_allocating_task;
  int swappiness;
  /* state */
  KmPages anon, file, shmem, pgtables, swap_used;
  KmPages committed_as;     /* vm_committed_as */
  KmPages slab_reclaimable; /* NR_SLAB_RECLAIMABLE_B + NR_KERNEL_MISC_RECLAIMABLE: part of the kernel's own memory
                             * (kernel_reserved), counted only by si_mem_available(): the model never shrinks it */
  KmPcp pcp;                /* free pages on the per-CPU lists are part of km_free_pages() */
  KmKswapd kswapd;
} KmMachine;

typedef struct {
  const KmProfile *profile;
  KmMachine machine;
  KmTaskList tasks;         /* the task list (init_task.tasks), creation order, through KmTask.tasks: for_each_process() */
  KmPidTable *task_by_pid;  /* pid -> KmTask* (kernel-model/km-pid.h): every task made, dead ones too */
  GPtrArray *released_tasks; /* KmTask*, dead tasks whose pid a later task took (km_task_create()): kept to the end,
                              * as the reports may still hold them */
  KmMemcg *root_memcg;
  /* every page charged to any memcg (the root included), and its high-water mark: what the root page counter
   * would count if every v1 memcg were hierarchical. Not a kernel counter (a v1 memcg with use_hierarchy=0 has
   * no parent counter, so the root's watermark then misses its pages); the reports' machine-wide peak. */
  KmPages charged, charged_peak;
  GHashTable *memcg_by_path; /* char* -> KmMemcg* */
  GHashTable *mapping_by_name; /* KmMappingName* -> the first KmMapping of that mm mapped with that key, while it is
                               * mapped. One table for every mm (an mm allocates none) and integer keys: no string
                               * is hashed or compared on a touch (issue 13) */
  GPtrArray *memcgs;        /* KmMemcg*, creation order (for stable output) */
  guint next_seq;
  guint next_mm_id, next_memcg_id;
  KmTask *current;          /* the task whose allocation is being served */
  struct {
    KmMemcg *memcg;         /* memcg_stock_pcp of the CPU the tasks run on: pages charged ahead to one memcg */
    KmPages pages;
  } stock;
  gboolean invert_tie_rule; /* deliberately wrong model (harness self-test) */
  /* Where tasks, mms, mappings and LRU chunks come from: caches of fixed-size objects the system owns
   * (kernel-model/km-slab.c), released with it at once. Not kernel state, the allocator beneath it (issue 13: a
   * touch allocates nothing; issue 10: a sweep builds and frees thousands of these per variant) */
  KmSlab task_slab, mm_slab, mapping_slab, lru_chunk_slab;
  /* How many of the chunks on the LRUs (lru_chunk_slab.live: every chunk made is on an LRU until freed) point to a
   * dead (unmapped) mapping: those hold no page, and are dropped in bulk once they are half of all
   * (km_lru_drop_dead()), so that they do not pile up on an LRU that reclaim never reaches (no swap) and memory
   * does not grow with the trace (issue 13) */
  guint64 lru_dead_chunks;
} KmSystem;

/* Errors of the model's set-up calls (bad cgroup tree). */
#define KM_ERROR (km_error_quark())
GQuark km_error_quark(void);
typedef enum {
  KM_ERROR_EXISTS,
  KM_ERROR_NOT_FOUND,
} KmError;

KmSystem *km_system_new(const KmProfile *profile, guint page_size);
void km_system_free(KmSystem *sys);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(KmSystem, km_system_free)

KmTask *km_system_find_task(const KmSystem *sys, int pid);
KmMemcg *km_system_find_memcg(KmSystem *sys, const char *path);

/* pages <-> bytes/kB at the edges */
static inline guint64 km_pages_to_kb(const KmSystem *sys, KmPages pages)
{
  return (guint64)pages * (sys->machine.page_size / 1024u);
}
static inline KmPages km_bytes_to_pages_up(const KmSystem *sys, guint64 bytes)
{
  return (KmPages)((bytes + sys->machine.page_size - 1) / sys->machine.page_size);
}

/* get_mm_rss(): anon + file + shmem */
static inline KmPages km_mm_rss(const KmMm *mm)
{
  return mm->anon_rss + mm->file_rss + mm->shmem_rss;
}

G_END_DECLS
