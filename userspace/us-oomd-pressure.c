/* userspace/us-oomd-pressure.c: systemd-oomd 252's memory-pressure rule, the choosing half (src/oom/oomd-manager.c
 * monitor_memory_pressure_contexts_handler(); src/oom/oomd-util.c oomd_pressure_above(), oomd_pgscan_rate(),
 * oomd_insert_cgroup_context(), oomd_update_cgroup_contexts_between_hashmaps(), oomd_sort_cgroup_contexts(),
 * oomd_kill_by_pgscan_rate(); src/oom/oomd-util.h compare_pgscan_rate_and_memory_usage(); src/basic/parse-util.c
 * store_loadavg_fixed_point(), parse_loadavg_fixed_point(); src/basic/time-util.c format_timespan()).
 *
 * How oomd decides. Every second it reads memory.pressure of each cgroup whose unit has
 * ManagedOOMMemoryPressure=kill, keeping the "full" line: the share of time in which every non-idle task of the
 * cgroup was stalled on memory, averaged over 10 s (avg10). The kernel prints it with two decimals; oomd parses that
 * text back into 11-bit fixed point and compares it with the unit's ManagedOOMMemoryPressureLimit= (else
 * DefaultMemoryPressureLimit=, 60%), strictly above. The first poll above the limit starts a clock; one below resets
 * it; once the pressure has stayed above for DefaultMemoryPressureDurationSec= (30 s) the cgroup is a target. A
 * target is acted on only if the cgroup's pgscan (memory.stat, the pages reclaim scanned in it and below) grew at
 * some poll in the last 30 s: "if there isn't any reclaim pressure, no need to kill something (it won't help
 * anyways)". Then oomd gathers the candidates below every monitored cgroup (leaves and memory.oom.group=1
 * cgroups, as for the swap rule), keeps those under the target's path, and kills the one with the highest pgscan
 * rate (pgscan now less pgscan when the candidates were last gathered, which is the previous poll only if the
 * limit was already being hit then: otherwise the list was cleared and the rate is the whole count), then the
 * largest memory.current; a candidate with neither is skipped. One kill per poll, and none for 15 s after one
 * (POST_ACTION_DELAY_USEC: "pressure counters are lagging").
 *
 * The model's differences: ties broken by path (oomd's hashmap order is unspecified, and it visits the targets in
 * hashmap order too: the model takes them in path order); the unit's limit is kept as permyriad (systemd scales it to
 * 2^32 and back for the varlink message: the same value); the preference of every unit is honoured (oomd reads the
 * user.oomd_avoid/omit xattrs, which systemd writes for root-owned cgroups).
 */
#include "us-oomd-pressure.h"

#include <string.h>

#include "../kernel-model/km-memcg.h"

#define LOADAVG_PRECISION_BITS 11

UsLoadavg us_oomd_loadavg(unsigned long i, unsigned long f)
{
  return (i << LOADAVG_PRECISION_BITS) | ((f << LOADAVG_PRECISION_BITS) + 99) / 100;
}

UsLoadavg us_oomd_limit_loadavg(int permyriad)
{
  return us_oomd_loadavg((unsigned long)permyriad / 100, (unsigned long)permyriad % 100);
}

UsLoadavg us_oomd_read_psi_avg(unsigned long kernel_avg)
{
  return us_oomd_loadavg(km_load_int(kernel_avg), km_load_frac(kernel_avg));
}

static int path_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp((*(const KmMemcg *const *)a)->path, (*(const KmMemcg *const *)b)->path);
}

GArray *us_oomd_pressure_monitored(const UsOomd *cfg, KmSystem *sys)
{
  GArray *out = g_array_new(FALSE, TRUE, sizeof(UsOomdPressureCgroup));
  for (guint i = 0; i < cfg->units->len; i++) {
    const UsOomdUnit *u = cfg->units->pdata[i];
    KmMemcg *memcg = u->pressure_kill ? km_system_find_memcg(sys, u->cgroup) : NULL;
    if (!memcg)
      continue;
    int limit = u->pressure_limit_permyriad > 0 ? u->pressure_limit_permyriad : cfg->mem_pressure_limit_permyriad;
    UsOomdPressureCgroup c = { .memcg = memcg, .mem_pressure_limit = us_oomd_limit_loadavg(limit) };
    g_array_append_val(out, c);
  }
  g_array_sort(out, path_cmp); /* memcg is the first member */
  return out;
}

guint64 us_oomd_pgscan_rate(guint64 pgscan, guint64 last_pgscan)
{
  return pgscan - (last_pgscan > pgscan ? 0 : last_pgscan);
}

void us_oomd_pressure_update(UsOomdPressureCgroup *c, guint64 pgscan, UsLoadavg avg10, guint64 now_ns)
{
  c->last_pgscan = c->pgscan;
  c->pgscan = pgscan;
  c->avg10 = avg10;
  c->target = FALSE;
  if (us_oomd_pgscan_rate(c->pgscan, c->last_pgscan) > 0) {
    c->had_reclaim = TRUE;
    c->last_had_mem_reclaim_ns = now_ns;
  }
}

