/* kernel-model/km-memcg.c: mm/memcontrol.c (try_charge_memcg's page_counter walk, memcg_memory_event,
 * mem_cgroup_get_max, mem_cgroup_get_oom_group, mem_cgroup_scan_tasks), mm/page_counter.c, and the mm
 * counters of mm/memory.c and mm/mmap.c, kernel 6.1 with the profile's differences.
 *
 * Charging. A page belongs to one memcg and is counted in that memcg's page_counter and in every ancestor's
 * (page_counter_try_charge() walks c->parent). On cgroup v1 a memcg with use_hierarchy=0 has no counter
 * parent (before 5.11). The caller asks km_memcg_margin() first, as try_charge_memcg() does, so the charge
 * itself never fails; that keeps the limit logic in one place (sim/engine.c's fault loop).
 *
 * Page tables. x86-64 with 4 KiB pages: one PTE page maps 512 pages (2 MiB) and one PMD page maps 512 PTE
 * pages (1 GiB). The model gives every mapping its own PTE pages (ceil(populated / 512)) and the mm
 * ceil(PTE pages / 512) PMD pages, plus the process's own page tables before the trace (base). The kernel's
 * figure also depends on where mappings fall; docs/model.md says how close this is. Page tables are charged to
 * the memcg (GFP_PGTABLE_USER has __GFP_ACCOUNT).
 *
 * Moving a process (cgroup v2, and v1 without move_charge_at_immigrate, which is not modelled): pages already
 * charged stay where they are; a new page is charged to the memcg the mm's owner is in at fault time
 * (mem_cgroup_charge() -> get_mem_cgroup_from_mm(mm)). So each mapping keeps its pages per memcg (KmMapCharge),
 * each memcg's LRU holds the pages charged to it, and unmap, exit, reaping and swap-out uncharge each page from
 * its own memcg. Page tables are kept per memcg for the mm (KmMmMappings.pgtable_charge0 and pgtable_charges).
 *
 * Simplifications (docs/model.md): the anon LRU is one FIFO per memcg (no active/inactive aging); page-table
 * pages are charged to the mm owner's memcg (the kernel charges current's, the same unless a process sharing
 * the mm sits in another cgroup) and an munmap uncharges the newest first.
 */
#include "km-memcg.h"
#include "km-pcp.h"

#include <string.h>

const char *const km_memcg_event_names[KM_MEMCG_NR_EVENTS] = {
  [KM_MEMCG_LOW] = "low",
  [KM_MEMCG_HIGH] = "high",
  [KM_MEMCG_MAX] = "max",
  [KM_MEMCG_OOM] = "oom",
  [KM_MEMCG_OOM_KILL] = "oom_kill",
  [KM_MEMCG_OOM_GROUP_KILL] = "oom_group_kill",
};

G_DEFINE_QUARK(oomsim-km-error-quark, km_error)

static KmPages sat_add(KmPages a, KmPages b)
{
  return (a > KM_PAGES_MAX - b) ? KM_PAGES_MAX : a + b;
}

static KmPages div_round_up(KmPages n, KmPages d)
{
  return (n + d - 1) / d;
}

/* The mm and every LRU chunk hold a reference to a mapping; the last one frees it. */
void km_mapping_unref(KmSystem *sys, KmMapping *mapping)
{
  if (mapping && --mapping->refs == 0) {
    if (mapping->charges)
      g_array_free(mapping->charges, TRUE);
    km_slab_free(&sys->mapping_slab, mapping);
  }
}

void km_lru_push_tail(KmMemcg *memcg, KmLruChunk *chunk)
{
  chunk->link.data = chunk;
  g_queue_push_tail_link(&memcg->lru_anon, &chunk->link);
}

KmLruChunk *km_lru_pop_head(KmMemcg *memcg)
{
  GList *link = g_queue_pop_head_link(&memcg->lru_anon);
  return link ? link->data : NULL;
}

/* LRU chunks are made and dropped at every touch that starts a new run on an LRU, and reclaim drops them: they come
 * from the system's cache (kernel-model/km-slab.c), instead of one malloc each. */
KmLruChunk *km_lru_chunk_new(KmSystem *sys)
{
  return km_slab_alloc0(&sys->lru_chunk_slab);
}

void km_lru_chunk_free(KmSystem *sys, KmLruChunk *chunk)
{
  if (chunk->mapping && chunk->mapping->dead)
    sys->lru_dead_chunks--;
  km_slab_free(&sys->lru_chunk_slab, chunk);
}

/* Dead chunks. zap_pte_range() frees the pages of an unmapped range at munmap and exit, and with them their place on
 * the LRU. The model uncharges them at once too (km_mm_unmap()), but leaves the mapping's LRU chunks where they are,
 * holding no page, because a chunk does not know its neighbours' mapping nor a mapping its chunks: reclaim drops a
 * dead chunk when it reaches it, taking nothing from it (swap_out_memcg()). Without swap reclaim never reaches
 * them, and on a long trace they were most of the model's memory. So the chunks of dead mappings are counted, and
 * dropped from every LRU in one walk once they are half of all chunks: the walk's cost is paid by the dead chunks
 * it frees (amortised O(1) each), and at most as many dead chunks as live ones are kept.
 *
 * No figure changes. A dead chunk is invisible to reclaim (it swaps nothing from it and goes on to the next), and
 * its only other effect is to sit at an LRU's tail: a touch of the mapping before it then starts a new chunk
 * instead of growing that one (mapping_add_anon(), the shmem case of km_memcg_charge()). Two chunks of one mapping
 * next to each other give up their pages to reclaim exactly as one chunk of their total would: each takes
 * MIN(pages, the mapping's resident pages here, what is left to do, swap room), and a chunk is dropped when either
 * runs out. */
static void mapping_dies(KmSystem *sys, KmMapping *mapping)
{
  mapping->dead = TRUE;
  sys->lru_dead_chunks += mapping->refs - 1; /* every reference but the mm's is an LRU chunk */
  if (sys->lru_dead_chunks >= KM_LRU_DROP_DEAD_MIN && sys->lru_dead_chunks * 2 >= sys->lru_chunk_slab.live)
    km_lru_drop_dead(sys);
}

void km_lru_drop_dead(KmSystem *sys)
{
  for (guint i = 0; i < sys->memcgs->len && sys->lru_dead_chunks > 0; i++) {
    KmMemcg *memcg = sys->memcgs->pdata[i];
    for (GList *l = memcg->lru_anon.head, *next; l; l = next) {
      KmLruChunk *chunk = l->data;
      KmMapping *mapping = chunk->mapping;
      next = l->next;
      if (!mapping || !mapping->dead)
        continue;
      g_queue_unlink(&memcg->lru_anon, l);
      km_lru_chunk_free(sys, chunk);
      km_mapping_unref(sys, mapping);
    }
  }
}

