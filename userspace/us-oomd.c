/* userspace/us-oomd.c: systemd-oomd, systemd 252: the swap rule (src/oom/oomd-manager.c
 * monitor_swap_contexts_handler(), src/oom/oomd-util.c, src/oom/oomd-manager.h).
 *
 * Every SWAP_INTERVAL_USEC (150 ms) oomd reads /proc/meminfo. When both MemAvailable and SwapFree are below
 * (100% - SwapUsedLimit) of their totals ("so we don't free up swap when memory is still available"), it gathers
 * the candidate cgroups below each cgroup whose unit has ManagedOOMSwap=kill (the leaves, and the cgroups with
 * memory.oom.group=1 as wholes), sorts them by ManagedOOMPreference (avoid last, omit dropped) and then by
 * memory.swap.current, largest first, and kills the first one using more than 5% of the swap: SIGKILL to every
 * process of the cgroup and its descendants (oomd_cgroup_kill(path, recurse=true)). One cgroup per pass.
 *
 * The memory-pressure rule (ManagedOOMMemoryPressure=kill) is configured here and decided in us-oomd-pressure.c.
 *
 * Newer systemd (256+) only marks the cgroup and kills it after a delay (oomd_cgroup_kill_mark()); 252 kills at
 * once. The preference is read from the cgroup's user.oomd_avoid / user.oomd_omit xattrs, which systemd writes for
 * a system unit; the model honours it for every unit (the owner-uid check of user units is not modelled).
 */
#include "us-oomd.h"

#include <string.h>

#include "../kernel-model/km-memcg.h"
#include "../kernel-model/km-util.h"
#include "../scenarios/scenario-loader.h"

static gboolean parse_digits(const char *s, const char **end, guint64 *out)
{
  guint64 v = 0;
  const char *p = s;
  while (g_ascii_isdigit(*p) && v < G_GUINT64_CONSTANT(1) << 40)
    v = v * 10 + (guint64)(*p++ - '0');
  *end = p;
  *out = v;
  return p != s && !g_ascii_isdigit(*p);
}

/* parse_permyriad() of src/basic/percent-util.c: "N%" with up to two decimals, "N‰" with up to one, "N‱" */
static gboolean parse_permyriad(const char *text, int *out)
{
  const struct {
    const char *sign;
    guint64 scale; /* permyriad per unit */
    int decimals;
  } forms[] = { { "%", 100, 2 }, { "\xe2\x80\xb0", 10, 1 }, { "\xe2\x80\xb1", 1, 0 } };
  const char *p;
  guint64 whole = 0, frac = 0;
  if (!parse_digits(text, &p, &whole))
    return FALSE;
  int ndec = 0;
  if (*p == '.') {
    const char *q;
    if (!parse_digits(p + 1, &q, &frac))
      return FALSE;
    ndec = (int)(q - (p + 1));
    p = q;
  }
  for (guint i = 0; i < G_N_ELEMENTS(forms); i++) {
    if (strcmp(p, forms[i].sign) != 0 || ndec > forms[i].decimals)
      continue;
    guint64 v = whole * forms[i].scale;
    for (int d = ndec; d < forms[i].decimals; d++)
      frac *= 10;
    v += frac;
    if (v > 10000)
      return FALSE;
    *out = (int)v;
    return TRUE;
  }
  return FALSE;
}

/* parse_time() of src/basic/time-util.c with the default unit of parse_sec() (seconds): "30", "30s", "1min 30s",
 * "1.5min", "infinity"; the suffixes as its table has them, the first that matches winning. In ns. */
