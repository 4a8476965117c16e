/* harness/harness-compare.c: a simulated outcome next to the real kernel's, row by row, and the verdict.
 *
 * Exact: victims and their order (with oom_kill_allocating_task marks), each kill's constraint and OOM domain,
 * exit statuses in order of death, the steps that failed with ENOMEM, the steps that failed with another error
 * (EBUSY, ...), panic and its message, "no killable
 * process", unresolved runs, blocked processes, and memory.events oom_kill / oom_group_kill per cgroup.
 * memory.events oom and max are shown in the raw records only: on a real kernel they count attempts and depend on
 * timing (shared/vm-harness-facts.md).
 * These are the decisions; they must agree exactly.
 * The figures of each Killed-process line, with a tolerance (docs/validation.md explains the numbers):
 *   anon-rss                  +- HARNESS_RSS_TOLERANCE_PAGES + the kernel's measured jitter for that kind of OOM
 *   file-rss + shmem-rss      the same, after taking off the agent's own image (the static /init mapped from
 *                             the initramfs, measured in the VM before the trace)
 *   pgtables                  +- HARNESS_PGTABLES_TOLERANCE_PAGES
 * The two verdicts are kept apart (decisions, figures); the scenario agrees when both do.
 */
#include "harness.h"

#include <json-glib/json-glib.h>
#include <string.h>

static void row_free(gpointer p)
{
  HarnessRow *r = p;
  g_free(r->what);
  g_free(r->simulated);
  g_free(r->real);
  g_free(r->note);
  g_free(r);
}

static HarnessRow *add_row(HarnessComparison *c, char *what, char *simulated, char *real, gboolean agree)
{
  HarnessRow *r = g_new0(HarnessRow, 1);
  r->what = what;
  r->simulated = simulated;
  r->real = real;
  r->agree = agree;
  g_ptr_array_add(c->rows, r);
  return r;
}

static HarnessRow *add_text_row(HarnessComparison *c, const char *what, char *simulated, char *real)
{
  return add_row(c, g_strdup(what), simulated, real, g_strcmp0(simulated, real) == 0);
}

static char *kills_text(const SimOutcome *o)
{
  if (!o->kills->len)
    return g_strdup("none");
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < o->kills->len; i++) {
    const SimKill *k = g_ptr_array_index(o->kills, i);
    g_string_append_printf(s, "%s%d (%s)%s", i ? ", " : "", k->pid, k->comm ? k->comm : "?",
                           k->allocating_task ? " allocating task" : "");
  }
  return g_string_free(s, FALSE);
}

static char *constraint_text(const SimKill *k)
{
  return g_strdup_printf("%s %s", k->constraint ? k->constraint : "(not printed)",
                         k->oom_memcg ? k->oom_memcg : "global");
}

/* unseen: NULL, or the real outcome of a run that ended unresolved (a livelock or a timeout ends the VM run, so
 * nobody sees the trace end): a simulated exit 0 at the end of the trace that the real run has no exit for is not
 * shown, since the kernel never got there (found by make differential: seed 1, #114) */
static char *exits_text(const SimOutcome *o, const SimOutcome *unseen)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *e = g_ptr_array_index(o->exits, i);
    if (unseen && e->status == 0 && e->signal == 0 && !sim_outcome_find_exit(unseen, e->pid))
      continue;
    g_string_append_printf(s, "%s%d:%d", s->len ? ", " : "", e->pid, e->status);
  }
  if (!s->len)
    g_string_append(s, "none");
  return g_string_free(s, FALSE);
}

/* earlyoom's signals: "PID:SIGTERM after LABEL", LABEL the last step run before it (the simulator's polls fall
 * between steps; in the VM, the step after which the agent saw the process die) */
static char *signals_text(const SimOutcome *o, const HarnessScenario *scenario)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < o->actor_signals->len; i++) {
    const SimActorSignal *a = g_ptr_array_index(o->actor_signals, i);
    g_string_append_printf(s, "%s%d:%s ", s->len ? ", " : "", a->pid, a->signal == 9 ? "SIGKILL" : "SIGTERM");
    if (a->steps_done == G_MAXUINT64)
      g_string_append(s, "(not seen to die)");
    else if (a->steps_done == 0)
      g_string_append(s, "before the first step");
    else if (a->steps_done <= scenario->step_labels->len)
      g_string_append_printf(s, "after %s", (const char *)g_ptr_array_index(scenario->step_labels, a->steps_done - 1));
    else
      g_string_append(s, "after the trace");
  }
  if (!s->len)
    g_string_append(s, "none");
  return g_string_free(s, FALSE);
}

