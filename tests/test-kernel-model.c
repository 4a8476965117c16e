/* tests/test-kernel-model.c: kernel-model/ against numbers computed by hand from the kernel's formulas.
 *
 * Machine used by most tests: 1 GiB of RAM (262144 pages of 4 KiB), no swap, so totalpages = 262144 and
 * totalpages / 1000 = 262 (integer division first, as oom_badness() does).
 */
#include <glib.h>
#include <math.h>

#include "kernel-model/km-memcg.h"
#include "kernel-model/km-oom.h"
#include "kernel-model/km-cgroup.h"
#include "kernel-model/km-memcg-high.h"
#include "kernel-model/km-psi.h"
#include "kernel-model/km-pcp.h"
#include "kernel-model/km-proc.h"
#include "kernel-model/km-util.h"
#include "kernel-model/km-vmscan.h"
#include "kernel-model/km-kswapd.h"
#include "scenarios/scenario-values.h" /* SC_REPEAT_MAX */

#define RAM_PAGES 262144

static KmSystem *make_system(const char *version)
{
  const KmProfile *p = km_profile_lookup(version);
  g_assert_nonnull(p);
  KmSystem *sys = km_system_new(p, 4096);
  sys->machine.totalram_pages = RAM_PAGES;
  sys->machine.min_free_kbytes = km_default_min_free_kbytes(RAM_PAGES, 4096);
  km_zones_setup(sys);
  return sys;
}

/* Mapping keys (KmMapping.name.key: the simulator's names, compiled to integers) */
#define HEAP 1
#define KEY_A 1
#define KEY_B 2
#define KEY_Y 3

/* A process with `pages` anon pages touched in one mapping. */
static KmTask *add_task(KmSystem *sys, int pid, const char *memcg_path, KmPages pages, short adj)
{
  KmMemcg *memcg = memcg_path ? km_system_find_memcg(sys, memcg_path) : sys->root_memcg;
  g_assert_nonnull(memcg);
  KmTask *t = km_task_create(sys, pid, "task", memcg, NULL);
  g_snprintf(t->comm, sizeof t->comm, "t%d", pid);
  t->oom_score_adj = adj;
  if (pages) {
    KmMapping *m = km_mm_add_mapping(sys, t->mm, HEAP, pages, TRUE);
    km_mm_populate(sys, t->mm, m, pages);
  }
  return t;
}

static KmMemcg *add_memcg(KmSystem *sys, const char *path, KmPages max)
{
  GError *error = NULL;
  KmMemcg *m = km_memcg_create(sys, path, &error);
  g_assert_no_error(error);
  m->max = max;
  return m;
}

static void test_pgtables_growth(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  /* 1000 pages: ceil(1000/512) = 2 PTE pages, ceil(2/512) = 1 PMD page */
  KmTask *t = add_task(sys, 100, NULL, 1000, 0);
  g_assert_cmpint(t->mm->pte_pages, ==, 2);
  g_assert_cmpint(km_mm_nr_pmds(t->mm), ==, 1);
  g_assert_cmpint(km_mm_pgtables(t->mm), ==, 3);
  /* 24 more pages (1024): still 2 PTE pages; one more (1025): 3 */
  KmMapping *m = km_mm_find_mapping(sys, t->mm, HEAP);
  m->pages = 2000;
  km_mm_populate(sys, t->mm, m, 24);
  g_assert_cmpint(km_mm_pgtables(t->mm), ==, 3);
  km_mm_populate(sys, t->mm, m, 1);
  g_assert_cmpint(km_mm_pgtables(t->mm), ==, 4);
  /* machine: 1025 anon + 4 page-table pages */
  g_assert_cmpint(sys->machine.anon, ==, 1025);
  g_assert_cmpint(sys->machine.pgtables, ==, 4);
}

/* The touch bookkeeping of KmMmMappings (issue 13): untouched_pages, untouched_from and shadowed_ids against a walk of
 * the mappings, by hand first, then after every operation of a fixed-seed sequence. */
static KmPages walk_untouched(KmMm *mm, KmMapping **out_first)
{
  KmPages n = 0;
  *out_first = NULL;
  for (GList *l = km_mm_mappings_head(mm); l; l = l->next) {
    KmMapping *m = l->data;
    n += m->pages - m->resident - m->swapped;
    if (!*out_first && m->pages - m->resident - m->swapped > 0)
      *out_first = m;
  }
  return n;
}

static void test_mm_untouched_bookkeeping(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *t = add_task(sys, 100, NULL, 0, 0);
  KmMm *mm = t->mm;
  KmMapping *a = km_mm_add_mapping(sys, mm, KEY_A, 100, TRUE);
  KmMapping *b = km_mm_add_mapping(sys, mm, KEY_B, 50, TRUE);
  KmMapping *a2 = km_mm_add_mapping(sys, mm, KEY_A, 30, TRUE); /* the same name again: shadowed */
  g_assert_cmpuint(mm->mappings->shadowed_ids, ==, 1);
  g_assert_true(km_mm_find_mapping(sys, mm, KEY_A) == a);
  g_assert_cmpint(mm->mappings->untouched_pages, ==, 180);
  km_mm_populate(sys, mm, a, 100);
  g_assert_cmpint(mm->mappings->untouched_pages, ==, 80); /* b 50 + a2 30 */
  g_assert_true(km_mm_first_untouched(mm) == b);
  km_mm_populate(sys, mm, b, 20);
  km_mm_unmap(sys, mm, b);
  g_assert_cmpint(mm->mappings->untouched_pages, ==, 30);
  g_assert_true(km_mm_first_untouched(mm) == a2);
  km_mm_unmap(sys, mm, a); /* the named one goes; a2 is not found by name, and still counts as shadowed */
  g_assert_null(km_mm_find_mapping(sys, mm, KEY_A));
  g_assert_cmpuint(mm->mappings->shadowed_ids, ==, 1);
  km_mm_populate(sys, mm, a2, 30);
  g_assert_null(km_mm_first_untouched(mm));
  g_assert_cmpint(mm->mappings->untouched_pages, ==, 0);
  km_mm_reap(sys, mm); /* zapped: all 30 untouched again, and the walk starts over */
  g_assert_cmpint(mm->mappings->untouched_pages, ==, 30);
  g_assert_true(km_mm_first_untouched(mm) == a2);
  km_mm_unmap(sys, mm, a2);
  g_assert_cmpuint(mm->mappings->shadowed_ids, ==, 0);

  /* 3,000 operations from a fixed seed: map (keys from 8, so some repeat), touch, unmap, now and then reap */
  guint64 rng = 12345;
  for (int op = 0; op < 3000; op++) {
    rng = rng * 6364136223846793005ull + 1442695040888963407ull;
    guint r = (guint)(rng >> 33);
    guint len = g_queue_get_length(&mm->mappings->list);
    if (r % 4 == 0 || len == 0) {
      km_mm_add_mapping(sys, mm, 1 + (r >> 4) % 8, 1 + (r >> 8) % 64, TRUE);
    } else if (r % 4 == 1) {
      KmMapping *m = km_mm_first_untouched(mm);
      if (m)
        km_mm_populate(sys, mm, m, 1 + (KmPages)((r >> 8) % (guint)(m->pages - m->resident - m->swapped)));
    } else if (r % 4 == 2) {
      km_mm_unmap(sys, mm, g_queue_peek_nth(&mm->mappings->list, (r >> 8) % len));
    } else if ((r >> 8) % 50 == 0) {
      km_mm_reap(sys, mm);
    } else {
      KmMapping *m = g_queue_peek_nth(&mm->mappings->list, (r >> 8) % len);
      if (m->pages > m->resident + m->swapped)
        km_mm_populate(sys, mm, m, 1);
    }
    KmMapping *first = NULL;
    g_assert_cmpint(mm->mappings->untouched_pages, ==, walk_untouched(mm, &first));
    g_assert_true(km_mm_first_untouched(mm) == first);
    guint shadowed = 0;
    for (GList *l = km_mm_mappings_head(mm); l; l = l->next)
      shadowed += km_mm_find_mapping(sys, mm, ((KmMapping *)l->data)->name.key) != l->data;
    g_assert_cmpuint(mm->mappings->shadowed_ids, ==, shadowed);
  }
}

/* A trace's mapping key as sim/engine-mm.c engine_mapping_key() makes it: the step index from bit 18, the
 * repetition in bits 1-17, bit 0 for what a touch maps. */
static guint64 trace_key(guint64 step_index, guint rep)
{
  return step_index << 18 | (guint64)rep << 1;
}

static gboolean is_prime(guint n)
{
  for (guint d = 2; d * d <= n; d++)
    if (n % d == 0)
      return FALSE;
  return n >= 2;
}

/* Puts the names' hashes in m buckets (hash % m) and checks they spread as uniformly random hashes would: at least
 * 95% of the expected m(1 - e^(-n/m)) buckets used, and no bucket with more than 16 names (with n = m / 2, the
 * fullest holds 6 for the bench's names, about ln m / ln ln m for random ones). */
static void check_name_spread(const KmMappingName *names, guint n, guint m)
{
  g_autofree guint8 *load = g_new0(guint8, m);
  guint used = 0, fullest = 0;
  for (guint i = 0; i < n; i++) {
    guint b = km_mapping_name_hash(&names[i]) % m;
    used += load[b] == 0;
    if (load[b] < 255)
      load[b]++;
    fullest = MAX(fullest, load[b]);
  }
  double expected = m * (1.0 - exp(-(double)n / m));
  if (used < 0.95 * expected || fullest > 16)
    g_error("%u names in %u buckets: %u used (%.0f expected), fullest %u", n, m, used, expected, fullest);
}

/* Issue 13, goal 4 (the many-mappings bench grew 8.5x for 4x the mappings): KmSystem.mapping_by_name is a
 * GHashTable, whose look-up is O(1) only while the buckets of its keys spread; a trace's keys differ in their high
 * bits (trace_key()), and g_int64_hash() had put 2^17 of them in a third of the buckets. The count of buckets used,
 * not a time: for the bench's names (one mm, consecutive steps), mallocs' repetitions, and 64 forked mms with the
 * same names, at 2^14, 2^16 and 2^17 names, in tables of 2n and 4n buckets, power of two and prime (a table
 * reduces a hash either way; GLib modulo a prime). */
static void test_mapping_name_hash_spread(void)
{
  const guint max_n = 1u << 17;
  g_autofree KmMappingName *names = g_new0(KmMappingName, max_n);
  const guint sizes[] = { 1u << 14, 1u << 16, max_n };
  for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
    guint n = sizes[s];
    for (int set = 0; set < 3; set++) {
      for (guint i = 0; i < n; i++) {
        if (set == 0) /* mmap steps with ids, after a few others */
          names[i] = (KmMappingName){ .key = trace_key(5 + i, 1), .mm_id = 1 };
        else if (set == 1) /* mallocs of SC_REPEAT_MAX repetitions each */
          names[i] = (KmMappingName){ .key = trace_key(3 + i / SC_REPEAT_MAX, 1 + i % SC_REPEAT_MAX), .mm_id = 2 };
        else /* 64 mms sharing the names of n / 64 steps */
          names[i] = (KmMappingName){ .key = trace_key(7 + i / 64, 1), .mm_id = 1 + i % 64 };
      }
      for (guint m = 2 * n; m <= 4 * n; m *= 2) {
        check_name_spread(names, n, m);
        guint p = m - 1;
        while (!is_prime(p))
          p--;
        check_name_spread(names, n, p);
      }
    }
  }
}

/* Issue 15 (global OOM with swap crashed): the fault path's batch at a PMD boundary. Mapping x fills 511 PTE pages,
 * mapping y has 511 pages in its one PTE page: 512 PTE pages, 1 PMD page. y's next page fits its PTE page (cost 1);
 * the page after needs a 513th PTE page and so a second PMD page (2 pages cost 2 + 1 + 1 = 4). */
static void test_fault_batch_pmd_boundary(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *t = add_task(sys, 100, NULL, 511 * 512, 0);
  KmMapping *y = km_mm_add_mapping(sys, t->mm, KEY_Y, 1000, TRUE);
  km_mm_populate(sys, t->mm, y, 511);
  g_assert_cmpint(t->mm->pte_pages, ==, 512);
  g_assert_cmpint(km_mm_nr_pmds(t->mm), ==, 1);
  g_assert_cmpint(km_mm_pte_growth(t->mm, y, 1), ==, 0);
  g_assert_cmpint(km_mm_pte_growth(t->mm, y, 2), ==, 2);
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 0), ==, 0);
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 1), ==, 1);
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 2), ==, 1); /* not 0: the one page that fits */
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 3), ==, 1);
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 4), ==, 2);
  /* 100 pages: 511 + 100 = 611 populated, 2 PTE pages for y (1 more) and 2 PMD pages (1 more): 102 */
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 102), ==, 100);
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 100, 101), ==, 99);
  /* never more than the request */
  g_assert_cmpint(km_mm_fault_batch(t->mm, y, 3, 1000), ==, 3);
}

static void test_badness_basic(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *t = add_task(sys, 100, NULL, 1000, 0);
  KmSkipReason skip;
  /* rss 1000 + swapents 0 + pgtables 3 = 1003 */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, &skip), ==, 1003);
  g_assert_cmpint(skip, ==, KM_SKIP_NONE);
  /* adj 500: 500 * (262144 / 1000) = 500 * 262 = 131000 -> 132003 */
  t->oom_score_adj = 500;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 132003);
  /* adj -500 on 6.1: 1003 - 131000 = -129997, still a candidate */
  t->oom_score_adj = -500;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, &skip), ==, -129997);
  g_assert_cmpint(skip, ==, KM_SKIP_NONE);
  /* -1000: LONG_MIN (skip) */
  t->oom_score_adj = -1000;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, &skip), ==, G_MINLONG);
  g_assert_cmpint(skip, ==, KM_SKIP_ADJ_MIN);
}

static void test_badness_unsigned_floor(void)
{
  g_autoptr(KmSystem) sys = make_system("4.19");
  KmTask *t = add_task(sys, 100, NULL, 1000, -500);
  KmSkipReason skip;
  /* 4.19: 1003 - 131000 < 0 -> floor 1 */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, &skip), ==, 1);
  t->oom_score_adj = -1000;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, &skip), ==, 0);
  g_assert_cmpint(skip, ==, KM_SKIP_ADJ_MIN);
}

static void test_badness_root_bonus_3_10(void)
{
  g_autoptr(KmSystem) sys = make_system("3.10");
  KmTask *t = add_task(sys, 100, NULL, 20000, 0);
  /* 3.10 counts nr_ptes (PTE pages only): ceil(20000/512) = 40 -> 20040 */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 20040);
  /* CAP_SYS_ADMIN: 3.10.y stable and RHEL 7.9 take 3%: 20040 - 20040 * 3 / 100 = 20040 - 601 = 19439 (the RHEL 7.9
   * report tests/corpus/ltp-1080-rhel7.9-memcg-score-110000 prints this bonus) */
  t->cap_sys_admin = TRUE;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 19439);
  /* the same task on 6.1 has no bonus: 20000 + 40 PTE + 1 PMD = 20041 */
  g_autoptr(KmSystem) sys61 = make_system("6.1");
  KmTask *t61 = add_task(sys61, 100, NULL, 20000, 0);
  t61->cap_sys_admin = TRUE;
  g_assert_cmpint(km_oom_badness(sys61, t61, RAM_PAGES, NULL), ==, 20041);
}

/* oom_badness() of v4.14 (4.14.177 mm/oom_kill.c): points = rss + swapents + nr_ptes + nr_pmds; a CAP_SYS_ADMIN task
 * loses (points * 3) / 100; only then adj *= totalpages / 1000 and points += adj */
static void test_badness_root_bonus_4_14(void)
{
  g_autoptr(KmSystem) sys = make_system("4.14");
  KmTask *t = add_task(sys, 100, NULL, 20000, 0);
  /* 20000 rss + 40 PTE pages (ceil(20000 / 512)) + 1 PMD page = 20041: 3.10 had 20040, nr_ptes only */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 20041);
  t->cap_sys_admin = TRUE;
  /* 20041 - 20041 * 3 / 100 = 20041 - 601 = 19440 */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 19440);
  /* the order of operations: adj 100 * (262144 / 1000 = 262) = 26200 is added after the bonus, 19440 + 26200 =
   * 45640; a bonus taken after the adj term would give 46241 - 46241 * 3 / 100 = 46241 - 1387 = 44854 */
  t->oom_score_adj = 100;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 45640);
  /* unsigned before 5.9: adj -1000 + 1 = -999 * 262 = -261738 makes it negative, floored at 1 */
  t->oom_score_adj = -999;
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 1);
}

static void test_unkillable(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *init = add_task(sys, 1, NULL, 5000, 0);
  init->global_init = TRUE;
  KmSkipReason skip;
  g_assert_cmpint(km_oom_badness(sys, init, RAM_PAGES, &skip), ==, G_MINLONG);
  g_assert_cmpint(skip, ==, KM_SKIP_UNKILLABLE);
  KmTask *v = add_task(sys, 2, NULL, 5000, 0);
  v->in_vfork = TRUE;
  km_oom_badness(sys, v, RAM_PAGES, &skip);
  g_assert_cmpint(skip, ==, KM_SKIP_VFORK);
  KmTask *r = add_task(sys, 3, NULL, 5000, 0);
  r->mm->flags |= KM_MMF_OOM_SKIP;
  km_oom_badness(sys, r, RAM_PAGES, &skip);
  g_assert_cmpint(skip, ==, KM_SKIP_OOM_SKIP);
}

static void test_proc_oom_score(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *t = add_task(sys, 100, NULL, 1000, 0);
  /* 5.9+: (1000 + 1003 * 1000 / 262144) * 2 / 3 = (1000 + 3) * 2 / 3 = 668 */
  g_assert_cmpint(km_proc_oom_score(sys, t), ==, 668);
  t->oom_score_adj = -1000;
  g_assert_cmpint(km_proc_oom_score(sys, t), ==, 0);
  g_autoptr(KmSystem) old = make_system("4.19");
  KmTask *o = add_task(old, 100, NULL, 100000, 0);
  /* before 5.9: points * 1000 / totalpages = (100000 + 196 PTE + 1 PMD) * 1000 / 262144 = 382 */
  g_assert_cmpint(km_proc_oom_score(old, o), ==, 382);
}