static gboolean parse_sec(const char *text, guint64 *out_ns)
{
  static const struct {
    const char *suffix;
    guint64 usec;
  } table[] = {
    { "seconds", 1000000 }, { "second", 1000000 }, { "sec", 1000000 }, { "s", 1000000 },
    { "minutes", 60000000 }, { "minute", 60000000 }, { "min", 60000000 },
    { "months", G_GUINT64_CONSTANT(2629800000000) }, { "month", G_GUINT64_CONSTANT(2629800000000) },
    { "M", G_GUINT64_CONSTANT(2629800000000) }, { "msec", 1000 }, { "ms", 1000 }, { "m", 60000000 },
    { "hours", G_GUINT64_CONSTANT(3600000000) }, { "hour", G_GUINT64_CONSTANT(3600000000) },
    { "hr", G_GUINT64_CONSTANT(3600000000) }, { "h", G_GUINT64_CONSTANT(3600000000) },
    { "days", G_GUINT64_CONSTANT(86400000000) }, { "day", G_GUINT64_CONSTANT(86400000000) },
    { "d", G_GUINT64_CONSTANT(86400000000) }, { "weeks", G_GUINT64_CONSTANT(604800000000) },
    { "week", G_GUINT64_CONSTANT(604800000000) }, { "w", G_GUINT64_CONSTANT(604800000000) },
    { "years", G_GUINT64_CONSTANT(31557600000000) }, { "year", G_GUINT64_CONSTANT(31557600000000) },
    { "y", G_GUINT64_CONSTANT(31557600000000) }, { "usec", 1 }, { "us", 1 }, { "\xce\xbcs", 1 },
  };
  const char *p = text;
  while (g_ascii_isspace(*p))
    p++;
  if (strcmp(p, "infinity") == 0) {
    *out_ns = G_MAXUINT64;
    return TRUE;
  }
  guint64 usec = 0;
  gboolean any = FALSE;
  while (*p) {
    guint64 whole = 0;
    const char *q, *frac = NULL;
    if (!parse_digits(p, &q, &whole) && *q != '.')
      return FALSE;
    if (*q == '.') {
      frac = q + 1;
      for (q = frac; g_ascii_isdigit(*q); q++)
        ;
    }
    while (g_ascii_isspace(*q))
      q++;
    guint64 mult = 1000000; /* no suffix: seconds */
    for (guint i = 0; i < G_N_ELEMENTS(table); i++) {
      if (g_str_has_prefix(q, table[i].suffix)) {
        mult = table[i].usec;
        q += strlen(table[i].suffix);
        break;
      }
    }
    if (q == p || whole > (G_MAXUINT64 / 1000 - usec) / mult)
      return FALSE; /* nothing read, or -ERANGE */
    usec += whole * mult;
    /* the fraction digit by digit, each worth a tenth of the one before, as parse_time() adds it (no overflow: the
     * fraction is below one mult) */
    for (guint64 k = mult / 10; frac && g_ascii_isdigit(*frac); frac++, k /= 10)
      usec += (guint64)(*frac - '0') * k;
    if (usec > G_MAXUINT64 / 1000)
      return FALSE;
    any = TRUE;
    while (g_ascii_isspace(*q))
      q++;
    p = q;
  }
  if (!any)
    return FALSE;
  *out_ns = usec * 1000;
  return TRUE;
}

static void unit_free(gpointer data)
{
  UsOomdUnit *u = data;
  g_free(u->cgroup);
  g_free(u);
}

static UsOomd *oomd_alloc(void)
{
  UsOomd *cfg = g_new0(UsOomd, 1);
  cfg->swap_used_limit_permyriad = 9000;    /* DEFAULT_SWAP_USED_LIMIT_PERCENT 90 */
  cfg->mem_pressure_limit_permyriad = 6000; /* DEFAULT_MEM_PRESSURE_LIMIT_PERCENT 60 */
  cfg->mem_pressure_duration_ns = US_OOMD_DEFAULT_MEM_PRESSURE_DURATION_NS;
  cfg->units = g_ptr_array_new_with_free_func(unit_free);
  return cfg;
}

UsOomd *us_oomd_new_default(void)
{
  UsOomd *cfg = oomd_alloc();
  UsOomdUnit *root = g_new0(UsOomdUnit, 1);
  root->cgroup = g_strdup("/");
  root->swap_kill = TRUE;
  g_ptr_array_add(cfg->units, root);
  cfg->default_units = TRUE;
  return cfg;
}

void us_oomd_free(UsOomd *cfg)
{
  if (!cfg)
    return;
  g_ptr_array_unref(cfg->units);
  g_free(cfg);
}

static const ScAttr *find_attr(const ScElement *el, const char *name)
{
  for (guint i = 0; i < el->attrs->len; i++)
    if (strcmp(((const ScAttr *)el->attrs->pdata[i])->name, name) == 0)
      return el->attrs->pdata[i];
  return NULL;
}

/* A percentage attribute as parse_permyriad() takes it; absent: *out unchanged. */
static gboolean read_permyriad(const ScElement *el, const char *file, const char *name, const char *where, int *out,
                               GError **error)
{
  const ScAttr *a = find_attr(el, name);
  if (!a || parse_permyriad(a->value, out))
    return TRUE;
  scenario_set_error(error, SCENARIO_ERROR_RANGE, file, a->line, a->col,
                     "%s=\"%s\": a percentage (90%%, 90.5%%), permille (905\xe2\x80\xb0) or permyriad "
                     "(9050\xe2\x80\xb1) from 0 to 100%%, as %s takes it", name, a->value, where);
  return FALSE;
}