/* A memcg's chunks belong to the system's cache, released whole after the memcgs (km_system_free()). */
static void memcg_free(KmSystem *sys, KmMemcg *memcg)
{
  for (GList *l = memcg->lru_anon.head; l; l = l->next) /* the chunks stay where they are until the cache goes */
    km_mapping_unref(sys, ((KmLruChunk *)l->data)->mapping);
  g_queue_init(&memcg->lru_anon);
  g_queue_clear(&memcg->children);
  memcg->tasks = (KmTaskList){ NULL, NULL, 0 }; /* its links are the tasks' own (KmTask.cg_list) */
  g_free(memcg->path);
  g_free(memcg);
}

static KmMemcg *memcg_alloc(KmSystem *sys, const char *path, KmMemcg *parent)
{
  KmMemcg *memcg = g_new0(KmMemcg, 1);
  memcg->path = g_strdup(path);
  memcg->parent = parent;
  memcg->version = 2;
  memcg->max = memcg->high = memcg->swap_max = memcg->memsw_max = KM_PAGES_MAX;
  memcg->min_headroom = KM_PAGES_MAX;
  /* v1 memory.use_hierarchy: inherited from the parent; the root's default is the profile's */
  memcg->use_hierarchy = parent ? parent->use_hierarchy : sys->profile->v1_use_hierarchy_default;
  memcg->id = sys->next_memcg_id++;
  g_queue_init(&memcg->children);
  g_queue_init(&memcg->lru_anon);
  if (parent)
    g_queue_push_tail(&parent->children, memcg);
  g_ptr_array_add(sys->memcgs, memcg);
  g_hash_table_insert(sys->memcg_by_path, memcg->path, memcg);
  return memcg;
}

static void mm_free(KmSystem *sys, KmMm *mm)
{
  KmMmMappings *maps = mm->mappings;
  if (maps) {
    for (GList *link = maps->list.head, *next; link; link = next) { /* the node is the mapping's own (KmMapping.node) */
      next = link->next; /* before the unref, which may free the mapping and so the node */
      km_mapping_unref(sys, link->data);
    }
    if (maps->pgtable_charges)
      g_array_free(maps->pgtable_charges, TRUE);
    g_free(maps);
  }
  if (mm->base) {
    km_mapping_unref(sys, mm->base->anon);
    g_free(mm->base);
  }
  km_slab_free(&sys->mm_slab, mm);
}

/* mm's mappings, made by the first mapping or page table (KmMmMappings). */
static KmMmMappings *mm_mappings(KmMm *mm)
{
  if (!mm->mappings) {
    mm->mappings = g_new0(KmMmMappings, 1);
    g_queue_init(&mm->mappings->list);
  }
  return mm->mappings;
}

/* The hash of a mapping's name in KmSystem.mapping_by_name. A key is a step index shifted left past the repetition
 * and kind bits (sim/engine-mm.c engine_mapping_key(): bit 18 up), so the keys of one trace differ in their high
 * bits, and a GHashTable picks the bucket from the hash's value modulo a prime near its size: g_int64_hash()
 * (the key's two halves XORed) left keys 2^14 steps apart with hashes that differ in a few low bits only, and
 * 2^17 mappings fell into a third of the table's buckets, probed quadratically (the many-mappings bench grew 8.5x
 * for 4x the mappings: docs/performance.md, "Many mappings, linear again"). The key and the mm id are mixed with
 * the 64-bit finaliser of MurmurHash3 (fmix64), whose every output bit depends on every input bit. Only the
 * bucket changes: the table is looked up, never walked, so no output depends on it. */
guint km_mapping_name_hash(gconstpointer p)
{
  const KmMappingName *name = p;
  guint64 h = name->key ^ (guint64)name->mm_id * 0x9e3779b97f4a7c15ull;
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return (guint)h;
}

static gboolean mapping_name_equal(gconstpointer a, gconstpointer b)
{
  const KmMappingName *x = a, *y = b;
  return x->key == y->key && x->mm_id == y->mm_id;
}

KmSystem *km_system_new(const KmProfile *profile, guint page_size)
{
  KmSystem *sys = g_new0(KmSystem, 1);
  sys->profile = profile;
  sys->machine.page_size = page_size;
  sys->machine.nr_cpus = 1;
  sys->machine.overcommit_ratio = 50;
  sys->machine.admin_reserve_kbytes = 8192;
  sys->machine.user_reserve_kbytes = 131072;
  sys->machine.swappiness = 60;
  sys->task_by_pid = km_pid_table_new();
  sys->released_tasks = g_ptr_array_new(); /* the tasks are the task slab's */
  sys->memcg_by_path = g_hash_table_new(g_str_hash, g_str_equal);
  sys->mapping_by_name = g_hash_table_new(km_mapping_name_hash, mapping_name_equal);
  sys->memcgs = g_ptr_array_new();
  /* objects per block: about 16 KiB of tasks, mms or mappings, 12 KiB of LRU chunks (256, as before the caches) */
  km_slab_init(&sys->task_slab, sizeof(KmTask), 64);
  km_slab_init(&sys->mm_slab, sizeof(KmMm), 64);
  km_slab_init(&sys->mapping_slab, sizeof(KmMapping), 128);
  km_slab_init(&sys->lru_chunk_slab, sizeof(KmLruChunk), 256);
  sys->root_memcg = memcg_alloc(sys, "/", NULL);
  return sys;
}

/* km_system_free()'s walk of the pid table: the task drops its mm reference; the last one frees the mm. */
static void drop_task_mm(gpointer data, gpointer sys)
{
  KmTask *task = data;
  if (task->mm && --task->mm->users == 0)
    mm_free(sys, task->mm);
}

void km_system_free(KmSystem *sys)
{
  if (!sys)
    return;
  /* Every task ever created is in task_by_pid (exited ones too; or released_tasks). mms are shared: each task still holding one drops
   * its reference, and the last frees it (the mappings' side arrays; the objects go with the caches below). */
  km_pid_table_foreach(sys->task_by_pid, drop_task_mm, sys);
  km_pid_table_free(sys->task_by_pid);
  g_ptr_array_free(sys->released_tasks, TRUE); /* dead: no mm; the task slab frees them below */
  sys->tasks = (KmTaskList){ NULL, NULL, 0 }; /* its links were the tasks' own (KmTask.tasks) */
  g_hash_table_destroy(sys->memcg_by_path);
  g_hash_table_destroy(sys->mapping_by_name);
  for (guint i = 0; i < sys->memcgs->len; i++)
    memcg_free(sys, sys->memcgs->pdata[i]);
  g_ptr_array_free(sys->memcgs, TRUE);
  /* after the mms and memcgs, whose mappings and LRUs are made of them */
  km_slab_destroy(&sys->task_slab);
  km_slab_destroy(&sys->mm_slab);
  km_slab_destroy(&sys->mapping_slab);
  km_slab_destroy(&sys->lru_chunk_slab);
  g_free(sys);
}

