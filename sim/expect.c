/* sim/expect.c: `oomsim check`: the scenario's <expect> against what the simulation did.
 *
 * Only the expectations that apply to the profile that ran are checked (an <expect kernel="4.19"> applies to
 * 4.19 only; one without kernel= to every profile). oom-kill expectations are the victims the OOM killer
 * selected, one per kill decision, in order: the n-th <oom-kill> is compared with the n-th kill (a victim of any
 * pid when it names none), and the number of kills must match, exactly, unless an <oom-kills count="..."> states
 * the number (a range) instead. The other expectations are independent facts about the outcome. A failure says
 * what was expected and what happened, with the run's kills when a count is wrong, so that a CI log is enough to
 * see why.
 */
#include "expect.h"

#include <stdarg.h>
#include <string.h>

static void fail(GPtrArray *failures, const char *file, const ScExpect *x, const char *fmt, ...) G_GNUC_PRINTF(4, 5);
static void fail(GPtrArray *failures, const char *file, const ScExpect *x, const char *fmt, ...)
{
  if (!failures)
    return;
  va_list args;
  va_start(args, fmt);
  g_autofree char *msg = g_strdup_vprintf(fmt, args);
  va_end(args);
  g_ptr_array_add(failures, g_strdup_printf("%s:%d:%d: %s", file, x->line, x->col, msg));
}

static gint64 counter_value(const SimMemcgEvents *ev, const char *name, gboolean *known)
{
  *known = TRUE;
  if (g_strcmp0(name, "low") == 0)
    return ev->low;
  if (g_strcmp0(name, "high") == 0)
    return ev->high;
  if (g_strcmp0(name, "max") == 0)
    return ev->max;
  if (g_strcmp0(name, "oom") == 0)
    return ev->oom;
  if (g_strcmp0(name, "oom_kill") == 0)
    return ev->oom_kill;
  if (g_strcmp0(name, "oom_group_kill") == 0)
    return ev->oom_group_kill;
  *known = FALSE;
  return -1;
}

/* "kills: pid 10 (big) in /pod, pid 11 (small) global" (the first ten), or "kills: none". */
static char *kills_text(const SimOutcome *o)
{
  GString *t = g_string_new("kills: ");
  if (o->kills->len == 0)
    g_string_append(t, "none");
  for (guint i = 0; i < o->kills->len && i < 10; i++) {
    const SimKill *k = o->kills->pdata[i];
    g_string_append_printf(t, "%spid %d (%s) %s%s", i ? ", " : "", k->pid, k->comm, k->oom_memcg ? "in " : "global",
                           k->oom_memcg ? k->oom_memcg : "");
  }
  if (o->kills->len > 10)
    g_string_append_printf(t, ", and %u more", o->kills->len - 10);
  return g_string_free(t, FALSE);
}

static gboolean names_pid(ScExpectKind kind)
{
  return kind == SC_EXPECT_OOM_KILL || kind == SC_EXPECT_EXIT || kind == SC_EXPECT_BLOCKED ||
         kind == SC_EXPECT_SURVIVES || kind == SC_EXPECT_LIVELOCK;
}

/* <container-state>: the container's State, its reason and Restart Count when the trace ends
 * (sim_outcome_container_state()); only the simulator's outcome has them (a kubelet ran). */
static gboolean check_container_state(const char *file, const ScExpect *x, const SimOutcome *o, GPtrArray *failures)
{
  if (!sim_outcome_find_container(o, x->pid)) {
    fail(failures, file, x, "expected the state of container pid %d, but no kubelet ran", x->pid);
    return FALSE;
  }
  SimContainerState st;
  sim_outcome_container_state(o, x->pid, &st);
  ScCount count;
  if (x->count)
    sc_parse_count(x->count, &count); /* checked by the loader */
  if ((x->state && strcmp(x->state, st.state) != 0) || (x->reason && g_strcmp0(x->reason, st.reason) != 0) ||
      (x->count && !sc_count_holds(&count, st.restart_count))) {
    fail(failures, file, x, "expected container pid %d%s%s%s%s%s%s, got State %s%s%s, Restart Count %u", x->pid,
         x->state ? " State " : "", x->state ? x->state : "", x->reason ? " Reason " : "",
         x->reason ? x->reason : "", x->count ? " Restart Count " : "", x->count ? x->count : "", st.state,
         st.reason ? ", Reason " : "", st.reason ? st.reason : "", st.restart_count);
    return FALSE;
  }
  return TRUE;
}

