/* tests/test-userspace.c: earlyoom (userspace/us-earlyoom.c) and systemd-oomd (userspace/us-oomd.c,
 * us-oomd-pressure.c), the choosing halves. Every expected number is worked out by hand next to the assertion from the programs' own formulas
 * (earlyoom 1.7 main.c, kill.c, meminfo.c, msg.c; systemd 252 src/oom/). */
#include <glib.h>
#include <string.h>

#include "kernel-model/km-memcg.h"
#include "scenarios/scenario-loader.h"
#include "userspace/us-earlyoom.h"
#include "userspace/us-oomd.h"
#include "userspace/us-oomd-pressure.h"

/* An element as the loader reads it: name, then attribute name/value pairs, NULL-terminated. */
static ScElement *element(const char *name, ...)
{
  ScElement *el = g_new0(ScElement, 1);
  el->name = g_strdup(name);
  el->line = 3;
  el->col = 1;
  el->attrs = g_ptr_array_new_with_free_func((GDestroyNotify)sc_attr_free);
  el->children = g_ptr_array_new_with_free_func((GDestroyNotify)sc_element_free);
  va_list ap;
  va_start(ap, name);
  for (const char *k; (k = va_arg(ap, const char *));) {
    ScAttr *a = g_new0(ScAttr, 1);
    a->name = g_strdup(k);
    a->value = g_strdup(va_arg(ap, const char *));
    a->line = 3;
    a->col = 1;
    g_ptr_array_add(el->attrs, a);
  }
  va_end(ap);
  return el;
}

#define GIB_KB 1048576LL

/* lowmem_sig() at the defaults (-m 10,5 -s 10,5), 1 GiB and no swap (SwapFreePercent 0 meets both swap limits):
 * 10% of 1048576 kB is 104857.6 kB and 5% is 52428.8 kB, so 104857 kB is SIGTERM, 104858 kB nothing, 52428 kB
 * SIGKILL, 52429 kB SIGTERM. */
static void test_earlyoom_lowmem_sig(void)
{
  g_autoptr(UsEarlyoom) cfg = us_earlyoom_new_default();
  UsMeminfo m = us_earlyoom_meminfo(GIB_KB, 104857, 0, 0);
  g_assert_cmpfloat(m.SwapFreePercent, ==, 0);
  g_assert_cmpint(us_earlyoom_lowmem_sig(cfg, &m), ==, 15);
  m = us_earlyoom_meminfo(GIB_KB, 104858, 0, 0);
  g_assert_cmpint(us_earlyoom_lowmem_sig(cfg, &m), ==, 0);
  m = us_earlyoom_meminfo(GIB_KB, 52428, 0, 0);
  g_assert_cmpint(us_earlyoom_lowmem_sig(cfg, &m), ==, 9);
  m = us_earlyoom_meminfo(GIB_KB, 52429, 0, 0);
  g_assert_cmpint(us_earlyoom_lowmem_sig(cfg, &m), ==, 15);
  /* with 1 GiB of swap half free (50% > 10%) low memory alone does nothing: "both memory and swap must be below" */
  m = us_earlyoom_meminfo(GIB_KB, 1000, GIB_KB, GIB_KB / 2);
  g_assert_cmpint(us_earlyoom_lowmem_sig(cfg, &m), ==, 0);
}

/* sleep_time_ms(): 4 GiB (MemTotalMiB 4096) with 25% available: (25 - 10) * 10 * 4096 = 614400 kB of headroom,
 * / 6000 = 102 ms; 2 GiB of swap (2048 MiB) 25% free: (25 - 10) * 10 * 2048 = 307200 kB, / 800 = 384 ms; 486 in
 * all. Below the limits the headroom is 0 and the sleep 100 ms; far above it, 1000 ms. */
