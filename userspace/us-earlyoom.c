/* userspace/us-earlyoom.c: earlyoom 1.7 (Debian 12) and 1.8, the choosing half (main.c, kill.c, meminfo.c, msg.c
 * of the v1.7 and v1.8 tags of github.com/rfjakob/earlyoom).
 *
 * earlyoom is a loop (main.c poll_loop()): read /proc/meminfo; if MemAvailable and SwapFree are both at or below
 * their SIGTERM percentages (or both at or below the SIGKILL ones), walk /proc and pick the process with the
 * largest /proc/PID/oom_score (ties: the larger VmRSS; then the first in readdir order), read meminfo again and, if
 * memory is still low, send the signal and wait up to 10 s for the process to go; then sleep 100 to 1000 ms,
 * longer the further memory and swap are from the SIGTERM limits ("if memory and swap can only fill up so fast, we
 * know how long we can sleep without risking to miss a low memory event"). The kernel's oom_score is the badness
 * the kernel itself would use (proc_oom_score()), so earlyoom's choice is usually the kernel's, made earlier.
 *
 * The percentages are doubles, compared as earlyoom compares them; the kB figures are /proc/meminfo's.
 */
#include "us-earlyoom.h"

#include <errno.h>
#include <string.h>

#include "../scenarios/scenario-loader.h"

#define BADNESS_PREFER 300 /* kill.c (1.8: OOM_SCORE_PREFER) */
#define BADNESS_AVOID (-300)
#define PROCINFO_FIELD_NOT_SET (-9999) /* 1.8 kill.c: an unset field of the victim so far */

const char *us_earlyoom_version_name(UsEarlyoomVersion version)
{
  return version == US_EARLYOOM_1_8 ? "1.8" : "1.7";
}

static const char *element_attr(const ScElement *el, const char *name, const ScAttr **out_attr)
{
  for (guint i = 0; i < el->attrs->len; i++) {
    const ScAttr *a = el->attrs->pdata[i];
    if (strcmp(a->name, name) == 0) {
      if (out_attr)
        *out_attr = a;
      return a->value;
    }
  }
  return NULL;
}

/* msg.c parse_part(): strtod, then the range check; earlyoom runs in the C locale */
static gboolean parse_part(const char *part, long long upper_limit, double *out, char **out_err)
{
  errno = 0;
  char *end = NULL;
  double val = g_ascii_strtod(part, &end);
  if (*end != '\0') {
    *out_err = g_strdup_printf("trailing garbage '%s'", end);
    return FALSE;
  }
  if (errno) {
    *out_err = g_strdup_printf("converson error: %s", g_strerror(errno)); /* sic, earlyoom's spelling */
    return FALSE;
  }
  if (val != val) {
    /* earlyoom itself takes "nan" (no comparison with NaN holds), never acts, and casts NaN to an integer in
     * sleep_time_ms(), which C leaves undefined: refused here rather than modelled */
    *out_err = g_strdup("not a number (earlyoom would accept it and never act)");
    return FALSE;
  }
  if (val > (double)upper_limit) {
    *out_err = g_strdup_printf("value %f exceeds limit %lld", val, upper_limit);
    return FALSE;
  }
  if (val < 0) {
    *out_err = g_strdup_printf("value %f below zero", val);
    return FALSE;
  }
  *out = val;
  return TRUE;
}

/* msg.c parse_term_kill_tuple(): "TERM[,KILL]", KILL defaulting to TERM / 2; TERM below KILL is raised to KILL
 * (earlyoom warns); both zero is an error. */
static gboolean parse_term_kill_tuple(const char *arg, long long upper_limit, double *out_term, double *out_kill,
                                      char **out_err)
{
  g_autofree char *buf = g_strdup(arg);
  char *comma = strchr(buf, ',');
  if (comma)
    *comma = '\0';
  double term = 0, kill = 0;
  if (!parse_part(buf, upper_limit, &term, out_err))
    return FALSE;
  if (comma) {
    if (!parse_part(comma + 1, upper_limit, &kill, out_err))
      return FALSE;
  } else {
    kill = term / 2;
  }
  if (term < kill)
    term = kill;
  if (kill == 0 && term == 0) {
    *out_err = g_strdup("both SIGTERM and SIGKILL values are zero");
    return FALSE;
  }
  *out_term = term;
  *out_kill = kill;
  return TRUE;
}

static gboolean parse_bool(const char *v, gboolean *out)
{
  if (g_strcmp0(v, "true") == 0 || g_strcmp0(v, "1") == 0)
    *out = TRUE;
  else if (g_strcmp0(v, "false") == 0 || g_strcmp0(v, "0") == 0)
    *out = FALSE;
  else
    return FALSE;
  return TRUE;
}