KmTask *km_system_find_task(const KmSystem *sys, int pid)
{
  return km_pid_table_lookup(sys->task_by_pid, pid);
}

KmMemcg *km_system_find_memcg(KmSystem *sys, const char *path)
{
  return g_hash_table_lookup(sys->memcg_by_path, path);
}

void km_memcg_reset_counters(KmMemcg *memcg)
{
  memset(memcg->events, 0, sizeof memcg->events);
  memset(memcg->events_local, 0, sizeof memcg->events_local);
  memcg->v1_oom_kill = 0;
  memcg->failcnt = memcg->swap_failcnt = memcg->memsw_failcnt = 0;
  memcg->watermark = memcg->usage;
  memcg->swap_watermark = memcg->swap_usage;
  memcg->pgscan_local = 0;
}

KmMemcg *km_memcg_create(KmSystem *sys, const char *path, GError **error)
{
  /* programming error only: the loader refuses a path that is not absolute (loader_check_cgroup_path()) */
  g_return_val_if_fail(path && path[0] == '/', NULL);
  if (km_system_find_memcg(sys, path)) {
    g_set_error(error, KM_ERROR, KM_ERROR_EXISTS, "cgroup %s is defined twice", path);
    return NULL;
  }
  g_autofree char *parent_path = g_path_get_dirname(path);
  KmMemcg *parent = km_system_find_memcg(sys, parent_path);
  if (!parent) {
    g_set_error(error, KM_ERROR, KM_ERROR_NOT_FOUND, "cgroup %s: parent %s is not defined before it",
                path, parent_path);
    return NULL;
  }
  return memcg_alloc(sys, path, parent);
}

KmMm *km_mm_new(KmSystem *sys, KmMemcg *memcg)
{
  KmMm *mm = km_slab_alloc0(&sys->mm_slab);
  mm->id = sys->next_mm_id++;
  mm->memcg = memcg; /* mappings: NULL until the first (mm_mappings()) */
  return mm;
}

/* list_add_tail() and list_del() (include/linux/list.h) on a list of tasks through the KmTaskLink at link_offset in
 * each task: G_STRUCT_OFFSET(KmTask, tasks) for the task list, (KmTask, cg_list) for a memcg's tasks. */
static KmTaskLink *task_link(KmTask *task, glong link_offset)
{
  return G_STRUCT_MEMBER_P(task, link_offset);
}

static void task_list_add_tail(KmTaskList *list, KmTask *task, glong link_offset)
{
  KmTaskLink *link = task_link(task, link_offset);
  link->next = NULL;
  link->prev = list->tail;
  if (list->tail)
    task_link(list->tail, link_offset)->next = task;
  else
    list->head = task;
  list->tail = task;
  list->length++;
}

static void task_list_del(KmTaskList *list, KmTask *task, glong link_offset)
{
  KmTaskLink *link = task_link(task, link_offset);
  if (link->prev)
    task_link(link->prev, link_offset)->next = link->next;
  else
    list->head = link->next;
  if (link->next)
    task_link(link->next, link_offset)->prev = link->prev;
  else
    list->tail = link->prev;
  link->next = link->prev = NULL;
  list->length--;
}

KmTask *km_task_create(KmSystem *sys, int pid, const char *comm, KmMemcg *memcg, KmMm *share_mm)
{
  /* alloc_pid() (kernel/pid.c) may hand out a pid again once release_task() freed it: a dead task's pid is free */
  KmTask *earlier = km_pid_table_lookup(sys->task_by_pid, pid);
  if (earlier && earlier->state == KM_TASK_DEAD)
    g_ptr_array_add(sys->released_tasks, earlier);
  KmTask *task = km_slab_alloc0(&sys->task_slab);
  task->pid = pid;
  g_strlcpy(task->comm, comm, sizeof task->comm);
  task->threads = 1;
  task->state = KM_TASK_RUNNING;
  task->seq = sys->next_seq++;
  task->mm = share_mm ? share_mm : km_mm_new(sys, memcg);
  if (!share_mm)
    task->mm->owner = task; /* mm_init_owner() */
  task->mm->users++;
  km_pid_table_insert(sys->task_by_pid, pid, task);
  task_list_add_tail(&sys->tasks, task, G_STRUCT_OFFSET(KmTask, tasks)); /* list_add_tail_rcu(&p->tasks, ...) */
  km_task_attach(sys, task, memcg);
  return task;
}

/* cgroup_attach_task(), kernel 6.1: the task joins memcg. No charge moves (mem_cgroup_move_charge() is v1's
 * move_charge_at_immigrate, not modelled); the mm's later charges go where its owner now is, since the charge path
 * asks get_mem_cgroup_from_mm() -> mem_cgroup_from_task(mm->owner) at every charge. A process sharing the mm that
 * is not its owner changes nothing for the mm. */
void km_task_attach(KmSystem *sys, KmTask *task, KmMemcg *memcg)
{
  (void)sys;
  /* programming error only: a dead task is in no memcg's list (km_task_exit()) and moves nowhere */
  g_return_if_fail(task->state != KM_TASK_DEAD);
  if (task->memcg)
    task_list_del(&task->memcg->tasks, task, G_STRUCT_OFFSET(KmTask, cg_list));
  task->memcg = memcg;
  task_list_add_tail(&memcg->tasks, task, G_STRUCT_OFFSET(KmTask, cg_list));
  if (task->mm && task->mm->owner == task)
    task->mm->memcg = memcg;
}

/* mm_update_next_owner() (kernel/exit.c, 6.1): when the owner exits and others still use the mm, another user
 * becomes the owner (the kernel looks at children, then siblings, then every process; the model takes the first
 * user process in task-list order) and the mm's charges follow its memcg. Kernel threads are skipped. As in the
 * kernel, an mm nobody else uses ("if (atomic_read(&mm->mm_users) <= 1)") just loses its owner: no walk of the
 * task list, which made every exit O(tasks) (issue 13). */