static void test_earlyoom_sleep(void)
{
  g_autoptr(UsEarlyoom) cfg = us_earlyoom_new_default();
  UsMeminfo m = us_earlyoom_meminfo(4 * GIB_KB, GIB_KB, 2 * GIB_KB, GIB_KB / 2);
  g_assert_cmpfloat(m.MemAvailablePercent, ==, 25);
  g_assert_cmpuint(us_earlyoom_sleep_time_ms(cfg, &m), ==, 486);
  m = us_earlyoom_meminfo(4 * GIB_KB, 1000, 0, 0);
  g_assert_cmpuint(us_earlyoom_sleep_time_ms(cfg, &m), ==, 100);
  m = us_earlyoom_meminfo(4 * GIB_KB, 4 * GIB_KB, 0, 0); /* (100 - 10) * 10 * 4096 / 6000 = 614 */
  g_assert_cmpuint(us_earlyoom_sleep_time_ms(cfg, &m), ==, 614);
  m = us_earlyoom_meminfo(16 * GIB_KB, 16 * GIB_KB, 0, 0); /* 90 * 10 * 16384 / 6000 = 2457: at most 1000 */
  g_assert_cmpuint(us_earlyoom_sleep_time_ms(cfg, &m), ==, 1000);
}

/* main()'s option handling: -m 10 -M 204800 on MemTotal 4194304 kB: -M gives 100 * 204800 / 4194304 =
 * 4.8828125% and (KILL = 204800 / 2 = 102400) 2.44140625%; with -m both, the lower of each is kept. -s 5,10:
 * SIGTERM below SIGKILL is raised to it (10, 10). -S without swap is ignored (defaults stay). */
static void test_earlyoom_options(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScElement) el = element("earlyoom", "m", "10", "M", "204800", "s", "5,10", NULL);
  g_autoptr(UsEarlyoom) cfg = us_earlyoom_new(el, "f.xml", 4 * GIB_KB, GIB_KB, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(cfg->mem_term_percent, ==, 4.8828125);
  g_assert_cmpfloat(cfg->mem_kill_percent, ==, 2.44140625);
  g_assert_cmpfloat(cfg->swap_term_percent, ==, 10);
  g_assert_cmpfloat(cfg->swap_kill_percent, ==, 10);
  g_assert_cmpint(cfg->version, ==, US_EARLYOOM_1_7);

  /* -S 1000 with no swap: the limit is 0 * 100 / 99 = 0, so main() exits (16) before its "total swap is zero"
   * warning could apply */
  g_autoptr(ScElement) el2 = element("earlyoom", "S", "1000", NULL);
  g_autoptr(UsEarlyoom) cfg2 = us_earlyoom_new(el2, "f.xml", GIB_KB, 0, &error);
  g_assert_null(cfg2);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
  g_assert_nonnull(strstr(error->message, "-S: value 1000.000000 exceeds limit 0"));
  /* -S 102400 with 1 GiB of swap and -s 5: S gives 100 * 102400 / 1048576 = 9.765625 and 4.8828125, -s 5 and 2.5:
   * the lower of each */
  g_clear_error(&error);
  g_autoptr(ScElement) el3 = element("earlyoom", "S", "102400", "s", "5", NULL);
  g_autoptr(UsEarlyoom) cfg3 = us_earlyoom_new(el3, "f.xml", GIB_KB, GIB_KB, &error);
  g_assert_no_error(error);
  g_assert_cmpfloat(cfg3->swap_term_percent, ==, 5);
  g_assert_cmpfloat(cfg3->swap_kill_percent, ==, 2.5);
  g_autoptr(ScElement) el4 = element("earlyoom", "S", "102400", NULL);
  g_autoptr(UsEarlyoom) cfg4 = us_earlyoom_new(el4, "f.xml", GIB_KB, GIB_KB, &error);
  g_assert_cmpfloat(cfg4->swap_term_percent, ==, 9.765625);
  g_assert_cmpfloat(cfg4->swap_kill_percent, ==, 4.8828125);
}