static void test_memcg_totalpages(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 1000;
  KmMemcg *m = add_memcg(sys, "/pod", 12800);
  /* v2: max + min(swap.max, total_swap) = 12800 + min(max, 1000) = 13800 */
  g_assert_cmpint(km_oom_totalpages(sys, m), ==, 13800);
  m->swap_max = 0;
  g_assert_cmpint(km_oom_totalpages(sys, m), ==, 12800);
  /* global: RAM + swap */
  g_assert_cmpint(km_oom_totalpages(sys, NULL), ==, RAM_PAGES + 1000);
  /* v1: max + min(memsw.max - max, total_swap) = 12800 + min(500, 1000) */
  m->version = 1;
  m->memsw_max = 13300;
  g_assert_cmpint(km_oom_totalpages(sys, m), ==, 13300);
}

/* The memcg case of shared/reference/kernel-6.1-vm/memcg-kmsg.txt: adj 0, 500, -1000 in one memcg. */
static void test_memcg_oom_adj(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *m = add_memcg(sys, "/spike", 16384);
  KmTask *a = add_task(sys, 79, "/spike", 6071, 0);
  KmTask *b = add_task(sys, 80, "/spike", 5081, 500);
  KmTask *c = add_task(sys, 81, "/spike", 5081, -1000);
  g_autoptr(OomControl) oc = km_oom_control_new(m, a, KM_GFP_KERNEL, 0);
  g_assert_true(km_out_of_memory(sys, oc));
  g_assert_cmpint(oc->action, ==, KM_OOM_KILLED);
  g_assert_cmpint(oc->constraint, ==, KM_CONSTRAINT_MEMCG);
  g_assert_cmpint(oc->totalpages, ==, 16384);
  /* a: 6071 + ceil(6071/512)=12 + 1 = 6084; b: 5081 + 10 + 1 + 500 * (16384/1000 = 16) = 5092 + 8000 = 13092 */
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 0).points, ==, 6084);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 1).points, ==, 13092);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 2).skip, ==, KM_SKIP_ADJ_MIN);
  g_assert_true(oc->chosen == b);
  g_assert_cmpuint(oc->kills->len, ==, 1);
  g_assert_true(b->oom_victim && b->fatal_signal_pending);
  g_assert_false(c->fatal_signal_pending);
  g_assert_cmpuint(m->events[KM_MEMCG_OOM_KILL], ==, 1);
}

/* The same memcg OOM with dump_figures off (no report listening): the same decision, points and skips; the rows
 * carry no dump_task() figures (a's rss would be 6071 pages with them). */
static void test_memcg_oom_without_figures(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *m = add_memcg(sys, "/spike", 16384);
  KmTask *a = add_task(sys, 79, "/spike", 6071, 0);
  KmTask *b = add_task(sys, 80, "/spike", 5081, 500);
  add_task(sys, 81, "/spike", 5081, -1000);
  g_autoptr(OomControl) oc = km_oom_control_new(m, a, KM_GFP_KERNEL, 0);
  oc->dump_figures = FALSE;
  g_assert_true(km_out_of_memory(sys, oc));
  g_assert_cmpint(oc->action, ==, KM_OOM_KILLED);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 0).points, ==, 6084);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 1).points, ==, 13092);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 2).skip, ==, KM_SKIP_ADJ_MIN);
  g_assert_true(oc->chosen == b);
  g_assert_cmpuint(oc->kills->len, ==, 1);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 0).rss, ==, 0);
  g_assert_false(g_array_index(oc->rows, KmOomRow, 0).in_dump);
}

static void test_tie_rule(void)
{
  /* two processes with the same score: 6.1 takes the later one, 4.19 the earlier one */
  const char *versions[] = { "6.1", "4.19", "3.10" };
  int expected[] = { 11, 10, 10 };
  for (guint i = 0; i < G_N_ELEMENTS(versions); i++) {
    g_autoptr(KmSystem) sys = make_system(versions[i]);
    add_task(sys, 10, NULL, 3000, 0);
    add_task(sys, 11, NULL, 3000, 0);
    g_autoptr(OomControl) oc = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
    km_out_of_memory(sys, oc);
    g_assert_nonnull(oc->chosen);
    g_assert_cmpint(oc->chosen->pid, ==, expected[i]);
    /* the deliberately wrong model of the harness self-test picks the other one */
    g_autoptr(KmSystem) wrong = make_system(versions[i]);
    wrong->invert_tie_rule = TRUE;
    add_task(wrong, 10, NULL, 3000, 0);
    add_task(wrong, 11, NULL, 3000, 0);
    g_autoptr(OomControl) oc2 = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
    km_out_of_memory(wrong, oc2);
    g_assert_cmpint(oc2->chosen->pid, ==, expected[i] == 10 ? 11 : 10);
  }
}

static void test_normalised_points(void)
{
  g_autoptr(KmSystem) sys = make_system("4.19");
  add_task(sys, 10, NULL, 100000, 0);
  g_autoptr(OomControl) oc = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, oc);
  /* raw 100000 + 196 + 1 = 100197; chosen_points = 100197 * 1000 / 262144 = 382 */
  g_assert_cmpint(oc->chosen_raw_points, ==, 100197);
  g_assert_cmpint(oc->chosen_points, ==, 382);
  g_autoptr(KmSystem) sys61 = make_system("6.1");
  add_task(sys61, 10, NULL, 100000, 0);
  g_autoptr(OomControl) oc61 = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys61, oc61);
  g_assert_cmpint(oc61->chosen_points, ==, 100197);
}

static void test_panic_on_oom(void)
{
  for (int mode = 1; mode <= 2; mode++) {
    for (int memcg = 0; memcg <= 1; memcg++) {
      g_autoptr(KmSystem) sys = make_system("6.1");
      sys->machine.panic_on_oom = mode;
      KmMemcg *m = add_memcg(sys, "/pod", 1000);
      KmTask *t = add_task(sys, 10, "/pod", 900, 0);
      g_autoptr(OomControl) oc = km_oom_control_new(memcg ? m : NULL, t, KM_GFP_KERNEL, 0);
      km_out_of_memory(sys, oc);
      /* 1: only CONSTRAINT_NONE panics; 2: always */
      gboolean panics = mode == 2 || !memcg;
      g_assert_cmpint(oc->action == KM_OOM_PANIC, ==, panics);
      if (panics)
        g_assert_cmpstr(oc->panic_message, ==,
                        mode == 2 ? "Out of memory: compulsory panic_on_oom is enabled"
                                  : "Out of memory: system-wide panic_on_oom is enabled");
      else
        g_assert_cmpint(oc->action, ==, KM_OOM_KILLED);
    }
  }
}

static void test_allocating_task(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.oom_kill_allocating_task = 1;
  add_task(sys, 10, NULL, 40000, 0);
  KmTask *small = add_task(sys, 11, NULL, 5000, 0);
  g_autoptr(OomControl) oc = km_oom_control_new(NULL, small, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, oc);
  g_assert_cmpint(oc->action, ==, KM_OOM_KILLED_ALLOCATING);
  g_assert_true(g_array_index(oc->kills, KmKill, 0).task == small);
  g_assert_cmpstr(oc->kill_message, ==, "Out of memory (oom_kill_allocating_task)");
  /* not for a memcg OOM, and not for an allocating task with oom_score_adj -1000 */
  g_autoptr(KmSystem) sys2 = make_system("6.1");
  sys2->machine.oom_kill_allocating_task = 1;
  add_task(sys2, 10, NULL, 40000, 0);
  KmTask *protected = add_task(sys2, 11, NULL, 5000, -1000);
  g_autoptr(OomControl) oc2 = km_oom_control_new(NULL, protected, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys2, oc2);
  g_assert_cmpint(oc2->action, ==, KM_OOM_KILLED);
  g_assert_cmpint(oc2->chosen->pid, ==, 10);
}

static void test_abort_while_victim_exits(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *v = add_task(sys, 10, NULL, 4000, 0);
  add_task(sys, 11, NULL, 3000, 0);
  v->oom_victim = TRUE;
  g_autoptr(OomControl) oc = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  g_assert_true(km_out_of_memory(sys, oc));
  g_assert_cmpint(oc->action, ==, KM_OOM_ABORTED);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 0).skip, ==, KM_SKIP_VICTIM_ABORT);
  g_assert_cmpint(g_array_index(oc->rows, KmOomRow, 1).skip, ==, KM_SKIP_NOT_SCANNED);
  /* once reaped (MMF_OOM_SKIP) the victim is passed over and the next one is chosen */
  g_assert_true(km_oom_reap_task(sys, v, NULL, NULL, NULL));
  g_assert_cmpint(v->mm->anon_rss, ==, 0);
  g_autoptr(OomControl) oc2 = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, oc2);
  g_assert_cmpint(oc2->action, ==, KM_OOM_KILLED);
  g_assert_cmpint(oc2->chosen->pid, ==, 11);
}

static void test_no_killable(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *m = add_memcg(sys, "/pod", 1000);
  add_task(sys, 10, "/pod", 900, -1000);
  g_autoptr(OomControl) oc = km_oom_control_new(m, NULL, KM_GFP_KERNEL, 0);
  g_assert_false(km_out_of_memory(sys, oc));
  g_assert_cmpint(oc->action, ==, KM_OOM_NO_KILLABLE);
  g_assert_null(oc->panic_message); /* memcg: no panic, the charge retries */
  g_autoptr(OomControl) global = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, global);
  g_assert_cmpstr(global->panic_message, ==, "System is deadlocked on memory");
}

/* tools/testing/selftests/cgroup/test_memcontrol.c test_memcg_oom_group_score_events: three processes in an
 * oom.group memcg, one with -1000: memory.events oom_kill == 3 (the victim is killed twice). */
static void test_oom_group(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *m = add_memcg(sys, "/grp", 12800);
  m->oom_group = TRUE;
  KmTask *safe = add_task(sys, 10, "/grp", 256, -1000);
  KmTask *other = add_task(sys, 11, "/grp", 256, 0);
  KmTask *big = add_task(sys, 12, "/grp", 12000, 0);
  g_autoptr(OomControl) oc = km_oom_control_new(m, big, KM_GFP_KERNEL, 0);
  km_out_of_memory(sys, oc);
  g_assert_true(oc->chosen == big);
  g_assert_true(oc->oom_group == m);
  g_assert_cmpuint(oc->kills->len, ==, 3);
  g_assert_true(g_array_index(oc->kills, KmKill, 0).task == big);
  g_assert_true(g_array_index(oc->kills, KmKill, 1).task == other);
  g_assert_true(g_array_index(oc->kills, KmKill, 2).task == big);
  g_assert_false(safe->fatal_signal_pending);
  g_assert_cmpuint(m->events[KM_MEMCG_OOM_KILL], ==, 3);
  g_assert_cmpuint(m->events[KM_MEMCG_OOM_GROUP_KILL], ==, 1);
}

/* cgroup_migrate_vet_dst() (kernel/cgroup/cgroup.c, 6.1): on v2 a non-root cgroup with a child (memory enabled in
 * its subtree_control) refuses processes (EBUSY); a leaf and the root (cgroup_is_mixable()) take them; v1 has no
 * such rule. */
static void test_cgroup_no_internal_process(void)
{
  for (int version = 1; version <= 2; version++) {
    g_autoptr(KmSystem) sys = make_system("6.1");
    sys->root_memcg->version = version;
    KmMemcg *a = add_memcg(sys, "/a", KM_PAGES_MAX);
    KmMemcg *leaf = add_memcg(sys, "/leaf", KM_PAGES_MAX);
    g_assert_true(km_cgroup_migrate_vet_dst(a)); /* no child yet */
    KmMemcg *b = add_memcg(sys, "/a/b", KM_PAGES_MAX);
    a->version = leaf->version = b->version = version;
    g_assert_true(km_cgroup_migrate_vet_dst(sys->root_memcg));
    g_assert_true(km_cgroup_migrate_vet_dst(leaf));
    g_assert_true(km_cgroup_migrate_vet_dst(b));
    g_assert_cmpint(km_cgroup_migrate_vet_dst(a), ==, version == 1);
  }
}

/* __set_oom_adj() (fs/proc/base.c, 6.1 and 4.19): a write is copied to the other processes of the mm but not to a
 * vfork child, a kernel thread or init; a write to a vfork child stays its own. 3.10 copies nothing. */
static void test_set_oom_adj(void)
{
  static const char *const versions[] = { "3.10", "4.19", "6.1" };
  for (gsize i = 0; i < G_N_ELEMENTS(versions); i++) {
    g_autoptr(KmSystem) sys = make_system(versions[i]);
    gboolean copies = g_strcmp0(versions[i], "3.10") != 0;
    KmTask *a = add_task(sys, 10, NULL, 100, 0);
    KmTask *b = km_task_create(sys, 11, "clone", sys->root_memcg, a->mm);
    KmTask *v = km_task_create(sys, 12, "vfork", sys->root_memcg, a->mm);
    v->in_vfork = TRUE;
    KmTask *k = km_task_create(sys, 13, "kworker", sys->root_memcg, a->mm);
    k->kthread = TRUE;
    km_set_oom_adj(sys, a, 500);
    g_assert_cmpint(a->oom_score_adj, ==, 500);
    g_assert_cmpint(b->oom_score_adj, ==, copies ? 500 : 0);
    g_assert_cmpint(v->oom_score_adj, ==, 0);
    g_assert_cmpint(k->oom_score_adj, ==, 0);
    g_assert_null(km_oom_adj_differs_in_mm(sys, a)); /* v and k do not count */
    km_set_oom_adj(sys, v, -1000);
    g_assert_cmpint(v->oom_score_adj, ==, -1000);
    g_assert_cmpint(a->oom_score_adj, ==, 500);
    g_assert_cmpint(b->oom_score_adj, ==, copies ? 500 : 0);
    /* a state only 3.10 can reach; on 4.8+ the other process of the mm is named */
    b->oom_score_adj = 300;
    g_assert_true(km_oom_adj_differs_in_mm(sys, b) == (copies ? a : NULL));
  }
}

/* The oom.group pass counts a victim other than current again only if it still has its mm there: first in the
 * scan, or no cond_resched() between members (6.6.57); after another member on 6.1 it has exited (counted once). */
static void test_oom_group_victim_not_current(void)
{
  static const struct { const char *version; gboolean victim_first; guint oom_kill; } cases[] = {
    { "6.1", TRUE, 3 }, { "6.1", FALSE, 2 }, { "6.6", FALSE, 3 }, { "6.12", FALSE, 2 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(KmSystem) sys = make_system(cases[i].version);
    KmMemcg *m = add_memcg(sys, "/grp", 12800);
    m->oom_group = TRUE;
    KmTask *big = NULL, *alloc = NULL;
    if (cases[i].victim_first)
      big = add_task(sys, 10, "/grp", 12000, 0);
    alloc = add_task(sys, 11, "/grp", 256, 0);
    if (!big)
      big = add_task(sys, 12, "/grp", 12000, 0);
    g_autoptr(OomControl) oc = km_oom_control_new(m, alloc, KM_GFP_KERNEL, 0);
    km_out_of_memory(sys, oc);
    g_assert_true(oc->chosen == big);
    g_assert_true(alloc->fatal_signal_pending);
    g_assert_cmpuint(m->events[KM_MEMCG_OOM_KILL], ==, cases[i].oom_kill);
  }
}

static void test_shared_mm(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *a = add_task(sys, 10, NULL, 8000, 0);
  KmTask *b = km_task_create(sys, 11, "clone", sys->root_memcg, a->mm);
  add_task(sys, 12, NULL, 100, 0);
  g_autoptr(OomControl) oc = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, oc);
  /* both score the whole mm; on the tie the later one (11) wins; 10 is killed as a sharer */
  g_assert_true(oc->chosen == b);
  g_assert_cmpuint(oc->kills->len, ==, 2);
  g_assert_cmpint(g_array_index(oc->kills, KmKill, 1).kind, ==, KM_KILL_SHARES_MM);
  g_assert_true(a->fatal_signal_pending);
  g_assert_false(a->oom_victim);
}

static void test_sacrifice_child(void)
{
  g_autoptr(KmSystem) sys = make_system("4.19");
  KmTask *parent = add_task(sys, 10, NULL, 50000, 0);
  KmTask *small = add_task(sys, 11, NULL, 1000, 0);
  KmTask *big = add_task(sys, 12, NULL, 4000, 0);
  small->ppid = big->ppid = parent->pid;
  g_autoptr(OomControl) oc = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, oc);
  g_assert_true(oc->chosen == parent);
  g_assert_true(oc->sacrificed_for == parent);
  KmKill *k = &g_array_index(oc->kills, KmKill, 0);
  g_assert_true(k->task == big);
  g_assert_cmpint(k->kind, ==, KM_KILL_CHILD);
  /* 6.1 kills the parent itself */
  g_autoptr(KmSystem) sys61 = make_system("6.1");
  KmTask *p61 = add_task(sys61, 10, NULL, 50000, 0);
  KmTask *c61 = add_task(sys61, 12, NULL, 4000, 0);
  c61->ppid = p61->pid;
  g_autoptr(OomControl) oc61 = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys61, oc61);
  g_assert_true(g_array_index(oc61->kills, KmKill, 0).task == p61);
}