/* The victims' badness and VmRSS as each earlyoom logged them: shown, not compared (see the row below). */
static char *signal_figures_text(const SimOutcome *o)
{
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < o->actor_signals->len; i++) {
    const SimActorSignal *a = g_ptr_array_index(o->actor_signals, i);
    if (a->badness >= 0)
      g_string_append_printf(s, "%s%d:%d/%lld MiB", s->len ? ", " : "", a->pid, a->badness, a->rss_mib);
  }
  if (!s->len)
    g_string_append(s, "none");
  return g_string_free(s, FALSE);
}

static char *strings_text(GPtrArray *a)
{
  if (!a->len)
    return g_strdup("none");
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < a->len; i++)
    g_string_append_printf(s, "%s%s", i ? ", " : "", (const char *)g_ptr_array_index(a, i));
  return g_string_free(s, FALSE);
}

/* The simulated step labels ("LABEL" or "LABEL ERRNO") of a: when real ended unresolved (a livelock or a timeout
 * ends the VM run), only those of steps the VM ran, since the kernel never got to the others (found by make
 * differential: seed 1, #275 on 6.1, a cgroup write after the livelock that failed with EBUSY in the model). */
static char *steps_text(GPtrArray *a, const HarnessVmResult *real)
{
  if (!real->outcome->unresolved)
    return strings_text(a);
  g_autoptr(GPtrArray) ran = g_ptr_array_new();
  for (guint i = 0; i < a->len; i++) {
    const char *entry = g_ptr_array_index(a, i);
    size_t len = strcspn(entry, " ");
    for (guint j = 0; j < real->step_results->len; j++) {
      const char *r = g_ptr_array_index(real->step_results, j);
      if (strncmp(r, entry, len) == 0 && r[len] == ' ') {
        g_ptr_array_add(ran, (gpointer)entry);
        break;
      }
    }
  }
  return strings_text(ran);
}

static char *pids_text(GPtrArray *a)
{
  if (!a->len)
    return g_strdup("none");
  GString *s = g_string_new(NULL);
  for (guint i = 0; i < a->len; i++)
    g_string_append_printf(s, "%s%d", i ? ", " : "", GPOINTER_TO_INT(g_ptr_array_index(a, i)));
  return g_string_free(s, FALSE);
}

static char *panic_text(const SimOutcome *o)
{
  if (!o->panicked)
    return g_strdup("no");
  return g_strdup_printf("yes: %s", o->panic_message ? o->panic_message : "(no message)");
}

gboolean harness_jitter_load(const char *path, const char *kernel_key, HarnessJitter *jitter, GError **error)
{
  *jitter = (HarnessJitter){0};
  g_autofree char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, error))
    return FALSE;
  /* KERNEL KIND PAGES REST (a line each; '#' comments): "6.1 global 120 measured 2026-12-05 on linux-image-..." */
  g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
  gboolean found = FALSE;
  for (guint i = 0; lines[i]; i++) {
    g_strstrip(lines[i]);
    if (!lines[i][0] || lines[i][0] == '#')
      continue;
    g_auto(GStrv) f = g_strsplit_set(lines[i], " \t", 4);
    guint64 pages = 0;
    if (g_strv_length(f) < 3 || !g_ascii_string_to_unsigned(f[2], 10, 0, G_MAXUINT, &pages, NULL) ||
        (strcmp(f[1], "global") != 0 && strcmp(f[1], "memcg") != 0)) {
      g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_SETUP, "%s:%u: expected KERNEL global|memcg PAGES ...",
                  path, i + 1);
      g_free(jitter->source); /* a failed load leaves nothing behind, as it found it */
      *jitter = (HarnessJitter){0};
      return FALSE;
    }
    if (strcmp(f[0], kernel_key) != 0)
      continue;
    if (strcmp(f[1], "global") == 0)
      jitter->global_pages = (guint)pages;
    else
      jitter->memcg_pages = (guint)pages;
    if (!found)
      jitter->source = g_strdup_printf("%s: %s", path, f[3] ? f[3] : "");
    found = TRUE;
  }
  return TRUE;
}