static UsOomdUnit *read_unit(const ScElement *el, const char *file, GError **error)
{
  g_autoptr(GPtrArray) owner = g_ptr_array_new_with_free_func(unit_free);
  UsOomdUnit *u = g_new0(UsOomdUnit, 1);
  g_ptr_array_add(owner, u);
  u->line = el->line;
  u->col = el->col;
  const ScAttr *a = find_attr(el, "cgroup");
  u->cgroup = g_strdup(a ? a->value : "/");
  a = find_attr(el, "ManagedOOMSwap");
  u->swap_kill = a && strcmp(a->value, "kill") == 0;
  a = find_attr(el, "ManagedOOMMemoryPressure");
  u->pressure_kill = a && strcmp(a->value, "kill") == 0;
  /* systemd's unit parser ignores a bad value with a warning; a scenario is refused instead. 0% means the
   * default (oomd uses the unit's limit only when it is > 0). */
  if (!read_permyriad(el, file, "ManagedOOMMemoryPressureLimit", "a unit file", &u->pressure_limit_permyriad, error))
    return NULL;
  a = find_attr(el, "ManagedOOMPreference");
  if (a && strcmp(a->value, "avoid") == 0)
    u->preference = US_OOMD_PREFERENCE_AVOID;
  else if (a && strcmp(a->value, "omit") == 0)
    u->preference = US_OOMD_PREFERENCE_OMIT;
  return g_ptr_array_steal_index(owner, 0);
}

UsOomd *us_oomd_new(const ScElement *el, const char *file, GError **error)
{
  g_autoptr(UsOomd) cfg = oomd_alloc();
  cfg->line = el->line;
  cfg->col = el->col;
  if (!read_permyriad(el, file, "SwapUsedLimit", "oomd.conf", &cfg->swap_used_limit_permyriad, error) ||
      !read_permyriad(el, file, "DefaultMemoryPressureLimit", "oomd.conf", &cfg->mem_pressure_limit_permyriad, error))
    return NULL;
  /* config_parse_sec(); manager_start(): 0 means the default. oomd.c only logs "must be 0 or at least 1s" for a
   * shorter one and runs with it, as the model does. */
  const ScAttr *a = find_attr(el, "DefaultMemoryPressureDurationSec");
  guint64 duration_ns = 0;
  if (a && !parse_sec(a->value, &duration_ns)) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, file, a->line, a->col,
                       "DefaultMemoryPressureDurationSec=\"%s\": a time span as systemd takes it (30, 30s, 1min 30s, "
                       "infinity)", a->value);
    return NULL;
  }
  if (duration_ns)
    cfg->mem_pressure_duration_ns = duration_ns;
  for (guint i = 0; i < el->children->len; i++) {
    UsOomdUnit *u = read_unit(el->children->pdata[i], file, error);
    if (!u)
      return NULL;
    for (guint j = 0; j < cfg->units->len; j++) {
      const UsOomdUnit *earlier = cfg->units->pdata[j];
      if (strcmp(earlier->cgroup, u->cgroup) == 0) {
        scenario_set_error(error, SCENARIO_ERROR_DUPLICATE, file, u->line, u->col,
                           "the unit of cgroup %s is already given on line %d", u->cgroup, earlier->line);
        unit_free(u);
        return NULL;
      }
    }
    g_ptr_array_add(cfg->units, u);
  }
  return g_steal_pointer(&cfg);
}

/* oomd_mem_available_below(): total - used < total * permyriad / 10000 (used = MemTotal - MemAvailable);
 * oomd_swap_free_below(): swap free < swap total * permyriad / 10000, integer arithmetic in bytes. With no swap
 * the swap check never holds (0 < 0), so the rule never acts. As in oomd, the products are uint64_t: past 1.8 PB of
 * RAM (the model allows 4 PiB) mem_total * permyriad wraps, deterministically, as it would in oomd. */
gboolean us_oomd_swap_limit_hit(const UsOomd *cfg, guint64 mem_total, guint64 mem_available, guint64 swap_total,
                                guint64 swap_free)
{
  guint64 threshold = (guint64)(10000 - cfg->swap_used_limit_permyriad);
  return mem_available < mem_total * threshold / 10000 && swap_free < swap_total * threshold / 10000;
}