static void test_overcommit(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *t = add_task(sys, 10, NULL, 0, 0);
  /* mode 0 (5.2+): fail only if pages > totalram + total_swap */
  g_assert_true(km_vm_enough_memory(sys, t->mm, RAM_PAGES, TRUE));
  g_assert_false(km_vm_enough_memory(sys, t->mm, RAM_PAGES + 1, TRUE));
  g_assert_cmpint(sys->machine.committed_as, ==, RAM_PAGES);
  sys->machine.committed_as = 0;
  /* mode 2: CommitLimit = 262144 * 50 / 100 + 0 = 131072; root, total_vm 0: allowed 131072, succeed while
   * Committed_AS (after adding) < allowed: 131071 pages fit, 131072 do not */
  sys->machine.overcommit_memory = 2;
  g_assert_cmpint(km_vm_commit_limit(sys), ==, 131072);
  g_assert_false(km_vm_enough_memory(sys, t->mm, 131072, TRUE));
  g_assert_true(km_vm_enough_memory(sys, t->mm, 131071, TRUE));
  sys->machine.committed_as = 0;
  /* non-root: admin_reserve_kbytes 8192 = 2048 pages less: 129023 fits, 129024 does not */
  g_assert_false(km_vm_enough_memory(sys, t->mm, 129024, FALSE));
  g_assert_true(km_vm_enough_memory(sys, t->mm, 129023, FALSE));
  sys->machine.committed_as = 0;
  /* user reserve: min(total_vm / 32, 131072 kB = 32768 pages); total_vm 3200 -> 100 pages less */
  t->mm->total_vm = 3200;
  g_assert_false(km_vm_enough_memory(sys, t->mm, 130972, TRUE));
  g_assert_true(km_vm_enough_memory(sys, t->mm, 130971, TRUE));
  /* mode 1: always */
  sys->machine.overcommit_memory = 1;
  g_assert_true(km_vm_enough_memory(sys, t->mm, G_MAXINT32, FALSE));
}

/* A process's own address space before the trace (make differential seed 1 #117): exec's VM_ACCOUNT mappings
 * (the VM's worker of 2026-12-01: 444 pages) are in Committed_AS and its total_vm (663 pages) shrinks the user reserve.
 * CommitLimit 131072; non-root: 131072 - 2048 (admin) - min(663 / 32 = 20, 32768) = 129004 allowed; with 444
 * committed, 128559 more pages make 129003 < 129004 (fit), 128560 make 129004 (refused). At exit both go. */
static void test_overcommit_base_vm(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmTask *t = add_task(sys, 10, NULL, 0, 0);
  sys->machine.overcommit_memory = 2;
  km_mm_set_base_vm(sys, t->mm, 663, 444);
  g_assert_cmpint(sys->machine.committed_as, ==, 444);
  g_assert_cmpint(t->mm->total_vm, ==, 663);
  g_assert_false(km_vm_enough_memory(sys, t->mm, 128560, FALSE));
  g_assert_cmpint(sys->machine.committed_as, ==, 444);
  g_assert_true(km_vm_enough_memory(sys, t->mm, 128559, FALSE));
  sys->machine.committed_as -= 128559; /* as if the mapping were gone again */
  km_task_exit(sys, t, 0, 0);
  g_assert_cmpint(sys->machine.committed_as, ==, 0);
}

/* init_admin_reserve()/init_user_reserve(): min(free_kbytes / 32, 8 MiB) and min(free_kbytes / 32, 128 MiB).
 * 1 GiB free: 1048576 / 32 = 32768 kB: admin 8192, user 32768. The 256 MiB VM of 6.1 (MemFree 195408 kB =
 * 48852 pages): 6106 kB each. 8 GiB: 262144 kB: admin 8192, user 131072. */
static void test_default_reserves(void)
{
  KmMachine m = {.page_size = 4096};
  km_default_reserves(&m, RAM_PAGES);
  g_assert_cmpuint(m.admin_reserve_kbytes, ==, 8192);
  g_assert_cmpuint(m.user_reserve_kbytes, ==, 32768);
  km_default_reserves(&m, 48852);
  g_assert_cmpuint(m.admin_reserve_kbytes, ==, 6106);
  g_assert_cmpuint(m.user_reserve_kbytes, ==, 6106);
  km_default_reserves(&m, (KmPages)8 << 18);
  g_assert_cmpuint(m.admin_reserve_kbytes, ==, 8192);
  g_assert_cmpuint(m.user_reserve_kbytes, ==, 131072);
}

static void test_overcommit_heuristic_4_19(void)
{
  g_autoptr(KmSystem) sys = make_system("4.19");
  KmTask *t = add_task(sys, 10, NULL, 200000, 0);
  /* free = 262144 - 200000 anon - 391 PTE (ceil(200000 / 512)) - 1 PMD = 61752; + 0 cache + 0 swap;
   * totalreserve_pages = 2555 (test_zones_1g); 61752 - 2555 = 59197: 59196 pages fit, 59197 do not
   * (free > pages) */
  g_assert_cmpint(km_free_pages(sys), ==, 61752);
  g_assert_cmpint(km_totalreserve_pages(sys), ==, 2555);
  g_assert_true(km_vm_enough_memory(sys, t->mm, 59196, TRUE));
  sys->machine.committed_as = 0;
  g_assert_false(km_vm_enough_memory(sys, t->mm, 59197, TRUE));
  /* non-root: 2048 pages of admin reserve less */
  g_assert_false(km_vm_enough_memory(sys, t->mm, 57149, FALSE));
  g_assert_true(km_vm_enough_memory(sys, t->mm, 57148, FALSE));
  /* 6.1 would grant far more: anything up to RAM + swap */
  g_autoptr(KmSystem) sys61 = make_system("6.1");
  KmTask *t61 = add_task(sys61, 10, NULL, 200000, 0);
  g_assert_true(km_vm_enough_memory(sys61, t61->mm, 200000, TRUE));
}

/* 1 GiB, 4 KiB pages: zones DMA 3840 pages, DMA32 262144 - 3840 = 258304, no Normal.
 * min_free_kbytes int_sqrt(1048576 * 16) = 4096 kB = 1024 pages, split by managed pages (truncated):
 *   DMA 1024 * 3840 / 262144 = 15, DMA32 1024 * 258304 / 262144 = 1009.
 * high = min + 2 * max(min >> 2, managed * 10 / 10000): DMA 15 + 2 * max(3, 3) = 21; DMA32 1009 + 2 * max(252,
 * 258) = 1525. lowmem_reserve (ratio 256): DMA 258304 / 256 = 1009, DMA32 0.
 * Global OOM floor: DMA min(3840, 15 + 1009) = 1024 + DMA32 1009 = 2033 (the old one-zone model: 1024).
 * totalreserve_pages: DMA min(3840, 1009 + 21) = 1030 + DMA32 1525 = 2555. */
static void test_zones_1g(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  const KmMachine *m = &sys->machine;
  g_assert_cmpuint(m->nr_zones, ==, 2);
  g_assert_cmpstr(m->zones[0].name, ==, "DMA");
  g_assert_cmpint(m->zones[1].managed, ==, 258304);
  g_assert_cmpint(m->zones[0].wmark_min, ==, 15);
  g_assert_cmpint(m->zones[1].wmark_min, ==, 1009);
  g_assert_cmpint(m->zones[1].wmark_high, ==, 1525);
  g_assert_cmpint(m->zones[0].lowmem_reserve, ==, 1009);
  g_assert_cmpint(km_wmark_min_pages(sys), ==, 1024);
  g_assert_cmpint(km_alloc_floor_pages(sys), ==, 2033);
  g_assert_cmpint(km_totalreserve_pages(sys), ==, 2555);
}

/* si_mem_available() on the 1 GiB machine above: MemFree - totalreserve_pages (2555) + page cache less
 * min(pagecache / 2, the low watermarks); low = min + (high - min) / 2: DMA 15 + 3 = 18, DMA32 1009 + 258 = 1267,
 * 1285 in all. 200000 anon + 10000 file: 52144 - 2555 + 10000 - min(5000, 1285) = 58304. 2000 file: 60144 - 2555 +
 * 2000 - min(1000, 1285) = 58589. Nearly full (261000 anon, no cache): 1144 - 2555 < 0, so 0.
 * Reclaimable slab (the VM's SReclaimable, 9052 kB = 2263 pages, tests/harness/earlyoom-prefer-avoid-8mib.xml) adds
 * 2263 - min(1131, 1285) = 1132 to the 2000-file case: 59721; 2000 pages add 2000 - min(1000, 1285) = 1000, and
 * 4000 pages 4000 - min(2000, 1285) = 2715 (the cap at the low watermarks). */
static void test_si_mem_available(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  g_assert_cmpint(km_si_mem_available(sys), ==, RAM_PAGES - 2555);
  sys->machine.anon = 200000;
  sys->machine.file = 10000;
  g_assert_cmpint(km_buddy_free_pages(sys), ==, 52144);
  g_assert_cmpint(km_si_mem_available(sys), ==, 58304);
  sys->machine.file = 2000;
  g_assert_cmpint(km_si_mem_available(sys), ==, 58589);
  sys->machine.slab_reclaimable = 2263;
  g_assert_cmpint(km_si_mem_available(sys), ==, 59721);
  sys->machine.slab_reclaimable = 2000;
  g_assert_cmpint(km_si_mem_available(sys), ==, 58589 + 1000);
  sys->machine.slab_reclaimable = 4000;
  g_assert_cmpint(km_si_mem_available(sys), ==, 58589 + 2715);
  sys->machine.slab_reclaimable = 0;
  sys->machine.anon = 261000;
  sys->machine.file = 0;
  g_assert_cmpint(km_si_mem_available(sys), ==, 0);
}

/* 16 GiB: 4194304 pages; DMA 3840, DMA32 up to 3 GiB (786432) - 3840 = 782592, Normal 3407872.
 * min_free_kbytes int_sqrt(16777216 * 16) = 16384 kB = 4096 pages: DMA 4096 * 3840 / 4194304 = 3 (3.75),
 * DMA32 764 (764.25), Normal 3328. lowmem_reserve: DMA (782592 + 3407872) / 256 = 16369, DMA32 3407872 / 256
 * = 13312. Floor: DMA min(3840, 3 + 16369) = 3840, DMA32 764 + 13312 = 14076, Normal 3328: 21244 pages
 * (83 MiB), where WMARK_MIN alone is 4095. 3.10 has no watermark_scale_factor: Normal high = 3328 + 1664. */
static void test_zones_16g(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.totalram_pages = 4194304;
  sys->machine.min_free_kbytes = km_default_min_free_kbytes(4194304, 4096);
  km_zones_setup(sys);
  const KmMachine *m = &sys->machine;
  g_assert_cmpuint(m->nr_zones, ==, 3);
  g_assert_cmpint(m->zones[2].managed, ==, 3407872);
  g_assert_cmpint(m->zones[0].lowmem_reserve, ==, 16369);
  g_assert_cmpint(m->zones[1].lowmem_reserve, ==, 13312);
  g_assert_cmpint(km_wmark_min_pages(sys), ==, 4095);
  g_assert_cmpint(km_alloc_floor_pages(sys), ==, 21244);
  g_autoptr(KmSystem) old = make_system("3.10");
  old->machine.totalram_pages = 4194304;
  old->machine.min_free_kbytes = 16384;
  km_zones_setup(old);
  g_assert_cmpint(old->machine.zones[2].wmark_high, ==, 3328 + 1664);
}

/* Kernel memory per process (the VM harness's measured Slab + KernelStack per process, here 13 pages): taken from
 * MemFree at creation, given back at exit, never charged to the memcg. */
static void test_task_kernel_memory(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.task_kernel_pages = 13;
  KmMemcg *m = add_memcg(sys, "/pod", KM_PAGES_MAX);
  KmPages free0 = km_free_pages(sys);
  KmTask *a = add_task(sys, 10, "/pod", 100, 0);
  KmTask *b = add_task(sys, 11, "/pod", 0, 0);
  /* 100 anon + 1 PTE page + 1 PMD page for a, 0 for b; 2 * 13 kernel pages */
  g_assert_cmpint(free0 - km_free_pages(sys), ==, 100 + 2 + 26);
  g_assert_cmpint(m->usage, ==, 102);
  km_task_exit(sys, b, 0, 0);
  g_assert_cmpint(free0 - km_free_pages(sys), ==, 100 + 2 + 13);
  km_task_exit(sys, a, 0, 0);
  g_assert_cmpint(km_free_pages(sys), ==, free0);
}

/* The zones of the 6.1 VM (/proc/zoneinfo): DMA 3840 managed, min 32, high 48, lowmem_reserve 193; DMA32 52068,
 * min 436, high 654. The 6.12 VM: DMA32 50752, min 431, high 645 (DMA alike, reserve 189). */
static void vm_zones(KmSystem *sys, gboolean v612)
{
  KmMachine *m = &sys->machine;
  m->zones_given = TRUE;
  m->nr_zones = 2;
  m->zones[0] = (KmZone){ .name = "DMA", .managed = 3840, .wmark_min = 32, .wmark_high = 48,
                          .lowmem_reserve = v612 ? 189 : 193 };
  m->zones[1] = (KmZone){ .name = "DMA32", .managed = v612 ? 50752 : 52068, .wmark_min = v612 ? 431 : 436,
                          .wmark_high = v612 ? 645 : 654, .lowmem_reserve = 0 };
  km_pcp_setup(sys);
}

/* Free pages in all: `buddy` in the buddy lists plus what the lists hold */
static void set_free(KmSystem *sys, KmPages buddy)
{
  sys->machine.kernel_pages = sys->machine.totalram_pages - buddy - km_pcp_count(sys);
  g_assert_cmpint(km_buddy_free_pages(sys), ==, buddy);
}

/* A system with the VM's zones for version ("6.12": the 6.12 VM's) and `buddy` free pages in the buddy lists */
static KmSystem *pcp_system(const char *version, KmPages buddy)
{
  KmSystem *sys = make_system(version);
  vm_zones(sys, g_str_equal(version, "6.12"));
  set_free(sys, buddy);
  return sys;
}

static void test_pcp_setup(void)
{
  /* zone_batchsize(DMA32 52068): 52068 / 1024 = 50, / 4 = 12, rounddown_pow_of_two(12 + 6) - 1 = 15.
   * 6.1 high = low watermark = 436 + (654 - 436) / 2 = 545 (> 4 * 15). 5.10: 6 * 15 = 90. */
  g_autoptr(KmSystem) s61 = make_system("6.1");
  vm_zones(s61, FALSE);
  g_assert_cmpint(s61->machine.pcp.batch, ==, 15);
  g_assert_cmpint(s61->machine.pcp.high, ==, 545);
  g_autoptr(KmSystem) s510 = make_system("5.10");
  vm_zones(s510, FALSE);
  g_assert_cmpint(s510->machine.pcp.batch, ==, 15);
  g_assert_cmpint(s510->machine.pcp.high, ==, 90);
  /* 6.12, DMA32 50752: 49 / 4 = 12 -> 15; high_min = 431 + 107 = 538, high_max = 50752 / 8 = 6344 */
  g_autoptr(KmSystem) s612 = make_system("6.12");
  vm_zones(s612, TRUE);
  g_assert_cmpint(s612->machine.pcp.batch, ==, 15);
  g_assert_cmpint(s612->machine.pcp.high_min, ==, 538);
  g_assert_cmpint(s612->machine.pcp.high_max, ==, 6344);
  /* four CPUs share the node's high (zone_highsize(): nr_split_cpus = 4): 6.1 545 / 4 = 136; 6.12 high_min
   * 538 / 4 = 134, high_max 6344 / 4 = 1586; batch unchanged */
  s61->machine.nr_cpus = 4;
  km_pcp_setup(s61);
  g_assert_cmpint(s61->machine.pcp.high, ==, 136);
  s612->machine.nr_cpus = 4;
  km_pcp_setup(s612);
  g_assert_cmpint(s612->machine.pcp.high_min, ==, 134);
  g_assert_cmpint(s612->machine.pcp.high_max, ==, 1586);
  g_assert_cmpint(s612->machine.pcp.batch, ==, 15);
  /* a 4,000,000-page zone: 3906 capped at 128 pages (512 KiB, 3.10) -> 32 -> rounddown(48) - 1 = 31;
   * 256 pages (1 MiB, 6.1) -> 64 -> rounddown(96) - 1 = 63 */
  g_autoptr(KmSystem) s310 = make_system("3.10");
  s310->machine.zones[s310->machine.nr_zones - 1].managed = 4000000;
  km_pcp_setup(s310);
  g_assert_cmpint(s310->machine.pcp.batch, ==, 31);
  s61->machine.zones[1].managed = 4000000;
  km_pcp_setup(s61);
  g_assert_cmpint(s61->machine.pcp.batch, ==, 63);
}

static void test_pcp_available_61(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  vm_zones(sys, FALSE);
  /* floor: min(3840, 32 + 193) + min(52068, 436) = 661 */
  g_assert_cmpint(km_alloc_floor_pages(sys), ==, 661);
  sys->machine.pcp.count[KM_PCP_MOVABLE] = 20;
  set_free(sys, 661 + 100);
  /* the 20 listed pages, then refills of 15 while buddy > 661: after k refills buddy = 761 - 15k, so refills 1-6
   * are used whole (90 pages) and the 7th leaves buddy at 656: its first page only, 14 stay on the list */
  g_assert_cmpint(km_alloc_available(sys), ==, 20 + 90 + 1);
  /* at the floor nothing, whatever the lists hold */
  set_free(sys, 661);
  g_assert_cmpint(km_alloc_available(sys), ==, 0);
}

static void test_pcp_available_612(void)
{
  g_autoptr(KmSystem) sys = make_system("6.12");
  vm_zones(sys, TRUE);
  /* floor min(3840, 32 + 189) + 431 = 652 */
  g_assert_cmpint(km_alloc_floor_pages(sys), ==, 652);
  KmPcp *p = &sys->machine.pcp;
  /* steady state: alloc_factor 5, high at high_max, ZONE_BELOW_HIGH: each refill is min(15 << 5, 6344 - 0 - 15)
   * = 480; buddy 652 + 1000: two whole refills (buddy 1172, 692), the third leaves 212: one page */
  p->alloc_factor = 5;
  p->high = 6344;
  p->below_high = TRUE;
  set_free(sys, 652 + 1000);
  g_assert_cmpint(km_alloc_available(sys), ==, 480 + 480 + 1);
  g_assert_cmpint(p->alloc_factor, ==, 5); /* km_alloc_available() changes nothing */
}