static gboolean within(guint64 a, guint64 b, guint64 tolerance)
{
  return (a > b ? a - b : b - a) <= tolerance;
}

static void compare_rss(HarnessComparison *c, const SimKill *sk, const SimKill *rk, const HarnessVmResult *real,
                        const HarnessJitter *jitter)
{
  gboolean global = rk->oom_memcg == NULL;
  guint jitter_pages = jitter ? (global ? jitter->global_pages : jitter->memcg_pages) : 0;
  const guint64 tol_kb = (HARNESS_RSS_TOLERANCE_PAGES + (guint64)jitter_pages) * 4,
                pgt_tol_kb = HARNESS_PGTABLES_TOLERANCE_PAGES * 4;
  guint64 base_nonanon = real->base_rss_kb > real->base_anon_kb ? real->base_rss_kb - real->base_anon_kb : 0;
  guint64 real_other = rk->file_rss_kb + rk->shmem_rss_kb;
  real_other = real_other > base_nonanon ? real_other - base_nonanon : 0;
  guint64 sim_other = sk->file_rss_kb + sk->shmem_rss_kb;
  gboolean ok = within(sk->anon_rss_kb, rk->anon_rss_kb, tol_kb) && within(sim_other, real_other, tol_kb) &&
                within(sk->pgtables_kb, rk->pgtables_kb, pgt_tol_kb);
  HarnessRow *r = add_row(
      c, g_strdup_printf("rss of %d", rk->pid),
      g_strdup_printf("anon %" G_GUINT64_FORMAT " file+shmem %" G_GUINT64_FORMAT " pgtables %" G_GUINT64_FORMAT
                      " kB",
                      sk->anon_rss_kb, sim_other, sk->pgtables_kb),
      g_strdup_printf("anon %" G_GUINT64_FORMAT " file+shmem %" G_GUINT64_FORMAT " pgtables %" G_GUINT64_FORMAT
                      " kB",
                      rk->anon_rss_kb, real_other, rk->pgtables_kb),
      ok);
  r->figure = TRUE;
  r->note = g_strdup_printf("+-%u pages rss (counter lag %u + %s OOM jitter %u), +-%u pages pgtables; real "
                            "file+shmem less the agent's image (%" G_GUINT64_FORMAT " kB)",
                            HARNESS_RSS_TOLERANCE_PAGES + jitter_pages, HARNESS_RSS_TOLERANCE_PAGES,
                            global ? "global" : "memcg", jitter_pages, HARNESS_PGTABLES_TOLERANCE_PAGES,
                            base_nonanon);
}

static const SimMemcgEvents *find_events(const SimOutcome *o, const char *cgroup)
{
  for (guint i = 0; i < o->memcg_events->len; i++) {
    const SimMemcgEvents *e = g_ptr_array_index(o->memcg_events, i);
    if (g_strcmp0(e->cgroup, cgroup) == 0)
      return e;
  }
  return NULL;
}

static void compare_events(HarnessComparison *c, const SimOutcome *sim, const SimOutcome *vm)
{
  for (guint i = 0; i < vm->memcg_events->len; i++) {
    const SimMemcgEvents *re = g_ptr_array_index(vm->memcg_events, i);
    const SimMemcgEvents *se = find_events(sim, re->cgroup);
    struct {
      const char *name;
      gint64 real, simulated;
    } counters[] = {
        {"oom_kill", re->oom_kill, se ? se->oom_kill : -1},
        {"oom_group_kill", re->oom_group_kill, se ? se->oom_group_kill : -1},
    };
    for (guint j = 0; j < G_N_ELEMENTS(counters); j++) {
      if (counters[j].real < 0)
        continue; /* no such file in the VM (the v2 root, oom_group_kill on v1) */
      add_row(c, g_strdup_printf("%s %s", counters[j].name, re->cgroup),
              counters[j].simulated < 0 ? g_strdup("-") : g_strdup_printf("%" G_GINT64_FORMAT, counters[j].simulated),
              g_strdup_printf("%" G_GINT64_FORMAT, counters[j].real), counters[j].simulated == counters[j].real);
    }
  }
}