static UsOomdPreference preference_of(const UsOomd *cfg, const KmMemcg *memcg)
{
  for (guint i = 0; i < cfg->units->len; i++) {
    const UsOomdUnit *u = cfg->units->pdata[i];
    if (strcmp(u->cgroup, memcg->path) == 0)
      return u->preference;
  }
  return US_OOMD_PREFERENCE_NONE;
}

static void add_candidate(const UsOomd *cfg, GArray *out, GHashTable *seen, KmSystem *sys, KmMemcg *memcg)
{
  if (!g_hash_table_add(seen, memcg))
    return;
  /* oomd_cgroup_context_acquire() reads memory.swap.current, memory.current and memory.stat's pgscan of a non-root
   * cgroup only: the root's swap usage and pgscan are 0, its memory usage procfs_memory_get_used() */
  const guint64 page = sys->machine.page_size;
  gboolean root = memcg->parent == NULL;
  KmPages used = sys->machine.totalram_pages - km_si_mem_available(sys);
  UsOomdCandidate c = { .memcg = memcg, .swap_usage = root ? 0 : (guint64)memcg->swap_usage * page,
                        .preference = preference_of(cfg, memcg), .pgscan = root ? 0 : km_memcg_pgscan(memcg),
                        .current_memory_usage = (guint64)(root ? MAX(used, 0) : memcg->usage) * page };
  g_array_append_val(out, c);
}

/* recursively_get_cgroup_context(): a cgroup without children is a candidate; otherwise each child with
 * memory.oom.group=1 is one, and the others are looked into. */
static void collect(const UsOomd *cfg, GArray *out, GHashTable *seen, KmSystem *sys, KmMemcg *memcg)
{
  if (g_queue_is_empty(&memcg->children)) {
    add_candidate(cfg, out, seen, sys, memcg);
    return;
  }
  for (GList *l = memcg->children.head; l; l = l->next) {
    KmMemcg *child = l->data;
    if (child->oom_group)
      add_candidate(cfg, out, seen, sys, child);
    else
      collect(cfg, out, seen, sys, child);
  }
}

static int candidate_path_cmp(gconstpointer a, gconstpointer b)
{
  return strcmp(((const UsOomdCandidate *)a)->memcg->path, ((const UsOomdCandidate *)b)->memcg->path);
}

gboolean us_oomd_has_pressure_units(const UsOomd *cfg)
{
  for (guint i = 0; i < cfg->units->len; i++)
    if (((const UsOomdUnit *)cfg->units->pdata[i])->pressure_kill)
      return TRUE;
  return FALSE;
}

GArray *us_oomd_swap_candidates(const UsOomd *cfg, KmSystem *sys)
{
  return us_oomd_candidates(cfg, sys, US_OOMD_RULE_SWAP);
}

GArray *us_oomd_candidates(const UsOomd *cfg, KmSystem *sys, UsOomdRule rule)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(UsOomdCandidate));
  g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
  for (guint i = 0; i < cfg->units->len; i++) {
    const UsOomdUnit *u = cfg->units->pdata[i];
    gboolean managed = rule == US_OOMD_RULE_SWAP ? u->swap_kill : u->pressure_kill;
    KmMemcg *memcg = managed ? km_system_find_memcg(sys, u->cgroup) : NULL;
    if (memcg)
      collect(cfg, out, seen, sys, memcg);
  }
  g_array_sort(out, candidate_path_cmp);
  return out;
}

/* compare_swap_usage(): CMP(c1->preference, c2->preference), then CMP(c2->swap_usage, c1->swap_usage); then the
 * path, a unique key (the model's choice for oomd's unspecified order). */
static int compare_swap_usage(gconstpointer a, gconstpointer b)
{
  const UsOomdCandidate *c1 = a, *c2 = b;
  if (c1->preference != c2->preference)
    return c1->preference < c2->preference ? -1 : 1;
  if (c1->swap_usage != c2->swap_usage)
    return c2->swap_usage < c1->swap_usage ? -1 : 1;
  return strcmp(c1->memcg->path, c2->memcg->path);
}

int us_oomd_select_by_swap_usage(GArray *candidates, guint64 threshold)
{
  g_array_sort(candidates, compare_swap_usage);
  for (guint i = 0; i < candidates->len; i++) {
    const UsOomdCandidate *c = &g_array_index(candidates, UsOomdCandidate, i);
    /* oomd_sort_cgroup_contexts() drops ManagedOOMPreference=omit; "Skip over cgroups with not enough swap
     * usage. Don't break since there might be avoid cgroups at the end." */
    if (c->preference == US_OOMD_PREFERENCE_OMIT || c->swap_usage <= threshold)
      continue;
    return (int)i;
  }
  return -1;
}