/* What allocations one page at a time take before a watermark check fails, as the kernel makes them: each needs
 * the buddy lists above `mark` (zone_watermark_fast()), then km_pcp_alloc() hands out one page (refilling the list
 * when empty) and the caller counts it as used. The state is put back afterwards. */
static KmPages alloc_one_by_one(KmSystem *sys, KmPages mark)
{
  KmPcp saved = sys->machine.pcp;
  KmPages kernel = sys->machine.kernel_pages;
  KmPages got = 0;
  while (km_buddy_free_pages(sys) > mark) {
    km_pcp_alloc(sys, KM_PCP_MOVABLE, 1);
    sys->machine.kernel_pages++; /* MemFree one page less: the loop ends */
    got++;
  }
  sys->machine.pcp = saved;
  sys->machine.kernel_pages = kernel;
  return got;
}

/* km_alloc_available_marks() (one walk of the refills for the low mark and the min mark, as the charge path asks
 * before each batch: sim/engine-charge.c) against km_alloc_available_fast() and km_alloc_available() (a walk each)
 * and against allocations one page at a time, on every profile (5.10's fixed batches, 6.1's free_factor, 6.12's
 * autotuned refills), over states drawn with a fixed seed: lists with pages or empty, 6.7+'s alloc_factor, pcp->high
 * and ZONE_BELOW_HIGH in their ranges, no lists (batch 0), and buddy free pages from below the floor to past the high
 * mark, so that walks cross the marks at every place a refill can end. Also zones whose low mark is below the min
 * mark (measured zones are taken as given). */
static void test_pcp_available_both_marks(void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed(20261206);
  guint checked = 0, between = 0;
  for (const KmProfile *const *prof = km_profiles(); *prof; prof++) {
    for (int layout = 0; layout < 3; layout++) {
      g_autoptr(KmSystem) sys = make_system((*prof)->name);
      if (layout == 1)
        vm_zones(sys, (*prof)->pcp == KM_PCP_AUTOTUNE);
      else
        km_pcp_setup(sys);
      if (layout == 2) {
        /* the high watermark below the min one: low = min + (high - min) / 2 < min */
        KmZone *z = &sys->machine.zones[sys->machine.nr_zones - 1];
        z->wmark_high = z->wmark_min / 2;
      }
      KmPcp base = sys->machine.pcp;
      KmPages floor = km_alloc_floor_pages(sys), low = km_low_mark_pages(sys);
      if (layout == 2)
        g_assert_cmpint(low, <, floor);
      else
        g_assert_cmpint(low, >, floor);
      KmPages lo = MIN(low, floor), hi = MAX(low, floor);
      for (int i = 0; i < 120; i++) {
        KmPcp *p = &sys->machine.pcp;
        *p = base;
        p->count[KM_PCP_MOVABLE] = g_rand_boolean(rand) ? 0 : g_rand_int_range(rand, 0, 200);
        p->count[KM_PCP_UNMOVABLE] = g_rand_boolean(rand) ? 0 : g_rand_int_range(rand, 0, 2 * MAX(p->high_max, p->high) + 1);
        if (g_rand_int_range(rand, 0, 12) == 0)
          *p = (KmPcp){ 0 }; /* no lists (kswapd_system()'s batch 0): nothing on them */
        if ((*prof)->pcp == KM_PCP_AUTOTUNE && p->batch) {
          p->alloc_factor = g_rand_int_range(rand, 0, 6);
          p->high = g_rand_int_range(rand, p->high_min, p->high_max + 1);
          p->below_high = g_rand_boolean(rand);
        }
        /* buddy pages: around the two marks, or far above them (the skip-ahead's case) */
        KmPages buddy;
        switch (g_rand_int_range(rand, 0, 4)) {
        case 0:
          buddy = g_rand_int_range(rand, 0, (gint32)hi + 40);
          break;
        case 1:
          buddy = hi + g_rand_int_range(rand, 0, 3000);
          break;
        case 2:
          buddy = lo + g_rand_int_range(rand, 0, (gint32)(hi - lo) + 1);
          break;
        default:
          buddy = hi + g_rand_int_range(rand, 0, 60000);
          break;
        }
        set_free(sys, buddy);
        KmPcp before = *p;
        KmPages fast, min;
        KmAllocMarks marks = km_alloc_marks(sys);
        km_alloc_available_marks(sys, &marks, &fast, &min);
        g_assert_true(memcmp(&before, p, sizeof before) == 0); /* the walk changes nothing */
        g_assert_cmpint(fast, ==, km_alloc_available_fast(sys));
        g_assert_cmpint(min, ==, km_alloc_available(sys));
        if (buddy - hi < 6000) {
          g_assert_cmpint(fast, ==, alloc_one_by_one(sys, low));
          g_assert_cmpint(min, ==, alloc_one_by_one(sys, floor));
        }
        between += fast != min && fast > 0;
        checked++;
      }
    }
  }
  g_assert_cmpuint(checked, >=, 120 * 3 * 6);
  g_assert_cmpuint(between, >, checked / 4); /* most states tell the two marks apart */
}

/* km_pcp_alloc() of n pages (before 6.7 in closed form, pcp_alloc_fixed(); 6.7+ a loop over the refills) leaves the
 * lists as n allocations of one page do, each counted as used before the next (rmqueue_pcplist() runs per page):
 * every profile, states drawn with a fixed seed (either list full or empty, 6.7+'s alloc_factor, pcp->high,
 * ZONE_BELOW_HIGH and free_count, free_factor), n from 1 to past what the buddy lists hold. */
static void test_pcp_alloc_bulk_is_page_by_page(void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed(20261207);
  guint checked = 0, exhausted = 0;
  for (const KmProfile *const *prof = km_profiles(); *prof; prof++) {
    g_autoptr(KmSystem) sys = make_system((*prof)->name);
    vm_zones(sys, (*prof)->pcp == KM_PCP_AUTOTUNE);
    KmPcp base = sys->machine.pcp;
    for (int i = 0; i < 150; i++) {
      KmPcp *p = &sys->machine.pcp;
      *p = base;
      KmPcpList list = g_rand_boolean(rand) ? KM_PCP_MOVABLE : KM_PCP_UNMOVABLE;
      p->count[KM_PCP_MOVABLE] = g_rand_boolean(rand) ? 0 : g_rand_int_range(rand, 0, 3 * p->batch);
      p->count[KM_PCP_UNMOVABLE] = g_rand_boolean(rand) ? 0 : g_rand_int_range(rand, 0, 3 * p->batch);
      p->free_factor = g_rand_int_range(rand, 0, 6);
      p->free_count = g_rand_int_range(rand, 0, (p->batch << 5) + 1);
      if ((*prof)->pcp == KM_PCP_AUTOTUNE) {
        p->alloc_factor = g_rand_int_range(rand, 0, 6);
        p->high = g_rand_int_range(rand, p->high_min, p->high_max + 1);
        p->below_high = g_rand_boolean(rand);
      }
      KmPages buddy = g_rand_int_range(rand, 0, 4000);
      set_free(sys, buddy);
      KmPages n = g_rand_int_range(rand, 1, g_rand_boolean(rand) ? 200 : 5000);
      KmPages kernel = sys->machine.kernel_pages;
      KmPcp start = *p;

      km_pcp_alloc(sys, list, n);
      KmPcp bulk = *p;

      *p = start;
      sys->machine.kernel_pages = kernel;
      for (KmPages k = 0; k < n; k++) {
        km_pcp_alloc(sys, list, 1);
        sys->machine.kernel_pages++; /* the caller counts the page before the next allocation */
      }
      gboolean runs_out = n > start.count[list] + buddy;
      g_assert_cmpint(bulk.count[KM_PCP_MOVABLE], ==, p->count[KM_PCP_MOVABLE]);
      g_assert_cmpint(bulk.count[KM_PCP_UNMOVABLE], ==, p->count[KM_PCP_UNMOVABLE]);
      /* 6.7+: once the buddy lists are empty, each further one-page call still runs nr_pcp_alloc() (alloc_factor
       * grows) before rmqueue_bulk() finds nothing, where a bulk call stops at the first; the charge path never
       * asks for pages past them (km_alloc_available()), so only the counts are compared there */
      if ((*prof)->pcp != KM_PCP_AUTOTUNE || !runs_out)
        g_assert_true(memcmp(&bulk, p, sizeof bulk) == 0);
      exhausted += runs_out ? 1 : 0;
      sys->machine.kernel_pages = kernel;
      checked++;
    }
  }
  g_assert_cmpuint(checked, ==, 150 * g_strv_length((char **)km_profiles()));
  g_assert_cmpuint(exhausted, >, checked / 10); /* the buddy lists run out in some of them */
}

/* decay_pcp_high() (6.7-6.12), the VM's lists of tests/harness/earlyoom-prefer-avoid-8mib.xml on 6.12 (batch 31,
 * high_min 828, high_max 14396) right after a 60 MiB process freed its pages onto them (count 14389, high at
 * high_max): high = max(count - (31 << 5), high - high / 8, high_min) = max(13397, 12597, 828) = 13397, and the 992
 * pages above it go back to the buddy lists (the real earlyoom saw MemAvailable rise by 4 MiB a second after the
 * exit). Again: max(12405, 11723, 828) = 12405, 992 more. With 100 pages on the list: max(-892, 12405 - 1550 =
 * 10855, 828), nothing drained; at high_min with count below it: nothing to do (FALSE). 6.1 has no decay. */
static void test_pcp_decay_612(void)
{
  g_autoptr(KmSystem) sys = make_system("6.12");
  KmPcp *p = &sys->machine.pcp;
  p->batch = 31;
  p->high_min = 828;
  p->high_max = 14396;
  p->high = 14396;
  p->count[KM_PCP_MOVABLE] = 14389;
  g_assert_true(km_pcp_decay_high(sys));
  g_assert_cmpint(p->high, ==, 13397);
  g_assert_cmpint(km_pcp_count(sys), ==, 13397);
  g_assert_true(km_pcp_decay_high(sys));
  g_assert_cmpint(p->high, ==, 12405);
  g_assert_cmpint(km_pcp_count(sys), ==, 12405);
  p->count[KM_PCP_MOVABLE] = 100;
  g_assert_true(km_pcp_decay_high(sys));
  g_assert_cmpint(p->high, ==, 10855);
  g_assert_cmpint(km_pcp_count(sys), ==, 100);
  p->high = 828;
  g_assert_false(km_pcp_decay_high(sys));
  g_assert_cmpint(km_pcp_count(sys), ==, 100);
  /* the movable list is emptied first (free_pcppages_bulk() from pindex 0 + 1) */
  p->high = 900;
  p->count[KM_PCP_MOVABLE] = 500;
  p->count[KM_PCP_UNMOVABLE] = 500;
  g_assert_true(km_pcp_decay_high(sys)); /* high = max(8, 788, 828) = 828: 172 drained, all movable */
  g_assert_cmpint(p->high, ==, 828);
  g_assert_cmpint(p->count[KM_PCP_MOVABLE], ==, 328);
  g_assert_cmpint(p->count[KM_PCP_UNMOVABLE], ==, 500);

  g_autoptr(KmSystem) s61 = make_system("6.1");
  s61->machine.pcp.batch = 31;
  s61->machine.pcp.high = 800;
  s61->machine.pcp.count[KM_PCP_MOVABLE] = 900;
  g_assert_false(km_pcp_decay_high(s61));
  g_assert_cmpint(km_pcp_count(s61), ==, 900);
}

static void test_pcp_alloc_612_ramp(void)
{
  g_autoptr(KmSystem) sys = pcp_system("6.12", 40000);
  KmPcp *p = &sys->machine.pcp;
  /* nr_pcp_alloc() from alloc_factor 0, high 538, not below high: refill 15 << af, high += that batch, af + 1
   * while batch <= high - count - 15: 15 (high 553), 30 (583), 60 (643), 120 (763), 240 (1003), 480 (1483,
   * af stays 5), 480 (1963): 1425 pages for 1000 allocations, 425 left on the movable list */
  km_pcp_alloc(sys, KM_PCP_MOVABLE, 1000);
  sys->machine.kernel_pages += 1000; /* the caller counts the pages as used (here: as kernel memory) */
  g_assert_cmpint(p->count[KM_PCP_MOVABLE], ==, 425);
  g_assert_cmpint(p->alloc_factor, ==, 5);
  g_assert_cmpint(p->high, ==, 1963);
  g_assert_cmpint(km_buddy_free_pages(sys), ==, 40000 - 1425);
}

/* kswapd (km-kswapd.c) on the 6.1 VM's zones (vm_zones()): DMA min 32 high 48 reserve 193, DMA32 min 436 high 654.
 * low = min + (high - min) / 2: DMA 40, DMA32 545. wakeup: free <= (40 + 193) + 545 = 778; pgdat_balanced(): free >
 * (48 + 193) + 654 = 895 (= totalreserve_pages); kswapd_shrink_node()'s nr_to_reclaim: max(48, 32) + max(654, 32)
 * = 702. */
static void test_kswapd_marks(void)
{
  g_autoptr(KmSystem) sys = pcp_system("6.1", 779);
  g_assert_cmpint(km_low_mark_pages(sys), ==, 778);
  g_assert_cmpint(km_kswapd_nr_to_reclaim(sys), ==, 702);
  g_assert_false(km_kswapd_woken(sys));
  KmKswapdResult r = km_kswapd_run(sys); /* asleep: nothing */
  g_assert_cmpuint(r.passes, ==, 0);
  set_free(sys, 778);
  g_assert_true(km_kswapd_woken(sys));
  g_assert_false(km_kswapd_balanced(sys));
  set_free(sys, 895);
  g_assert_false(km_kswapd_balanced(sys));
  set_free(sys, 896);
  g_assert_true(km_kswapd_balanced(sys));
}

/* `buddy` free pages in the buddy lists whatever the tasks hold: the kernel's own memory takes the rest */
static void set_buddy(KmSystem *sys, KmPages buddy)
{
  sys->machine.kernel_pages = 0;
  sys->machine.kernel_pages = km_buddy_free_pages(sys) - buddy;
  g_assert_cmpint(km_buddy_free_pages(sys), ==, buddy);
}

/* A 6.1 system with the VM's zones, 40960 anon pages of one task, 65536 pages of swap, `buddy` free pages and no
 * per-CPU lists (batch 0: every freed page is in the buddy lists at once), so that balance_pgdat() alone counts */
static KmSystem *kswapd_system(KmPages buddy)
{
  KmSystem *sys = make_system("6.1");
  vm_zones(sys, FALSE);
  sys->machine.pcp.batch = 0;
  sys->machine.total_swap_pages = 65536;
  add_task(sys, 10, NULL, 40960, 0);
  set_buddy(sys, buddy);
  return sys;
}

static void test_kswapd_balance_pgdat(void)
{
  /* 700 free: woken. Each pass scans the anon LRU >> priority, all below nr_to_reclaim (702), so the priority is
   * raised after each: 40960 >> 12 = 10 (710 free), 40950 >> 11 = 19 (729), 40931 >> 10 = 39 (768), 40892 >> 9 =
   * 79 (847), 40813 >> 8 = 159 (1006 > 895: balanced at the top of the next iteration). 306 pages to swap in 5
   * passes, the last at priority 8. */
  g_autoptr(KmSystem) sys = kswapd_system(700);
  KmKswapdResult r = km_kswapd_run(sys);
  g_assert_cmpint(r.swapped, ==, 306);
  g_assert_cmpint(r.file, ==, 0);
  g_assert_cmpuint(r.passes, ==, 5);
  g_assert_cmpint(r.priority, ==, 8);
  g_assert_true(r.balanced);
  g_assert_cmpint(km_buddy_free_pages(sys), ==, 1006);
  g_assert_cmpint(sys->machine.swap_used, ==, 306);
  /* the pass that crosses the high watermark is not cut short: from 100 free the same five passes leave 406,
   * then 40654 >> 7 = 317 (723) and 40337 >> 6 = 630 (1353): 1253 pages, 458 above the mark */
  g_autoptr(KmSystem) low = kswapd_system(100);
  r = km_kswapd_run(low);
  g_assert_cmpint(r.swapped, ==, 1253);
  g_assert_cmpuint(r.passes, ==, 7);
  g_assert_cmpint(r.priority, ==, 6);
  g_assert_cmpint(km_buddy_free_pages(low), ==, 1353);
  /* nothing to reclaim (no swap, no page cache): every priority from 12 to 1 passes with nothing scanned
   * (get_scan_count(): SCAN_FILE without swap), and the node stays unbalanced */
  g_autoptr(KmSystem) noswap = kswapd_system(700);
  noswap->machine.total_swap_pages = 0;
  r = km_kswapd_run(noswap);
  g_assert_cmpint(r.swapped + r.file, ==, 0);
  g_assert_cmpuint(r.passes, ==, 12);
  g_assert_cmpint(r.priority, ==, 1);
  g_assert_false(r.balanced);
  /* page cache goes first (km_reclaim()): 300 clean file pages, 700 free; 41260 >> 12 = 10 file pages, 41250 >> 11
   * = 20, 41230 >> 10 = 40, 41190 >> 9 = 80, 41110 >> 8 = 160: 310 reclaimed, 300 of them file, then 10 anon */
  g_autoptr(KmSystem) cache = kswapd_system(1000);
  km_memcg_charge(cache, cache->root_memcg, KM_PAGE_FILE, 300);
  set_buddy(cache, 700);
  r = km_kswapd_run(cache);
  g_assert_cmpint(r.file, ==, 300);
  g_assert_cmpint(r.swapped, ==, 10);
  g_assert_cmpint(km_buddy_free_pages(cache), ==, 1010);
}

/* balance_pgdat() pass by pass (km_kswapd_wakeup(), km_kswapd_pass()), as the simulator runs it beside a task, and
 * kswapd_failures. The VM's zones: woken at or below 778 free, balanced above 895, nr_to_reclaim 702. */
