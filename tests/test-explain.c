/* tests/test-explain.c: unit tests of explain/ (GTest, TAP): log prefixes, versions and eras, the what-if grammar with
 * its error codes, and the badness recomputation of each era on small logs whose figures are computed by hand in
 * the comments from the kernel's formulas. */
#include <glib.h>
#include <string.h>

#include "../explain/explain.h"

#define EV(a, b, c) ((a) * 1000000 + (b) * 1000 + (c))

/* Parses a log given as text, decides eras and recomputes: the reports. */
static GPtrArray *explain_text(const char *log)
{
  g_autoptr(ExplainInput) in = explain_input_new("test");
  g_autoptr(ExplainParser) parser = explain_parser_new();
  explain_input_feed(in, log, strlen(log), explain_parser_line, parser);
  explain_input_finish(in, explain_parser_line, parser);
  GPtrArray *reports = explain_parser_steal_reports(parser, NULL);
  g_autoptr(GPtrArray) victims = g_ptr_array_new();
  for (guint i = 0; i < reports->len; i++) {
    explain_report_decide_era(reports->pdata[i]);
    explain_report_recompute(reports->pdata[i], NULL, victims);
  }
  return reports;
}

static const ExplainTask *row(const ExplainReport *r, int pid)
{
  for (guint i = 0; i < r->tasks->len; i++)
    if (g_array_index(r->tasks, ExplainTask, i).pid == pid)
      return &g_array_index(r->tasks, ExplainTask, i);
  g_assert_not_reached();
  return NULL;
}

static void test_prefixes(void)
{
  static const struct { const char *raw, *msg; gboolean prefixed; } cases[] = {
    { "[   22.335758] spike-A invoked oom-killer", "spike-A invoked oom-killer", TRUE },
    { "[   37.110840][ T9185] memory: usage 1kB", "memory: usage 1kB", TRUE },
    { "[Mon Dec  8 17:51:31 2025] Out of memory", "Out of memory", TRUE },
    { "[Sa Dez  5 17:35:01 2026] Out of memory", "Out of memory", TRUE },
    { "Nov 23 15:36:25 localhost kernel: Call Trace:", "Call Trace:", TRUE },
    { "Jul 31 16:23:31 infras kernel: [577035.822644] systemd invoked", "systemd invoked", TRUE },
    { "2024-04-29T14:55:41,678628+02:00 pool invoked", "pool invoked", TRUE },
    { "2026-12-05T17:35:01+00:00 node kernel: x", "x", TRUE },
    { "<4>[   22.1] x", "x", TRUE },
    { "4,1234,5678,-;x", "x", TRUE },
    { "kern  :warn  : [  1.0] x", "x", TRUE },
    { "> > [   1.0] x", "x", TRUE },
    { "2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <6>[39291577.009363] Tasks state", "Tasks state", TRUE },
    { "10.200.70.91: kern:    info: [2025-06-04T04:51:57.578636906Z]: anon 4280025088", "anon 4280025088", TRUE },
    { "kern:   alert: [2024-08-22T17:52:26.326790011Z]:  </TASK>", " </TASK>", TRUE }, /* the kernel's own blank stays */
    { "{\"MESSAGE\":\"Killed process 1 (a)\",\"_TRANSPORT\":\"kernel\"}", "Killed process 1 (a)", TRUE },
    { "Dec  5 17:35:01 node-1 sshd[999]: Accepted publickey", "", TRUE },
    /* a task-table row and a plain message keep their text */
    { "[  149]     0   149      486 ash", "[  149]     0   149      486 ash", FALSE },
    { "Out of memory: Killed process 5 (x)", "Out of memory: Killed process 5 (x)", FALSE },
  };
  for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
    gboolean prefixed = FALSE;
    g_autofree char *msg = explain_strip_prefix(cases[i].raw, &prefixed);
    g_assert_cmpstr(msg, ==, cases[i].msg);
    g_assert_cmpint(prefixed, ==, cases[i].prefixed);
  }
}