/* What earlyoom refuses (fatal exit 15/16 in main(), 6 for a regex), and what 1.7 does not have. */
static void test_earlyoom_refused(void)
{
  static const struct {
    const char *attr, *value;
    ScenarioError code;
    const char *message;
  } cases[] = {
    { "m", "100", SCENARIO_ERROR_RANGE, "-m: value 100.000000 exceeds limit 99" },
    { "m", "0,0", SCENARIO_ERROR_RANGE, "both SIGTERM and SIGKILL values are zero" },
    { "s", "5x", SCENARIO_ERROR_RANGE, "trailing garbage 'x'" },
    { "s", "nan", SCENARIO_ERROR_RANGE, "not a number" },
    { "m", "1e999", SCENARIO_ERROR_RANGE, "converson error" }, /* ERANGE */
    { "M", "2000000", SCENARIO_ERROR_RANGE, "exceeds limit 1059167" }, /* 104857600 / 99 = 1059167 r 67 */
    { "prefer", "(", SCENARIO_ERROR_RANGE, "could not compile regexp '('" },
    { "ignore", "x", SCENARIO_ERROR_UNSUPPORTED, "earlyoom 1.7 has no --ignore" },
    { "ignore-root-user", "true", SCENARIO_ERROR_UNSUPPORTED, "no --ignore-root-user" },
    { "version", "1.6", SCENARIO_ERROR_UNSUPPORTED, "not modelled" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScElement) el = element("earlyoom", cases[i].attr, cases[i].value, NULL);
    g_autoptr(UsEarlyoom) cfg = us_earlyoom_new(el, "f.xml", GIB_KB, 0, &error);
    g_assert_null(cfg);
    g_test_message("%s", error->message);
    g_assert_error(error, SCENARIO_ERROR, (int)cases[i].code);
    g_assert_true(g_str_has_prefix(error->message, "f.xml:3:1: "));
    g_assert_nonnull(strstr(error->message, cases[i].message));
  }
}

/* find_largest_process() of 1.7 over /proc in pid order, --prefer '^fire' --avoid '^sshd$':
 *   1 init 2000: never (pid <= 1);  5 a 600 rss 100;  6 b 600 rss 200: equal score, larger rss, wins over 5;
 *   7 c 600 rss 200: equal score and rss, the earlier (6) stays;  8 d 900 adj -1000: skipped;
 *   9 firefox 400 + 300 = 700: wins;  10 sshd 950 - 300 = 650: smaller;  11 kworker 1000 rss 0: a kernel thread.
 * Victim 9, badness 700. */
static void test_earlyoom_victim_1_7(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScElement) el = element("earlyoom", "prefer", "^fire", "avoid", "^sshd$", NULL);
  g_autoptr(UsEarlyoom) cfg = us_earlyoom_new(el, "f.xml", GIB_KB, 0, &error);
  g_assert_no_error(error);
  const UsProcinfo procs[] = {
    { .pid = 1, .oom_score = 2000, .rss_kib = 10, .comm = "init" },
    { .pid = 5, .oom_score = 600, .rss_kib = 100, .comm = "a" },
    { .pid = 6, .oom_score = 600, .rss_kib = 200, .comm = "b" },
    { .pid = 7, .oom_score = 600, .rss_kib = 200, .comm = "c" },
    { .pid = 8, .oom_score = 900, .rss_kib = 500, .oom_score_adj = -1000, .comm = "d" },
    { .pid = 9, .oom_score = 400, .rss_kib = 50, .comm = "firefox" },
    { .pid = 10, .oom_score = 950, .rss_kib = 900, .comm = "sshd" },
    { .pid = 11, .oom_score = 1000, .rss_kib = 0, .kthread = TRUE, .comm = "kworker" },
  };
  int badness = 0;
  g_assert_cmpint(us_earlyoom_find_largest_process(cfg, procs, 8, &badness), ==, 5);
  g_assert_cmpint(badness, ==, 700);
  /* without firefox: 6 (badness 600) */
  const UsProcinfo first[] = { procs[0], procs[1], procs[2], procs[3], procs[4] };
  g_assert_cmpint(us_earlyoom_find_largest_process(cfg, first, 5, &badness), ==, 2);
  g_assert_cmpint(badness, ==, 600);
  /* only sshd with a score of 200: 200 - 300 < 0, never above 1.7's zeroed victim: nothing to kill */
  const UsProcinfo low[] = { { .pid = 10, .oom_score = 200, .rss_kib = 900, .comm = "sshd" } };
  g_assert_cmpint(us_earlyoom_find_largest_process(cfg, low, 1, &badness), ==, -1);
}