static void mm_update_next_owner(KmSystem *sys, KmTask *task)
{
  KmMm *mm = task->mm;
  if (mm->owner != task)
    return;
  mm->owner = NULL;
  if (mm->users <= 1)
    return;
  for (KmTask *p = sys->tasks.head; p; p = p->tasks.next) {
    if (p != task && p->mm == mm && !p->kthread && p->state != KM_TASK_DEAD) {
      mm->owner = p;
      mm->memcg = p->memcg;
      return;
    }
  }
}

/* do_exit(): the process leaves its cgroup and the task list; exit_mm() drops the mm. */
void km_task_exit(KmSystem *sys, KmTask *task, int code, int signal)
{
  /* programming error only: the engine exits a task once (record_exit() callers skip dead and dying tasks) */
  g_return_if_fail(task->state != KM_TASK_DEAD);
  if (task->mm) {
    mm_update_next_owner(sys, task);
    km_mm_put(sys, task->mm);
    task->mm = NULL;
  }
  task_list_del(&task->memcg->tasks, task, G_STRUCT_OFFSET(KmTask, cg_list));
  task_list_del(&sys->tasks, task, G_STRUCT_OFFSET(KmTask, tasks)); /* list_del_rcu(&p->tasks) */
  task->state = KM_TASK_DEAD;
  task->exit_code = code;
  task->exit_signal = signal;
}

KmMemcg *km_memcg_counter_parent(const KmMemcg *memcg)
{
  if (!memcg->parent)
    return NULL;
  /* mem_cgroup_css_alloc(): v1 non-hierarchical children get page_counter_init(&memcg->memory, NULL) */
  if (memcg->version == 1 && !memcg->parent->use_hierarchy)
    return NULL;
  return memcg->parent;
}

static KmPages *machine_counter(KmSystem *sys, KmPageKind kind)
{
  switch (kind) {
  case KM_PAGE_ANON:
    return &sys->machine.anon;
  case KM_PAGE_FILE:
    return &sys->machine.file;
  case KM_PAGE_SHMEM:
    return &sys->machine.shmem;
  case KM_PAGE_KMEM:
    return NULL;
  case KM_PAGE_PGTABLE:
  default:
    return &sys->machine.pgtables;
  }
}

static KmPages *memcg_stat(KmMemcg *memcg, KmPageKind kind)
{
  switch (kind) {
  case KM_PAGE_ANON:
    return &memcg->anon;
  case KM_PAGE_FILE:
    return &memcg->file;
  case KM_PAGE_SHMEM:
    return &memcg->shmem;
  case KM_PAGE_KMEM:
    return &memcg->kmem;
  case KM_PAGE_PGTABLE:
  default:
    return &memcg->pgtables;
  }
}

/* The per-CPU list a page of this kind comes from and goes back to (gfp_migratetype(): __GFP_MOVABLE user
 * pages; page tables are unmovable); -1: not a page the model allocates from the lists. */
static int pcp_list(KmPageKind kind)
{
  switch (kind) {
  case KM_PAGE_ANON:
  case KM_PAGE_FILE:
  case KM_PAGE_SHMEM:
    return KM_PCP_MOVABLE;
  case KM_PAGE_PGTABLE:
    return KM_PCP_UNMOVABLE;
  case KM_PAGE_KMEM:
  default:
    return -1;
  }
}

void km_memcg_note_headroom(KmMemcg *memcg)
{
  if (memcg->max == KM_PAGES_MAX)
    return;
  KmPages headroom = memcg->max > memcg->usage ? memcg->max - memcg->usage : 0;
  if (headroom < memcg->min_headroom)
    memcg->min_headroom = headroom;
}

void km_memcg_charge(KmSystem *sys, KmMemcg *memcg, KmPageKind kind, KmPages n)
{
  KmPages *machine = machine_counter(sys, kind);
  if (pcp_list(kind) >= 0)
    km_pcp_alloc(sys, (KmPcpList)pcp_list(kind), n);
  if (machine)
    *machine += n;
  *memcg_stat(memcg, kind) += n;
  sys->charged += n;
  if (sys->charged > sys->charged_peak)
    sys->charged_peak = sys->charged;
  for (KmMemcg *c = memcg; c; c = km_memcg_counter_parent(c)) {
    c->usage += n;
    c->memsw_usage += n;
    /* page_counter_charge(): "if (new > READ_ONCE(c->watermark)) WRITE_ONCE(c->watermark, new)" */
    if (c->usage > c->watermark)
      c->watermark = c->usage;
    km_memcg_note_headroom(c);
  }
  if (kind == KM_PAGE_SHMEM) {
    /* shmem_add_to_page_cache() + lru_cache_add(): a swap-backed page on the anon LRU */
    KmLruChunk *tail = g_queue_peek_tail(&memcg->lru_anon);
    if (tail && !tail->mapping) {
      tail->pages += n;
    } else {
      KmLruChunk *chunk = km_lru_chunk_new(sys);
      chunk->pages = n;
      km_lru_push_tail(memcg, chunk);
    }
  }
}

void km_memcg_uncharge(KmSystem *sys, KmMemcg *memcg, KmPageKind kind, KmPages n)
{
  KmPages *machine = machine_counter(sys, kind);
  if (pcp_list(kind) >= 0)
    km_pcp_free(sys, (KmPcpList)pcp_list(kind), n);
  if (machine)
    *machine -= n;
  *memcg_stat(memcg, kind) -= n;
  sys->charged -= n;
  for (KmMemcg *c = memcg; c; c = km_memcg_counter_parent(c)) {
    c->usage -= n;
    c->memsw_usage -= n;
  }
}

/* mem_cgroup_swapout() / __mem_cgroup_try_charge_swap(): the page leaves the memory counter; on v2 it is
 * charged to the swap counter, on v1 memsw keeps counting it. An anon page (swap_writepage()) or a shmem page
 * (shmem_writepage(): shmem is swap-backed too). */
void km_memcg_swap_out(KmSystem *sys, KmMemcg *memcg, KmPageKind kind, KmPages n)
{
  km_pcp_free(sys, KM_PCP_MOVABLE, n);
  *machine_counter(sys, kind) -= n;
  sys->machine.swap_used += n;
  *memcg_stat(memcg, kind) -= n;
  if (kind == KM_PAGE_SHMEM)
    memcg->shmem_swapped += n;
  sys->charged -= n;
  for (KmMemcg *c = memcg; c; c = km_memcg_counter_parent(c)) {
    c->usage -= n;
    c->swap_usage += n;
    if (c->swap_usage > c->swap_watermark) /* page_counter_charge() of the swap counter */
      c->swap_watermark = c->swap_usage;
  }
}