static void set_defaults(UsEarlyoom *cfg)
{
  /* main(): poll_loop_args_t args = { .mem_term_percent = 10, .swap_term_percent = 10, .mem_kill_percent = 5,
   * .swap_kill_percent = 5, ... } */
  cfg->mem_term_percent = 10;
  cfg->swap_term_percent = 10;
  cfg->mem_kill_percent = 5;
  cfg->swap_kill_percent = 5;
}

UsEarlyoom *us_earlyoom_new_default(void)
{
  UsEarlyoom *cfg = g_new0(UsEarlyoom, 1);
  set_defaults(cfg);
  cfg->argv = g_ptr_array_new_with_free_func(g_free);
  return cfg;
}

/* One of -m, -s, -M, -S: the tuple, or an error at the attribute with earlyoom's message. */
static gboolean read_tuple(const ScElement *el, const char *file, const char *name, long long upper_limit,
                           gboolean *out_have, double *out_term, double *out_kill, GError **error)
{
  const ScAttr *attr = NULL;
  const char *value = element_attr(el, name, &attr);
  *out_have = value != NULL;
  if (!value)
    return TRUE;
  g_autofree char *err = NULL;
  if (!parse_term_kill_tuple(value, upper_limit, out_term, out_kill, &err)) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, file, attr->line, attr->col, "<earlyoom %s=\"%s\">: -%s: %s",
                       name, value, name, err);
    return FALSE;
  }
  return TRUE;
}

static gboolean compile_regex(const ScElement *el, const char *file, const char *name, char **out_src,
                              regex_t *out_re, GError **error)
{
  const ScAttr *attr = NULL;
  const char *value = element_attr(el, name, &attr);
  if (!value)
    return TRUE;
  if (regcomp(out_re, value, REG_EXTENDED | REG_NOSUB) != 0) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, file, attr->line, attr->col,
                       "<earlyoom %s>: could not compile regexp '%s' (POSIX extended, as regcomp() takes it)", name,
                       value);
    return FALSE;
  }
  *out_src = g_strdup(value);
  return TRUE;
}

/* The attributes (already checked) as main()'s getopt_long() options: -m -s -M -S take the value as written,
 * --prefer --avoid --ignore the regex, --ignore-root-user is a flag; version is not an option. */
static void command_line(const ScElement *el, GPtrArray *argv)
{
  static const char *const valued[][2] = {
      {"m", "-m"}, {"s", "-s"}, {"M", "-M"}, {"S", "-S"},
      {"prefer", "--prefer"}, {"avoid", "--avoid"}, {"ignore", "--ignore"},
  };
  for (guint i = 0; i < el->attrs->len; i++) {
    const ScAttr *a = el->attrs->pdata[i];
    for (guint j = 0; j < G_N_ELEMENTS(valued); j++)
      if (strcmp(a->name, valued[j][0]) == 0) {
        g_ptr_array_add(argv, g_strdup(valued[j][1]));
        g_ptr_array_add(argv, g_strdup(a->value));
      }
    gboolean flag = FALSE;
    if (strcmp(a->name, "ignore-root-user") == 0 && parse_bool(a->value, &flag) && flag)
      g_ptr_array_add(argv, g_strdup("--ignore-root-user"));
  }
}