/* 1.8: the victim starts at -9999, so sshd (-100) is chosen; --ignore '^sshd$' and --ignore-root-user skip. */
static void test_earlyoom_victim_1_8(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScElement) el = element("earlyoom", "version", "1.8", "avoid", "^sshd$", NULL);
  g_autoptr(UsEarlyoom) cfg = us_earlyoom_new(el, "f.xml", GIB_KB, 0, &error);
  g_assert_no_error(error);
  const UsProcinfo low[] = { { .pid = 2, .oom_score = 900, .rss_kib = 10, .comm = "kthreadd" },
                             { .pid = 10, .oom_score = 200, .rss_kib = 900, .comm = "sshd" },
                             { .pid = 12, .oom_score = 900, .rss_kib = 5, .kthread = TRUE, .comm = "kworker" },
                             { .pid = 20, .oom_score = 150, .rss_kib = 5, .uid = 0, .comm = "cron" } };
  int badness = 0;
  g_assert_cmpint(us_earlyoom_find_largest_process(cfg, low, 4, &badness), ==, 3); /* cron 150 > sshd -100 */
  g_assert_cmpint(badness, ==, 150);
  g_assert_cmpint(us_earlyoom_find_largest_process(cfg, low, 2, &badness), ==, 1); /* sshd alone: -100 */
  g_assert_cmpint(badness, ==, -100);

  g_autoptr(ScElement) el2 = element("earlyoom", "version", "1.8", "ignore", "^sshd$", "ignore-root-user", "true",
                                     NULL);
  g_autoptr(UsEarlyoom) cfg2 = us_earlyoom_new(el2, "f.xml", GIB_KB, 0, &error);
  g_assert_no_error(error);
  g_assert_cmpint(us_earlyoom_find_largest_process(cfg2, low, 4, &badness), ==, -1);
}

/* oomd_mem_available_below() / oomd_swap_free_below() at SwapUsedLimit=90% (permyriad 1000 left): 1 GiB of
 * memory, threshold 1073741824 * 1000 / 10000 = 107374182 bytes (truncated), strictly below; 512 MiB of swap,
 * 53687091. Both must hold. No swap: 0 < 0 never holds. */
static void test_oomd_swap_limit(void)
{
  g_autoptr(UsOomd) cfg = us_oomd_new_default();
  const guint64 mem = 1073741824, swap = 536870912;
  g_assert_true(us_oomd_swap_limit_hit(cfg, mem, 107374181, swap, 53687090));
  g_assert_false(us_oomd_swap_limit_hit(cfg, mem, 107374182, swap, 53687090));
  g_assert_false(us_oomd_swap_limit_hit(cfg, mem, 107374181, swap, 53687091));
  g_assert_false(us_oomd_swap_limit_hit(cfg, mem, 0, 0, 0));
}

/* SwapUsedLimit= as parse_permyriad() reads it. */
static void test_oomd_swap_used_limit(void)
{
  static const struct {
    const char *text;
    int permyriad; /* -1: refused */
  } cases[] = { { "90%", 9000 }, { "90.5%", 9050 }, { "90.25%", 9025 }, { "905\xe2\x80\xb0", 9050 },
                { "9050\xe2\x80\xb1", 9050 }, { "100%", 10000 }, { "0%", 0 }, { "101%", -1 }, { "90.125%", -1 },
                { "90", -1 }, { "%", -1 }, { "-5%", -1 } };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScElement) el = element("systemd-oomd", "SwapUsedLimit", cases[i].text, NULL);
    g_autoptr(UsOomd) cfg = us_oomd_new(el, "f.xml", &error);
    g_test_message("%s", cases[i].text);
    if (cases[i].permyriad < 0) {
      g_assert_null(cfg);
      g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
    } else {
      g_assert_no_error(error);
      g_assert_cmpint(cfg->swap_used_limit_permyriad, ==, cases[i].permyriad);
    }
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(ScElement) el = element("systemd-oomd", "DefaultMemoryPressureLimit", "60.5%", NULL);
  g_autoptr(UsOomd) cfg = us_oomd_new(el, "f.xml", &error);
  g_assert_no_error(error);
  g_assert_cmpint(cfg->mem_pressure_limit_permyriad, ==, 6050);
}

/* DefaultMemoryPressureDurationSec= as config_parse_sec() reads it (parse_time(), seconds by default); 0 is the
 * default, 30 s (manager_start()); what parse_time() refuses is refused. */