static void test_versions(void)
{
  g_assert_cmpint(explain_parse_version("2.6.32-431.11.15.el6.ucloud.x86_64"), ==, EV(2, 6, 32));
  g_assert_cmpint(explain_parse_version("3.10.0-1160.el7.x86_64"), ==, EV(3, 10, 0));
  g_assert_cmpint(explain_parse_version("6.16.9+deb14-amd64"), ==, EV(6, 16, 9));
  g_assert_cmpint(explain_parse_version("4.14"), ==, EV(4, 14, 0));
  g_assert_cmpint(explain_parse_version("x.y"), ==, 0);
  g_assert_cmpint(explain_parse_version("1.2"), ==, 0);
  g_assert_cmpstr(explain_era_for_version(EV(2, 6, 32))->name, ==, "2.6.32-2.6.35");
  g_assert_cmpstr(explain_era_for_version(EV(3, 9, 0))->name, ==, "2.6.36-3.9");
  g_assert_cmpstr(explain_era_for_version(EV(4, 14, 0))->name, ==, "3.14-4.16");
  g_assert_cmpstr(explain_era_for_version(EV(4, 17, 0))->name, ==, "4.17-5.0");
  g_assert_cmpstr(explain_era_for_version(EV(5, 8, 0))->name, ==, "5.1-5.8");
  g_assert_cmpstr(explain_era_for_version(EV(6, 18, 0))->name, ==, "5.9-6.x");
}

static void test_whatif_grammar(void)
{
  static const char *const bad[] = {
    "process[12].oom_score_adj=1001", "process[x].oom_score_adj=1", "process[12].oom_adj=1", "memcg.limit=",
    "memcg.limit=12Q", "memcg.limit=-1", "limit=2G", "",
  };
  for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
    ExplainWhatIf w;
    explain_whatif_init(&w);
    g_autoptr(GError) error = NULL;
    g_assert_false(explain_whatif_parse_set(&w, bad[i], &error));
    g_assert_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION);
    explain_whatif_clear(&w);
  }
  ExplainWhatIf w;
  explain_whatif_init(&w);
  g_assert_true(explain_whatif_parse_set(&w, "memcg.limit=2G", NULL));
  g_assert_cmpint(w.memcg_limit_bytes, ==, G_GINT64_CONSTANT(2) << 30); /* 2G is 2 GiB, as in scenarios */
  g_assert_true(explain_whatif_parse_set(&w, "process[7].oom_score_adj=-1000", NULL));
  g_assert_cmpint(g_array_index(w.adj_values, int, 0), ==, -1000);
  explain_whatif_clear(&w);
}

/* 2.6.36-3.9 (RHEL 6's backport): totalpages = 1000000 pages RAM - 0 reserved + 0 swap.
 *   pid 10, uid 1000, rss 250000: 250000 * 1000 / 1000000 = 250
 *   pid 11, uid 0, rss 300000: 300 - 30 (root) = 270, the highest
 *   pid 12, uid 1000, rss 100000, adj 100: 100 + 100 = 200
 *   pid 13, uid 1000, rss 900000, adj -1000: no candidate */
static void test_badness_2636(void)
{
  g_autoptr(GPtrArray) reports = explain_text(
    "a invoked oom-killer: gfp_mask=0x201da, order=0, oom_adj=0, oom_score_adj=0\n"
    "Pid: 10, comm: a Not tainted 2.6.32-431.el6.x86_64 #1\n"
    "1000000 pages RAM\n0 pages reserved\nTotal swap = 0kB\n"
    "[ pid ]   uid  tgid total_vm      rss cpu oom_adj oom_score_adj name\n"
    "[   10]  1000    10   300000   250000   0       0             0 a\n"
    "[   11]     0    11   300000   300000   1       0             0 b\n"
    "[   12]  1000    12   300000   100000   1       1           100 c\n"
    "[   13]  1000    13   900000   900000   1     -17         -1000 d\n"
    "Out of memory: Kill process 11 (b) score 270 or sacrifice child\n"
    "Killed process 11, UID 0, (b) total-vm:1200000kB, anon-rss:1200000kB, file-rss:0kB\n");
  g_assert_cmpuint(reports->len, ==, 1);
  ExplainReport *r = reports->pdata[0];
  g_assert_cmpstr(r->era->name, ==, "2.6.36-3.9");
  g_assert_cmpint(r->totalpages, ==, 1000000);
  g_assert_cmpint(row(r, 10)->points, ==, 250);
  g_assert_cmpint(row(r, 11)->points, ==, 270);
  g_assert_cmpint(row(r, 12)->points, ==, 200);
  g_assert_cmpint(row(r, 13)->skip, ==, KM_SKIP_ADJ_MIN);
  g_assert_cmpint(r->recomputed_pid, ==, 11);
  g_assert_cmpint(r->verdict, ==, EXPLAIN_VERDICT_AGREE);
}

