/* kernel-model/km-memcg.h: mm/memcontrol.c and mm/page_counter.c: memory cgroups, hierarchical charging,
 * memory.events, mem_cgroup_get_max(), mem_cgroup_get_oom_group(), the task walk of an OOM domain; also the
 * mm counters (mm/memory.c, mm/mmap.c) since every page an mm gains is charged here. */
#pragma once

#include "km.h"

G_BEGIN_DECLS

typedef enum {
  KM_PAGE_ANON,
  KM_PAGE_FILE,
  KM_PAGE_SHMEM,
  KM_PAGE_PGTABLE,
  /* other kernel memory charged to the memcg (MEMCG_KMEM less page tables: mm_struct, pgd, vm_area_struct,
   * anon_vma); machine-wide it is part of KmMachine.task_kernel_pages, so it has no machine counter */
  KM_PAGE_KMEM,
} KmPageKind;

/* system */
KmMemcg *km_memcg_create(KmSystem *sys, const char *path, GError **error);
/* The memcg as a new cgroup of the same path and limits would start (mem_cgroup_css_alloc(), kernel 6.1): its own
 * event counters (memory.events, memory.events.local, v1 oom_kill), failcnts and watermarks from zero (a watermark
 * from the usage it holds). The counters its ancestors got from it stay theirs, as they do when the kernel removes a
 * cgroup. For a container runtime that replaces a container's cgroup (docs/kubernetes.md, "Restarts"). */
void km_memcg_reset_counters(KmMemcg *memcg);
KmTask *km_task_create(KmSystem *sys, int pid, const char *comm, KmMemcg *memcg, KmMm *share_mm);
void km_task_attach(KmSystem *sys, KmTask *task, KmMemcg *memcg);
/* The process leaves the task list (exit or SIGKILL completed) and drops its mm. */
void km_task_exit(KmSystem *sys, KmTask *task, int code, int signal);

/* page_counter hierarchy: the parent whose counter a charge also lands in (NULL at the top) */
KmMemcg *km_memcg_counter_parent(const KmMemcg *memcg);
/* Charge or uncharge n pages of a kind to memcg and its ancestors and to the machine, without limit checks
 * (the caller checked the margin first, as try_charge_memcg() does). */
void km_memcg_charge(KmSystem *sys, KmMemcg *memcg, KmPageKind kind, KmPages n);
void km_memcg_uncharge(KmSystem *sys, KmMemcg *memcg, KmPageKind kind, KmPages n);
/* The anon LRU (KmMemcg.lru_anon): a chunk is queued with its own list node (KmLruChunk.link), no allocation. */
void km_lru_push_tail(KmMemcg *memcg, KmLruChunk *chunk);
KmLruChunk *km_lru_pop_head(KmMemcg *memcg); /* NULL when empty; the chunk is the caller's */
/* A zeroed chunk from the system's blocks, and its return to them (freed with the system). */
KmLruChunk *km_lru_chunk_new(KmSystem *sys);
void km_lru_chunk_free(KmSystem *sys, KmLruChunk *chunk);
/* Dead chunks are dropped from every LRU once there are at least this many and they are half of all chunks. */
#define KM_LRU_DROP_DEAD_MIN 1024
/* Unlinks and frees every chunk of a dead mapping from every memcg's LRU (kept lazily until then). */
void km_lru_drop_dead(KmSystem *sys);
/* Records memcg's headroom (max - usage) in min_headroom if it is the least yet: after a charge (done by
 * km_memcg_charge()) and after a limit write. Not kernel logic: oomsim's measure for what-if sweeps. */
void km_memcg_note_headroom(KmMemcg *memcg);
/* n resident anon pages of memcg go to swap (memory -> swap counter on v2; memsw unchanged on v1) */
/* kind: KM_PAGE_ANON or KM_PAGE_SHMEM */
void km_memcg_swap_out(KmSystem *sys, KmMemcg *memcg, KmPageKind kind, KmPages n);
void km_memcg_swap_free(KmSystem *sys, KmMemcg *memcg, KmPages n);
/* mem_cgroup_margin() along the hierarchy: the pages that can still be charged before some counter hits
 * its max; *out_over_limit is the memcg whose counter is the tightest (mem_over_limit), *out_memsw TRUE when
 * that is a v1 memsw counter (then swapping out does not help). */
KmPages km_memcg_margin(const KmMemcg *memcg, KmMemcg **out_over_limit, gboolean *out_memsw);
/* Pages of swap the memcg may still use (v2 swap.max along the hierarchy; v1: memsw), capped by free swap. */
KmPages km_memcg_swap_margin(const KmSystem *sys, const KmMemcg *memcg);