static gboolean pid_known(const SimOutcome *o, int pid)
{
  for (guint i = 0; i < o->known_pids->len; i++)
    if (g_array_index(o->known_pids, int, i) == pid)
      return TRUE;
  return FALSE;
}

static gboolean check_one(const char *file, const ScExpect *x, const SimOutcome *o, SimLogContains log_contains,
                          gpointer log_data, guint *kill_index, GPtrArray *failures)
{
  if (names_pid(x->kind) && x->pid != 0 && !pid_known(o, x->pid)) {
    if (x->kind == SC_EXPECT_OOM_KILL)
      (*kill_index)++;
    fail(failures, file, x, "no process with pid %d took part in this run (a typo?)", x->pid);
    return FALSE;
  }
  switch (x->kind) {
  case SC_EXPECT_OOM_KILL: {
    guint i = (*kill_index)++;
    g_autofree char *who = x->pid ? g_strdup_printf("pid %d", x->pid) : g_strdup("any process");
    if (i >= o->kills->len) {
      g_autofree char *kills = kills_text(o);
      fail(failures, file, x, "expected OOM kill #%u (of %s), but only %u OOM kill(s) happened; %s", i + 1, who,
           o->kills->len, kills);
      return FALSE;
    }
    const SimKill *k = o->kills->pdata[i];
    if (x->pid && k->pid != x->pid) {
      fail(failures, file, x, "expected OOM kill #%u to be pid %d, got pid %d (%s)", i + 1, x->pid, k->pid, k->comm);
      return FALSE;
    }
    if (x->constraint && g_strcmp0(x->constraint, k->constraint) != 0) {
      fail(failures, file, x, "expected OOM kill #%u with %s, got %s", i + 1, x->constraint, k->constraint);
      return FALSE;
    }
    if (x->oom_memcg && g_strcmp0(x->oom_memcg, k->oom_memcg ? k->oom_memcg : "global") != 0) {
      fail(failures, file, x, "expected OOM kill #%u in memcg %s, got %s", i + 1, x->oom_memcg,
           k->oom_memcg ? k->oom_memcg : "global");
      return FALSE;
    }
    return TRUE;
  }
  case SC_EXPECT_OOM_KILLS: {
    ScCount count;
    sc_parse_count(x->count, &count); /* checked by the loader */
    if (!sc_count_holds(&count, o->kills->len)) {
      g_autofree char *kills = kills_text(o);
      fail(failures, file, x, "expected OOM kills %s, got %u; %s", x->count, o->kills->len, kills);
      return FALSE;
    }
    return TRUE;
  }
  case SC_EXPECT_EXIT: {
    const SimExit *e = sim_outcome_find_exit(o, x->pid);
    if (!e) {
      fail(failures, file, x, "expected pid %d to exit, but it did not", x->pid);
      return FALSE;
    }
    if (x->has_status && e->status != x->status) {
      fail(failures, file, x, "expected pid %d to exit with status %d, got %d", x->pid, x->status, e->status);
      return FALSE;
    }
    if (x->reason && g_strcmp0(x->reason, e->reason) != 0) {
      fail(failures, file, x, "expected pid %d to exit with reason %s, got %s", x->pid, x->reason, e->reason);
      return FALSE;
    }
    const char *by = e->by ? e->by : "none";
    if (x->by && g_strcmp0(x->by, by) != 0) {
      fail(failures, file, x, "expected pid %d to be killed by %s, got %s", x->pid, x->by, by);
      return FALSE;
    }
    return TRUE;
  }
  case SC_EXPECT_ENOMEM:
    if (!sim_outcome_step_failed(o, x->step)) {
      fail(failures, file, x, "expected step \"%s\" to fail with ENOMEM, but it did not", x->step);
      return FALSE;
    }
    return TRUE;
  case SC_EXPECT_STEP_ERROR:
  case SC_EXPECT_SUCCEEDS: {
    const char *got = sim_outcome_step_failed(o, x->step) ? "ENOMEM" : sim_outcome_step_error(o, x->step);
    if (x->kind == SC_EXPECT_SUCCEEDS) {
      if (got || !sim_outcome_step_completed(o, x->step)) {
        fail(failures, file, x, "expected step \"%s\" to succeed, %s%s", x->step,
             got ? "it failed with " : "but it did not run to its end (its process died, or is blocked or livelocked)",
             got ? got : "");
        return FALSE;
      }
      return TRUE;
    }
    if (!got || (x->errno_name && g_strcmp0(got, x->errno_name) != 0)) {
      fail(failures, file, x, "expected step \"%s\" to fail with %s, %s%s", x->step,
           x->errno_name ? x->errno_name : "an error", got ? "it failed with " : "but it did not fail",
           got ? got : "");
      return FALSE;
    }
    return TRUE;
  }
  case SC_EXPECT_REFUSED: /* met only by a run that did not start: sim_expect_check_refused() */
    fail(failures, file, x, "expected the kernel to refuse the scenario, but it ran");
    return FALSE;
  case SC_EXPECT_PANIC:
    if (!o->panicked) {
      fail(failures, file, x, "expected a kernel panic, but there was none");
      return FALSE;
    }
    if (x->message_contains && !g_strrstr(o->panic_message, x->message_contains)) {
      fail(failures, file, x, "expected the panic message to contain \"%s\", got \"%s\"", x->message_contains,
           o->panic_message);
      return FALSE;
    }
    return TRUE;
  case SC_EXPECT_MEMORY_EVENTS: {
    const SimMemcgEvents *ev = sim_outcome_find_events(o, x->cgroup);
    gboolean ok = TRUE;
    if (!ev) {
      fail(failures, file, x, "no cgroup %s in the scenario", x->cgroup);
      return FALSE;
    }
    for (guint i = 0; x->counters && i < x->counters->len; i++) {
      const ScAttr *a = x->counters->pdata[i];
      gboolean known;
      gint64 got = counter_value(ev, a->name, &known);
      ScCount want;
      sc_parse_count(a->value, &want); /* checked by the loader */
      if (!known || !sc_count_holds(&want, got)) {
        g_autofree char *got_text = got < 0 ? g_strdup("none (not available on this kernel/cgroup version)")
                                            : g_strdup_printf("%" G_GINT64_FORMAT, got);
        g_autofree char *kills = kills_text(o);
        fail(failures, file, x, "expected %s %s %s, got %s; %s", x->cgroup, a->name, a->value, got_text, kills);
        ok = FALSE;
      }
    }
    return ok;
  }
  case SC_EXPECT_BLOCKED:
    if (x->ever && !sim_outcome_was_blocked(o, x->pid)) {
      fail(failures, file, x, "expected pid %d to be blocked at some time, but it never was", x->pid);
      return FALSE;
    }
    if (!x->ever && !sim_outcome_is_blocked(o, x->pid)) {
      fail(failures, file, x, "expected pid %d to be blocked at the end, but it is not%s", x->pid,
           sim_outcome_was_blocked(o, x->pid) ? " (it was blocked earlier: when=\"ever\")" : "");
      return FALSE;
    }
    return TRUE;
  case SC_EXPECT_SURVIVES: {
    const SimExit *e = sim_outcome_find_exit(o, x->pid);
    for (guint i = 0; i < o->kills->len; i++) {
      const SimKill *k = o->kills->pdata[i];
      if (k->pid == x->pid) {
        fail(failures, file, x, "expected pid %d to survive, but the OOM killer chose it", x->pid);
        return FALSE;
      }
    }
    if (e && e->signal) {
      fail(failures, file, x, "expected pid %d to survive, but it was killed (status %d)", x->pid, e->status);
      return FALSE;
    }
    if (o->panicked) {
      fail(failures, file, x, "expected pid %d to survive, but the kernel panicked", x->pid);
      return FALSE;
    }
    return TRUE;
  }
  case SC_EXPECT_LIVELOCK:
    if (!sim_outcome_is_livelocked(o, x->pid)) {
      fail(failures, file, x, "expected pid %d to retry a charge for ever (livelock), but it did not", x->pid);
      return FALSE;
    }
    return TRUE;
  case SC_EXPECT_CONTAINER_STATE:
    return check_container_state(file, x, o, failures);
  case SC_EXPECT_LOG:
    if (!log_contains || !log_contains(log_data, x->message_contains)) {
      fail(failures, file, x, "expected the kernel log to contain \"%s\", but it does not", x->message_contains);
      return FALSE;
    }
    return TRUE;
  default:
    return FALSE;
  }
}