/* 3.14-4.16 (4.9's nr_ptes + nr_pmds table, root bonus points -= points * 3 / 100): totalpages = 2000000.
 *   pid 20, uid 0: 100000 + 190 + 10 = 100200; 100200 * 3 / 100 = 3006 -> 97194
 *   pid 21, uid 1000: 98000 + 180 + 8 = 98188 (a root bonus makes the bigger root process lose)
 *   printed score of pid 20: 97194 * 1000 / 2000000 = 48 */
static void test_badness_3_percent(void)
{
  g_autoptr(GPtrArray) reports = explain_text(
    "[ 1.0] a invoked oom-killer: gfp_mask=0x24201ca(GFP_HIGHUSER_MOVABLE|__GFP_COLD), nodemask=0, order=0, oom_score_adj=0\n"
    "[ 1.0] CPU: 0 PID: 20 Comm: a Not tainted 4.9.0-8-amd64 #1 Debian 4.9.130-2\n"
    "[ 1.0] 2000000 pages RAM\n[ 1.0] 0 pages reserved\n[ 1.0] Total swap = 0kB\n"
    "[ 1.0] [ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj name\n"
    "[ 1.0] [   20]     0    20   200000   100000     190      10        0             0 a\n"
    "[ 1.0] [   21]  1000    21   200000    98000     180       8        0             0 b\n"
    "[ 1.0] Out of memory: Kill process 21 (b) score 49 or sacrifice child\n"
    "[ 1.0] Killed process 21 (b) total-vm:800000kB, anon-rss:392000kB, file-rss:0kB, shmem-rss:0kB\n");
  ExplainReport *r = reports->pdata[0];
  g_assert_cmpstr(r->era->name, ==, "3.14-4.16");
  g_assert_cmpint(row(r, 20)->points, ==, 97194);
  g_assert_cmpint(row(r, 21)->points, ==, 98188);
  g_assert_cmpint(r->recomputed_pid, ==, 21);
  /* 98188 * 1000 / 2000000 = 49: the printed score */
  g_assert_cmpint(r->recomputed_score, ==, 49);
  g_assert_cmpint(r->verdict, ==, EXPLAIN_VERDICT_AGREE);
}

/* A cut 4.19 memcg report (no kill line, no release): the wide pgtables_bytes table alone would say 5.1+, the
 * one-line v1 "Memory cgroup stats for X: cache:..." (mem_cgroup_print_oom_info(), before 5.0) says 4.19-5.0 */
static void test_era_v1_stats_line(void)
{
  g_autoptr(GPtrArray) reports = explain_text(
    "[ 1.0] Memory cgroup stats for /pod: cache:0KB rss:4096KB rss_huge:0KB shmem:0KB mapped_file:0KB dirty:0KB "
    "writeback:0KB swap:0KB inactive_anon:0KB active_anon:4096KB inactive_file:0KB active_file:0KB unevictable:0KB\n"
    "[ 1.0] Tasks state (memory values in pages):\n"
    "[ 1.0] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
    "[ 1.0] [     20]     0    20     2000     1024    40960        0             0 a\n");
  ExplainReport *r = reports->pdata[0];
  g_assert_cmpstr(r->era->name, ==, "4.17-5.0");
  g_autoptr(GPtrArray) later = explain_text(
    "[ 1.0] Tasks state (memory values in pages):\n"
    "[ 1.0] [  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
    "[ 1.0] [     20]     0    20     2000     1024    40960        0             0 a\n");
  g_assert_cmpstr(((ExplainReport *)later->pdata[0])->era->name, ==, "5.9-6.x");
}