HarnessComparison *harness_compare(const HarnessScenario *scenario, const SimOutcome *sim, const char *sim_refused,
                                   const HarnessVmResult *real, const HarnessJitter *jitter)
{
  HarnessComparison *c = g_new0(HarnessComparison, 1);
  c->scenario = g_strdup(scenario->name);
  c->path = g_strdup(scenario->path);
  c->rows = g_ptr_array_new_with_free_func(row_free);
  c->kernel_lines = g_ptr_array_new_with_free_func(g_free);
  c->kernel_release = g_strdup(real->kernel_release);
  for (guint i = 0; i < real->kernel_lines->len; i++)
    g_ptr_array_add(c->kernel_lines, g_strdup(g_ptr_array_index(real->kernel_lines, i)));
  if (sim_refused || real->unsupported) {
    /* The kernel refusing a scenario (Debian's 6.12 has no cgroup v1 memory controller) is an outcome like any
     * other: it agrees only if the model, with this kernel's profile, refuses the scenario too. */
    HarnessRow *r = add_row(c, g_strdup("runs"),
                            sim_refused ? g_strdup("refused") : g_strdup("yes"),
                            real->unsupported ? g_strdup("refused") : g_strdup("yes"),
                            sim_refused && real->unsupported);
    r->note = g_strdup_printf("model: %s; kernel: %s", sim_refused ? sim_refused : "runs it",
                              real->unsupported ? real->unsupported_reason : "runs it");
    c->decisions_agree = c->figures_agree = r->agree;
    c->verdict = r->agree ? HARNESS_AGREE : HARNESS_DISAGREE;
    return c;
  }
  const SimOutcome *vm = real->outcome;

  add_text_row(c, "victims", kills_text(sim), kills_text(vm));
  guint nk = MIN(sim->kills->len, vm->kills->len);
  for (guint i = 0; i < nk; i++) {
    const SimKill *sk = g_ptr_array_index(sim->kills, i), *rk = g_ptr_array_index(vm->kills, i);
    g_autofree char *what = g_strdup_printf("constraint of kill %u", i + 1);
    add_text_row(c, what, constraint_text(sk), constraint_text(rk));
  }
  add_text_row(c, "exits (pid:status)", exits_text(sim, vm->unresolved ? vm : NULL), exits_text(vm, NULL));
  add_text_row(c, "ENOMEM steps", steps_text(sim->enomem_steps, real), strings_text(vm->enomem_steps));
  add_text_row(c, "failed steps", steps_text(sim->step_errors, real), strings_text(vm->step_errors));
  add_text_row(c, "panic", panic_text(sim), panic_text(vm));
  add_text_row(c, "no killable process", g_strdup(sim->no_killable ? "yes" : "no"),
               g_strdup(vm->no_killable ? "yes" : "no"));
  HarnessRow *u = add_text_row(c, "unresolved", g_strdup(sim->unresolved ? "yes" : "no"),
                               g_strdup(vm->unresolved ? "yes" : "no"));
  if (vm->unresolved)
    u->note = g_strdup(real->livelock ? "the kernel retried the OOM with nothing to kill"
                                      : "time limit reached");
  add_text_row(c, "blocked at the end", pids_text(sim->blocked_pids), pids_text(vm->blocked_pids));
  if (scenario->earlyoom) {
    /* Debian's earlyoom ran in the VM (docs/userspace-killers.md, "Validation"): whom it signalled, with what,
     * after which step; and that it was still running at the end (the kernel may kill it: the model has no
     * earlyoom process) */
    add_text_row(c, "earlyoom signals", signals_text(sim, scenario), signals_text(vm, scenario));
    /* the real earlyoom polls during a step too (a step takes guest time), so it may read the victim part way
     * through the step the model's poll follows: its badness and VmRSS are lower by up to one step's pages */
    HarnessRow *f = add_row(c, g_strdup("earlyoom badness/VmRSS"), signal_figures_text(sim), signal_figures_text(vm),
                            TRUE);
    f->note = g_strdup("shown, not compared: the real earlyoom may read them part way through a step");
    add_text_row(c, "earlyoom ran to the end", g_strdup("yes"),
                 real->earlyoom_death ? g_strdup_printf("no (%s)", real->earlyoom_death) : g_strdup("yes"));
    /* The model runs each step at its at= time; the VM can only when the steps before it took less guest time
     * than the trace allows. A step more than earlyoom's shortest sleep late leaves it no poll between the steps
     * the model has it poll between: the comparison of when it acted means nothing then (a harness limit; write
     * the scenario with more time between its steps) */
    gboolean kept = real->late_us <= HARNESS_SCHEDULE_SLACK_US;
    HarnessRow *r = add_row(c, g_strdup("at= times kept"), g_strdup("yes"),
                            kept ? g_strdup("yes")
                                 : g_strdup_printf("no: %s started %" G_GUINT64_FORMAT " ms late",
                                                   real->late_step >= 0 && (guint)real->late_step < scenario->step_labels->len
                                                       ? (const char *)g_ptr_array_index(scenario->step_labels, real->late_step)
                                                       : "a step",
                                                   real->late_us / 1000),
                            kept);
    if (!kept)
      r->note = g_strdup("the VM's steps took longer than the trace's times allow: give them more time");
  }
  compare_events(c, sim, vm);
  /* rss figures only where the victims are the same processes */
  for (guint i = 0; i < nk; i++) {
    const SimKill *sk = g_ptr_array_index(sim->kills, i), *rk = g_ptr_array_index(vm->kills, i);
    if (sk->pid == rk->pid)
      compare_rss(c, sk, rk, real, jitter);
  }
  c->decisions_agree = c->figures_agree = TRUE;
  for (guint i = 0; i < c->rows->len; i++) {
    const HarnessRow *r = g_ptr_array_index(c->rows, i);
    if (!r->agree && r->figure)
      c->figures_agree = FALSE;
    else if (!r->agree)
      c->decisions_agree = FALSE;
  }
  c->verdict = c->decisions_agree && c->figures_agree ? HARNESS_AGREE : HARNESS_DISAGREE;
  return c;
}