static void test_kswapd_pass_by_pass(void)
{
  g_autoptr(KmSystem) sys = kswapd_system(700);
  g_assert_true(km_kswapd_wakeup(sys));
  g_assert_true(sys->machine.kswapd.running);
  g_assert_cmpint(sys->machine.kswapd.priority, ==, 12);
  g_assert_true(sys->machine.pcp.reclaim_active); /* set_reclaim_active() for the run */
  g_assert_false(km_kswapd_wakeup(sys));          /* awake already: !waitqueue_active() */
  KmKswapdResult r = { 0 };
  /* 40960 >> 12 = 10 pages (710 free), below nr_to_reclaim: the priority is raised to 11 */
  g_assert_cmpint(km_kswapd_pass(sys, &r), ==, 10);
  g_assert_cmpint(sys->machine.kswapd.priority, ==, 11);
  g_assert_cmpint(km_buddy_free_pages(sys), ==, 710);
  /* a task takes 200 pages between two passes (510 free): the run goes on at priority 11, 40950 >> 11 = 19 */
  sys->machine.kernel_pages += 200;
  g_assert_cmpint(km_kswapd_pass(sys, &r), ==, 19);
  g_assert_cmpint(km_buddy_free_pages(sys), ==, 529);
  g_assert_cmpuint(r.passes, ==, 2);
  g_assert_cmpint(r.priority, ==, 11);
  g_assert_false(r.ended);
  /* the rest of the run: 40931 >> 10 = 39 (568), 40892 >> 9 = 79 (647), 40813 >> 8 = 159 (806), 40654 >> 7 = 317
   * (1123 > 895): balanced at the top of the next iteration; 6 passes in all, the last at priority 7 */
  km_kswapd_finish(sys, &r);
  g_assert_false(sys->machine.kswapd.running);
  g_assert_false(sys->machine.pcp.reclaim_active);
  g_assert_true(r.ended);
  g_assert_true(r.balanced);
  g_assert_cmpuint(r.passes, ==, 6);
  g_assert_cmpint(r.priority, ==, 7);
  g_assert_cmpint(km_buddy_free_pages(sys), ==, 1123);
  g_assert_false(km_kswapd_wakeup(sys)); /* balanced: wakeup_kswapd() leaves it asleep */

  /* kswapd_failures: a run that passes priority 1 without reclaiming anything counts one; at MAX_RECLAIM_RETRIES
   * (16) wakeup_kswapd() leaves the node to direct reclaim, until a reclaim anywhere makes progress (shrink_node()) */
  g_autoptr(KmSystem) noswap = kswapd_system(700);
  noswap->machine.total_swap_pages = 0;
  for (guint i = 0; i < 16; i++) {
    g_assert_true(km_kswapd_wakeup(noswap));
    KmKswapdResult f = { 0 };
    km_kswapd_finish(noswap, &f);
    g_assert_true(f.ended);
    g_assert_false(f.balanced);
    g_assert_cmpuint(f.passes, ==, 12);
    g_assert_cmpuint(noswap->machine.kswapd.failures, ==, i + 1);
  }
  g_assert_false(km_kswapd_wakeup(noswap));
  noswap->machine.total_swap_pages = 65536;
  KmReclaimResult rec = km_reclaim(noswap, NULL, 32, TRUE);
  g_assert_cmpint(rec.swapped, ==, 32);
  g_assert_cmpuint(noswap->machine.kswapd.failures, ==, 0);
  g_assert_true(km_kswapd_wakeup(noswap));
}

/* ZONE_RECLAIM_ACTIVE (5.14+): while kswapd reclaims, a free finds high at most batch << 2 = 60 (batch 15 on the
 * VM's zones). 6.1, 100 pages freed onto an empty list: at the 60th nr_pcp_free() gives batch << free_factor = 15
 * (free_factor 0 -> 1), 45 left; 15 more reach 60 again: 15 << 1 = 30 (within [15, 45]), 30 left; the last 25:
 * 55 on the list, 45 in the buddy lists. Without it high is the low watermark (545): all 100 stay.
 * 6.12: nr_pcp_high() lowers pcp->high by free_count but not below high_min (538) and returns min(60, 538); at the
 * 60th page nr_pcp_free() frees free_count (60) clamped to [15, 45] = 45, 15 left; 40 more: 55 on the list. */
static void test_kswapd_reclaim_active_pcp(void)
{
  const char *versions[] = { "6.1", "6.12" };
  for (guint i = 0; i < G_N_ELEMENTS(versions); i++) {
    g_autoptr(KmSystem) sys = pcp_system(versions[i], 5000);
    sys->machine.pcp.reclaim_active = TRUE;
    km_pcp_free(sys, KM_PCP_MOVABLE, 100);
    g_assert_cmpint(sys->machine.pcp.count[KM_PCP_MOVABLE], ==, 55);
    g_autoptr(KmSystem) idle = pcp_system(versions[i], 5000);
    km_pcp_free(idle, KM_PCP_MOVABLE, 100);
    g_assert_cmpint(idle->machine.pcp.count[KM_PCP_MOVABLE], ==, 100);
  }
  /* km_kswapd_run() sets it for its run and clears it after */
  g_autoptr(KmSystem) sys = pcp_system("6.1", 700);
  sys->machine.total_swap_pages = 65536;
  add_task(sys, 10, NULL, 40960, 0);
  set_buddy(sys, 700);
  km_kswapd_run(sys);
  g_assert_false(sys->machine.pcp.reclaim_active);
  g_assert_cmpint(sys->machine.pcp.count[KM_PCP_MOVABLE], <, 60);
}

static void test_pcp_free_61(void)
{
  g_autoptr(KmSystem) sys = pcp_system("6.1", 20000);
  KmPcp *p = &sys->machine.pcp;
  /* 1000 movable pages freed, high 545, batch 15: the 545th brings count to high and nr_pcp_free() frees
   * 15 << free_factor, free_factor + 1 while below high - batch = 530: 15 (count 530), then at 545 again 30 (515),
   * 60 (485), 120 (425), 240 (305); 545 + 15 + 30 + 60 + 120 = 770 pages so far, the last 230 give 535 */
  km_pcp_free(sys, KM_PCP_MOVABLE, 1000);
  g_assert_cmpint(p->count[KM_PCP_MOVABLE], ==, 535);
  g_assert_cmpint(p->free_factor, ==, 5);
  /* 10 page tables: the 10th reaches 545; 15 << 5 = 480 (free_factor capped at 5), the unmovable list first
   * (free_pcppages_bulk() starts at the freeing page's list): 10 unmovable, 470 movable */
  km_pcp_free(sys, KM_PCP_UNMOVABLE, 10);
  g_assert_cmpint(p->count[KM_PCP_UNMOVABLE], ==, 0);
  g_assert_cmpint(p->count[KM_PCP_MOVABLE], ==, 65);
  /* one allocation halves free_factor (rmqueue_pcplist()) */
  km_pcp_alloc(sys, KM_PCP_MOVABLE, 1);
  g_assert_cmpint(p->free_factor, ==, 2);
  g_assert_cmpint(p->count[KM_PCP_MOVABLE], ==, 64);
}

static void test_pcp_free_510(void)
{
  g_autoptr(KmSystem) sys = pcp_system("5.10", 20000);
  KmPcp *p = &sys->machine.pcp;
  p->count[KM_PCP_UNMOVABLE] = 20;
  p->count[KM_PCP_MOVABLE] = 69;
  /* the 90th page (high 6 * 15) frees a batch of 15 round-robin from MIGRATE_MOVABLE: 1 movable, the empty
   * reclaimable list raises batch_free to 2, 2 unmovable; five rounds: 5 movable, 10 unmovable */
  km_pcp_free(sys, KM_PCP_MOVABLE, 1);
  g_assert_cmpint(p->count[KM_PCP_MOVABLE], ==, 70 - 5);
  g_assert_cmpint(p->count[KM_PCP_UNMOVABLE], ==, 20 - 10);
}

/* The mm's memcg-charged kernel memory (mm_struct, pgd, vmas) counts in the memcg's usage and memory.stat
 * "kernel", not in the machine's free pages (that side is in task_kernel_pages), and is uncharged when the mm goes. */
static void test_mm_base_kmem(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *parent = add_memcg(sys, "/pod", KM_PAGES_MAX);
  KmMemcg *m = add_memcg(sys, "/pod/app", 1000);
  KmPages free0 = km_free_pages(sys);
  KmTask *t = km_task_create(sys, 10, "app", m, NULL);
  km_mm_set_base(sys, t->mm, 15, 8, 4);
  /* 15 anon + 8 page tables + 4 kmem in the memcg and its parent; 15 + 8 from free memory */
  g_assert_cmpint(m->usage, ==, 27);
  g_assert_cmpint(parent->usage, ==, 27);
  g_assert_cmpint(m->kmem, ==, 4);
  g_assert_cmpint(free0 - km_free_pages(sys), ==, 23);
  g_assert_cmpint(km_memcg_margin(m, NULL, NULL), ==, 1000 - 27);
  /* rss and badness do not count it: 15 anon + 8 page tables */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 23);
  km_task_exit(sys, t, 0, 9);
  g_assert_cmpint(m->usage, ==, 0);
  g_assert_cmpint(parent->usage, ==, 0);
  g_assert_cmpint(m->kmem, ==, 0);
  g_assert_cmpint(km_free_pages(sys), ==, free0);
}

/* d1-18 (docs/validation.md): the base anon pages are ordinary anon pages, the oldest on their memcg's LRU, so
 * reclaim swaps them out first. /app (swap 1000 pages): t has 15 base anon pages and 8 base page-table pages, then
 * faults 100 heap pages (1 PTE + 1 PMD page); u, created after that, has 15 base anon pages. LRU: t's base 15, t's
 * heap 100, u's base 15. Reclaiming 20 swaps t's 15 base pages, then the 5 oldest heap pages; u keeps its base. */
static void test_base_anon_swaps_first(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 1000;
  KmMemcg *app = add_memcg(sys, "/app", 1000);
  KmTask *t = km_task_create(sys, 10, "t", app, NULL);
  km_mm_set_base(sys, t->mm, 15, 8, 0);
  KmMapping *heap = km_mm_add_mapping(sys, t->mm, HEAP, 100, TRUE);
  km_mm_populate(sys, t->mm, heap, 100);
  KmTask *u = km_task_create(sys, 11, "u", app, NULL);
  km_mm_set_base(sys, u->mm, 15, 0, 0);
  /* the base is no mapping of the mm: total_vm is the heap's 100 */
  g_assert_cmpint(t->mm->total_vm, ==, 100);
  g_assert_cmpint(t->mm->anon_rss, ==, 115);
  g_assert_cmpint(km_mm_pgtables(t->mm), ==, 10);
  /* 15 + 100 + 15 anon, 8 + 2 page tables */
  g_assert_cmpint(app->usage, ==, 140);
  /* badness: rss 115 + swapents 0 + page tables 10 */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 125);

  KmReclaimResult rec = km_reclaim(sys, app, 20, TRUE);
  g_assert_cmpint(rec.file, ==, 0);
  g_assert_cmpint(rec.swapped, ==, 20);
  g_assert_cmpint(t->mm->base->anon->resident, ==, 0);
  g_assert_cmpint(t->mm->base->anon->swapped, ==, 15);
  g_assert_cmpint(heap->resident, ==, 95);
  g_assert_cmpint(heap->swapped, ==, 5);
  g_assert_cmpint(t->mm->anon_rss, ==, 95);
  g_assert_cmpint(t->mm->swapents, ==, 20);
  g_assert_cmpint(u->mm->anon_rss, ==, 15);
  g_assert_cmpint(u->mm->swapents, ==, 0);
  g_assert_cmpint(app->anon, ==, 110);
  g_assert_cmpint(app->usage, ==, 120);
  g_assert_cmpint(app->swap_usage, ==, 20);
  g_assert_cmpint(sys->machine.swap_used, ==, 20);
  /* badness follows: rss 95 + swapents 20 + page tables 10 */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 125);

  /* 100 more: the other 95 heap pages, then 5 of u's base */
  rec = km_reclaim(sys, app, 100, TRUE);
  g_assert_cmpint(rec.swapped, ==, 100);
  g_assert_cmpint(t->mm->anon_rss, ==, 0);
  g_assert_cmpint(t->mm->swapents, ==, 115);
  g_assert_cmpint(u->mm->anon_rss, ==, 10);
  g_assert_cmpint(u->mm->swapents, ==, 5);
  g_assert_cmpint(app->swap_usage, ==, 120);

  /* the reaper zaps the swap entries of the base too */
  g_assert_cmpint(km_mm_reap(sys, u->mm), ==, 10);
  g_assert_cmpint(u->mm->anon_rss, ==, 0);
  g_assert_cmpint(u->mm->swapents, ==, 0);
  g_assert_cmpint(app->swap_usage, ==, 115);

  /* exit frees every page and swap entry, the base's included */
  km_task_exit(sys, t, 0, 9);
  km_task_exit(sys, u, 0, 9);
  g_assert_cmpint(app->usage, ==, 0);
  g_assert_cmpint(app->swap_usage, ==, 0);
  g_assert_cmpint(app->memsw_usage, ==, 0);
  g_assert_cmpint(sys->machine.swap_used, ==, 0);
  g_assert_cmpint(sys->machine.anon, ==, 0);
  g_assert_cmpint(sys->machine.pgtables, ==, 0);
  /* the LRU chunks that pointed to the dead mappings go at the next reclaim */
  rec = km_reclaim(sys, app, 10, TRUE);
  g_assert_cmpint(rec.swapped, ==, 0);
  g_assert_true(g_queue_is_empty(&app->lru_anon));
}

/* Issue 13's LRU chunk blocks (km_lru_chunk_new()): a shmem chunk that reclaim swaps out whole goes back to the
 * system's free list, and the next chunk made is that one. (It went to free() at first, although it is part of a
 * block: memory corruption on differential seed 7, found by make check.) */
static void test_lru_chunk_pool_shmem(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 1000;
  KmMemcg *app = add_memcg(sys, "/app", 1000);
  km_memcg_charge(sys, app, KM_PAGE_SHMEM, 10); /* one chunk of 10 shmem pages */
  KmLruChunk *shmem = g_queue_peek_tail(&app->lru_anon);
  g_assert_null(shmem->mapping);
  g_assert_cmpint(shmem->pages, ==, 10);
  KmTask *t = km_task_create(sys, 10, "t", app, NULL);
  KmMapping *heap = km_mm_add_mapping(sys, t->mm, HEAP, 100, TRUE);
  km_mm_populate(sys, t->mm, heap, 20); /* an anon chunk of 20 behind it */
  g_assert_cmpuint(g_queue_get_length(&app->lru_anon), ==, 2);
  /* 10 pages: the oldest chunk, the shmem one, whole */
  KmReclaimResult rec = km_reclaim(sys, app, 10, TRUE);
  g_assert_cmpint(rec.swapped, ==, 10);
  g_assert_cmpint(app->shmem_swapped, ==, 10);
  g_assert_cmpuint(g_queue_get_length(&app->lru_anon), ==, 1);
  g_assert_true(((KmLruChunk *)g_queue_peek_head(&app->lru_anon))->mapping == heap);
  /* the next chunk is the one reclaim gave back */
  km_memcg_charge(sys, app, KM_PAGE_SHMEM, 5);
  g_assert_true(g_queue_peek_tail(&app->lru_anon) == shmem);
  g_assert_null(shmem->mapping);
  g_assert_cmpint(shmem->pages, ==, 5);
  g_assert_cmpint(app->usage, ==, 20 + 1 + 1 + 5); /* anon, its PTE and PMD pages, the new shmem */
}

/* Issue 13: the LRU chunks of unmapped mappings are dropped from the LRUs in one walk once they are
 * KM_LRU_DROP_DEAD_MIN or more and half of all chunks (km_lru_drop_dead()), so that without swap (reclaim never
 * reaches them) they do not grow with the trace; the pages themselves were uncharged at munmap, and reclaim gives
 * the same figures with them or without them. */
static void test_lru_dead_chunks_dropped(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 100000;
  KmMemcg *app = add_memcg(sys, "/app", 100000);
  KmTask *t = km_task_create(sys, 10, "t", app, NULL);
  const guint n = KM_LRU_DROP_DEAD_MIN;
  KmMapping *a = km_mm_add_mapping(sys, t->mm, KEY_A, 10 * n, TRUE);
  GPtrArray *junk = g_ptr_array_new();
  for (guint i = 0; i < n; i++) { /* the LRU: a, j0, a, j1, ...: 2n chunks of one page */
    km_mm_populate(sys, t->mm, a, 1);
    KmMapping *j = km_mm_add_mapping(sys, t->mm, 100 + i, 1, TRUE);
    km_mm_populate(sys, t->mm, j, 1);
    g_ptr_array_add(junk, j);
  }
  g_assert_cmpuint(g_queue_get_length(&app->lru_anon), ==, 2 * n);
  g_assert_cmpuint(sys->lru_chunk_slab.live, ==, 2 * n);
  /* n - 1 unmapped: fewer dead chunks than the minimum, they stay (holding no page) */
  for (guint i = 0; i + 1 < n; i++)
    km_mm_unmap(sys, t->mm, junk->pdata[i]);
  g_assert_cmpuint(sys->lru_dead_chunks, ==, n - 1);
  g_assert_cmpuint(g_queue_get_length(&app->lru_anon), ==, 2 * n);
  g_assert_cmpint(app->anon, ==, n + 1);
  /* the n-th: n dead of 2n, every dead chunk goes; a's n chunks stay, in order */
  km_mm_unmap(sys, t->mm, junk->pdata[n - 1]);
  g_ptr_array_free(junk, TRUE);
  g_assert_cmpuint(sys->lru_dead_chunks, ==, 0);
  g_assert_cmpuint(sys->lru_chunk_slab.live, ==, n);
  g_assert_cmpuint(g_queue_get_length(&app->lru_anon), ==, n);
  for (GList *l = app->lru_anon.head; l; l = l->next)
    g_assert_true(((KmLruChunk *)l->data)->mapping == a);
  /* a touch of a now grows the tail chunk, as if j(n-1) had never been there */
  km_mm_populate(sys, t->mm, a, 1);
  g_assert_cmpuint(g_queue_get_length(&app->lru_anon), ==, n);
  g_assert_cmpint(((KmLruChunk *)g_queue_peek_tail(&app->lru_anon))->pages, ==, 2);
  /* reclaim: every page of a, n + 1, whatever the chunks */
  g_assert_cmpint(app->anon, ==, n + 1);
  KmReclaimResult rec = km_reclaim(sys, app, 10 * n, TRUE);
  g_assert_cmpint(rec.swapped, ==, n + 1);
  g_assert_cmpint(t->mm->swapents, ==, n + 1);
  g_assert_cmpint(t->mm->anon_rss, ==, 0);
  g_assert_cmpuint(sys->lru_chunk_slab.live, ==, 0);
  g_assert_true(g_queue_is_empty(&app->lru_anon));
}