/* Equal scores: before 5.9 the earlier task of the scan wins, from 5.9 the later (oom_evaluate_task()). */
static void test_ties(void)
{
  const char *table =
    "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
    "[     30]  1000    30     2000     1000     8192        0             0 first\n"
    "[     31]  1000    31     2000     1000     8192        0             0 second\n";
  g_autofree char *new_log = g_strdup_printf("[ 1.0] x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                                             "[ 1.0] CPU: 0 PID: 30 Comm: x Not tainted 6.1.0-56-cloud-amd64 #1\n"
                                             "[ 1.0] memory: usage 8192kB, limit 8192kB, failcnt 1\n"
                                             "[ 1.0] swap: usage 0kB, limit 0kB, failcnt 0\n%s"
                                             "[ 1.0] Memory cgroup out of memory: Killed process 31 (second) total-vm:8000kB\n",
                                             table);
  g_autoptr(GPtrArray) a = explain_text(new_log);
  ExplainReport *r = a->pdata[0];
  g_assert_cmpint(row(r, 30)->points, ==, 1002); /* 1000 + 8192 / 4096 */
  g_assert_cmpint(r->recomputed_pid, ==, 31);
  g_assert_cmpint(r->verdict, ==, EXPLAIN_VERDICT_AGREE);
  g_autofree char *old_log = g_strdup_printf("[ 1.0] x invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
                                             "[ 1.0] CPU: 0 PID: 30 Comm: x Not tainted 4.19.0-20-amd64 #1\n"
                                             "[ 1.0] memory: usage 8192kB, limit 8192kB, failcnt 1\n"
                                             "[ 1.0] memory+swap: usage 8192kB, limit 8192kB, failcnt 1\n%s"
                                             "[ 1.0] Memory cgroup out of memory: Kill process 30 (first) score 489 or sacrifice child\n"
                                             "[ 1.0] Killed process 30 (first) total-vm:8000kB, anon-rss:4000kB, file-rss:0kB, shmem-rss:0kB\n",
                                             table);
  g_autoptr(GPtrArray) b = explain_text(old_log);
  r = b->pdata[0];
  g_assert_cmpint(r->recomputed_pid, ==, 30);
  /* 1002 * 1000 / 2048 = 489 */
  g_assert_cmpint(r->recomputed_score, ==, 489);
  g_assert_cmpint(r->verdict, ==, EXPLAIN_VERDICT_AGREE);
}

/* A table cut in a row: undecided, the note names the line. */
static void test_cut_row(void)
{
  g_autoptr(GPtrArray) reports = explain_text(
    "[  pid  ]   uid  tgid total_vm      rss pgtables_bytes swapents oom_score_adj name\n"
    "[     30]  1000    30     2000     1000     8192        0             0 first\n"
    "[     31]  1000    31     2000     10\n");
  ExplainReport *r = reports->pdata[0];
  g_assert_true(r->table_cut);
  g_assert_cmpint(r->verdict, ==, EXPLAIN_VERDICT_UNDECIDED);
  gboolean said = FALSE;
  for (guint i = 0; i < r->notes->len; i++)
    said |= strstr(r->notes->pdata[i], "line 3: task-table row of pid 31 is incomplete") != NULL;
  g_assert_true(said);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/explain/input/prefixes", test_prefixes);
  g_test_add_func("/explain/era/versions", test_versions);
  g_test_add_func("/explain/era/v1-stats-line-before-5.0", test_era_v1_stats_line);
  g_test_add_func("/explain/whatif/grammar", test_whatif_grammar);
  g_test_add_func("/explain/badness/2.6.36-0-to-1000-scale", test_badness_2636);
  g_test_add_func("/explain/badness/3.14-root-3-percent", test_badness_3_percent);
  g_test_add_func("/explain/select/ties-by-era", test_ties);
  g_test_add_func("/explain/table/cut-row", test_cut_row);
  return g_test_run();
}
