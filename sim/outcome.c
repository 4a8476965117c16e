/* sim/outcome.c: SimOutcome construction and look-ups. */
#include "outcome.h"

#include <string.h>

static void events_free(gpointer data)
{
  SimMemcgEvents *ev = data;
  g_free(ev->cgroup);
  g_free(ev);
}

static void peak_free(gpointer data)
{
  SimMemcgPeak *p = data;
  g_free(p->cgroup);
  g_free(p);
}

static void actor_signal_free(gpointer p)
{
  SimActorSignal *a = p;
  g_free(a->actor);
  g_free(a);
}

static void final_score_free(gpointer p)
{
  SimFinalScore *f = p;
  g_free(f->comm);
  g_free(f);
}

SimOutcome *sim_outcome_new(void)
{
  SimOutcome *o = g_new0(SimOutcome, 1);
  o->kills = g_ptr_array_new(); /* the kills and exits are in kill_slab and exit_slab, their strings in strings */
  o->exits = g_ptr_array_new();
  km_slab_init(&o->kill_slab, sizeof(SimKill), 64);
  km_slab_init(&o->exit_slab, sizeof(SimExit), 256);
  o->enomem_steps = g_ptr_array_new_with_free_func(g_free);
  o->step_errors = g_ptr_array_new_with_free_func(g_free);
  o->blocked_pids = g_ptr_array_new();
  o->ever_blocked_pids = g_ptr_array_new();
  o->completed_steps = g_ptr_array_new(); /* the ids are in strings (sim_outcome_add_completed_step()) */
  o->livelocked_pids = g_ptr_array_new();
  o->known_pids = g_array_new(FALSE, FALSE, sizeof(int));
  o->memcg_events = g_ptr_array_new_with_free_func(events_free);
  o->memcg_peaks = g_ptr_array_new_with_free_func(peak_free);
  o->actor_signals = g_ptr_array_new_with_free_func(actor_signal_free);
  o->final_scores = g_ptr_array_new_with_free_func(final_score_free);
  o->containers = g_ptr_array_new_with_free_func(g_free);
  o->strings = g_string_chunk_new(4096);
  return o;
}

SimKill *sim_outcome_add_kill(SimOutcome *o)
{
  SimKill *k = km_slab_alloc0(&o->kill_slab);
  g_ptr_array_add(o->kills, k);
  return k;
}

SimExit *sim_outcome_add_exit(SimOutcome *o)
{
  SimExit *x = km_slab_alloc0(&o->exit_slab);
  g_ptr_array_add(o->exits, x);
  return x;
}

void sim_outcome_add_completed_step(SimOutcome *o, const char *step_id)
{
  /* each id once in a trace: a copy, not interned (which would keep a hash table entry for each) */
  g_ptr_array_add(o->completed_steps, g_string_chunk_insert(o->strings, step_id));
}

const char *sim_outcome_intern(SimOutcome *o, const char *text)
{
  if (!text)
    return NULL;
  /* a run's exits carry the same string in a row ("Completed" for every survivor): compare with the last one
   * before hashing (g_string_chunk_insert_const() would return that same copy) */
  if (o->last_interned && strcmp(o->last_interned, text) == 0)
    return o->last_interned;
  return o->last_interned = g_string_chunk_insert_const(o->strings, text);
}

void sim_outcome_free(SimOutcome *o)
{
  if (!o)
    return;
  g_ptr_array_unref(o->kills);
  g_ptr_array_unref(o->exits);
  g_ptr_array_unref(o->enomem_steps);
  g_ptr_array_unref(o->step_errors);
  g_ptr_array_unref(o->blocked_pids);
  g_ptr_array_unref(o->ever_blocked_pids);
  g_ptr_array_unref(o->completed_steps);
  g_ptr_array_unref(o->livelocked_pids);
  g_array_unref(o->known_pids);
  g_ptr_array_unref(o->memcg_events);
  g_ptr_array_unref(o->memcg_peaks);
  g_ptr_array_unref(o->actor_signals);
  g_ptr_array_unref(o->final_scores);
  g_ptr_array_unref(o->containers);
  g_free(o->panic_message);
  g_string_chunk_free(o->strings);
  km_slab_destroy(&o->kill_slab);
  km_slab_destroy(&o->exit_slab);
  g_free(o);
}