/* Issue 9, section 4: a process moved to another memcg (v2 moves no charges). Pages faulted before the move stay
 * charged to /a; pages faulted after it, in the same mapping, go to /b (get_mem_cgroup_from_mm() at fault time).
 * Swap-out, unmap and exit uncharge each page from its own memcg, and each memcg's LRU holds only its pages. */
/* KmMmMappings' page-table ledger (the first entry inline, pgtable_charge0, the later ones in the array): a process that
 * moves /a -> /b -> /a has three entries, and freed page tables are uncharged newest first (mm_set_tables()).
 * x86-64: a PTE page maps 512 pages, a PMD page 512 PTE pages. */
static void test_pgtable_ledger_newest_first(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *a = add_memcg(sys, "/a", KM_PAGES_MAX);
  KmMemcg *b = add_memcg(sys, "/b", KM_PAGES_MAX);
  KmTask *t = km_task_create(sys, 10, "mover", a, NULL);
  KmMapping *m1 = km_mm_add_mapping(sys, t->mm, KEY_A, 100, TRUE);
  KmMapping *m2 = km_mm_add_mapping(sys, t->mm, KEY_B, 600, TRUE);
  KmMapping *m3 = km_mm_add_mapping(sys, t->mm, KEY_Y, 10, TRUE);
  km_mm_populate(sys, t->mm, m1, 100); /* 1 PTE page + 1 PMD page, to /a */
  g_assert_cmpint(a->pgtables, ==, 2);
  g_assert_null(t->mm->mappings->pgtable_charges); /* one memcg so far: the inline entry only */
  km_task_attach(sys, t, b);
  km_mm_populate(sys, t->mm, m2, 600); /* ceil(600 / 512) = 2 PTE pages, to /b; still one PMD page */
  g_assert_cmpint(b->pgtables, ==, 2);
  km_task_attach(sys, t, a);
  km_mm_populate(sys, t->mm, m3, 10); /* 1 PTE page, to /a again: a third entry, after /b's */
  g_assert_cmpint(a->pgtables, ==, 3);
  g_assert_cmpint(t->mm->mappings->pgtable_charges->len, ==, 2);
  g_assert_cmpint(sys->machine.pgtables, ==, 5);
  /* m2's 2 PTE pages go: the newest entry (/a's 1) first, then 1 of /b's 2 (oldest first would take /a's 2) */
  km_mm_unmap(sys, t->mm, m2);
  g_assert_cmpint(a->pgtables, ==, 2);
  g_assert_cmpint(b->pgtables, ==, 1);
  /* m3's PTE page: /b's last */
  km_mm_unmap(sys, t->mm, m3);
  g_assert_cmpint(a->pgtables, ==, 2);
  g_assert_cmpint(b->pgtables, ==, 0);
  /* m1's PTE page and the PMD page: /a's first entry, the inline one */
  km_mm_unmap(sys, t->mm, m1);
  g_assert_cmpint(a->pgtables, ==, 0);
  g_assert_cmpint(sys->machine.pgtables, ==, 0);
  g_assert_null(t->mm->mappings->pgtable_charge0.memcg);
  g_assert_cmpint(t->mm->mappings->pgtable_charges->len, ==, 0);
}

/* KmSlab (kernel-model/km-slab.c): objects from blocks of per_block, the last freed handed out first and zeroed,
 * a new block only when the newest is used up and nothing is free. */
static void test_slab_reuse(void)
{
  KmSlab slab;
  km_slab_init(&slab, 3 * sizeof(guint64), 2);
  guint64 *a = km_slab_alloc0(&slab), *b = km_slab_alloc0(&slab);
  g_assert_cmpint(slab.blocks->len, ==, 1);
  g_assert_true(b == a + 3); /* next to each other in the first block */
  guint64 *c = km_slab_alloc0(&slab);
  g_assert_cmpint(slab.blocks->len, ==, 2);
  g_assert_cmpuint(slab.live, ==, 3);
  b[0] = b[1] = b[2] = 7;
  km_slab_free(&slab, b);
  km_slab_free(&slab, NULL); /* as g_free(NULL): nothing */
  g_assert_cmpuint(slab.live, ==, 2);
  guint64 *d = km_slab_alloc0(&slab);
  g_assert_true(d == b); /* the freed one, not a new block */
  g_assert_cmpuint(d[0] | d[1] | d[2], ==, 0);
  g_assert_cmpint(slab.blocks->len, ==, 2);
  km_slab_free(&slab, a);
  km_slab_free(&slab, c);
  g_assert_true(km_slab_alloc0(&slab) == c); /* last in, first out */
  g_assert_true(km_slab_alloc0(&slab) == a);
  g_assert_cmpuint(slab.live, ==, 3);
  km_slab_destroy(&slab); /* live objects go with the blocks */
  g_assert_null(slab.blocks);
}

static void test_move_charges_new_faults(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 1000;
  KmMemcg *a = add_memcg(sys, "/a", KM_PAGES_MAX);
  KmMemcg *b = add_memcg(sys, "/b", KM_PAGES_MAX);
  KmTask *t = km_task_create(sys, 10, "mover", a, NULL);
  KmMapping *m = km_mm_add_mapping(sys, t->mm, HEAP, 2048, TRUE);
  /* 100 pages in /a: 1 PTE page + 1 PMD page */
  km_mm_populate(sys, t->mm, m, 100);
  g_assert_cmpint(a->usage, ==, 100 + 2);
  km_task_attach(sys, t, b);
  g_assert_cmpint(a->usage, ==, 102); /* nothing moved */
  g_assert_cmpint(b->usage, ==, 0);
  /* 500 more (600 in all): a second PTE page (ceil(600 / 512) = 2), charged with the pages to /b */
  km_mm_populate(sys, t->mm, m, 500);
  g_assert_cmpint(a->usage, ==, 102);
  g_assert_cmpint(a->anon, ==, 100);
  g_assert_cmpint(b->usage, ==, 500 + 1);
  g_assert_cmpint(b->anon, ==, 500);
  g_assert_cmpint(t->mm->anon_rss, ==, 600);
  /* reclaim in /b swaps /b's pages only: 32 of its 500 */
  KmReclaimResult rec = km_reclaim(sys, b, 32, TRUE);
  g_assert_cmpint(rec.swapped, ==, 32);
  g_assert_cmpint(b->anon, ==, 468);
  g_assert_cmpint(b->swap_usage, ==, 32);
  g_assert_cmpint(a->anon, ==, 100);
  g_assert_cmpint(a->swap_usage, ==, 0);
  g_assert_cmpint(m->resident, ==, 568);
  g_assert_cmpint(m->swapped, ==, 32);
  /* reclaim in /a swaps /a's: 10 of its 100 */
  rec = km_reclaim(sys, a, 10, TRUE);
  g_assert_cmpint(rec.swapped, ==, 10);
  g_assert_cmpint(a->anon, ==, 90);
  g_assert_cmpint(a->swap_usage, ==, 10);
  g_assert_cmpint(sys->machine.swap_used, ==, 42);
  /* munmap: every page and swap entry leaves its own memcg; the newest page table (/b's PTE page) goes first,
   * then /a's PTE and PMD pages */
  km_mm_unmap(sys, t->mm, m);
  g_assert_cmpint(a->usage, ==, 0);
  g_assert_cmpint(a->swap_usage, ==, 0);
  g_assert_cmpint(b->usage, ==, 0);
  g_assert_cmpint(b->swap_usage, ==, 0);
  g_assert_cmpint(sys->machine.swap_used, ==, 0);
  g_assert_cmpint(sys->machine.anon, ==, 0);
  g_assert_cmpint(sys->machine.pgtables, ==, 0);
}

/* The mm's charges follow its owner (mm->owner), not a process that shares it: a sharer's move changes nothing;
 * when the owner exits, mm_update_next_owner() hands the mm to the sharer and later faults go to its memcg. */
static void test_move_mm_owner(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *a = add_memcg(sys, "/a", KM_PAGES_MAX);
  KmMemcg *b = add_memcg(sys, "/b", KM_PAGES_MAX);
  KmTask *owner = km_task_create(sys, 10, "owner", a, NULL);
  KmTask *clone = km_task_create(sys, 11, "clone", a, owner->mm);
  KmMm *mm = owner->mm;
  km_task_attach(sys, clone, b);
  g_assert_true(mm->memcg == a);
  KmMapping *m = km_mm_add_mapping(sys, mm, HEAP, 100, TRUE);
  km_mm_populate(sys, mm, m, 10);
  g_assert_cmpint(a->anon, ==, 10);
  km_task_exit(sys, owner, 0, 0);
  g_assert_true(mm->owner == clone);
  g_assert_true(mm->memcg == b);
  km_mm_populate(sys, mm, m, 20);
  g_assert_cmpint(a->anon, ==, 10);
  g_assert_cmpint(b->anon, ==, 20);
  km_task_exit(sys, clone, 0, 0);
  g_assert_cmpint(a->usage, ==, 0);
  g_assert_cmpint(b->usage, ==, 0);
}

/* try_charge_memcg()'s stock: a refill charges MEMCG_CHARGE_BATCH (64 on 6.1) ahead; single-page charges consume it.
 * km_memcg_high_charge_room(): high 1000, usage 0, empty stock: refill j comes at charge 1 + (j - 1) * 64 and leaves
 * the counter at 64 * j; the first above 1000 is j = 16 (1024), at charge 1 + 15 * 64 = 961. */
static void test_high_stock(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *m = add_memcg(sys, "/m", KM_PAGES_MAX);
  m->high = 1000;
  g_assert_cmpint(km_memcg_high_charge_room(sys, m), ==, 961);
  g_assert_cmpint(km_memcg_stock_charge(sys, m, 1), ==, 1);
  g_assert_cmpint(sys->stock.pages, ==, 63);
  g_assert_cmpint(km_memcg_stock_charge(sys, m, 63), ==, 0);
  g_assert_cmpint(sys->stock.pages, ==, 0);
  /* 130 pages: ceil(130 / 64) = 3 refills, 3 * 64 - 130 = 62 left */
  g_assert_cmpint(km_memcg_stock_charge(sys, m, 130), ==, 3);
  g_assert_cmpint(sys->stock.pages, ==, 62);
  /* the counter has the stock: usage 939 + 62 = 1001 > 1000; at 938 + 62 = 1000 it is not above */
  m->usage = 938;
  g_assert_false(km_memcg_over_high(sys, m));
  m->usage = 939;
  g_assert_true(km_memcg_over_high(sys, m));
  /* another memcg's charge drains the stock */
  KmMemcg *o = add_memcg(sys, "/o", KM_PAGES_MAX);
  g_assert_cmpint(km_memcg_stock_charge(sys, o, 1), ==, 1);
  g_assert_false(km_memcg_over_high(sys, m));
  /* 5.10: batches of 32 */
  g_autoptr(KmSystem) old = make_system("5.10");
  KmMemcg *n = add_memcg(old, "/n", KM_PAGES_MAX);
  g_assert_cmpint(km_memcg_stock_charge(old, n, 33), ==, 2);
  g_assert_cmpint(old->stock.pages, ==, 31);
}

/* calculate_overage() and calculate_high_delay(), HZ 250. high 25600, usage 25984 (6 batches over):
 * overage = (384 << 20) / 25600 = 15728; 15728^2 * 250 = 61842496000, >> 34 = 3 jiffies for 64 pages; 128 pages:
 * 3 * 128 / 64 = 6; on 5.10 (batch 32) 64 pages are 3 * 64 / 32 = 6. Usage twice high: overage 1 << 20,
 * (1 << 40) * 250 >> 34 = 16000 jiffies, clamped to 2 * HZ = 500. */
static void test_high_delay(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  g_autoptr(KmSystem) old = make_system("5.10");
  KmMemcg *m = add_memcg(sys, "/m", KM_PAGES_MAX);
  KmMemcg *n = add_memcg(old, "/n", KM_PAGES_MAX);
  m->high = n->high = 25600;
  m->usage = n->usage = 25984;
  g_assert_cmpuint(km_memcg_high_delay(sys, m, 64), ==, 3);
  g_assert_cmpuint(km_memcg_high_delay(sys, m, 128), ==, 6);
  g_assert_cmpuint(km_memcg_high_delay(old, n, 64), ==, 6);
  m->usage = 51200;
  g_assert_cmpuint(km_memcg_high_delay(sys, m, 64), ==, 500);
  m->usage = 25600;
  g_assert_cmpuint(km_memcg_high_delay(sys, m, 64), ==, 0);
  /* an ancestor's overage counts (mem_find_max_overage()) */
  KmMemcg *c = add_memcg(sys, "/m/c", KM_PAGES_MAX);
  m->usage = 51200;
  g_assert_cmpuint(km_memcg_high_delay(sys, c, 64), ==, 500);
}

/* mem_cgroup_handle_over_high() with nothing to reclaim (no swap, no page cache), high 25600, usage 25984, 64 pages:
 * 6.1 calls reclaim_high() once and, the penalty (3 jiffies) being above HZ / 100 = 2, 16 more times
 * (MAX_RECLAIM_RETRIES) before it sleeps: 17 high events, 3 jiffies. 5.4: one call, then the sleep, of
 * 3 * 64 / 32 = 6 jiffies (MEMCG_CHARGE_BATCH 32). 4.19: one call,
 * no sleep. Usage 25920 (5 batches over): overage 13107, 13107^2 * 250 >> 34 = 2 jiffies: one call, no sleep. */