static void test_oomd_pressure_duration(void)
{
  const guint64 s = G_GUINT64_CONSTANT(1000000000);
  static const struct {
    const char *text;
    guint64 sec_x10; /* tenths of a second; 0: refused */
  } cases[] = { { "20", 200 }, { "20s", 200 }, { "1min 30s", 900 }, { "1min30s", 900 }, { "1.5min", 900 },
                { "2 min", 1200 }, { "1h", 36000 }, { "500ms", 5 }, { "0", 300 }, { "1.5", 15 },
                { "30 parsecs", 0 }, { "", 0 }, { "s", 0 }, { "-5s", 0 }, { "99999999999y", 0 } /* -ERANGE */ };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(ScElement) el = element("systemd-oomd", "DefaultMemoryPressureDurationSec", cases[i].text, NULL);
    g_autoptr(UsOomd) cfg = us_oomd_new(el, "f.xml", &error);
    g_test_message("%s", cases[i].text);
    if (!cases[i].sec_x10) {
      g_assert_null(cfg);
      g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
    } else {
      g_assert_no_error(error);
      g_assert_cmpuint(cfg->mem_pressure_duration_ns, ==, cases[i].sec_x10 * s / 10);
    }
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(ScElement) el = element("systemd-oomd", "DefaultMemoryPressureDurationSec", "infinity", NULL);
  g_autoptr(UsOomd) cfg = us_oomd_new(el, "f.xml", &error);
  g_assert_cmpuint(cfg->mem_pressure_duration_ns, ==, G_MAXUINT64);
}

/* store_loadavg_fixed_point(i, f) = i << 11 | DIV_ROUND_UP(f << 11, 100); the kernel's averages go through the
 * two-decimal text of memory.pressure on their way to oomd. */
static void test_oomd_loadavg(void)
{
  g_assert_cmpuint(us_oomd_loadavg(60, 0), ==, 122880);                /* 60 * 2048 */
  g_assert_cmpuint(us_oomd_loadavg(12, 34), ==, 24576 + 697);          /* 34 * 2048 = 69632, / 100 rounded up */
  g_assert_cmpuint(us_oomd_limit_loadavg(6050), ==, 122880 + 1024);    /* 50 * 2048 / 100 = 1024 exactly */
  /* the kernel's 128664 prints as 62.82 (128664 - 62 * 2048 = 1688, 1688 * 100 >> 11 = 82): 126976 + ceil(167936 /
   * 100) = 126976 + 1680 */
  g_assert_cmpuint(us_oomd_read_psi_avg(128664), ==, 128656);
  /* 122900 is above 60% in the kernel, but prints as 60.00 (20 * 100 >> 11 = 0): oomd reads exactly the limit,
   * which is not above it */
  g_assert_cmpuint(us_oomd_read_psi_avg(122900), ==, 122880);
  g_assert_cmpuint(us_oomd_read_psi_avg(122900), <=, us_oomd_limit_loadavg(6000));
  /* 60.01 (21 * 100 >> 11 = 1: the first kernel value printed so is 122880 + 21): 122880 + ceil(2048 / 100) = 122901 */
  g_assert_cmpuint(us_oomd_read_psi_avg(122901), ==, 122901);
  g_assert_cmpuint(us_oomd_read_psi_avg(122900 + 1), >, us_oomd_limit_loadavg(6000));
}

/* oomd_pressure_above() with DefaultMemoryPressureDurationSec=30s on one monitored cgroup, polls once a second;
 * the reclaim check (RECLAIM_DURATION_USEC 30 s); oomd_pgscan_rate(). */