void km_memcg_swap_free(KmSystem *sys, KmMemcg *memcg, KmPages n)
{
  sys->machine.swap_used -= n;
  for (KmMemcg *c = memcg; c; c = km_memcg_counter_parent(c)) {
    c->swap_usage -= n;
    c->memsw_usage -= n;
  }
}

KmPages km_memcg_margin(const KmMemcg *memcg, KmMemcg **out_over_limit, gboolean *out_memsw)
{
  KmPages margin = KM_PAGES_MAX;
  KmMemcg *over = NULL;
  gboolean memsw = FALSE;

  /* try_charge_memcg(): the memsw counter is tried first on v1, then memory */
  for (const KmMemcg *c = memcg; c; c = km_memcg_counter_parent(c)) {
    if (c->version == 1 && c->memsw_max != KM_PAGES_MAX) {
      KmPages m = c->memsw_max > c->memsw_usage ? c->memsw_max - c->memsw_usage : 0;
      if (m < margin) {
        margin = m;
        over = (KmMemcg *)c;
        memsw = TRUE;
      }
    }
    if (c->max != KM_PAGES_MAX) {
      KmPages m = c->max > c->usage ? c->max - c->usage : 0;
      if (m < margin) {
        margin = m;
        over = (KmMemcg *)c;
        memsw = FALSE;
      }
    }
  }
  if (out_over_limit)
    *out_over_limit = over;
  if (out_memsw)
    *out_memsw = memsw;
  return margin;
}

KmPages km_memcg_swap_margin(const KmSystem *sys, const KmMemcg *memcg)
{
  KmPages margin = sys->machine.total_swap_pages - sys->machine.swap_used;
  for (const KmMemcg *c = memcg; c; c = km_memcg_counter_parent(c)) {
    if (c->version == 2 && c->swap_max != KM_PAGES_MAX) {
      KmPages m = c->swap_max > c->swap_usage ? c->swap_max - c->swap_usage : 0;
      margin = MIN(margin, m);
    }
  }
  return MAX(margin, 0);
}

/* memcg_memory_event(), 6.1:
 *   atomic_long_inc(&memcg->memory_events_local[event]); cgroup_file_notify(...);
 *   do { atomic_long_inc(&memcg->memory_events[event]); ... }
 *   while ((memcg = parent_mem_cgroup(memcg)) && !mem_cgroup_is_root(memcg));
 * Before 5.2 (and with memory_localevents) only the memcg itself counts. The v1 oom_control oom_kill
 * counter is the local OOM_KILL count. */
void km_memcg_memory_event(KmSystem *sys, KmMemcg *memcg, KmMemcgEvent event)
{
  memcg->events_local[event]++;
  if (event == KM_MEMCG_OOM_KILL)
    memcg->v1_oom_kill++;
  if (!sys->profile->memcg_events_hierarchical || memcg->version == 1) {
    memcg->events[event]++;
    return;
  }
  for (KmMemcg *c = memcg; c && c->parent; c = c->parent)
    c->events[event]++;
  if (!memcg->parent)
    memcg->events[event]++;
}

/* mem_cgroup_get_max(), 6.1 (quoted in docs/research/kernel-sources.md) */
KmPages km_memcg_get_max(const KmSystem *sys, const KmMemcg *memcg)
{
  KmPages max = memcg->max;
  KmPages total_swap = sys->machine.total_swap_pages;

  if (sys->machine.swappiness == 0)
    return max;
  if (memcg->version == 2)
    return sat_add(max, MIN(memcg->swap_max, total_swap));
  /* v1: swap excess capacity from the memsw limit; the kernel's unsigned subtraction wraps when memsw < max
   * (which the v1 interface refuses to set up), leaving min(huge, total_swap) */
  KmPages swap = (memcg->memsw_max == KM_PAGES_MAX || memcg->memsw_max < max) ? KM_PAGES_MAX : memcg->memsw_max - max;
  return sat_add(max, MIN(swap, total_swap));
}

gboolean km_memcg_is_descendant(const KmMemcg *memcg, const KmMemcg *ancestor)
{
  for (const KmMemcg *c = memcg; c; c = c->parent)
    if (c == ancestor)
      return TRUE;
  return FALSE;
}

guint64 km_memcg_pgscan(const KmMemcg *memcg)
{
  guint64 n = memcg->pgscan_local;
  for (GList *l = memcg->children.head; l; l = l->next)
    n += km_memcg_pgscan(l->data);
  return n;
}

/* mem_cgroup_get_oom_group(), 4.19+: walk from the victim's memcg up to the OOM domain (the root for a global
 * OOM) and keep the highest one with oom.group set. Only cgroup v2 has the file. */
KmMemcg *km_memcg_get_oom_group(const KmSystem *sys, KmTask *victim, KmMemcg *oom_domain)
{
  KmMemcg *group = NULL;
  if (!sys->profile->has_oom_group || victim->memcg->version != 2)
    return NULL;
  KmMemcg *domain = oom_domain ? oom_domain : sys->root_memcg;
  /* a global OOM: "if (!oom_domain) oom_domain = root_mem_cgroup"; a victim outside the domain: none */
  if (!km_memcg_is_descendant(victim->memcg, domain))
    return NULL;
  for (KmMemcg *c = victim->memcg; c; c = c->parent) {
    if (c->oom_group)
      group = c;
    if (c == domain)
      break;
  }
  return group;
}

static void scan_subtree(const KmMemcg *memcg, GPtrArray *out)
{
  for (KmTask *t = memcg->tasks.head; t; t = t->cg_list.next)
    g_ptr_array_add(out, t);
  for (GList *l = memcg->children.head; l; l = l->next)
    scan_subtree(l->data, out);
}

/* mem_cgroup_scan_tasks(): for_each_mem_cgroup_tree() is a css_next_descendant_pre() walk; a v1 memcg
 * without use_hierarchy iterates itself only (mem_cgroup_iter()). */
GPtrArray *km_memcg_scan_tasks(const KmMemcg *memcg)
{
  GPtrArray *out = g_ptr_array_new();
  if (memcg->version == 1 && !memcg->use_hierarchy && memcg->parent) {
    for (KmTask *t = memcg->tasks.head; t; t = t->cg_list.next)
      g_ptr_array_add(out, t);
    return out;
  }
  scan_subtree(memcg, out);
  return out;
}