static void test_high_handle(void)
{
  static const struct {
    const char *version;
    KmPages usage;
    guint calls;
    guint64 jiffies;
  } cases[] = {
    { "6.1", 25984, 17, 3 }, { "5.4", 25984, 1, 6 }, { "4.19", 25984, 1, 0 }, { "6.1", 25920, 1, 0 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(KmSystem) sys = make_system(cases[i].version);
    KmMemcg *m = add_memcg(sys, "/m", KM_PAGES_MAX);
    m->high = 25600;
    m->usage = cases[i].usage;
    KmHighResult r = km_memcg_handle_over_high(sys, m, 64);
    g_assert_cmpuint(r.reclaim_calls, ==, cases[i].calls);
    g_assert_cmpuint(m->events[KM_MEMCG_HIGH], ==, cases[i].calls);
    g_assert_cmpuint(r.penalty_jiffies, ==, cases[i].jiffies);
  }
}

/* With swap, reclaim_high() makes progress and 6.1 keeps reclaiming SWAP_CLUSTER_MAX pages while the penalty is
 * above HZ / 100: from 1000 pages over high 10000 (anon 11000), the first call reclaims max(64, 32) = 64, each retry
 * 32, until the overage is at most 350.5 pages (penalty 2: (ov^2 * 250) >> 34 <= 2 for ov <= 14358, i.e.
 * (usage - high) * 2^20 / 10000 <= 14358, usage - high <= 136): 1000 - 64 = 936, then 32 at a time down to
 * 936 - 32 * 25 = 136: 26 calls, 864 pages swapped, no sleep. */
static void test_high_handle_reclaims(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 100000;
  add_memcg(sys, "/m", KM_PAGES_MAX);
  KmTask *t = add_task(sys, 10, "/m", 11000, 0);
  KmMemcg *m = t->memcg;
  m->high = m->usage - 1000;
  KmHighResult r = km_memcg_handle_over_high(sys, m, 64);
  g_assert_cmpuint(r.reclaim_calls, ==, 26);
  g_assert_cmpint(r.swapped, ==, 864);
  g_assert_cmpuint(r.penalty_jiffies, ==, 0);
  g_assert_cmpint(m->usage - m->high, ==, 136);
}

static void test_reclaim_order(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  sys->machine.total_swap_pages = 1000;
  KmMemcg *m = add_memcg(sys, "/pod", KM_PAGES_MAX);
  KmTask *t = add_task(sys, 10, "/pod", 3000, 0);
  km_memcg_charge(sys, m, KM_PAGE_FILE, 500);
  /* 700 wanted: the 500 file pages first, then 200 anon pages to swap */
  KmReclaimResult r = km_reclaim(sys, m, 700, TRUE);
  g_assert_cmpint(r.file, ==, 500);
  g_assert_cmpint(r.swapped, ==, 200);
  g_assert_cmpint(t->mm->anon_rss, ==, 2800);
  g_assert_cmpint(t->mm->swapents, ==, 200);
  g_assert_cmpint(m->swap_usage, ==, 200);
  /* swap.max 300 caps the next swap-out at 100 more */
  m->swap_max = 300;
  r = km_reclaim(sys, m, 1000, TRUE);
  g_assert_cmpint(r.file, ==, 0);
  g_assert_cmpint(r.swapped, ==, 100);
  /* badness counts swap entries: 2700 rss + 300 swap + 6 PTE + 1 PMD */
  g_assert_cmpint(km_oom_badness(sys, t, RAM_PAGES, NULL), ==, 3007);
}

static void test_events_hierarchy(void)
{
  /* 6.1: oom_kill in /a/b counts in /a too (5.2+); 4.19: only in /a/b */
  const char *versions[] = { "6.1", "4.19" };
  guint64 parent_expected[] = { 1, 0 };
  for (guint i = 0; i < 2; i++) {
    g_autoptr(KmSystem) sys = make_system(versions[i]);
    KmMemcg *a = add_memcg(sys, "/a", KM_PAGES_MAX);
    KmMemcg *b = add_memcg(sys, "/a/b", KM_PAGES_MAX);
    km_memcg_memory_event(sys, b, KM_MEMCG_OOM_KILL);
    g_assert_cmpuint(b->events[KM_MEMCG_OOM_KILL], ==, 1);
    g_assert_cmpuint(a->events[KM_MEMCG_OOM_KILL], ==, parent_expected[i]);
    g_assert_cmpuint(a->events_local[KM_MEMCG_OOM_KILL], ==, 0);
  }
}

static void test_margin_hierarchy(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *a = add_memcg(sys, "/a", 1000);
  KmMemcg *b = add_memcg(sys, "/a/b", 5000);
  km_memcg_charge(sys, b, KM_PAGE_ANON, 600);
  KmMemcg *over = NULL;
  /* the parent's 1000 is the tighter limit: 400 left, and /a is mem_over_limit */
  g_assert_cmpint(km_memcg_margin(b, &over, NULL), ==, 400);
  g_assert_true(over == a);
  /* v1 without use_hierarchy (4.19 default): the child's counter has no parent */
  g_autoptr(KmSystem) v1 = make_system("4.19");
  KmMemcg *a1 = add_memcg(v1, "/a", 1000);
  KmMemcg *b1 = add_memcg(v1, "/a/b", 5000);
  a1->version = b1->version = 1;
  a1->use_hierarchy = b1->use_hierarchy = FALSE;
  km_memcg_charge(v1, b1, KM_PAGE_ANON, 600);
  g_assert_cmpint(km_memcg_margin(b1, &over, NULL), ==, 4400);
  g_assert_cmpint(a1->usage, ==, 0);
}

static void test_memcg_scan_order(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  add_memcg(sys, "/p", KM_PAGES_MAX);
  add_memcg(sys, "/p/x", KM_PAGES_MAX);
  add_memcg(sys, "/p/y", KM_PAGES_MAX);
  add_task(sys, 30, "/p/y", 1, 0);
  add_task(sys, 20, "/p/x", 1, 0);
  add_task(sys, 10, "/p", 1, 0);
  g_autoptr(GPtrArray) tasks = km_memcg_scan_tasks(km_system_find_memcg(sys, "/p"));
  /* pre-order: /p's own tasks, then /p/x, then /p/y */
  g_assert_cmpuint(tasks->len, ==, 3);
  g_assert_cmpint(((KmTask *)tasks->pdata[0])->pid, ==, 10);
  g_assert_cmpint(((KmTask *)tasks->pdata[1])->pid, ==, 20);
  g_assert_cmpint(((KmTask *)tasks->pdata[2])->pid, ==, 30);
}

/* The pids of a list of tasks walked forward through link (KmTask.tasks or .cg_list), checking every prev link and
 * the list's tail and length on the way, as "10 20 30". */
static char *task_list_pids(const KmTaskList *list, glong link_offset)
{
  GString *out = g_string_new(NULL);
  const KmTask *prev = NULL;
  guint n = 0;
  for (const KmTask *t = list->head; t; t = ((const KmTaskLink *)G_STRUCT_MEMBER_P(t, link_offset))->next) {
    g_assert_true(((const KmTaskLink *)G_STRUCT_MEMBER_P(t, link_offset))->prev == prev);
    g_string_append_printf(out, "%s%d", n++ ? " " : "", t->pid);
    prev = t;
  }
  g_assert_true(list->tail == prev);
  g_assert_cmpuint(list->length, ==, n);
  return g_string_free(out, FALSE);
}

/* The task list (task_struct.tasks) and a memcg's tasks (task_struct.cg_list) are links of the task itself (issue
 * 13): creation order on the task list, attach order in a memcg; an exit unlinks a task at the head, in the middle
 * and at the tail of both; a move unlinks it from one memcg's list and appends it to the other's. */
static void test_task_links(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *a = add_memcg(sys, "/a", KM_PAGES_MAX);
  KmMemcg *b = add_memcg(sys, "/b", KM_PAGES_MAX);
  KmTask *t[6];
  for (int i = 0; i < 6; i++)
    t[i] = add_task(sys, 10 * (i + 1), i % 2 ? "/b" : "/a", 0, 0);
  const glong tasks = G_STRUCT_OFFSET(KmTask, tasks), cg = G_STRUCT_OFFSET(KmTask, cg_list);
  g_autofree char *all = task_list_pids(&sys->tasks, tasks);
  g_assert_cmpstr(all, ==, "10 20 30 40 50 60");
  g_autofree char *in_a = task_list_pids(&a->tasks, cg), *in_b = task_list_pids(&b->tasks, cg);
  g_assert_cmpstr(in_a, ==, "10 30 50");
  g_assert_cmpstr(in_b, ==, "20 40 60");
  km_task_attach(sys, t[2], b); /* 30 moves to /b: the tail there */
  km_task_exit(sys, t[0], 0, 0); /* the head of both lists */
  km_task_exit(sys, t[3], 0, 0); /* the middle */
  km_task_exit(sys, t[5], 0, 0); /* the tail of the task list and, before 30 moved, of /b's */
  g_autofree char *all2 = task_list_pids(&sys->tasks, tasks);
  g_assert_cmpstr(all2, ==, "20 30 50");
  g_autofree char *in_a2 = task_list_pids(&a->tasks, cg), *in_b2 = task_list_pids(&b->tasks, cg);
  g_assert_cmpstr(in_a2, ==, "50");
  g_assert_cmpstr(in_b2, ==, "20 30");
  g_assert_null(t[0]->tasks.next);
  g_assert_null(t[0]->cg_list.prev);
  km_task_exit(sys, t[1], 0, 0);
  km_task_exit(sys, t[2], 0, 0);
  km_task_exit(sys, t[4], 0, 0);
  g_autofree char *none = task_list_pids(&sys->tasks, tasks);
  g_assert_cmpstr(none, ==, "");
  g_assert_null(sys->tasks.head);
  g_assert_null(a->tasks.head);
  g_assert_null(b->tasks.tail);
}

static void test_exit_uncharges(void)
{
  g_autoptr(KmSystem) sys = make_system("6.1");
  KmMemcg *m = add_memcg(sys, "/pod", KM_PAGES_MAX);
  KmTask *t = add_task(sys, 10, "/pod", 3000, 0);
  /* 3000 anon + 6 PTE + 1 PMD */
  g_assert_cmpint(m->usage, ==, 3007);
  km_task_exit(sys, t, 0, 9);
  g_assert_cmpint(m->usage, ==, 0);
  g_assert_cmpint(sys->machine.anon, ==, 0);
  g_assert_cmpint(sys->machine.pgtables, ==, 0);
  g_assert_null(km_system_find_task(sys, 10) ? km_system_find_task(sys, 10)->mm : NULL);
}

/* The __GFP_FS bail-out (no scenario can reach it: every modelled allocation carries __GFP_FS). A GFP_NOFS
 * mask is GFP_KERNEL without __GFP_FS: 0xcc0 & ~0x80 = 0xc40. */
static void test_gfp_fs_bail(void)
{
  struct {
    const char *version;
    gboolean memcg;
    guint gfp;
    KmOomAction want;
  } cases[] = {
    /* 4.19: any OOM with a mask lacking __GFP_FS bails, memcg included; a zero mask does not */
    { "4.19", TRUE, 0xc40, KM_OOM_GFP_NOFS },
    { "4.19", FALSE, 0xc40, KM_OOM_GFP_NOFS },
    { "4.19", FALSE, 0, KM_OOM_KILLED },
    /* 5.x and 6.1: only a global OOM bails, and only with a non-zero mask */
    { "6.1", TRUE, 0xc40, KM_OOM_KILLED },
    { "6.1", FALSE, 0xc40, KM_OOM_GFP_NOFS },
    { "6.1", FALSE, 0, KM_OOM_KILLED },
    /* 6.6: the "gfp_mask &&" term is gone: a zero mask bails too */
    { "6.6", FALSE, 0, KM_OOM_GFP_NOFS },
    { "6.6", TRUE, 0, KM_OOM_KILLED },
    { "6.6", FALSE, KM_GFP_HIGHUSER_MOVABLE, KM_OOM_KILLED },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(KmSystem) sys = make_system(cases[i].version);
    KmMemcg *m = add_memcg(sys, "/pod", 1000);
    add_task(sys, 10, "/pod", 900, 0);
    g_autoptr(OomControl) oc = km_oom_control_new(cases[i].memcg ? m : NULL, NULL, cases[i].gfp, 0);
    km_out_of_memory(sys, oc);
    g_assert_cmpint(oc->action, ==, cases[i].want);
  }
}

/* 3.10: no killable process panics with the message itself; mm sharers at -1000 are spared */
static void test_3_10_specifics(void)
{
  g_autoptr(KmSystem) sys = make_system("3.10");
  add_task(sys, 10, NULL, 900, -1000);
  g_autoptr(OomControl) oc = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys, oc);
  g_assert_cmpint(oc->action, ==, KM_OOM_NO_KILLABLE);
  g_assert_cmpstr(oc->panic_message, ==, "Out of memory and no killable processes...");

  g_autoptr(KmSystem) sys2 = make_system("3.10");
  KmTask *a = add_task(sys2, 10, NULL, 8000, 0);
  KmTask *b = km_task_create(sys2, 11, "clone", sys2->root_memcg, a->mm);
  b->oom_score_adj = -1000;
  g_autoptr(OomControl) oc2 = km_oom_control_new(NULL, NULL, KM_GFP_HIGHUSER_MOVABLE, 0);
  km_out_of_memory(sys2, oc2);
  g_assert_true(oc2->chosen == a);
  g_assert_cmpuint(oc2->kills->len, ==, 1);
  g_assert_false(b->fatal_signal_pending);
}

/* km_oom_badness_split() (the terms the HTML report draws, issue 12): every term by hand, and their sum is the
 * points oom_badness() returns */
static void test_badness_split_terms(void)
{
  KmBadnessTerms t;
  /* 3.10.9-3.13 (explain's 3.10-3.13 era), CAP_SYS_ADMIN: adj -= 30 before the scaling; totalpages / 1000 = 524 */
  KmProfile p310_adj30 = *km_profile_lookup("3.10");
  p310_adj30.root_bonus = KM_ROOT_BONUS_ADJ_30;
  const KmProfile *p310 = &p310_adj30;
  glong points = km_oom_badness_split(p310, 1000, 200, 10, 100, TRUE, 524288, &t);
  g_assert_cmpint(t.rss, ==, 1000);
  g_assert_cmpint(t.swapents, ==, 200);
  g_assert_cmpint(t.pgtables, ==, 10);
  g_assert_cmpint(t.adj, ==, 52400);
  g_assert_cmpint(t.root_bonus, ==, -15720);
  g_assert_cmpint(t.floor, ==, 0);
  g_assert_cmpint(points, ==, 37890);
  /* before 5.9 a sum <= 0 comes back as 1: the floor term makes up the difference */
  points = km_oom_badness_split(p310, 1000, 200, 10, -500, FALSE, 524288, &t);
  g_assert_cmpint(t.adj, ==, -262000);
  g_assert_cmpint(t.root_bonus, ==, 0);
  g_assert_cmpint(points, ==, 1);
  g_assert_cmpint(t.floor, ==, 260791);
  g_assert_cmpint(t.rss + t.swapents + t.pgtables + t.adj + t.root_bonus + t.floor, ==, 1);
  /* 6.1: signed, no bonus, no floor; totalpages under 1000 makes the adj term 0 */
  const KmProfile *p61 = km_profile_lookup("6.1");
  points = km_oom_badness_split(p61, 300, 0, 2, -1000 + 1, TRUE, 999, &t);
  g_assert_cmpint(t.adj, ==, 0);
  g_assert_cmpint(t.root_bonus, ==, 0);
  g_assert_cmpint(points, ==, 302);
  points = km_oom_badness_split(p61, 300, 0, 2, -500, FALSE, 4000, &t);
  g_assert_cmpint(t.adj, ==, -2000);
  g_assert_cmpint(t.floor, ==, 0);
  g_assert_cmpint(points, ==, -1698);
  /* 3.14-4.16 (and the 3.10 profile): points -= points * 3 / 100, before the adj term */
  KmProfile p4 = *p61;
  p4.root_bonus = KM_ROOT_BONUS_3_PERCENT;
  points = km_oom_badness_split(&p4, 1000, 50, 17, 10, TRUE, 100000, &t);
  g_assert_cmpint(t.root_bonus, ==, -32); /* 1067 * 3 / 100 */
  g_assert_cmpint(t.adj, ==, 1000);
  g_assert_cmpint(points, ==, 2035);
}

static void test_profile_lookup(void)
{
  g_assert_cmpstr(km_profile_lookup("6.1")->name, ==, "6.1");
  g_assert_cmpstr(km_profile_lookup("6.1.0-56-cloud-amd64")->name, ==, "6.1");
  g_assert_cmpstr(km_profile_lookup("5.10.209")->name, ==, "5.10");
  /* issue 11: RHEL 7.9's release has its own profile, other RHEL 7 releases are 3.10 */
  g_assert_cmpstr(km_profile_lookup("3.10.0-1160.el7.x86_64")->name, ==, "3.10-rhel7");
  g_assert_cmpstr(km_profile_lookup("3.10-rhel7")->name, ==, "3.10-rhel7");
  g_assert_cmpstr(km_profile_lookup("3.10.0-327.4.5.el7.x86_64")->name, ==, "3.10");
  g_assert_cmpstr(km_profile_lookup("4.14.238-182.422.amzn2.x86_64")->name, ==, "4.14");
  g_assert_cmpstr(km_profile_lookup("4.14.67+")->name, ==, "4.14");
  /* issue 9: a version without a profile of its own is not run as the nearest older one */
  g_assert_null(km_profile_lookup("5.19"));
  g_assert_null(km_profile_lookup("4.18"));
  g_assert_null(km_profile_lookup("7.0"));
  g_assert_null(km_profile_lookup("2.6.32"));
  g_assert_null(km_profile_lookup("latest"));
  g_assert_null(km_profile_lookup("6"));
  g_autofree char *names = km_profile_names();
  g_assert_cmpstr(names, ==, "3.10, 3.10-rhel7, 4.14, 4.19, 5.4, 5.10, 5.15, 6.1, 6.6, 6.8, 6.12");
  g_assert_cmpstr(km_profile_default()->name, ==, "6.1");
}

static void test_default_min_free(void)
{
  /* int_sqrt(1048576 kB * 16) = 4096; tiny machine clamps at 128; huge at 262144 */
  g_assert_cmpuint(km_default_min_free_kbytes(RAM_PAGES, 4096), ==, 4096);
  g_assert_cmpuint(km_default_min_free_kbytes(256, 4096), ==, 128);
  g_assert_cmpuint(km_default_min_free_kbytes((KmPages)1 << 40, 4096), ==, 262144);
  /* floor of a root that is not whole: 3 GiB, int_sqrt(3145728 * 16 = 50331648) = 7094 (7094^2 = 50324836,
   * 7095^2 = 50339025); 5 GiB, int_sqrt(83886080) = 9158 (83868964 / 83887281); 1 TiB, int_sqrt(2^34) = 2^17 */
  g_assert_cmpuint(km_default_min_free_kbytes(786432, 4096), ==, 7094);
  g_assert_cmpuint(km_default_min_free_kbytes(1310720, 4096), ==, 9158);
  g_assert_cmpuint(km_default_min_free_kbytes((KmPages)1 << 28, 4096), ==, 131072);
}

/* kernel/sched/psi.c by hand: one task stalls in its cgroup from 0 to 10 s (memory.high's penalty sleep), then
 * nothing. psi_period = PSI_FREQ (2 * 250 + 1 = 501 jiffies) * 4 ms = 2.004 s; the grid starts at 0, so
 * avg_next_update is 2.004 s. The enter arms the averages work PSI_FREQ later, at 2.004 s. Each run of the work
 * folds the time (total += the stall since the last fold), updates the averages if now >= avg_next_update, and,
 * the stall having grown, re-arms at now + (nsecs_to_jiffies(avg_next_update - now) + 1) jiffies:
 *   2.004: period 2.004 - 0 = 2.004 s, sample 2.004 s: 100%; next update 4.008; re-armed 2.004 + 502 j = 4.012
 *   4.012: period 4.012 - 2.004 = 2.008 s, sample 2.008 s: 100%; next 6.012; re-armed 4.012 + 501 j = 6.016
 *   6.016: period 2.004, sample 2.004: 100%; next 8.016; re-armed 8.020
 *   8.020: 100%; next 10.020; re-armed 10.024
 *  10.024: the stall ended at 10.0: sample 10.0 - 8.020 = 1.980 s of period 10.024 - 8.020 = 2.004 s,
 *          pct = 1.980e9 * 100 / 2.004e9 = 98; next 12.024; re-armed (it grew) 10.024 + (500 + 1) j = 12.028
 *  12.028: sample 0 of 2.004 s: 0%; next 14.028; nothing grew: the work stops.
 * calc_load(load, 1677, pct * 2048) = (load * 1677 + pct * 2048 * 371 (+ 2047 when pct * 2048 >= load)) / 2048:
 *   avg10 = (0 + 75980800 + 2047) / 2048 = 37100 (18.11); (37100 * 1677 + 75982847) / 2048 = 67480 (32.94);
 *   (67480 * 1677 + 75982847) / 2048 = 92356 (45.09); (92356 * 1677 + 75982847) / 2048 = 112726 (55.04);
 *   98%: (112726 * 1677 + 200704 * 371 + 2047) / 2048 = 263504733 / 2048 = 128664 (62.82);
 *   0%: 128664 * 1677 / 2048 = 215769528 / 2048 = 105356 (51.44).
 * A read at 30 s: now - 14.028 = 15.972 s, 7 missed periods; next 14.028 + 8 * 2.004; period 30 - (12.028 + 7 *
 * 2.004) = 3.944 s, sample 0. calc_load_n(105356, 1677, 0, 7): fixed_power_int(1677, 11, 7): r = (2048 * 1677 +
 * 1024) >> 11 = 1677, x = (1677^2 + 1024) >> 11 = 1373, r = (1677 * 1373 + 1024) >> 11 = 1124, x = (1373^2 + 1024)
 * >> 11 = 920, r = (1124 * 920 + 1024) >> 11 = 505; 105356 * 505 / 2048 = 25978; then calc_load(25978, 1677, 0) =
 * 43565106 / 2048 = 21272 (10.38: 21272 - 10 * 2048 = 792, 792 * 100 >> 11 = 38). */