UsEarlyoom *us_earlyoom_new(const ScElement *el, const char *file, long long mem_total_kib, long long swap_total_kib,
                            GError **error)
{
  g_autoptr(UsEarlyoom) cfg = us_earlyoom_new_default();
  cfg->line = el->line;
  cfg->col = el->col;
  const ScAttr *attr = NULL;
  const char *version = element_attr(el, "version", &attr);
  if (version && strcmp(version, "1.8") == 0)
    cfg->version = US_EARLYOOM_1_8;
  else if (version && strcmp(version, "1.7") != 0) {
    scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, attr->line, attr->col,
                       "earlyoom version \"%s\" is not modelled: the versions are 1.7 (Debian 12) and 1.8", version);
    return NULL;
  }
  gboolean have_m, have_s, have_M, have_S;
  double M_term = 0, M_kill = 0, S_term = 0, S_kill = 0;
  /* main(): -m up to 99 ("-m 100 makes no sense"), -s up to 100 ("a valid way to ignore swap usage"), -M and -S up
   * to the total * 100 / 99, in KiB */
  if (!read_tuple(el, file, "m", 99, &have_m, &cfg->mem_term_percent, &cfg->mem_kill_percent, error) ||
      !read_tuple(el, file, "s", 100, &have_s, &cfg->swap_term_percent, &cfg->swap_kill_percent, error) ||
      !read_tuple(el, file, "M", mem_total_kib * 100 / 99, &have_M, &M_term, &M_kill, error) ||
      !read_tuple(el, file, "S", swap_total_kib * 100 / 99, &have_S, &S_term, &S_kill, error))
    return NULL;
  /* main()'s "warning: -S: total swap is zero, using default percentages" comes after the limit check, which a
   * machine without swap (limit 0) fails for any -S but "0,0", itself refused: -S there is always fatal. */
  /* main(): "Both -m and -M were passed. Use the lower of both values." */
  if (have_M) {
    double term = 100 * M_term / (double)mem_total_kib, kill = 100 * M_kill / (double)mem_total_kib;
    cfg->mem_term_percent = have_m ? MIN(cfg->mem_term_percent, term) : term;
    cfg->mem_kill_percent = have_m ? MIN(cfg->mem_kill_percent, kill) : kill;
  }
  if (have_S) {
    double term = 100 * S_term / (double)swap_total_kib, kill = 100 * S_kill / (double)swap_total_kib;
    cfg->swap_term_percent = have_s ? MIN(cfg->swap_term_percent, term) : term;
    cfg->swap_kill_percent = have_s ? MIN(cfg->swap_kill_percent, kill) : kill;
  }
  if (!compile_regex(el, file, "prefer", &cfg->prefer, &cfg->prefer_re, error) ||
      !compile_regex(el, file, "avoid", &cfg->avoid, &cfg->avoid_re, error))
    return NULL;
  const char *v18[] = { "ignore", "ignore-root-user" };
  for (guint i = 0; i < G_N_ELEMENTS(v18); i++)
    if (cfg->version == US_EARLYOOM_1_7 && element_attr(el, v18[i], &attr)) {
      scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, attr->line, attr->col,
                         "earlyoom 1.7 has no --%s (added in 1.8; 1.7 ignores -i): write version=\"1.8\"", v18[i]);
      return NULL;
    }
  if (!compile_regex(el, file, "ignore", &cfg->ignore, &cfg->ignore_re, error))
    return NULL;
  const char *iru = element_attr(el, "ignore-root-user", &attr);
  if (iru && !parse_bool(iru, &cfg->ignore_root_user)) {
    scenario_set_error(error, SCENARIO_ERROR_SCHEMA, file, attr->line, attr->col,
                       "ignore-root-user must be true or false");
    return NULL;
  }
  command_line(el, cfg->argv);
  return g_steal_pointer(&cfg);
}

void us_earlyoom_free(UsEarlyoom *cfg)
{
  if (!cfg)
    return;
  if (cfg->prefer)
    regfree(&cfg->prefer_re);
  if (cfg->avoid)
    regfree(&cfg->avoid_re);
  if (cfg->ignore)
    regfree(&cfg->ignore_re);
  g_free(cfg->prefer);
  g_free(cfg->avoid);
  g_free(cfg->ignore);
  if (cfg->argv)
    g_ptr_array_unref(cfg->argv);
  g_free(cfg);
}

UsMeminfo us_earlyoom_meminfo(long long mem_total_kib, long long mem_available_kib, long long swap_total_kib,
                              long long swap_free_kib)
{
  UsMeminfo m = { .MemTotalKiB = mem_total_kib, .SwapTotalKiB = swap_total_kib,
                  .MemAvailableKiB = mem_available_kib, .SwapFreeKiB = swap_free_kib };
  m.MemAvailablePercent = (double)mem_available_kib * 100 / (double)mem_total_kib;
  /* no swap: SwapFreePercent 0, so the swap condition always holds ("earlyoom works without swap") */
  m.SwapFreePercent = swap_total_kib > 0 ? (double)swap_free_kib * 100 / (double)swap_total_kib : 0;
  m.MemTotalMiB = mem_total_kib / 1024;
  m.MemAvailableMiB = mem_available_kib / 1024;
  m.SwapTotalMiB = swap_total_kib / 1024;
  m.SwapFreeMiB = swap_free_kib / 1024;
  return m;
}

int us_earlyoom_lowmem_sig(const UsEarlyoom *cfg, const UsMeminfo *m)
{
  if (m->MemAvailablePercent <= cfg->mem_kill_percent && m->SwapFreePercent <= cfg->swap_kill_percent)
    return 9;
  if (m->MemAvailablePercent <= cfg->mem_term_percent && m->SwapFreePercent <= cfg->swap_term_percent)
    return 15;
  return 0;
}