KmMapping *km_mm_add_mapping(KmSystem *sys, KmMm *mm, guint64 key, KmPages pages, gboolean accounted)
{
  KmMapping *mapping = km_slab_alloc0(&sys->mapping_slab);
  mapping->name = (KmMappingName){ .key = key, .mm_id = mm->id };
  mapping->pages = pages;
  mapping->accounted = accounted;
  mapping->refs = 1;
  mm->total_vm += pages;
  if (accounted) {
    mm->committed += pages;
    /* Committed_AS was raised by __vm_enough_memory() already (km-util.c) */
  }
  KmMmMappings *maps = mm_mappings(mm);
  mapping->node.data = mapping;
  mapping->link = &mapping->node;
  g_queue_push_tail_link(&maps->list, mapping->link);
  maps->untouched_pages += pages;
  if (!maps->untouched_from)
    maps->untouched_from = mapping->link;
  if (key && !g_hash_table_contains(sys->mapping_by_name, &mapping->name))
    g_hash_table_insert(sys->mapping_by_name, &mapping->name, mapping);
  else if (key)
    maps->shadowed_ids++;
  (void)sys;
  return mapping;
}

/* The first mapping, in creation order, with untouched pages (the simulator's touch target; see KmMm): the walk
 * starts where the last one stopped, since touched pages stay touched (resident or swapped) until the mapping goes
 * or the reaper zaps it (which restarts the walk), so each mapping is passed over once: O(1) amortised. */
KmMapping *km_mm_first_untouched(KmMm *mm)
{
  if (!mm->mappings)
    return NULL;
  GList *l = mm->mappings->untouched_from;
  while (l && km_mapping_untouched((KmMapping *)l->data) == 0)
    l = l->next;
  mm->mappings->untouched_from = l;
  return l ? l->data : NULL;
}

KmMapping *km_mm_find_mapping(KmSystem *sys, KmMm *mm, guint64 key)
{
  if (key == 0 || !mm->mappings)
    return NULL; /* no mapping has key 0; an mm with no mappings struct never had one */
  KmMmMappings *maps = mm->mappings;
  if (maps->last_found && maps->last_found->name.key == key)
    return maps->last_found;
  KmMappingName name = { .key = key, .mm_id = mm->id };
  KmMapping *found = g_hash_table_lookup(sys->mapping_by_name, &name);
  if (found)
    maps->last_found = found;
  return found;
}

/* get_unmapped_area() (mm/mmap.c, 3.10-6.12): "if (len > TASK_SIZE - mmap_min_addr) return -ENOMEM", and the
 * search for a hole fails with ENOMEM when none is big enough. The model does not place mappings, so the address
 * space is full when the mm's mappings and the new one come to more than TASK_SIZE (mmap_min_addr, the stack and
 * its gap are left out: a few pages of 2^35). */
gboolean km_mm_get_unmapped_area(const KmMm *mm, KmPages pages)
{
  return pages <= KM_TASK_SIZE_PAGES - mm->total_vm;
}

static KmPages pte_pages_for(KmPages populated)
{
  return div_round_up(populated, KM_PTRS_PER_TABLE);
}

static KmPages pmd_pages_for(KmPages pte_pages)
{
  return km_pmd_pages_for(pte_pages);
}

/* Where a user page-table page is charged: the memcg, or (profiles whose pte_alloc_one()/pgd_alloc() do not pass
 * __GFP_ACCOUNT: 3.10) the root, i.e. no limit pays for it; it still takes a page of the machine. */
static KmMemcg *pgtable_memcg(KmSystem *sys, KmMemcg *memcg)
{
  return sys->profile->memcg_charges_pgtables ? memcg : sys->root_memcg;
}

/* The mm's ledger of page-table pages per memcg, a stack (oldest first): KmMmMappings.pgtable_charge0, then the
 * array; an mm without KmMmMappings has never had a page table (issue 13). */
static KmMemcgPages *pgtable_ledger_top(KmMm *mm)
{
  KmMmMappings *maps = mm->mappings;
  if (!maps)
    return NULL;
  if (maps->pgtable_charges && maps->pgtable_charges->len)
    return &g_array_index(maps->pgtable_charges, KmMemcgPages, maps->pgtable_charges->len - 1);
  return maps->pgtable_charge0.memcg ? &maps->pgtable_charge0 : NULL;
}

static void pgtable_ledger_push(KmMm *mm, KmMemcg *memcg, KmPages pages)
{
  KmMmMappings *maps = mm_mappings(mm);
  KmMemcgPages entry = { .memcg = memcg, .pages = pages };
  if (!maps->pgtable_charge0.memcg) {
    maps->pgtable_charge0 = entry;
    return;
  }
  if (!maps->pgtable_charges) /* made by a second memcg's page tables: most mms never have one (issue 10) */
    maps->pgtable_charges = g_array_new(FALSE, FALSE, sizeof(KmMemcgPages));
  g_array_append_val(maps->pgtable_charges, entry);
}

static void pgtable_ledger_pop(KmMm *mm)
{
  KmMmMappings *maps = mm->mappings; /* the top entry exists (pgtable_ledger_top()) */
  if (maps->pgtable_charges && maps->pgtable_charges->len)
    g_array_set_size(maps->pgtable_charges, maps->pgtable_charges->len - 1);
  else
    maps->pgtable_charge0 = (KmMemcgPages){ 0 };
}

/* __pte_alloc() / free_pgtables(): new page-table pages are charged to memcg; freed ones are uncharged from the
 * memcgs they were charged to, newest first (the kernel frees the tables of the unmapped range; the model does not
 * place mappings). */
static void mm_set_tables(KmSystem *sys, KmMm *mm, KmMemcg *memcg, KmPages pte_pages)
{
  memcg = pgtable_memcg(sys, memcg);
  KmPages before = km_mm_pgtables(mm);
  mm->pte_pages = pte_pages;
  KmPages after = km_mm_pgtables(mm);
  if (after > before) {
    KmPages n = after - before;
    km_memcg_charge(sys, memcg, KM_PAGE_PGTABLE, n);
    KmMemcgPages *last = pgtable_ledger_top(mm);
    if (last && last->memcg == memcg)
      last->pages += n;
    else
      pgtable_ledger_push(mm, memcg, n);
  }
  KmMemcgPages *last;
  for (KmPages n = before - after; n > 0 && (last = pgtable_ledger_top(mm));) {
    KmPages k = MIN(n, last->pages);
    km_memcg_uncharge(sys, last->memcg, KM_PAGE_PGTABLE, k);
    last->pages -= k;
    n -= k;
    if (last->pages == 0)
      pgtable_ledger_pop(mm);
  }
}

KmMapCharge *km_mapping_charge_at(KmMapping *mapping, guint i)
{
  if (i == 0)
    return mapping->charge0.memcg ? &mapping->charge0 : NULL;
  return mapping->charges && i - 1 < mapping->charges->len ? &g_array_index(mapping->charges, KmMapCharge, i - 1)
                                                           : NULL;
}