void harness_comparison_free(HarnessComparison *c)
{
  if (!c)
    return;
  g_free(c->scenario);
  g_free(c->path);
  g_free(c->kernel_package);
  g_free(c->kernel_release);
  g_free(c->reason);
  g_free(c->race);
  if (c->rows)
    g_ptr_array_unref(c->rows);
  if (c->kernel_lines)
    g_ptr_array_unref(c->kernel_lines);
  g_free(c);
}

const char *harness_verdict_name(HarnessVerdict verdict)
{
  static const char *const names[] = {
      [HARNESS_AGREE] = "agree",
      [HARNESS_DISAGREE] = "DISAGREE",
      [HARNESS_NOT_RUNNABLE] = "not runnable",
      [HARNESS_ERROR_VERDICT] = "ERROR",
  };
  return verdict <= HARNESS_ERROR_VERDICT ? names[verdict] : "?";
}

void harness_comparison_render_text(const HarnessComparison *c, GString *out)
{
  g_string_append_printf(out, "== %s (%s)\n", c->scenario, c->path);
  if (c->kernel_release)
    /* no wall time here: the text report of two runs must be byte-identical (it is in the JSON) */
    g_string_append_printf(out, "   kernel %s\n", c->kernel_release);
  if (c->kernel_package && strstr(c->kernel_package, "; earlyoom "))
    g_string_append_printf(out, "   with %s\n", strstr(c->kernel_package, "; earlyoom ") + 2);
  if (c->rows->len) {
    int w_what = 4, w_sim = 9;
    for (guint i = 0; i < c->rows->len; i++) {
      const HarnessRow *r = g_ptr_array_index(c->rows, i);
      w_what = MAX(w_what, (int)strlen(r->what));
      w_sim = MAX(w_sim, (int)strlen(r->simulated));
    }
    g_string_append_printf(out, "   %-*s  %-*s  %s\n", w_what, "what", w_sim, "simulated", "real kernel");
    for (guint i = 0; i < c->rows->len; i++) {
      const HarnessRow *r = g_ptr_array_index(c->rows, i);
      g_string_append_printf(out, " %s %-*s  %-*s  %s%s%s\n", r->agree ? " " : "!", w_what, r->what, w_sim,
                             r->simulated, r->real, r->note ? "   # " : "", r->note ? r->note : "");
    }
  }
  if (c->verdict == HARNESS_DISAGREE || c->verdict == HARNESS_ERROR_VERDICT) {
    for (guint i = 0; i < c->kernel_lines->len; i++)
      g_string_append_printf(out, "   | %s\n", (const char *)g_ptr_array_index(c->kernel_lines, i));
  }
  if (c->verdict == HARNESS_AGREE || c->verdict == HARNESS_DISAGREE)
    g_string_append_printf(out, "   decisions: %s; figures: %s\n", c->decisions_agree ? "agree" : "DISAGREE",
                           c->figures_agree ? "agree" : "DISAGREE");
  if (c->race)
    g_string_append_printf(out, "   kernel race: %s\n", c->race);
  g_string_append_printf(out, "   verdict: %s%s%s\n", harness_verdict_name(c->verdict), c->reason ? ": " : "",
                         c->reason ? c->reason : "");
}