guint sim_expect_count(const GPtrArray *expects, const char *profile)
{
  guint n = 0;
  for (guint i = 0; i < expects->len; i++)
    n += sc_expect_applies(expects->pdata[i], profile) ? 1 : 0;
  return n;
}

/* The profile refused the scenario (SCENARIO_ERROR_UNSUPPORTED, `refusal` its message): the expectations that
 * apply must all be <refused> (whose message-contains must be in the message), since nothing else happened. FALSE
 * with no failure added when none applies: the refusal was not expected, and stays an error. */
gboolean sim_expect_check_refused(const char *file, const GPtrArray *expects, const char *profile,
                                  const char *refusal, GPtrArray *failures)
{
  gboolean expected = FALSE;
  for (guint i = 0; i < expects->len; i++) {
    const ScExpect *x = expects->pdata[i];
    expected |= x->kind == SC_EXPECT_REFUSED && sc_expect_applies(x, profile);
  }
  if (!expected)
    return FALSE;
  for (guint i = 0; i < expects->len; i++) {
    const ScExpect *x = expects->pdata[i];
    if (!sc_expect_applies(x, profile))
      continue;
    if (x->kind != SC_EXPECT_REFUSED)
      fail(failures, file, x, "the kernel refused the scenario, so this <%s> cannot hold: %s",
           sc_expect_kind_names[x->kind], refusal);
    else if (x->message_contains && !strstr(refusal, x->message_contains))
      fail(failures, file, x, "expected the refusal to contain \"%s\", got \"%s\"", x->message_contains, refusal);
  }
  return TRUE;
}