KmMapCharge *km_mapping_find_charge(KmMapping *mapping, const KmMemcg *memcg)
{
  KmMapCharge *c;
  for (guint i = 0; (c = km_mapping_charge_at(mapping, i)); i++)
    if (c->memcg == memcg)
      return c;
  return NULL;
}

static KmMapCharge *mapping_charge(KmMapping *mapping, KmMemcg *memcg)
{
  KmMapCharge *c = km_mapping_find_charge(mapping, memcg);
  if (c)
    return c;
  if (!mapping->charge0.memcg) {
    mapping->charge0.memcg = memcg;
    return &mapping->charge0;
  }
  if (!mapping->charges)
    mapping->charges = g_array_new(FALSE, FALSE, sizeof(KmMapCharge));
  g_array_append_val(mapping->charges, ((KmMapCharge){ .memcg = memcg }));
  return &g_array_index(mapping->charges, KmMapCharge, mapping->charges->len - 1);
}

/* n new anon pages of mapping: charged to memcg (mem_cgroup_charge()), put on its LRU (lru_cache_add()), counted in
 * MM_ANONPAGES. */
static void mapping_add_anon(KmSystem *sys, KmMm *mm, KmMapping *mapping, KmMemcg *memcg, KmPages n)
{
  mapping_charge(mapping, memcg)->resident += n;
  mapping->resident += n;
  if (mapping->link) /* one of mm->mappings (not mm->base->anon) */
    mm->mappings->untouched_pages -= n;
  mm->anon_rss += n;
  km_memcg_charge(sys, memcg, KM_PAGE_ANON, n);
  KmLruChunk *tail = g_queue_peek_tail(&memcg->lru_anon);
  if (tail && tail->mapping == mapping) {
    tail->pages += n;
  } else {
    KmLruChunk *chunk = km_lru_chunk_new(sys);
    chunk->mm = mm;
    chunk->mapping = mapping;
    chunk->pages = n;
    mapping->refs++;
    km_lru_push_tail(memcg, chunk);
  }
}

/* do_anonymous_page() n times, kernel 6.1: the page tables grow first (__pte_alloc), then the page is charged
 * (mem_cgroup_charge(folio, vma->vm_mm, gfp): the memcg of the mm's owner now, get_mem_cgroup_from_mm()) and put on
 * that memcg's LRU (lru_cache_add_inactive_or_unevictable), and MM_ANONPAGES counts it. */
void km_mm_populate(KmSystem *sys, KmMm *mm, KmMapping *mapping, KmPages n)
{
  if (n <= 0)
    return;
  KmMemcg *memcg = mm->memcg;
  KmPages populated = mapping->resident + mapping->swapped;
  KmPages new_pte = mm->pte_pages - pte_pages_for(populated) + pte_pages_for(populated + n);
  mm_set_tables(sys, mm, memcg, new_pte);
  mapping_add_anon(sys, mm, mapping, memcg, n);
}

/* Page-table pages (PTE and PMD levels) that populating n more pages of this mapping adds. */
KmPages km_mm_pte_growth(const KmMm *mm, const KmMapping *mapping, KmPages n)
{
  KmPages populated = mapping->resident + mapping->swapped;
  KmPages dpte = pte_pages_for(populated + n) - pte_pages_for(populated);
  return dpte + pmd_pages_for(mm->pte_pages + dpte) - pmd_pages_for(mm->pte_pages);
}

/* How many of n pages of mapping the fault path can fault in when avail free pages are left: each
 * do_anonymous_page() first allocates the PTE page (and the PMD page above it) it lacks (__pte_alloc(),
 * __pmd_alloc()), then the page itself. So k pages cost k + km_mm_pte_growth(k) pages. That sum grows strictly
 * with k, so the largest k that fits is found by bisection. (Shrinking k by the growth of a larger k can skip
 * the answer: at a PMD boundary 2 pages cost 4 while 1 page costs 1, and 2 free pages would fit none.) */
KmPages km_mm_fault_batch(const KmMm *mm, const KmMapping *mapping, KmPages n, KmPages avail)
{
  KmPages lo = 0, hi = MIN(n, avail);
  if (hi <= 0)
    return 0;
  if (hi + km_mm_pte_growth(mm, mapping, hi) <= avail)
    return hi;
  /* invariant: lo fits, hi does not */
  while (hi - lo > 1) {
    KmPages mid = lo + (hi - lo) / 2;
    if (mid + km_mm_pte_growth(mm, mapping, mid) <= avail)
      lo = mid;
    else
      hi = mid;
  }
  return lo;
}

/* zap_pte_range(), kernel 6.1: every page and swap entry of the mapping is uncharged from the memcg it is charged
 * to (folio->memcg_data; mem_cgroup_uncharge_swap() finds the memcg recorded in the swap entry). The counts of the
 * mapping itself are left to the caller. */
static void mapping_uncharge_all(KmSystem *sys, KmMapping *mapping)
{
  KmMapCharge *c;
  for (guint i = 0; (c = km_mapping_charge_at(mapping, i)); i++) {
    if (c->resident)
      km_memcg_uncharge(sys, c->memcg, KM_PAGE_ANON, c->resident);
    if (c->swapped)
      km_memcg_swap_free(sys, c->memcg, c->swapped);
    c->resident = c->swapped = 0;
  }
}

/* do_munmap() -> unmap_vmas()/free_pgtables(): resident pages uncharged, swap entries freed, the mapping's
 * PTE pages released, Committed_AS lowered by vm_unacct_memory(). LRU chunks drop the mapping lazily. */
void km_mm_unmap(KmSystem *sys, KmMm *mm, KmMapping *mapping)
{
  if (mapping->dead)
    return;
  KmPages populated = mapping->resident + mapping->swapped;
  mapping_uncharge_all(sys, mapping);
  mm->anon_rss -= mapping->resident;
  mm->swapents -= mapping->swapped;
  mm_set_tables(sys, mm, mm->memcg, mm->pte_pages - pte_pages_for(populated));
  mm->total_vm -= mapping->pages;
  if (mapping->accounted) {
    mm->committed -= mapping->pages;
    sys->machine.committed_as -= mapping->pages;
  }
  KmMmMappings *maps = mm->mappings; /* mapping is one of them (not dead: above) */
  maps->untouched_pages -= km_mapping_untouched(mapping);
  mapping->resident = mapping->swapped = 0;
  mapping_dies(sys, mapping);
  if (maps->last_found == mapping)
    maps->last_found = NULL;
  if (mapping->name.key && g_hash_table_lookup(sys->mapping_by_name, &mapping->name) == mapping)
    g_hash_table_remove(sys->mapping_by_name, &mapping->name);
  else if (mapping->name.key)
    maps->shadowed_ids--;
  if (maps->untouched_from == mapping->link)
    maps->untouched_from = mapping->link->next; /* those before it are still fully touched */
  g_queue_unlink(&maps->list, mapping->link);
  mapping->link = NULL;
  km_mapping_unref(sys, mapping);
}