guint us_oomd_pressure_above(GArray *monitored, guint64 duration_ns, guint64 now_ns)
{
  guint targets = 0;
  for (guint i = 0; i < monitored->len; i++) {
    UsOomdPressureCgroup *c = &g_array_index(monitored, UsOomdPressureCgroup, i);
    c->target = FALSE;
    if (c->avg10 > c->mem_pressure_limit) {
      if (!c->limit_hit) {
        c->limit_hit = TRUE;
        c->limit_hit_start_ns = now_ns;
      }
      if (now_ns - c->limit_hit_start_ns >= duration_ns) {
        c->target = TRUE;
        targets++;
      }
    } else {
      c->limit_hit = FALSE;
    }
  }
  return targets;
}

gboolean us_oomd_had_recent_reclaim(const UsOomdPressureCgroup *c, guint64 now_ns)
{
  /* last_had_mem_reclaim 0 (never) is long ago for the real oomd, which starts well after boot */
  return c->had_reclaim && now_ns - c->last_had_mem_reclaim_ns <= US_OOMD_RECLAIM_DURATION_NS;
}

void us_oomd_carry_candidates(const GArray *old, GArray *current)
{
  for (guint i = 0; old && i < current->len; i++) {
    UsOomdCandidate *c = &g_array_index(current, UsOomdCandidate, i);
    for (guint j = 0; j < old->len; j++)
      if (g_array_index(old, UsOomdCandidate, j).memcg == c->memcg)
        c->last_pgscan = g_array_index(old, UsOomdCandidate, j).pgscan;
  }
}

gboolean us_oomd_path_under(const char *path, const char *prefix)
{
  while (*prefix == '/')
    prefix++;
  while (*path == '/')
    path++;
  size_t n = strlen(prefix);
  while (n > 0 && prefix[n - 1] == '/')
    n--;
  if (n == 0)
    return TRUE;
  return strncmp(path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

/* compare_pgscan_rate_and_memory_usage(), then the path */
static int compare_pgscan_rate(gconstpointer a, gconstpointer b)
{
  const UsOomdCandidate *c1 = a, *c2 = b;
  if (c1->preference != c2->preference)
    return c1->preference < c2->preference ? -1 : 1;
  guint64 r1 = us_oomd_pgscan_rate(c1->pgscan, c1->last_pgscan), r2 = us_oomd_pgscan_rate(c2->pgscan, c2->last_pgscan);
  if (r1 != r2)
    return r2 < r1 ? -1 : 1;
  if (c1->current_memory_usage != c2->current_memory_usage)
    return c2->current_memory_usage < c1->current_memory_usage ? -1 : 1;
  return strcmp(c1->memcg->path, c2->memcg->path);
}

int us_oomd_select_by_pgscan_rate(GArray *candidates, const char *prefix)
{
  g_array_sort(candidates, compare_pgscan_rate);
  for (guint i = 0; i < candidates->len; i++) {
    const UsOomdCandidate *c = &g_array_index(candidates, UsOomdCandidate, i);
    if (c->preference == US_OOMD_PREFERENCE_OMIT || !us_oomd_path_under(c->memcg->path, prefix))
      continue;
    /* "Skip cgroups with no reclaim and memory usage; it won't alleviate pressure." */
    if (c->pgscan == 0 && c->current_memory_usage == 0)
      continue;
    return (int)i;
  }
  return -1;
}

char *us_oomd_format_timespan(guint64 ns)
{
  static const struct {
    const char *suffix;
    guint64 usec;
  } table[] = {
    { "y", G_GUINT64_CONSTANT(31557600000000) }, { "month", G_GUINT64_CONSTANT(2629800000000) },
    { "w", G_GUINT64_CONSTANT(604800000000) },   { "d", G_GUINT64_CONSTANT(86400000000) },
    { "h", G_GUINT64_CONSTANT(3600000000) },     { "min", 60000000 }, { "s", 1000000 }, { "ms", 1000 }, { "us", 1 },
  };
  const guint64 accuracy = 1000000; /* USEC_PER_SEC */
  if (ns == G_MAXUINT64)
    return g_strdup("infinity");
  guint64 t = ns / 1000;
  if (t == 0)
    return g_strdup("0");
  GString *out = g_string_new(NULL);
  for (guint i = 0; i < G_N_ELEMENTS(table) && t > 0; i++) {
    if (t < accuracy && out->len)
      break;
    if (t < table[i].usec)
      continue;
    /* the dot notation of format_timespan() needs a unit finer than the accuracy below a minute: none here */
    g_string_append_printf(out, "%s%" G_GUINT64_FORMAT "%s", out->len ? " " : "", t / table[i].usec, table[i].suffix);
    t %= table[i].usec;
  }
  return g_string_free(out, FALSE);
}
