/* kernel-model/km-util.c: mm/util.c __vm_enough_memory() and vm_commit_limit() (6.1, with the pre-5.2
 * OVERCOMMIT_GUESS heuristic of 4.19), and the watermarks of mm/page_alloc.c init_per_zone_wmark_min() and
 * __setup_per_zone_wmarks().
 *
 * The model has one zone. The kernel splits RAM into DMA/DMA32/Normal zones with lowmem_reserve protecting the
 * lower ones, so the real threshold at which a GFP_HIGHUSER_MOVABLE allocation fails is a little above the
 * summed WMARK_MIN; docs/model.md and docs/validation.md say how much on the reference VM.
 */
#include "km-util.h"

static KmPages kb_to_pages(const KmSystem *sys, guint64 kb)
{
  return (KmPages)(kb / (sys->machine.page_size / 1024u));
}

KmPages km_free_pages(const KmSystem *sys)
{
  const KmMachine *m = &sys->machine;
  return m->totalram_pages - m->kernel_pages - m->anon - m->file - m->shmem - m->pgtables;
}

/* vm_commit_limit():
 *   if (sysctl_overcommit_kbytes) allowed = sysctl_overcommit_kbytes >> (PAGE_SHIFT - 10);
 *   else allowed = ((totalram_pages() - hugetlb_total_pages()) * sysctl_overcommit_ratio / 100);
 *   allowed += total_swap_pages; */
KmPages km_vm_commit_limit(const KmSystem *sys)
{
  const KmMachine *m = &sys->machine;
  KmPages allowed;
  if (m->overcommit_kbytes)
    allowed = kb_to_pages(sys, m->overcommit_kbytes);
  else
    allowed = m->totalram_pages * m->overcommit_ratio / 100;
  return allowed + m->total_swap_pages;
}

/* OVERCOMMIT_GUESS before 5.2 (4.19 mm/util.c): free + page cache - shmem + free swap + reclaimable slab,
 * minus totalreserve_pages, minus the admin reserve for non-root; succeed if free > pages. */
static gboolean guess_heuristic(const KmSystem *sys, KmPages pages, gboolean cap_sys_admin)
{
  const KmMachine *m = &sys->machine;
  KmPages free = km_free_pages(sys);
  free += m->file + m->shmem; /* NR_FILE_PAGES counts shmem too ... */
  free -= m->shmem;           /* ... "shmem pages shouldn't be counted as free" */
  free += m->total_swap_pages - m->swap_used;
  KmPages totalreserve = km_wmark_high_pages(sys);
  if (free <= totalreserve)
    return FALSE;
  free -= totalreserve;
  if (!cap_sys_admin)
    free -= kb_to_pages(sys, m->admin_reserve_kbytes);
  return free > pages;
}

gboolean km_vm_enough_memory(KmSystem *sys, const KmMm *mm, KmPages pages, gboolean cap_sys_admin)
{
  KmMachine *m = &sys->machine;
  KmPages allowed;

  m->committed_as += pages; /* vm_acct_memory(pages) */
  switch (m->overcommit_memory) {
  case 1: /* OVERCOMMIT_ALWAYS */
    return TRUE;
  case 0: /* OVERCOMMIT_GUESS */
    if (sys->profile->overcommit_heuristic) {
      if (guess_heuristic(sys, pages, cap_sys_admin))
        return TRUE;
    } else if (pages <= m->totalram_pages + m->total_swap_pages) {
      return TRUE;
    }
    break;
  default: /* OVERCOMMIT_NEVER */
    allowed = km_vm_commit_limit(sys);
    /* "Reserve some for root" */
    if (!cap_sys_admin)
      allowed -= kb_to_pages(sys, m->admin_reserve_kbytes);
    /* "Don't let a single process grow so big a user can't recover" */
    if (mm)
      allowed -= MIN(mm->total_vm / 32, kb_to_pages(sys, m->user_reserve_kbytes));
    if (m->committed_as < allowed)
      return TRUE;
    break;
  }
  m->committed_as -= pages; /* vm_unacct_memory(pages) */
  return FALSE;
}

static guint64 int_sqrt(guint64 x)
{
  guint64 r = 0;
  while ((r + 1) * (r + 1) <= x)
    r++;
  return r;
}

/* init_per_zone_wmark_min(): new_min_free_kbytes = int_sqrt(lowmem_kbytes * 16), clamped to [128, 262144]
 * (65536 before 5.7; irrelevant below 256 GiB of RAM). */
guint64 km_default_min_free_kbytes(KmPages totalram_pages, guint page_size)
{
  guint64 lowmem_kbytes = (guint64)totalram_pages * (page_size / 1024u);
  guint64 kb = int_sqrt(lowmem_kbytes * 16);
  return CLAMP(kb, 128, 262144);
}

KmPages km_wmark_min_pages(const KmSystem *sys)
{
  return kb_to_pages(sys, sys->machine.min_free_kbytes);
}

/* __setup_per_zone_wmarks(): low = min + max(min / 4, managed * watermark_scale_factor(10) / 10000), high = low
 * + the same step. */
KmPages km_wmark_high_pages(const KmSystem *sys)
{
  KmPages min = km_wmark_min_pages(sys);
  KmPages step = MAX(min / 4, (sys->machine.totalram_pages - sys->machine.kernel_pages) * 10 / 10000);
  return min + 2 * step;
}