/* The process's own memory before the trace (its text, data, stack, page tables), charged to the memcg it
 * starts in, as for the VM agent's workers, which exec themselves after joining their cgroup. Its anon pages are
 * ordinary anon pages: faulted (lru_cache_add()) long before the trace, so they go on the memcg's LRU now, behind
 * nothing of this process, and reclaim swaps them out like any other (d1-18 in docs/validation.md). They are kept
 * in an internal mapping, mm->base->anon, that is not one of the mm's mappings. Called once, before the trace touches
 * the mm. */
void km_mm_set_base(KmSystem *sys, KmMm *mm, KmPages anon, KmPages pgtables, KmPages kmem)
{
  g_return_if_fail(mm->base == NULL);
  KmMemcg *memcg = mm->memcg;
  if (anon > 0 || pgtables > 0 || kmem > 0) { /* else no KmMmBase: an empty mm costs nothing here (issue 13) */
    mm->base = g_new0(KmMmBase, 1);
    mm->base->memcg = memcg;
    mm->base->kmem = kmem;
    mm->base->pgtables = pgtables;
  }
  if (anon > 0) {
    KmMapping *mapping = mm->base->anon = km_slab_alloc0(&sys->mapping_slab);
    mapping->pages = anon;
    mapping->refs = 1; /* the mm's */
    mapping_add_anon(sys, mm, mapping, memcg, anon);
  }
  km_memcg_charge(sys, pgtable_memcg(sys, memcg), KM_PAGE_PGTABLE, pgtables);
  km_memcg_charge(sys, memcg, KM_PAGE_KMEM, kmem); /* pgtables count in km_mm_pgtables() through mm->base */
}

/* The address space the process had before the trace: exec's mappings of its binary, data, bss, heap and stack.
 * They count in total_vm (the user reserve of __vm_enough_memory() is total_vm / 32), and the writable private
 * ones are VM_ACCOUNT: they were committed (vm_committed_as) when exec made them and are uncommitted by
 * exit_mmap() (km_mm_put()). Called once, before the trace touches the mm (make differential seed 1 #117 on
 * 6.12: without them a non-root 160 MiB mmap under overcommit 2 succeeded in the model, by 1231 pages). */
void km_mm_set_base_vm(KmSystem *sys, KmMm *mm, KmPages vm, KmPages committed)
{
  g_return_if_fail(mm->base == NULL || (mm->base->vm == 0 && mm->base->committed == 0));
  if (vm == 0 && committed == 0)
    return;
  if (!mm->base) { /* no anon, page tables or kmem before the trace: km_mm_set_base() made none */
    mm->base = g_new0(KmMmBase, 1);
    mm->base->memcg = mm->memcg;
  }
  mm->base->vm = vm;
  mm->total_vm += vm;
  mm->base->committed = committed;
  mm->committed += committed;
  sys->machine.committed_as += committed; /* vm_acct_memory() at exec, never refused: the process is running */
}

/* zap_pte_range() over the base anon pages: resident ones uncharged, swap entries freed (each from the memcg it is
 * charged to). The mapping stays (the reaper) unless drop: exit_mmap(), after which LRU chunks let it go lazily. */
static KmPages base_zap(KmSystem *sys, KmMm *mm, gboolean drop)
{
  KmMapping *base = mm->base ? mm->base->anon : NULL;
  if (!base)
    return 0;
  KmPages freed = base->resident;
  mapping_uncharge_all(sys, base);
  mm->anon_rss -= base->resident;
  mm->swapents -= base->swapped;
  base->resident = base->swapped = 0;
  if (drop) {
    mapping_dies(sys, base);
    mm->base->anon = NULL;
    km_mapping_unref(sys, base);
  }
  return freed;
}

/* __oom_reap_task_mm(): zap the private (anon) pages of every mapping; page tables and the mappings stay. */
KmPages km_mm_reap(KmSystem *sys, KmMm *mm)
{
  KmPages freed = 0;
  for (GList *l = km_mm_mappings_head(mm); l; l = l->next) {
    KmMapping *mapping = l->data;
    mapping_uncharge_all(sys, mapping);
    freed += mapping->resident;
    mm->anon_rss -= mapping->resident;
    mm->swapents -= mapping->swapped;
    /* the PTEs stay populated (zapped entries, tables kept): keep pte_pages, forget the pages */
    mm->mappings->untouched_pages += mapping->resident + mapping->swapped;
    mapping->resident = 0;
    mapping->swapped = 0;
  }
  if (mm->mappings)
    mm->mappings->untouched_from = mm->mappings->list.head; /* zapped pages are untouched again */
  freed += base_zap(sys, mm, FALSE);
  return freed;
}

/* mmput() -> exit_mmap() when mm_users drops to 0: every mapping goes, then the base memory. */
void km_mm_put(KmSystem *sys, KmMm *mm)
{
  /* programming error only: each task and each mm sharer holds one reference and puts it once, at exit */
  g_return_if_fail(mm->users > 0);
  if (--mm->users > 0)
    return;
  KmMapping *mapping;
  while (mm->mappings && (mapping = g_queue_peek_head(&mm->mappings->list)))
    km_mm_unmap(sys, mm, mapping);
  /* page tables of reaped mappings (zapped but not freed by the reaper) */
  if (mm->pte_pages)
    mm_set_tables(sys, mm, mm->memcg, 0);
  base_zap(sys, mm, TRUE);
  KmMmBase *base = mm->base;
  if (base) {
    /* exit_mmap(): vm_unacct_memory() of the base's VM_ACCOUNT mappings */
    mm->total_vm -= base->vm;
    mm->committed -= base->committed;
    sys->machine.committed_as -= base->committed;
    if (base->pgtables)
      km_memcg_uncharge(sys, pgtable_memcg(sys, base->memcg), KM_PAGE_PGTABLE, base->pgtables);
    /* __mmdrop(): mm_struct and pgd; exit_mmap(): the vmas and anon_vmas */
    if (base->kmem)
      km_memcg_uncharge(sys, base->memcg, KM_PAGE_KMEM, base->kmem);
  }
  mm_free(sys, mm);
}