static void jstr(JsonBuilder *b, const char *name, const char *value)
{
  json_builder_set_member_name(b, name);
  json_builder_add_string_value(b, value);
}

static void jint(JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name(b, name);
  json_builder_add_int_value(b, value);
}

static void jbool(JsonBuilder *b, const char *name, gboolean value)
{
  json_builder_set_member_name(b, name);
  json_builder_add_boolean_value(b, value);
}

static void jdouble(JsonBuilder *b, const char *name, double value)
{
  json_builder_set_member_name(b, name);
  json_builder_add_double_value(b, value);
}

char *harness_comparisons_to_json(GPtrArray *comparisons, const HarnessKernel *kernel, const HarnessJitter *jitter,
                                  const char *const *sets)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  jstr(b, "kernel", kernel->key);
  jstr(b, "kernel_package", kernel->package);
  json_builder_set_member_name(b, "overrides");
  json_builder_begin_array(b);
  for (guint i = 0; sets && sets[i]; i++)
    json_builder_add_string_value(b, sets[i]);
  json_builder_end_array(b);
  json_builder_set_member_name(b, "figure_jitter");
  json_builder_begin_object(b);
  jint(b, "global_pages", jitter->global_pages);
  jint(b, "memcg_pages", jitter->memcg_pages);
  jstr(b, "source", jitter->source);
  json_builder_end_object(b);
  guint agree = 0, disagree = 0, not_runnable = 0;
  json_builder_set_member_name(b, "scenarios");
  json_builder_begin_array(b);
  for (guint i = 0; i < comparisons->len; i++) {
    const HarnessComparison *c = g_ptr_array_index(comparisons, i);
    agree += c->verdict == HARNESS_AGREE;
    disagree += c->verdict == HARNESS_DISAGREE || c->verdict == HARNESS_ERROR_VERDICT;
    not_runnable += c->verdict == HARNESS_NOT_RUNNABLE;
    json_builder_begin_object(b);
    jstr(b, "scenario", c->scenario);
    jstr(b, "path", c->path);
    jstr(b, "kernel_release", c->kernel_release);
    jstr(b, "packages", c->kernel_package);
    jstr(b, "verdict", c->verdict == HARNESS_AGREE          ? "agree"
                       : c->verdict == HARNESS_DISAGREE     ? "disagree"
                       : c->verdict == HARNESS_NOT_RUNNABLE ? "not-runnable"
                                                            : "error");
    gboolean compared = c->verdict == HARNESS_AGREE || c->verdict == HARNESS_DISAGREE;
    jstr(b, "decisions", !compared ? NULL : c->decisions_agree ? "agree" : "disagree");
    jstr(b, "figures", !compared ? NULL : c->figures_agree ? "agree" : "disagree");
    jstr(b, "kernel_race", c->race);
    jstr(b, "reason", c->reason);
    jdouble(b, "vm_seconds", c->vm_seconds);
    json_builder_set_member_name(b, "rows");
    json_builder_begin_array(b);
    for (guint j = 0; j < c->rows->len; j++) {
      const HarnessRow *r = g_ptr_array_index(c->rows, j);
      json_builder_begin_object(b);
      jstr(b, "what", r->what);
      jstr(b, "simulated", r->simulated);
      jstr(b, "real", r->real);
      jbool(b, "agree", r->agree);
      jstr(b, "kind", r->figure ? "figure" : "decision");
      if (r->note)
        jstr(b, "note", r->note);
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "kernel_lines");
    json_builder_begin_array(b);
    for (guint j = 0; j < c->kernel_lines->len; j++)
      json_builder_add_string_value(b, g_ptr_array_index(c->kernel_lines, j));
    json_builder_end_array(b);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  jint(b, "agree", agree);
  jint(b, "disagree", disagree);
  jint(b, "not_runnable", not_runnable);
  json_builder_end_object(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  return json_generator_to_data(gen, NULL);
}