static void test_oomd_pressure_above(void)
{
  const guint64 s = G_GUINT64_CONSTANT(1000000000), dur = 30 * s;
  g_autoptr(GArray) mon = g_array_new(FALSE, TRUE, sizeof(UsOomdPressureCgroup));
  UsOomdPressureCgroup c0 = { .mem_pressure_limit = us_oomd_limit_loadavg(6000) };
  g_array_append_val(mon, c0);
  UsOomdPressureCgroup *c = &g_array_index(mon, UsOomdPressureCgroup, 0);
  us_oomd_pressure_update(c, 0, us_oomd_loadavg(61, 0), 1 * s);
  g_assert_cmpuint(us_oomd_pressure_above(mon, dur, 1 * s), ==, 0); /* the clock starts at 1 s */
  g_assert_true(c->limit_hit);
  us_oomd_pressure_update(c, 0, us_oomd_loadavg(61, 0), 30 * s);
  g_assert_cmpuint(us_oomd_pressure_above(mon, dur, 30 * s), ==, 0); /* 29 s */
  us_oomd_pressure_update(c, 0, us_oomd_loadavg(61, 0), 31 * s);
  g_assert_cmpuint(us_oomd_pressure_above(mon, dur, 31 * s), ==, 1); /* 30 s >= 30 s */
  g_assert_true(c->target);
  g_assert_false(us_oomd_had_recent_reclaim(c, 31 * s)); /* pgscan never grew */
  us_oomd_pressure_update(c, 0, us_oomd_loadavg(60, 0), 32 * s); /* not above: the clock is reset */
  g_assert_cmpuint(us_oomd_pressure_above(mon, dur, 32 * s), ==, 0);
  g_assert_false(c->limit_hit);
  us_oomd_pressure_update(c, 0, us_oomd_loadavg(99, 0), 33 * s);
  g_assert_cmpuint(us_oomd_pressure_above(mon, dur, 33 * s), ==, 0);
  g_assert_cmpuint(c->limit_hit_start_ns, ==, 33 * s);
  /* pgscan grows from 0 to 10 at 40 s: reclaim activity then, and within 30 s of it up to 70 s inclusive */
  us_oomd_pressure_update(c, 10, us_oomd_loadavg(99, 0), 40 * s);
  g_assert_true(us_oomd_had_recent_reclaim(c, 70 * s));
  g_assert_false(us_oomd_had_recent_reclaim(c, 70 * s + 1));
  us_oomd_pressure_update(c, 10, us_oomd_loadavg(99, 0), 41 * s); /* rate 0: the activity stays at 40 s */
  g_assert_cmpuint(c->last_had_mem_reclaim_ns, ==, 40 * s);
  g_assert_cmpuint(us_oomd_pgscan_rate(100, 40), ==, 60);
  g_assert_cmpuint(us_oomd_pgscan_rate(30, 40), ==, 30); /* "assume the cgroup was recreated" */
}

/* oomd_kill_by_pgscan_rate() below /user.slice/u: the candidates, their pgscan (now, at the last gathering) and
 * memory.current. Rates: a 500 - 100 = 400, b 400 (usage larger: first of the two), c (avoid) 1000, d 0 and no
 * usage (skipped), ab is not under /user.slice/u (path_startswith() is by components). */
static void test_oomd_select_by_pgscan(void)
{
  KmMemcg m[5] = { { .path = (char *)"/user.slice/u/a" }, { .path = (char *)"/user.slice/u/b" },
                   { .path = (char *)"/user.slice/u/c" }, { .path = (char *)"/user.slice/u/d" },
                   { .path = (char *)"/user.slice/uab" } };
  UsOomdCandidate cands[] = {
    { .memcg = &m[0], .pgscan = 500, .last_pgscan = 100, .current_memory_usage = 1000 },
    { .memcg = &m[1], .pgscan = 400, .last_pgscan = 0, .current_memory_usage = 2000 },
    { .memcg = &m[2], .pgscan = 1000, .preference = US_OOMD_PREFERENCE_AVOID, .current_memory_usage = 1 },
    { .memcg = &m[3] },
    { .memcg = &m[4], .pgscan = 9999, .current_memory_usage = 9999 },
  };
  g_autoptr(GArray) c = g_array_new(FALSE, FALSE, sizeof(UsOomdCandidate));
  g_array_append_vals(c, cands, G_N_ELEMENTS(cands));
  int i = us_oomd_select_by_pgscan_rate(c, "/user.slice/u");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, i).memcg->path, ==, "/user.slice/u/b");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, i + 1).memcg->path, ==, "/user.slice/u/a");
  /* under "/" everything is: uab's rate 9999 wins */
  i = us_oomd_select_by_pgscan_rate(c, "/");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, i).memcg->path, ==, "/user.slice/uab");
  /* only d under /user.slice/u/d: no pgscan, no usage: nothing */
  g_assert_cmpint(us_oomd_select_by_pgscan_rate(c, "/user.slice/u/d"), ==, -1);
  /* only c (avoid) under its own path: avoid is sorted last, not dropped */
  i = us_oomd_select_by_pgscan_rate(c, "/user.slice/u/c");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, i).memcg->path, ==, "/user.slice/u/c");
  /* the previous gathering's pgscan becomes last_pgscan, by cgroup */
  g_autoptr(GArray) fresh = g_array_new(FALSE, FALSE, sizeof(UsOomdCandidate));
  UsOomdCandidate f = { .memcg = &m[0], .pgscan = 600 };
  g_array_append_val(fresh, f);
  us_oomd_carry_candidates(c, fresh);
  g_assert_cmpuint(g_array_index(fresh, UsOomdCandidate, 0).last_pgscan, ==, 500);
  g_assert_true(us_oomd_path_under("/a/b", "/a"));
  g_assert_true(us_oomd_path_under("/a", "/a/"));
  g_assert_false(us_oomd_path_under("/ab", "/a"));
  g_assert_true(us_oomd_path_under("/ab", "/"));
}