guint us_earlyoom_sleep_time_ms(const UsEarlyoom *cfg, const UsMeminfo *m)
{
  const long long mem_fill_rate = 6000; /* kiB per ms: "6000MiB/s seen with stress -m 4 --vm-bytes 4G" */
  const long long swap_fill_rate = 800; /* "800MiB/s seen with membomb on ZRAM" */
  const guint min_sleep = 100, max_sleep = 1000;
  long long mem_headroom_kib =
      (long long)((m->MemAvailablePercent - cfg->mem_term_percent) * 10 * (double)m->MemTotalMiB);
  if (mem_headroom_kib < 0)
    mem_headroom_kib = 0;
  long long swap_headroom_kib =
      (long long)((m->SwapFreePercent - cfg->swap_term_percent) * 10 * (double)m->SwapTotalMiB);
  if (swap_headroom_kib < 0)
    swap_headroom_kib = 0;
  long long ms = mem_headroom_kib / mem_fill_rate + swap_headroom_kib / swap_fill_rate;
  if (ms < min_sleep)
    return min_sleep;
  if (ms > max_sleep)
    return max_sleep;
  return (guint)ms;
}

static gboolean matches(const char *src, const regex_t *re, const char *comm)
{
  return src && regexec(re, comm, 0, NULL, 0) == 0;
}

/* The oom_score, +300 if the comm matches --prefer, -300 if it matches --avoid (both can apply). */
static int adjusted_badness(const UsEarlyoom *cfg, const UsProcinfo *cur)
{
  int badness = cur->oom_score;
  if (matches(cfg->prefer, &cfg->prefer_re, cur->comm))
    badness += BADNESS_PREFER;
  if (matches(cfg->avoid, &cfg->avoid_re, cur->comm))
    badness += BADNESS_AVOID;
  return badness;
}

/* kill.c is_larger() of 1.7: init skipped; the oom_score with +300 for --prefer and -300 for --avoid; not smaller
 * than the victim's; a zero VmRSS (a kernel thread) skipped; on equal scores the larger VmRSS; adj -1000 skipped.
 * The victim starts as all zeros, so a process whose adjusted score is negative is never chosen. */
static gboolean is_larger_1_7(const UsEarlyoom *cfg, const UsProcinfo *victim, int victim_badness,
                              const UsProcinfo *cur, int *out_badness)
{
  if (cur->pid <= 1)
    return FALSE;
  int badness = *out_badness = adjusted_badness(cfg, cur);
  if (badness < victim_badness)
    return FALSE;
  if (cur->rss_kib == 0)
    return FALSE;
  long long victim_rss = victim ? victim->rss_kib : 0;
  if (badness == victim_badness && cur->rss_kib <= victim_rss)
    return FALSE;
  return cur->oom_score_adj != -1000;
}

/* kill.c is_larger() of 1.8: init and kthreadd (pid <= 2) skipped; --ignore-root-user skips uid 0; kernel threads
 * (ppid 2) skipped; --ignore skips a matching comm; then the oom_score rule of 1.7 without the zero-rss check,
 * against a victim whose fields start at PROCINFO_FIELD_NOT_SET (-9999), so negative scores can win. */
static gboolean is_larger_1_8(const UsEarlyoom *cfg, const UsProcinfo *victim, int victim_badness,
                              const UsProcinfo *cur, int *out_badness)
{
  if (cur->pid <= 2)
    return FALSE;
  if (cfg->ignore_root_user && cur->uid == 0)
    return FALSE;
  if (cur->kthread)
    return FALSE;
  int badness = *out_badness = adjusted_badness(cfg, cur);
  if (matches(cfg->ignore, &cfg->ignore_re, cur->comm))
    return FALSE;
  if (badness < victim_badness)
    return FALSE;
  long long victim_rss = victim ? victim->rss_kib : PROCINFO_FIELD_NOT_SET;
  if (badness == victim_badness && cur->rss_kib <= victim_rss)
    return FALSE;
  return cur->oom_score_adj != -1000;
}

int us_earlyoom_find_largest_process(const UsEarlyoom *cfg, const UsProcinfo *procs, guint n, int *out_badness)
{
  int chosen = -1;
  int chosen_badness = cfg->version == US_EARLYOOM_1_8 ? PROCINFO_FIELD_NOT_SET : 0;
  for (guint i = 0; i < n; i++) {
    int badness = 0;
    const UsProcinfo *victim = chosen >= 0 ? &procs[chosen] : NULL;
    gboolean larger = cfg->version == US_EARLYOOM_1_8 ? is_larger_1_8(cfg, victim, chosen_badness, &procs[i], &badness)
                                                      : is_larger_1_7(cfg, victim, chosen_badness, &procs[i], &badness);
    if (larger) {
      chosen = (int)i;
      chosen_badness = badness;
    }
  }
  if (out_badness)
    *out_badness = chosen_badness;
  return chosen;
}
