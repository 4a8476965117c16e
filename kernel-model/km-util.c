/* kernel-model/km-util.c: mm/util.c __vm_enough_memory() and vm_commit_limit() (6.1, with the pre-5.2
 * OVERCOMMIT_GUESS heuristic of 4.19), and the watermarks of mm/page_alloc.c init_per_zone_wmark_min() and
 * __setup_per_zone_wmarks().
 *
 * Zones: the model has the zones of an x86-64 PC (DMA, DMA32, Normal) with their WMARK_MIN and lowmem_reserve,
 * because they decide where a global OOM comes: a GFP_HIGHUSER_MOVABLE allocation fails when every zone is at
 * or below its min watermark plus its lowmem_reserve for ZONE_MOVABLE (km_alloc_floor_pages()). Which page of
 * which zone is used is not modelled: free memory is one pool, and each zone is assumed to have more free pages
 * than its floor when the trace starts (docs/model.md, "Zones").
 */
#include "km-util.h"
#include "km-pcp.h"

static KmPages kb_to_pages(const KmSystem *sys, guint64 kb)
{
  return (KmPages)(kb / (sys->machine.page_size / 1024u));
}

KmPages km_free_pages(const KmSystem *sys)
{
  const KmMachine *m = &sys->machine;
  /* every process on the task list holds task_kernel_pages (copy_process(): task_struct, stack, ...); the
   * model gives them back when the task leaves the list at exit, the kernel at release_task() */
  KmPages tasks_kernel = m->task_kernel_pages * (KmPages)sys->tasks.length;
  return m->totalram_pages - m->kernel_pages - tasks_kernel - m->anon - m->file - m->shmem - m->pgtables;
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
  KmPages totalreserve = km_totalreserve_pages(sys);
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

/* init_admin_reserve() and init_user_reserve() (mm/mmap.c, 3.10-6.12; subsys_initcall): with free_kbytes the free
 * pages at boot, sysctl_admin_reserve_kbytes = min(free_kbytes / 32, 1UL << 13) and sysctl_user_reserve_kbytes =
 * min(free_kbytes / 32, 1UL << 17): 8 MiB and 128 MiB from 256 MiB (4 GiB) of free memory on, 3 % below. The model
 * takes the free pages it starts with (RAM less kernel-reserved); the kernel counts them earlier in the boot
 * (make differential seed 1 #117 on 6.1: a 256 MiB VM has an admin reserve of about 6.1 MiB, not 8). */
void km_default_reserves(KmMachine *m, KmPages free_pages)
{
  guint64 free_kbytes = (guint64)free_pages * (m->page_size / 1024u);
  m->admin_reserve_kbytes = MIN(free_kbytes / 32, (guint64)1 << 13);
  m->user_reserve_kbytes = MIN(free_kbytes / 32, (guint64)1 << 17);
}

/* lib/math/int_sqrt.c int_sqrt() (4.15 on; 3.10's lib/int_sqrt.c starts m at the top bit pair, same floor(sqrt(x))):
 * one result bit per pair of input bits, from the top, instead of counting up to the root (1 TiB of RAM: 131,072
 * rounds per model built, each variant of a sweep builds one). */
static guint64 int_sqrt(guint64 x)
{
  if (x <= 1)
    return x;
  guint64 m = G_GUINT64_CONSTANT(1) << ((63 - (guint)__builtin_clzll(x)) & ~1u); /* __fls(x) & ~1UL */
  guint64 y = 0;
  while (m != 0) {
    guint64 b = y + m;
    y >>= 1;
    if (x >= b) {
      x -= b;
      y += m;
    }
    m >>= 2;
  }
  return y;
}

/* init_per_zone_wmark_min(): new_min_free_kbytes = int_sqrt(lowmem_kbytes * 16), clamped to [128, 262144]
 * (65536 before 5.7; irrelevant below 256 GiB of RAM). */
guint64 km_default_min_free_kbytes(KmPages totalram_pages, guint page_size)
{
  guint64 lowmem_kbytes = (guint64)totalram_pages * (page_size / 1024u);
  guint64 kb = int_sqrt(lowmem_kbytes * 16);
  return CLAMP(kb, 128, 262144);
}

/* The zones of node 0 when they are not measured: an x86-64 PC with 4 KiB pages (arch/x86/mm/init.c
 * zone_sizes_init()): ZONE_DMA is the first 16 MiB, of which 3840 pages are managed on the reference VM (BIOS
 * area and early reservations are not); ZONE_DMA32 the RAM below 4 GiB, which on a PC (and QEMU's pc machine
 * with more than 3.5 GiB) ends at 3 GiB because of the PCI hole; ZONE_NORMAL the rest. Machines too small
 * for that layout, and other page sizes, get one Normal zone. */
static void zones_default(KmMachine *m)
{
  const KmPages dma = 3840, dma32_end = (3ull << 30) / 4096;
  m->nr_zones = 0;
  if (m->page_size == 4096 && m->totalram_pages > 4 * dma) {
    KmPages dma32 = MIN(m->totalram_pages, dma32_end) - dma;
    m->zones[m->nr_zones++] = (KmZone){ .name = "DMA", .managed = dma };
    m->zones[m->nr_zones++] = (KmZone){ .name = "DMA32", .managed = dma32 };
    if (m->totalram_pages > dma + dma32)
      m->zones[m->nr_zones++] = (KmZone){ .name = "Normal", .managed = m->totalram_pages - dma - dma32 };
  } else {
    m->zones[m->nr_zones++] = (KmZone){ .name = "Normal", .managed = m->totalram_pages };
  }
}

/* setup_per_zone_lowmem_reserve() (3.10-6.12): zone i keeps, against an allocation that may use zone j > i,
 * (managed pages of zones i+1..j) / sysctl_lowmem_reserve_ratio[i], the ratio being 256 for DMA and DMA32
 * and 32 for Normal. A GFP_HIGHUSER_MOVABLE allocation has highest_zoneidx ZONE_MOVABLE, so j is the top. */
static void zones_lowmem_reserve(KmMachine *m)
{
  for (guint i = 0; i < m->nr_zones; i++) {
    guint ratio = g_strcmp0(m->zones[i].name, "Normal") == 0 ? 32 : 256;
    KmPages upper = 0;
    for (guint j = i + 1; j < m->nr_zones; j++)
      upper += m->zones[j].managed;
    m->zones[i].lowmem_reserve = upper / ratio;
  }
}

/* __setup_per_zone_wmarks(): pages_min = min_free_kbytes >> (PAGE_SHIFT - 10), split over the zones in
 * proportion to their managed pages (tmp = pages_min * managed / lowmem_pages, truncated); WMARK_MIN = tmp;
 * 4.6+: low = min + step, high = low + step, step = max(tmp >> 2, managed * watermark_scale_factor / 10000),
 * watermark_scale_factor 10; 3.10: low = min + (tmp >> 2), high = min + (tmp >> 1). */
static void zones_wmarks(const KmProfile *prof, KmMachine *m)
{
  guint64 pages_min = m->min_free_kbytes / (m->page_size / 1024u);
  KmPages lowmem = 0;
  for (guint i = 0; i < m->nr_zones; i++)
    lowmem += m->zones[i].managed;
  for (guint i = 0; i < m->nr_zones; i++) {
    KmZone *z = &m->zones[i];
    guint64 tmp = lowmem ? pages_min * (guint64)z->managed / (guint64)lowmem : 0;
    z->wmark_min = (KmPages)tmp;
    if (prof->watermark_scale_factor)
      z->wmark_high = (KmPages)(tmp + 2 * MAX(tmp >> 2, (guint64)z->managed * 10 / 10000));
    else
      z->wmark_high = (KmPages)(tmp + (tmp >> 1));
  }
}

void km_zones_setup(KmSystem *sys)
{
  KmMachine *m = &sys->machine;
  if (m->zones_given)
    return;
  zones_default(m);
  zones_lowmem_reserve(m);
  zones_wmarks(sys->profile, m);
}

static KmPages zone_min(const KmZone *z)
{
  return z->wmark_min;
}

/* get_page_from_freelist() with ALLOC_WMARK_MIN (the slow path before __alloc_pages_may_oom()): a zone serves
 * an order-0 GFP_HIGHUSER_MOVABLE page only while zone_watermark_fast() holds, free > min +
 * lowmem_reserve[ZONE_MOVABLE] (mm/page_alloc.c, 3.10-6.12). With free memory as one pool, the allocation
 * fails once the free pages are down to the sum of those floors (each capped by the zone's size). */
static KmPages zone_floor(const KmZone *z)
{
  return MIN(z->managed, z->wmark_min + z->lowmem_reserve);
}

/* calculate_totalreserve_pages(): per zone the largest lowmem_reserve plus the high watermark, capped by the
 * zone's managed pages. */
static KmPages zone_totalreserve(const KmZone *z)
{
  return MIN(z->managed, z->lowmem_reserve + z->wmark_high);
}

static KmPages sum_zones(const KmSystem *sys, KmPages (*per_zone)(const KmZone *z))
{
  KmPages sum = 0;
  for (guint i = 0; i < sys->machine.nr_zones; i++)
    sum += per_zone(&sys->machine.zones[i]);
  return sum;
}

KmPages km_wmark_min_pages(const KmSystem *sys)
{
  return sum_zones(sys, zone_min);
}

KmPages km_alloc_floor_pages(const KmSystem *sys)
{
  return sum_zones(sys, zone_floor);
}

KmPages km_totalreserve_pages(const KmSystem *sys)
{
  return sum_zones(sys, zone_totalreserve);
}

/* WMARK_LOW of a zone: __setup_per_zone_wmarks() sets low = min + step and high = min + 2 * step (4.6+; 3.10:
 * low = min + tmp / 4, high = min + tmp / 2 with the same halving), so low is exactly half way from min to high,
 * which also holds for zones measured in a VM (machine.zones_given). */
static KmPages zone_low(const KmZone *z)
{
  return z->wmark_min + (z->wmark_high - z->wmark_min) / 2;
}

/* zone_watermark_fast(zone, 0, low_wmark_pages(zone), ...) of the allocator's fast path fails at free <= low +
 * lowmem_reserve[ZONE_MOVABLE] (capped by the zone's size), summed like the floor */
static KmPages zone_low_mark(const KmZone *z)
{
  return MIN(z->managed, zone_low(z) + z->lowmem_reserve);
}

KmPages km_low_mark_pages(const KmSystem *sys)
{
  return sum_zones(sys, zone_low_mark);
}

/* si_mem_available(), mm/page_alloc.c of 6.1 (mm/show_mem.c from 6.2; the same estimate since 3.14, 4.19's adds
 * NR_KERNEL_MISC_RECLAIMABLE to the slab term):
 *
 *   available = NR_FREE_PAGES - totalreserve_pages;
 *   pagecache = active_file + inactive_file;  pagecache -= min(pagecache / 2, wmark_low);  available += pagecache;
 *   reclaimable = SReclaimable + misc;  available += reclaimable - min(reclaimable / 2, wmark_low);
 *   return max(available, 0);
 *
 * NR_FREE_PAGES is the buddy lists (MemFree: the per-CPU lists are not in it). The model's page cache is all on the
 * file LRU (shmem sits on the anon LRU, as in the kernel). Its reclaimable slab is a constant, machine.slab_reclaimable
 * (0 unless given: the VM harness measures SReclaimable before the trace; found by the real earlyoom in the VM,
 * the first earlyoom-prefer-avoid.xml, now tests/harness/earlyoom-prefer-avoid-8mib.xml, whose 5.5 MiB of this term
 * moved its crossing of 10% by a step).
 * Kernels before 3.14 have no MemAvailable (the 3.10 profile is RHEL 7's, which has it backported). */
KmPages km_si_mem_available(const KmSystem *sys)
{
  KmPages wmark_low = sum_zones(sys, zone_low);
  KmPages available = km_buddy_free_pages(sys) - km_totalreserve_pages(sys);
  KmPages pagecache = sys->machine.file;
  pagecache -= MIN(pagecache / 2, wmark_low);
  available += pagecache;
  KmPages reclaimable = sys->machine.slab_reclaimable;
  available += reclaimable - MIN(reclaimable / 2, wmark_low);
  return MAX(available, 0);
}