/* The monitored cgroups' limits: ManagedOOMMemoryPressureLimit= of the unit, else DefaultMemoryPressureLimit= (0%
 * is the default too); a unit naming no cgroup of the model is not monitored here (the simulator refuses it). */
static void test_oomd_pressure_monitored(void)
{
  g_autoptr(KmSystem) sys = km_system_new(km_profile_lookup("6.1"), 4096);
  const char *paths[] = { "/a", "/b", "/c" };
  for (gsize i = 0; i < G_N_ELEMENTS(paths); i++)
    g_assert_nonnull(km_memcg_create(sys, paths[i], NULL));
  g_autoptr(UsOomd) cfg = us_oomd_new_default();
  g_ptr_array_set_size(cfg->units, 0);
  cfg->mem_pressure_limit_permyriad = 7000;
  UsOomdUnit units[] = { { .cgroup = (char *)"/c", .pressure_kill = TRUE, .pressure_limit_permyriad = 5000 },
                         { .cgroup = (char *)"/a", .pressure_kill = TRUE },
                         { .cgroup = (char *)"/b", .swap_kill = TRUE } };
  g_ptr_array_set_free_func(cfg->units, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
    g_ptr_array_add(cfg->units, &units[i]);
  g_autoptr(GArray) mon = us_oomd_pressure_monitored(cfg, sys);
  g_assert_cmpuint(mon->len, ==, 2);
  g_assert_cmpstr(g_array_index(mon, UsOomdPressureCgroup, 0).memcg->path, ==, "/a");
  g_assert_cmpuint(g_array_index(mon, UsOomdPressureCgroup, 0).mem_pressure_limit, ==, 70 * 2048);
  g_assert_cmpuint(g_array_index(mon, UsOomdPressureCgroup, 1).mem_pressure_limit, ==, 50 * 2048);
}

/* FORMAT_TIMESPAN(t, USEC_PER_SEC) of format_timespan(): whole units down to seconds; what is left below a second
 * is dropped once something is printed */
static void test_oomd_format_timespan(void)
{
  const guint64 s = G_GUINT64_CONSTANT(1000000000);
  static const struct {
    guint64 ms;
    const char *text;
  } cases[] = { { 30000, "30s" }, { 90000, "1min 30s" }, { 3600000, "1h" }, { 500, "500ms" }, { 1500, "1s" },
                { 0, "0" }, { 86400000 + 1000, "1d 1s" } };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_autofree char *t = us_oomd_format_timespan(cases[i].ms * (s / 1000));
    g_assert_cmpstr(t, ==, cases[i].text);
  }
}

/* recursively_get_cgroup_context() below /user.slice: a (a leaf), b (memory.oom.group=1: a candidate as a whole,
 * b/c not looked at), d (no oom.group: looked into: d/e a leaf); /system.slice/s is not managed. Sorted by
 * preference then swap usage: b (300 pages of swap), d/e (200, but avoid: last), a (100). 5% of 2048 pages of swap
 * is 102 pages (threshold in bytes: 2048 * 4096 * 5 / 100 = 419430): a (409600 bytes) is below it, b is chosen.
 * With b omitted, a is still below the threshold and d/e (avoid) is chosen. */