const SimExit *sim_outcome_find_exit(const SimOutcome *o, int pid)
{
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *x = o->exits->pdata[i];
    if (x->pid == pid)
      return x;
  }
  return NULL;
}

const SimExit *sim_outcome_find_exit_nth(const SimOutcome *o, int pid, int n)
{
  int seen = 0;
  for (guint k = 0; k < o->exits->len; k++) {
    guint i = n >= 0 ? k : o->exits->len - 1 - k;
    const SimExit *x = o->exits->pdata[i];
    if (x->pid == pid && (n >= 0 ? seen++ == n : --seen == n))
      return x;
  }
  return NULL;
}

const SimContainerStatus *sim_outcome_find_container(const SimOutcome *o, int pid)
{
  for (guint i = 0; i < o->containers->len; i++) {
    const SimContainerStatus *c = o->containers->pdata[i];
    if (c->pid == pid)
      return c;
  }
  return NULL;
}

void sim_outcome_container_state(const SimOutcome *o, int pid, SimContainerState *out)
{
  const SimContainerStatus *status = o ? sim_outcome_find_container(o, pid) : NULL;
  const SimExit *x = o ? sim_outcome_find_exit_nth(o, pid, -1) : NULL;
  *out = (SimContainerState){ .restart_count = status ? status->restart_count : 0,
                              .started_ns = status ? status->started_ns : 0 };
  if (status && status->waiting) {
    out->state = "Waiting";
    out->reason = "CrashLoopBackOff";
    out->backoff_ns = status->backoff_ns;
    out->restart_at_ns = status->restart_at_ns;
    out->last = x;
    out->last_started_ns = status->started_ns;
    return;
  }
  gboolean running = !x || x->survived;
  out->state = running ? "Running" : "Terminated";
  out->exit = running ? NULL : x;
  out->reason = running ? NULL : x->reason;
  out->last_started_ns = status ? status->last_started_ns : 0;
  if (out->restart_count > 0) /* the run before: the one before the last exit, or the last if this run has none */
    out->last = sim_outcome_find_exit_nth(o, pid, x ? -2 : -1);
}

const SimMemcgEvents *sim_outcome_find_events(const SimOutcome *o, const char *cgroup)
{
  for (guint i = 0; i < o->memcg_events->len; i++) {
    const SimMemcgEvents *ev = o->memcg_events->pdata[i];
    if (g_strcmp0(ev->cgroup, cgroup) == 0)
      return ev;
  }
  return NULL;
}

gboolean sim_outcome_step_failed(const SimOutcome *o, const char *step_id)
{
  for (guint i = 0; i < o->enomem_steps->len; i++)
    if (g_strcmp0(o->enomem_steps->pdata[i], step_id) == 0)
      return TRUE;
  return FALSE;
}

gboolean sim_outcome_is_blocked(const SimOutcome *o, int pid)
{
  return g_ptr_array_find(o->blocked_pids, GINT_TO_POINTER(pid), NULL);
}

gboolean sim_outcome_was_blocked(const SimOutcome *o, int pid)
{
  return g_ptr_array_find(o->ever_blocked_pids, GINT_TO_POINTER(pid), NULL);
}

gboolean sim_outcome_step_completed(const SimOutcome *o, const char *step_id)
{
  return g_ptr_array_find_with_equal_func(o->completed_steps, step_id, g_str_equal, NULL);
}

gboolean sim_outcome_is_livelocked(const SimOutcome *o, int pid)
{
  return g_ptr_array_find(o->livelocked_pids, GINT_TO_POINTER(pid), NULL);
}

const char *sim_outcome_step_error(const SimOutcome *o, const char *step_id)
{
  gsize n = strlen(step_id);
  for (guint i = 0; i < o->step_errors->len; i++) {
    const char *s = o->step_errors->pdata[i];
    if (strncmp(s, step_id, n) == 0 && s[n] == ' ')
      return s + n + 1;
  }
  return NULL;
}
