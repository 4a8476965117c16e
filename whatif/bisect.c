/* whatif/bisect.c: the threshold of one parameter for a condition on the outcome (whatif/bisect.h).
 *
 * The search. f(v) is "the condition holds when the parameter is v". The ends are run first: if f(LO) = f(HI)
 * there is no threshold to find in the range (exit 1, with both outcomes). Otherwise the invariant
 * f(a) = f(LO) != f(b) is kept while b - a is more than one unit (a page for sizes, 1 for integers), halving the
 * interval: about log2((HI - LO) / unit) replays, 18 for 1 GiB at page resolution. The answer is the pair (a, b)
 * where the outcome changes, shown with both outcomes.
 *
 * Monotony. A binary search assumes that f changes once in the range; it cannot see a second change between two
 * points it did not run. So `probes` more values, evenly spaced over the range, are run too, and every value run
 * (search and probes) is checked against the threshold found: one on the wrong side is a counter-example, and the
 * report warns with it. This finds non-monotone ranges whose wrong stretch is wider than (HI - LO) / probes; it is
 * a check, not a proof.
 */
#include "bisect.h"

#include <string.h>

#include "sweep.h"

gboolean whatif_until_parse(const SimScenario *sc, const char *text, WhatifUntil *out, GError **error)
{
  static const struct {
    const char *name;
    WhatifUntilKind kind;
    gboolean pid;
  } conditions[] = {
    { "no-oom", WHATIF_UNTIL_NO_OOM, FALSE },     { "survives:", WHATIF_UNTIL_SURVIVES, TRUE },
    { "killed:", WHATIF_UNTIL_KILLED, TRUE },     { "no-panic", WHATIF_UNTIL_NO_PANIC, FALSE },
    { "no-enomem", WHATIF_UNTIL_NO_ENOMEM, FALSE },
  };
  const ScenarioHeader *h = sim_scenario_header(sc);
  for (gsize i = 0; i < G_N_ELEMENTS(conditions); i++) {
    if (conditions[i].pid ? !g_str_has_prefix(text, conditions[i].name) : strcmp(text, conditions[i].name) != 0)
      continue;
    out->kind = conditions[i].kind;
    out->pid = 0;
    if (!conditions[i].pid)
      return TRUE;
    gint64 pid;
    if (!g_ascii_string_to_signed(text + strlen(conditions[i].name), 10, 1, G_MAXINT, &pid, NULL))
      break;
    out->pid = (int)pid;
    for (guint p = 0; p < h->processes->len; p++)
      if (((const ScProcess *)h->processes->pdata[p])->pid == pid)
        return TRUE;
    GPtrArray *steps = sim_scenario_steps(sc);
    for (guint s = 0; s < steps->len; s++) {
      const ScStep *step = steps->pdata[s];
      if (step->kind == SC_STEP_FORK && step->child_pid == pid)
        return TRUE;
    }
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_NO_MATCH, "%s:%d:%d: --until %s: no process with pid %d in "
                "<processes> or forked by the trace", h->file, h->line, h->col, text, out->pid);
    return FALSE;
  }
  g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: --until %s: not a condition (no-oom, "
              "survives:PID, killed:PID, no-panic, no-enomem)", h->file, h->line, h->col, text);
  return FALSE;
}

static gboolean survives(int pid, const SimOutcome *o)
{
  for (guint i = 0; i < o->kills->len; i++)
    if (((const SimKill *)o->kills->pdata[i])->pid == pid)
      return FALSE;
  const SimExit *x = sim_outcome_find_exit(o, pid);
  return !(x && x->signal);
}

gboolean whatif_until_holds(const WhatifUntil *until, const SimOutcome *o)
{
  switch (until->kind) {
  case WHATIF_UNTIL_NO_OOM:
    return o->oom_count == 0;
  case WHATIF_UNTIL_SURVIVES:
    return survives(until->pid, o);
  case WHATIF_UNTIL_KILLED:
    return !survives(until->pid, o);
  case WHATIF_UNTIL_NO_PANIC:
    return !o->panicked;
  case WHATIF_UNTIL_NO_ENOMEM:
    return o->enomem_steps->len == 0;
  }
  return FALSE;
}

typedef struct {
  gint64 value;
  gboolean holds;
  char *outcome; /* the outcome class and victims, for the report */
} Probe;

static void probe_free(gpointer data)
{
  Probe *p = data;
  g_free(p->outcome);
  g_free(p);
}

/* Runs the scenario with the parameter at value; the probe, or NULL with error. */
static Probe *run_at(const SimScenario *sc, const WhatifBisectOptions *opts, gint64 value, GError **error)
{
  g_autoptr(WhatifVariant) v = whatif_variant_new(sc);
  g_autofree char *text = whatif_value_text(opts->param, value);
  if (!whatif_variant_apply_sets(v, opts->sets, error) || !whatif_variant_set(v, opts->param, text, error) ||
      !whatif_variant_check(v, error))
    return NULL;
  SimOptions sim_opts = { .kernel = opts->kernel, .format = SIM_FORMAT_NONE, .row_outcome_only = TRUE };
  g_autoptr(SimOutcome) o = NULL;
  if (!sim_replay(whatif_variant_header(v), whatif_variant_steps(v), &sim_opts, &o, NULL, NULL, error))
    return NULL;
  Probe *p = g_new0(Probe, 1);
  p->value = value;
  p->holds = whatif_until_holds(&opts->until, o);
  g_autoptr(GString) what = g_string_new(NULL);
  g_autofree char *klass = whatif_outcome_class(o);
  g_string_append(what, klass);
  for (guint i = 0; i < o->kills->len; i++) {
    const SimKill *k = o->kills->pdata[i];
    g_string_append_printf(what, "%s%d (%s)", i ? ", " : ": ", k->pid, k->comm);
  }
  p->outcome = g_string_free(g_steal_pointer(&what), FALSE);
  return p;
}

