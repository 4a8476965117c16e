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
 * Newer systemd (256+) only marks the cgroup and kills it after a delay (oomd_cgroup_kill_mark()); 252 kills at
 * once. The preference is read from the cgroup's user.oomd_avoid / user.oomd_omit xattrs, which systemd writes for
 * a system unit; the model honours it for every unit (the owner-uid check of user units is not modelled).
 */
#include "us-oomd.h"

#include <string.h>

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

static void unit_free(gpointer data)
{
  UsOomdUnit *u = data;
  g_free(u->cgroup);
  g_free(u);
}

static UsOomd *oomd_alloc(void)
{
  UsOomd *cfg = g_new0(UsOomd, 1);
  cfg->swap_used_limit_permyriad = 9000; /* DEFAULT_SWAP_USED_LIMIT_PERCENT 90 */
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

static gboolean refuse_pressure(const ScElement *el, const char *file, const char *name, GError **error)
{
  const ScAttr *a = find_attr(el, name);
  if (!a)
    return TRUE;
  scenario_set_error(error, SCENARIO_ERROR_UNSUPPORTED, file, a->line, a->col,
                     "%s: the memory-pressure rule of systemd-oomd (PSI) is not modelled; only the swap rule "
                     "(SwapUsedLimit=, ManagedOOMSwap=) is (docs/userspace-killers.md)", name);
  return FALSE;
}

static UsOomdUnit *read_unit(const ScElement *el, const char *file, GError **error)
{
  if (!refuse_pressure(el, file, "ManagedOOMMemoryPressure", error) ||
      !refuse_pressure(el, file, "ManagedOOMMemoryPressureLimit", error))
    return NULL;
  UsOomdUnit *u = g_new0(UsOomdUnit, 1);
  u->line = el->line;
  u->col = el->col;
  const ScAttr *a = find_attr(el, "cgroup");
  u->cgroup = g_strdup(a ? a->value : "/");
  a = find_attr(el, "ManagedOOMSwap");
  u->swap_kill = a && strcmp(a->value, "kill") == 0;
  a = find_attr(el, "ManagedOOMPreference");
  if (a && strcmp(a->value, "avoid") == 0)
    u->preference = US_OOMD_PREFERENCE_AVOID;
  else if (a && strcmp(a->value, "omit") == 0)
    u->preference = US_OOMD_PREFERENCE_OMIT;
  return u;
}

UsOomd *us_oomd_new(const ScElement *el, const char *file, GError **error)
{
  g_autoptr(UsOomd) cfg = oomd_alloc();
  cfg->line = el->line;
  cfg->col = el->col;
  if (!refuse_pressure(el, file, "DefaultMemoryPressureLimit", error) ||
      !refuse_pressure(el, file, "DefaultMemoryPressureDurationSec", error))
    return NULL;
  const ScAttr *a = find_attr(el, "SwapUsedLimit");
  if (a && !parse_permyriad(a->value, &cfg->swap_used_limit_permyriad)) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, file, a->line, a->col,
                       "SwapUsedLimit=\"%s\": a percentage (90%%, 90.5%%), permille (905\xe2\x80\xb0) or permyriad "
                       "(9050\xe2\x80\xb1) from 0 to 100%%, as oomd.conf takes it", a->value);
    return NULL;
  }
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
  /* oomd_cgroup_context_acquire() reads memory.swap.current of a non-root cgroup only: the root's is 0 */
  guint64 swap = memcg->parent ? (guint64)memcg->swap_usage * sys->machine.page_size : 0;
  UsOomdCandidate c = { .memcg = memcg, .swap_usage = swap,
                        .preference = preference_of(cfg, memcg) };
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

GArray *us_oomd_swap_candidates(const UsOomd *cfg, KmSystem *sys)
{
  GArray *out = g_array_new(FALSE, FALSE, sizeof(UsOomdCandidate));
  g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
  for (guint i = 0; i < cfg->units->len; i++) {
    const UsOomdUnit *u = cfg->units->pdata[i];
    KmMemcg *memcg = u->swap_kill ? km_system_find_memcg(sys, u->cgroup) : NULL;
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