/* memcg_memory_event(): local count, and up the hierarchy when the profile says events are hierarchical */
void km_memcg_memory_event(KmSystem *sys, KmMemcg *memcg, KmMemcgEvent event);
/* mem_cgroup_get_max() */
KmPages km_memcg_get_max(const KmSystem *sys, const KmMemcg *memcg);
/* mem_cgroup_get_oom_group(): the highest ancestor of victim's memcg, up to the OOM domain, with
 * memory.oom.group set; NULL when none (or on cgroup v1). */
KmMemcg *km_memcg_get_oom_group(const KmSystem *sys, KmTask *victim, KmMemcg *oom_domain);
/* mem_cgroup_scan_tasks(): pre-order walk of the subtree (only the memcg itself for a non-hierarchical v1
 * memcg), each memcg's tasks in attach order. Returns a new array of KmTask*. */
GPtrArray *km_memcg_scan_tasks(const KmMemcg *memcg);
gboolean km_memcg_is_descendant(const KmMemcg *memcg, const KmMemcg *ancestor);
/* memory.stat "pgscan" (v2, hierarchical: the memcg's and its descendants' PGSCAN_DIRECT + PGSCAN_KSWAPD events) */
guint64 km_memcg_pgscan(const KmMemcg *memcg);

/* mm: mappings, population, page tables */
KmMm *km_mm_new(KmSystem *sys, KmMemcg *memcg);
KmMapping *km_mm_add_mapping(KmSystem *sys, KmMm *mm, guint64 key, KmPages pages, gboolean accounted);
KmMapping *km_mm_find_mapping(KmSystem *sys, KmMm *mm, guint64 key);
/* The hash of a KmMappingName* in KmSystem.mapping_by_name (every bit of key and mm id mixed in: the table's
 * buckets are spread however far apart the keys are; tests/test-kernel-model.c checks the spread). */
guint km_mapping_name_hash(gconstpointer name);
/* Pages of the mapping neither resident nor swapped (never touched, or zapped by the reaper). */
static inline KmPages km_mapping_untouched(const KmMapping *mapping)
{
  return mapping->pages - mapping->resident - mapping->swapped;
}
/* The simulator's touch target: the first mapping in creation order with untouched pages, or NULL (O(1)
 * amortised: KmMm.untouched_from). */
KmMapping *km_mm_first_untouched(KmMm *mm);
/* get_unmapped_area(): TRUE if the address space has room for a mapping of pages more. */
gboolean km_mm_get_unmapped_area(const KmMm *mm, KmPages pages);
/* Drops one reference (the mm's or an LRU chunk's); the last one returns the mapping to sys->mapping_slab. */
void km_mapping_unref(KmSystem *sys, KmMapping *mapping);
/* The mapping's pages charged to memcg (NULL if none ever were). */
KmMapCharge *km_mapping_find_charge(KmMapping *mapping, const KmMemcg *memcg);
/* The i-th memcg's charge of the mapping in first-charge order (charge0, then the array), NULL past the last. */
KmMapCharge *km_mapping_charge_at(KmMapping *mapping, guint i);
/* n pages of mapping become resident anon pages: counters, LRU and page tables, charged (no checks). */
void km_mm_populate(KmSystem *sys, KmMm *mm, KmMapping *mapping, KmPages n);
/* munmap(): resident and swapped pages are freed and uncharged, VM_ACCOUNT pages leave Committed_AS. */
void km_mm_unmap(KmSystem *sys, KmMm *mm, KmMapping *mapping);
void km_mm_set_base(KmSystem *sys, KmMm *mm, KmPages anon, KmPages pgtables, KmPages kmem);
void km_mm_set_base_vm(KmSystem *sys, KmMm *mm, KmPages vm, KmPages committed);
/* Page-table pages (PTE + PMD) that populating n more pages of this mapping adds. */
KmPages km_mm_pte_growth(const KmMm *mm, const KmMapping *mapping, KmPages n);
/* The largest k <= n such that k pages of mapping and the page-table pages they add fit in avail pages. */
KmPages km_mm_fault_batch(const KmMm *mm, const KmMapping *mapping, KmPages n, KmPages avail);
/* __oom_reap_task_mm(): frees the anon pages and swap entries; returns the resident pages freed. */
KmPages km_mm_reap(KmSystem *sys, KmMm *mm);
/* exit_mmap() when the last user leaves */
void km_mm_put(KmSystem *sys, KmMm *mm);

G_END_DECLS