static void describe(GString *out, const WhatifBisectOptions *opts, const Probe *p)
{
  g_autofree char *text = whatif_value_text(opts->param, p->value);
  g_string_append_printf(out, "%s=%s: %s %s (%s)\n", whatif_param_address(opts->param), text, opts->until_text,
                         p->holds ? "holds" : "does not hold", p->outcome);
}

/* `probes` evenly spaced values strictly inside LO..HI, aligned to the unit. */
static gboolean add_probes(const SimScenario *sc, const WhatifBisectOptions *opts, GPtrArray *runs, gint64 lo,
                           gint64 hi, gint64 unit, GError **error)
{
  for (guint i = 1; i <= opts->probes; i++) {
    gint64 v = lo + ((hi - lo) / unit * (gint64)i / (gint64)(opts->probes + 1)) * unit;
    if (v <= lo || v >= hi)
      continue;
    Probe *p = run_at(sc, opts, v, error);
    if (!p)
      return FALSE;
    g_ptr_array_add(runs, p);
  }
  return TRUE;
}

/* A counter-example: a value where the condition is not what `expected` (its side's answer) says. */
static void warn_if(GString *out, const WhatifBisectOptions *opts, const Probe *p, gboolean expected, const char *side)
{
  if (p->holds == expected)
    return;
  g_autofree char *t = whatif_value_text(opts->param, p->value);
  g_string_append_printf(out, "warning: not monotone in this range: at %s=%s %s %s (%s), unlike %s\n",
                         whatif_param_address(opts->param), t, opts->until_text, p->holds ? "holds" : "does not hold",
                         p->outcome, side);
}

GString *whatif_bisect_run(const SimScenario *sc, const WhatifBisectOptions *opts, gboolean *out_found,
                           GError **error)
{
  gint64 unit = whatif_param_type(opts->param) == WHATIF_VALUE_SIZE ? (gint64)sim_scenario_header(sc)->page_size : 1;
  gint64 lo = opts->lo, hi = opts->hi;
  g_autoptr(GPtrArray) runs = g_ptr_array_new_with_free_func(probe_free);
  Probe *a = run_at(sc, opts, lo, error);
  if (!a)
    return NULL;
  g_ptr_array_add(runs, a);
  Probe *b = run_at(sc, opts, hi, error);
  if (!b)
    return NULL;
  g_ptr_array_add(runs, b);
  GString *out = g_string_new(NULL);
  g_autofree char *lo_text = whatif_value_text(opts->param, lo), *hi_text = whatif_value_text(opts->param, hi);
  g_string_append_printf(out, "bisect %s over %s..%s (%s resolution) until %s, kernel %s\n",
                         whatif_param_address(opts->param), lo_text, hi_text, unit > 1 ? "page" : "unit",
                         opts->until_text, opts->kernel ? opts->kernel : "of the scenario");
  describe(out, opts, a);
  describe(out, opts, b);
  *out_found = a->holds != b->holds;
  if (!*out_found) {
    /* no threshold between the ends; but the outcome may still change inside the range and back */
    g_string_append_printf(out, "no threshold: %s %s at both ends of the range\n", opts->until_text,
                           a->holds ? "holds" : "does not hold");
    if (!add_probes(sc, opts, runs, lo, hi, unit, error)) {
      g_string_free(out, TRUE);
      return NULL;
    }
    for (guint i = 2; i < runs->len; i++)
      warn_if(out, opts, runs->pdata[i], a->holds, "both ends");
    return out;
  }
  /* the search: f(a) = f(lo) != f(b) */
  guint searched = 0;
  while ((b->value - a->value) / unit > 1) {
    gint64 mid = a->value + ((b->value - a->value) / unit / 2) * unit;
    Probe *m = run_at(sc, opts, mid, error);
    if (!m) {
      g_string_free(out, TRUE);
      return NULL;
    }
    g_ptr_array_add(runs, m);
    searched++;
    if (m->holds == a->holds)
      a = m;
    else
      b = m;
  }
  g_string_append_printf(out, "threshold after %u more runs:\n", searched);
  describe(out, opts, a);
  describe(out, opts, b);
  /* the answer: the smallest value at which it holds (b holds), or the largest (a holds) */
  const Probe *edge = b->holds ? b : a;
  g_autofree char *edge_text = whatif_value_text(opts->param, edge->value);
  g_autofree char *edge_bytes = unit > 1 ? g_strdup_printf(" (%" G_GINT64_FORMAT " bytes, %" G_GINT64_FORMAT
                                                           " pages)", edge->value, edge->value / unit)
                                         : g_strdup("");
  g_string_append_printf(out, "answer: %s holds for %s %s %s%s: the %s value in the range\n", opts->until_text,
                         whatif_param_address(opts->param), b->holds ? ">=" : "<=", edge_text, edge_bytes,
                         b->holds ? "smallest" : "largest");
  /* monotony probes: every value run must be on its side of the threshold */
  if (!add_probes(sc, opts, runs, lo, hi, unit, error)) {
    g_string_free(out, TRUE);
    return NULL;
  }
  for (guint i = 0; i < runs->len; i++) {
    const Probe *p = runs->pdata[i];
    gboolean upper = p->value >= b->value;
    warn_if(out, opts, p, upper ? b->holds : a->holds, upper ? "the upper side of the threshold" : "the lower side of the threshold");
  }
  g_string_append_printf(out, "runs: %u (2 ends, %u search, %u probes)\n", runs->len, searched, opts->probes);
  return out;
}