static gboolean string_contains(gpointer data, const char *needle)
{
  return strstr(data, needle) != NULL;
}

gboolean sim_expect_check(const char *file, const GPtrArray *expects, const char *profile, const SimOutcome *o,
                          const char *dmesg, GPtrArray *failures)
{
  return sim_expect_check_log(file, expects, profile, o, dmesg ? string_contains : NULL, (gpointer)dmesg, failures);
}

gboolean sim_expect_check_log(const char *file, const GPtrArray *expects, const char *profile, const SimOutcome *o,
                              SimLogContains log_contains, gpointer log_data, GPtrArray *failures)
{
  gboolean ok = TRUE, count_given = FALSE;
  guint kill_index = 0, expected_kills = 0, applied = 0;
  const ScExpect *last_kill = NULL;
  for (guint i = 0; i < expects->len; i++) {
    const ScExpect *x = expects->pdata[i];
    if (!sc_expect_applies(x, profile))
      continue;
    applied++;
    if (x->kind == SC_EXPECT_OOM_KILL) {
      expected_kills++;
      last_kill = x;
    }
    count_given |= x->kind == SC_EXPECT_OOM_KILLS;
    if (!check_one(file, x, o, log_contains, log_data, &kill_index, failures))
      ok = FALSE;
  }
  if (expects->len > 0 && applied == 0) {
    const ScExpect *first = expects->pdata[0];
    fail(failures, file, first, "no <expect> applies to kernel %s (each names other kernels)", profile);
    return FALSE;
  }
  /* "the kill sequence, in order, exactly": more kills than expected is a failure too; a scenario with
   * expectations but no <oom-kill> expects no OOM kill at all, unless <oom-kills> gives the number */
  if (applied > 0 && !count_given && o->kills->len > expected_kills) {
    const SimKill *k = o->kills->pdata[expected_kills];
    const ScExpect *where = last_kill ? last_kill : expects->pdata[0];
    g_autofree char *kills = kills_text(o);
    fail(failures, file, where, "expected %u OOM kill(s), got %u (next: pid %d (%s)); %s", expected_kills,
         o->kills->len, k->pid, k->comm, kills);
    ok = FALSE;
  }
  return ok;
}