static void test_oomd_candidates(void)
{
  g_autoptr(KmSystem) sys = km_system_new(km_profile_lookup("6.1"), 4096);
  const char *paths[] = { "/user.slice", "/user.slice/a", "/user.slice/b", "/user.slice/b/c", "/user.slice/d",
                          "/user.slice/d/e", "/system.slice", "/system.slice/s" };
  for (gsize i = 0; i < G_N_ELEMENTS(paths); i++)
    g_assert_nonnull(km_memcg_create(sys, paths[i], NULL));
  km_system_find_memcg(sys, "/user.slice/b")->oom_group = TRUE;
  km_system_find_memcg(sys, "/user.slice/a")->swap_usage = 100;
  km_system_find_memcg(sys, "/user.slice/b")->swap_usage = 300;
  km_system_find_memcg(sys, "/user.slice/d/e")->swap_usage = 200;
  km_system_find_memcg(sys, "/system.slice/s")->swap_usage = 1000;

  g_autoptr(UsOomd) cfg = us_oomd_new_default();
  g_ptr_array_set_size(cfg->units, 0);
  UsOomdUnit units[] = { { .cgroup = (char *)"/user.slice", .swap_kill = TRUE },
                         { .cgroup = (char *)"/user.slice/d/e", .preference = US_OOMD_PREFERENCE_AVOID } };
  g_ptr_array_set_free_func(cfg->units, NULL);
  g_ptr_array_add(cfg->units, &units[0]);
  g_ptr_array_add(cfg->units, &units[1]);

  g_autoptr(GArray) c = us_oomd_swap_candidates(cfg, sys);
  g_assert_cmpuint(c->len, ==, 3);
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, 0).memcg->path, ==, "/user.slice/a");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, 1).memcg->path, ==, "/user.slice/b");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, 2).memcg->path, ==, "/user.slice/d/e");
  const guint64 threshold = G_GUINT64_CONSTANT(2048) * 4096 * 5 / 100;
  int i = us_oomd_select_by_swap_usage(c, threshold);
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, i).memcg->path, ==, "/user.slice/b");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, 1).memcg->path, ==, "/user.slice/a");
  g_assert_cmpstr(g_array_index(c, UsOomdCandidate, 2).memcg->path, ==, "/user.slice/d/e");

  UsOomdUnit omit_b = { .cgroup = (char *)"/user.slice/b", .preference = US_OOMD_PREFERENCE_OMIT };
  g_ptr_array_add(cfg->units, &omit_b);
  g_autoptr(GArray) c2 = us_oomd_swap_candidates(cfg, sys);
  i = us_oomd_select_by_swap_usage(c2, threshold);
  g_assert_cmpstr(g_array_index(c2, UsOomdCandidate, i).memcg->path, ==, "/user.slice/d/e");
  /* nothing above a threshold of 300 pages */
  g_assert_cmpint(us_oomd_select_by_swap_usage(c2, 300 * 4096), ==, -1);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/userspace/earlyoom/lowmem-sig", test_earlyoom_lowmem_sig);
  g_test_add_func("/userspace/earlyoom/sleep-time", test_earlyoom_sleep);
  g_test_add_func("/userspace/earlyoom/options-merge", test_earlyoom_options);
  g_test_add_func("/userspace/earlyoom/options-refused", test_earlyoom_refused);
  g_test_add_func("/userspace/earlyoom/victim-1.7", test_earlyoom_victim_1_7);
  g_test_add_func("/userspace/earlyoom/victim-1.8", test_earlyoom_victim_1_8);
  g_test_add_func("/userspace/oomd/swap-limit", test_oomd_swap_limit);
  g_test_add_func("/userspace/oomd/swap-used-limit-parse", test_oomd_swap_used_limit);
  g_test_add_func("/userspace/oomd/candidates-and-choice", test_oomd_candidates);
  g_test_add_func("/userspace/oomd/pressure-duration-parse", test_oomd_pressure_duration);
  g_test_add_func("/userspace/oomd/pressure-loadavg", test_oomd_loadavg);
  g_test_add_func("/userspace/oomd/pressure-above", test_oomd_pressure_above);
  g_test_add_func("/userspace/oomd/pressure-select-by-pgscan", test_oomd_select_by_pgscan);
  g_test_add_func("/userspace/oomd/pressure-monitored", test_oomd_pressure_monitored);
  g_test_add_func("/userspace/oomd/pressure-format-timespan", test_oomd_format_timespan);
  return g_test_run();
}