static void test_psi_averages(void)
{
  const guint64 s = G_GUINT64_CONSTANT(1000000000), ms = 1000000;
  KmPsiGroup g = { 0 };
  km_psi_memstall_enter(&g, 0);
  KmPsiShow show = km_psi_peek(&g, 2 * s);
  g_assert_cmpuint(show.avg10, ==, 0); /* before the first update */
  g_assert_cmpuint(show.total_us, ==, 2000000);
  show = km_psi_peek(&g, 8020 * ms);
  g_assert_cmpuint(show.avg10, ==, 112726);
  g_assert_cmpuint(km_load_int(show.avg10), ==, 55);
  g_assert_cmpuint(km_load_frac(show.avg10), ==, 4);
  km_psi_memstall_leave(&g, 10 * s);
  show = km_psi_peek(&g, 10024 * ms);
  g_assert_cmpuint(show.avg10, ==, 128664);
  g_assert_cmpuint(show.total_us, ==, 10000000);
  show = km_psi_peek(&g, 12028 * ms);
  g_assert_cmpuint(show.avg10, ==, 105356);
  g_assert_cmpuint(g.work_at_ns, ==, 10024 * ms); /* peeking changed nothing */
  show = km_psi_show(&g, 30 * s);
  g_assert_cmpuint(show.avg10, ==, 21272);
  g_assert_cmpuint(km_load_int(show.avg10), ==, 10);
  g_assert_cmpuint(km_load_frac(show.avg10), ==, 38);
  g_assert_cmpuint(g.work_at_ns, ==, KM_PSI_NO_WORK);
  g_assert_cmpuint(g.avg_next_update_ns, ==, 14028 * ms + 8 * 2004 * ms);
  g_assert_cmpuint(show.total_us, ==, 10000000);
  /* avg60 after the first update: (204800 * (2048 - 1981) + 2047) / 2048 = 13723647 / 2048 = 6700 */
  KmPsiGroup h = { 0 };
  km_psi_memstall_enter(&h, 0);
  g_assert_cmpuint(km_psi_peek(&h, 2004 * ms).avg60, ==, 6700);
  /* avg300: (204800 * 14 + 2047) / 2048 = 1400 */
  g_assert_cmpuint(km_psi_peek(&h, 2004 * ms).avg300, ==, 1400);
}

/* A stall shorter than a jiffy between two folds adds nothing to total= (collect_percpu_times() weighs each CPU by
 * its non-idle time in whole jiffies: nsecs_to_jiffies(3 ms) = 0 at HZ 250); the work still ran (the time grew). */
static void test_psi_sub_jiffy(void)
{
  const guint64 ms = 1000000;
  KmPsiGroup g = { 0 };
  km_psi_memstall_enter(&g, 1000 * ms);
  km_psi_memstall_leave(&g, 1003 * ms);
  KmPsiShow show = km_psi_show(&g, 5000 * ms);
  g_assert_cmpuint(show.total_us, ==, 0);
  g_assert_cmpuint(show.avg10, ==, 0);
  /* the same 3 ms inside a longer fold window with 5 ms more: 8 ms = 2 jiffies, all of it counts */
  KmPsiGroup h = { 0 };
  km_psi_memstall_enter(&h, 1000 * ms);
  km_psi_memstall_leave(&h, 1003 * ms);
  km_psi_memstall_enter(&h, 2000 * ms);
  km_psi_memstall_leave(&h, 2005 * ms);
  g_assert_cmpuint(km_psi_show(&h, 5000 * ms).total_us, ==, 8000);
}

/* loadavg.h and loadavg.c helpers: calc_load() rounds up only when the load grows; fixed_power_int(x, 11, 0) = 1.0 */
static void test_psi_calc_load(void)
{
  g_assert_cmpuint(km_calc_load(0, 1677, 0), ==, 0);              /* (0 + 0 + 2047) / 2048 */
  g_assert_cmpuint(km_calc_load(2048, 1677, 2048), ==, 2048);     /* (3434496 + 759808 + 2047) / 2048 */
  g_assert_cmpuint(km_calc_load(2048, 1677, 0), ==, 1677);        /* 3434496 / 2048 */
  g_assert_cmpuint(km_fixed_power_int(1677, 11, 0), ==, 2048);
  g_assert_cmpuint(km_fixed_power_int(1677, 11, 1), ==, 1677);    /* (2048 * 1677 + 1024) >> 11 */
  g_assert_cmpuint(km_fixed_power_int(1677, 11, 2), ==, 1373);    /* (1677^2 + 1024) >> 11, then (2048 * 1373 + 1024) >> 11 */
  g_assert_cmpuint(km_calc_load_n(2048, 1677, 0, 2), ==, 1373);
}

/* Reads drive the averages too (psi_show() updates them when due), as systemd-oomd's reads every second do in
 * scenarios/library/systemd-oomd-pressure-kills-throttled.xml, whose description has these two figures: a stall from
 * 1.0 s, read at 2, 3, 4 and 5 s. The enter arms the work at 1.0 + 2.004 = 3.004 s.
 *   2.0 read: total 1.0 s; 2.0 < avg_next_update 2.004: no update.
 *   3.0 read: total 2.0 s; update (3.0 >= 2.004, no missed period): period 3.0 - 0, sample 2.0 s, pct = 200 / 3 = 66:
 *        avg10 = (66 * 2048 * 371 + 2047) / 2048 = 50149375 / 2048 = 24486 (11.95); next 2.004 + 2.004 = 4.008.
 *   3.004 work: total 2.004 (4 ms = 1 jiffy); 3.004 < 4.008: no update; re-armed 3.004 + (251 + 1) j = 4.012.
 *   4.0 read: 4.0 < 4.008: still 24486.
 *   4.012 work: total 3.012; update: period 4.012 - 3.0 = 1.012 s, sample 3.012 - 2.0 = 1.012 s: 100%:
 *        (24486 * 1677 + 204800 * 371 + 2047) / 2048 = 117045869 / 2048 = 57151 (27.90); next 6.012.
 *   5.0 read: 5.0 < 6.012: 57151.
 * Then the work every period (re-armed at 6.016, 8.020, 10.024: each 501 jiffies after the last, the grid being
 * 6.012, 8.016, 10.020), each a 100% period: (57151 * 1677 + 75982847) / 2048 = 171825074 / 2048 = 83898 (40.96),
 * (83898 * 1677 + 75982847) / 2048 = 105800 (51.66), (105800 * 1677 + 75982847) / 2048 = 253409447 / 2048 = 123735
 * (60.41: 855 * 100 >> 11 = 41). The 10 s read still has 51.66, not above 60%; the 11 s read has 60.41. */
static void test_psi_reads_update(void)
{
  const guint64 ms = 1000000;
  KmPsiGroup g = { 0 };
  km_psi_memstall_enter(&g, 1000 * ms);
  g_assert_cmpuint(km_psi_show(&g, 2000 * ms).avg10, ==, 0);
  KmPsiShow show = km_psi_show(&g, 3000 * ms);
  g_assert_cmpuint(show.avg10, ==, 24486);
  g_assert_cmpuint(km_load_int(show.avg10), ==, 11);
  g_assert_cmpuint(km_load_frac(show.avg10), ==, 95);
  g_assert_cmpuint(km_psi_show(&g, 4000 * ms).avg10, ==, 24486);
  g_assert_cmpuint(g.work_at_ns, ==, 4012 * ms);
  show = km_psi_show(&g, 5000 * ms);
  g_assert_cmpuint(show.avg10, ==, 57151);
  g_assert_cmpuint(km_load_frac(show.avg10), ==, 90);
  g_assert_cmpuint(show.total_us, ==, 4000000);
  g_assert_cmpuint(km_psi_show(&g, 7000 * ms).avg10, ==, 83898);
  g_assert_cmpuint(km_psi_show(&g, 10000 * ms).avg10, ==, 105800);
  show = km_psi_show(&g, 11000 * ms);
  g_assert_cmpuint(show.avg10, ==, 123735);
  g_assert_cmpuint(km_load_int(show.avg10), ==, 60);
  g_assert_cmpuint(km_load_frac(show.avg10), ==, 41);
}

/* The pid table (kernel-model/km-pid.c, issue 13): pids at the ends of the range and on both sides of a leaf
 * boundary (1024 pids a leaf) are found, their neighbours and pids out of range are not, and iteration is in pid
 * order whatever the insertion order. */
static void collect_pid(gpointer task, gpointer out)
{
  g_array_append_val((GArray *)out, ((KmTask *)task)->pid);
}

static void test_pid_table(void)
{
  static const int pids[] = { 4194304, 1024, 1, 1023, 2047, 2048, 3000000 };
  KmTask tasks[G_N_ELEMENTS(pids)];
  memset(tasks, 0, sizeof tasks);
  KmPidTable *table = km_pid_table_new();
  for (guint i = 0; i < G_N_ELEMENTS(pids); i++) {
    tasks[i].pid = pids[i];
    km_pid_table_insert(table, pids[i], &tasks[i]);
  }
  for (guint i = 0; i < G_N_ELEMENTS(pids); i++)
    g_assert_true(km_pid_table_lookup(table, pids[i]) == &tasks[i]);
  static const int absent[] = { 0, -1, 2, 1022, 1025, 2046, 2049, 2999999, 4194303, 4194305, G_MAXINT, G_MININT };
  for (guint i = 0; i < G_N_ELEMENTS(absent); i++)
    g_assert_null(km_pid_table_lookup(table, absent[i]));
  g_autoptr(GArray) order = g_array_new(FALSE, FALSE, sizeof(int));
  km_pid_table_foreach(table, collect_pid, order);
  static const int sorted[] = { 1, 1023, 1024, 2047, 2048, 3000000, 4194304 };
  g_assert_cmpuint(order->len, ==, G_N_ELEMENTS(sorted));
  for (guint i = 0; i < order->len; i++)
    g_assert_cmpint(g_array_index(order, int, i), ==, sorted[i]);
  /* the leaves made: 0 (1, 1023), 1 (1024, 2047), 2 (2048), 2929 (3000000 >> 10), 4096 (4194304 >> 10) */
  guint leaves = 0;
  for (guint i = 0; i < KM_PID_LEAVES; i++)
    leaves += table->leaves[i] != NULL;
  g_assert_cmpuint(leaves, ==, 5);
  km_pid_table_free(table);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  /* g_test_init() does this already; said here so that no test can turn it off unnoticed */
  g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_test_add_func("/kernel-model/pid/table", test_pid_table);
  g_test_add_func("/kernel-model/mm/pgtables-growth", test_pgtables_growth);
  g_test_add_func("/kernel-model/mm/untouched-bookkeeping", test_mm_untouched_bookkeeping);
  g_test_add_func("/kernel-model/mm/mapping-name-hash-spread", test_mapping_name_hash_spread);
  g_test_add_func("/kernel-model/mm/fault-batch-pmd-boundary", test_fault_batch_pmd_boundary);
  g_test_add_func("/kernel-model/mm/lru-chunk-pool-shmem", test_lru_chunk_pool_shmem);
  g_test_add_func("/kernel-model/badness/basic-and-adj", test_badness_basic);
  g_test_add_func("/kernel-model/badness/unsigned-floor-4.19", test_badness_unsigned_floor);
  g_test_add_func("/kernel-model/badness/root-bonus-3.10", test_badness_root_bonus_3_10);
  g_test_add_func("/kernel-model/badness/root-bonus-4.14", test_badness_root_bonus_4_14);
  g_test_add_func("/kernel-model/badness/unkillable-vfork-reaped", test_unkillable);
  g_test_add_func("/kernel-model/proc/oom-score", test_proc_oom_score);
  g_test_add_func("/kernel-model/memcg/totalpages", test_memcg_totalpages);
  g_test_add_func("/kernel-model/oom/memcg-adj-reference-vm", test_memcg_oom_adj);
  g_test_add_func("/kernel-model/oom/memcg-adj-without-figures", test_memcg_oom_without_figures);
  g_test_add_func("/kernel-model/oom/tie-rule", test_tie_rule);
  g_test_add_func("/kernel-model/oom/normalised-points-4.19", test_normalised_points);
  g_test_add_func("/kernel-model/oom/panic-on-oom", test_panic_on_oom);
  g_test_add_func("/kernel-model/oom/allocating-task", test_allocating_task);
  g_test_add_func("/kernel-model/oom/abort-while-victim-exits", test_abort_while_victim_exits);
  g_test_add_func("/kernel-model/oom/no-killable", test_no_killable);
  g_test_add_func("/kernel-model/oom/oom-group-score-events", test_oom_group);
  g_test_add_func("/kernel-model/cgroup/no-internal-process", test_cgroup_no_internal_process);
  g_test_add_func("/kernel-model/proc/set-oom-adj-vfork", test_set_oom_adj);
  g_test_add_func("/kernel-model/oom/oom-group-victim-not-current", test_oom_group_victim_not_current);
  g_test_add_func("/kernel-model/oom/shared-mm", test_shared_mm);
  g_test_add_func("/kernel-model/oom/sacrifice-child-4.19", test_sacrifice_child);
  g_test_add_func("/kernel-model/util/overcommit", test_overcommit);
  g_test_add_func("/kernel-model/util/overcommit-heuristic-4.19", test_overcommit_heuristic_4_19);
  g_test_add_func("/kernel-model/util/overcommit-base-vm", test_overcommit_base_vm);
  g_test_add_func("/kernel-model/util/default-reserves", test_default_reserves);
  g_test_add_func("/kernel-model/util/default-min-free-kbytes", test_default_min_free);
  g_test_add_func("/kernel-model/vmscan/file-then-swap", test_reclaim_order);
  g_test_add_func("/kernel-model/memcg/events-hierarchy", test_events_hierarchy);
  g_test_add_func("/kernel-model/memcg/margin-hierarchy", test_margin_hierarchy);
  g_test_add_func("/kernel-model/memcg/scan-order", test_memcg_scan_order);
  g_test_add_func("/kernel-model/task/list-links", test_task_links);
  g_test_add_func("/kernel-model/memcg/exit-uncharges", test_exit_uncharges);
  g_test_add_func("/kernel-model/memcg/move-charges-new-faults", test_move_charges_new_faults);
  g_test_add_func("/kernel-model/memcg/move-mm-owner", test_move_mm_owner);
  g_test_add_func("/kernel-model/memcg/pgtable-ledger-newest-first", test_pgtable_ledger_newest_first);
  g_test_add_func("/kernel-model/slab/reuse", test_slab_reuse);
  g_test_add_func("/kernel-model/memcg-high/stock", test_high_stock);
  g_test_add_func("/kernel-model/memcg-high/delay", test_high_delay);
  g_test_add_func("/kernel-model/memcg-high/handle-no-reclaim", test_high_handle);
  g_test_add_func("/kernel-model/memcg-high/handle-reclaims", test_high_handle_reclaims);
  g_test_add_func("/kernel-model/profile/lookup", test_profile_lookup);
  g_test_add_func("/kernel-model/badness/split-terms-add-up", test_badness_split_terms);
  g_test_add_func("/kernel-model/util/zones-1g", test_zones_1g);
  g_test_add_func("/kernel-model/util/si-mem-available", test_si_mem_available);
  g_test_add_func("/kernel-model/util/zones-16g", test_zones_16g);
  g_test_add_func("/kernel-model/util/task-kernel-memory", test_task_kernel_memory);
  g_test_add_func("/kernel-model/memcg/mm-base-kmem", test_mm_base_kmem);
  g_test_add_func("/kernel-model/pcp/setup", test_pcp_setup);
  g_test_add_func("/kernel-model/pcp/available-6.1", test_pcp_available_61);
  g_test_add_func("/kernel-model/pcp/available-6.12", test_pcp_available_612);
  g_test_add_func("/kernel-model/pcp/available-both-marks", test_pcp_available_both_marks);
  g_test_add_func("/kernel-model/pcp/alloc-bulk-is-page-by-page", test_pcp_alloc_bulk_is_page_by_page);
  g_test_add_func("/kernel-model/pcp/decay-6.12", test_pcp_decay_612);
  g_test_add_func("/kernel-model/pcp/alloc-6.12-ramp", test_pcp_alloc_612_ramp);
  g_test_add_func("/kernel-model/pcp/free-6.1", test_pcp_free_61);
  g_test_add_func("/kernel-model/kswapd/marks", test_kswapd_marks);
  g_test_add_func("/kernel-model/kswapd/balance-pgdat", test_kswapd_balance_pgdat);
  g_test_add_func("/kernel-model/kswapd/pass-by-pass", test_kswapd_pass_by_pass);
  g_test_add_func("/kernel-model/kswapd/reclaim-active-pcp", test_kswapd_reclaim_active_pcp);
  g_test_add_func("/kernel-model/pcp/free-5.10", test_pcp_free_510);
  g_test_add_func("/kernel-model/oom/gfp-fs-bail", test_gfp_fs_bail);
  g_test_add_func("/kernel-model/oom/3.10-specifics", test_3_10_specifics);
  g_test_add_func("/kernel-model/memcg/base-anon-swaps-first", test_base_anon_swaps_first);
  g_test_add_func("/kernel-model/psi/averages-by-hand", test_psi_averages);
  g_test_add_func("/kernel-model/psi/sub-jiffy-stall", test_psi_sub_jiffy);
  g_test_add_func("/kernel-model/psi/calc-load", test_psi_calc_load);
  g_test_add_func("/kernel-model/psi/reads-update-averages", test_psi_reads_update);
  g_test_add_func("/kernel-model/memcg/lru-dead-chunks-dropped", test_lru_dead_chunks_dropped);
  return g_test_run();
}
