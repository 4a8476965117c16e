/* sim/actors.c: `oomsim actors`, the same scenario with each actor in turn beside the kernel.
 *
 * Each column is a whole run of sim_run() with SimOptions.actors set: the kernel alone (every <kubelet> eviction,
 * <earlyoom> and <systemd-oomd> switched off; the pods' cgroups and oom_score_adj stay, as they are the kubelet's
 * set-up, not its eviction manager), the kubelet's eviction manager alone (only with a <kubelet>), earlyoom alone
 * (the scenario's <earlyoom>, else earlyoom 1.7 with no options) and systemd-oomd alone (the scenario's
 * <systemd-oomd>, else ManagedOOMSwap=kill on the root, as Fedora's systemd-oomd-defaults sets -.slice). A row per
 * process of any run, in the order the scenario defines them (forked processes after, in pid order); a cell is
 * "STATUS by ACTOR at TIME", "exit STATUS at TIME" for a process that ended by itself, or "running" for one still
 * running when the trace ended. Same scenario, same bytes: the runs are deterministic and nothing here iterates a
 * hash table into the output.
 */
#include "actors.h"

#include <json-glib/json-glib.h>

#include "../scenarios/scenario-loader.h"
#include "../userspace/us-earlyoom.h"
#include "outcome.h"

typedef struct {
  SimActors actors;
  const char *name;
  char *setup;          /* what ran, or why the column does not apply */
  gboolean applicable;
  SimOutcome *outcome;
} Column;

static char *cell_text(const SimExit *x)
{
  if (!x)
    return g_strdup("-");
  if (x->survived)
    return g_strdup("running");
  g_autofree char *when = g_strdup_printf("%" G_GUINT64_FORMAT ".%03u s", x->time_ns / 1000000000,
                                          (guint)(x->time_ns % 1000000000 / 1000000));
  if (x->by)
    return g_strdup_printf("%d by %s at %s", x->status, x->by, when);
  return g_strdup_printf("exit %d at %s", x->status, when);
}

static gint pid_cmp(gconstpointer a, gconstpointer b)
{
  int pa = GPOINTER_TO_INT(*(gpointer const *)a), pb = GPOINTER_TO_INT(*(gpointer const *)b);
  return (pa > pb) - (pa < pb);
}

/* the scenario's processes in document order, then any other pid of the runs (forked), ascending */
static GPtrArray *row_pids(const ScenarioHeader *h, Column *cols, guint ncols)
{
  GPtrArray *pids = g_ptr_array_new();
  g_autoptr(GHashTable) seen = g_hash_table_new(NULL, NULL);
  for (guint i = 0; i < h->processes->len; i++) {
    int pid = ((const ScProcess *)h->processes->pdata[i])->pid;
    g_hash_table_add(seen, GINT_TO_POINTER(pid));
    g_ptr_array_add(pids, GINT_TO_POINTER(pid));
  }
  g_autoptr(GPtrArray) extra = g_ptr_array_new();
  for (guint c = 0; c < ncols; c++)
    for (guint i = 0; cols[c].outcome && i < cols[c].outcome->known_pids->len; i++) {
      gpointer pid = GINT_TO_POINTER(g_array_index(cols[c].outcome->known_pids, int, i));
      if (g_hash_table_add(seen, pid))
        g_ptr_array_add(extra, pid);
    }
  g_ptr_array_sort(extra, pid_cmp);
  for (guint i = 0; i < extra->len; i++)
    g_ptr_array_add(pids, extra->pdata[i]);
  return pids;
}

static const char *comm_of(const ScenarioHeader *h, int pid)
{
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *p = h->processes->pdata[i];
    if (p->pid == pid)
      return p->comm;
  }
  return "(forked)";
}

static void setup_columns(const ScenarioHeader *h, Column *cols)
{
  cols[0] = (Column){ SIM_ACTORS_KERNEL_ONLY, "kernel only", g_strdup("the kernel's OOM killer alone"), TRUE, NULL };
  cols[1] = (Column){ SIM_ACTORS_KUBELET, "kubelet", NULL, h->k8s != NULL, NULL };
  cols[1].setup = g_strdup(h->k8s ? "the scenario's <kubelet> eviction manager"
                                  : "not applicable: the scenario has no <kubelet>");
  cols[2] = (Column){ SIM_ACTORS_EARLYOOM, "earlyoom", NULL, TRUE, NULL };
  cols[2].setup = h->earlyoom ? g_strdup_printf("the scenario's <earlyoom> (%s)", us_earlyoom_version_name(h->earlyoom->version))
                              : g_strdup("earlyoom 1.7 with its defaults (-m 10,5 -s 10,5)");
  cols[3] = (Column){ SIM_ACTORS_OOMD, "systemd-oomd", NULL, TRUE, NULL };
  cols[3].setup = g_strdup(h->oomd ? "the scenario's <systemd-oomd> (252)"
                                   : "systemd-oomd 252 defaults, ManagedOOMSwap=kill on / (SwapUsedLimit 90%)");
}

static void text_table(GString *out, const ScenarioHeader *h, const char *profile, Column *cols, guint ncols,
                       GPtrArray *pids)
{
  g_string_append_printf(out, "what-if: %s (%s), kernel profile %s\n", h->name, h->file, profile);
  for (guint c = 0; c < ncols; c++)
    g_string_append_printf(out, "  %-13s %s\n", cols[c].name, cols[c].setup);
  g_string_append(out, "\n");
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func(g_free); /* row-major, header row first */
  g_ptr_array_add(cells, g_strdup("pid"));
  g_ptr_array_add(cells, g_strdup("comm"));
  for (guint c = 0; c < ncols; c++)
    g_ptr_array_add(cells, g_strdup(cols[c].name));
  for (guint r = 0; r < pids->len; r++) {
    int pid = GPOINTER_TO_INT(pids->pdata[r]);
    g_ptr_array_add(cells, g_strdup_printf("%d", pid));
    g_ptr_array_add(cells, g_strdup(comm_of(h, pid)));
    for (guint c = 0; c < ncols; c++)
      g_ptr_array_add(cells, cols[c].applicable ? cell_text(sim_outcome_find_exit(cols[c].outcome, pid))
                                                : g_strdup("n/a"));
  }
  guint width = ncols + 2, widths[8] = { 0 };
  for (guint i = 0; i < cells->len; i++)
    widths[i % width] = MAX(widths[i % width], (guint)strlen(cells->pdata[i]));
  for (guint i = 0; i < cells->len; i++) {
    guint col = i % width;
    if (col + 1 == width)
      g_string_append_printf(out, "%s\n", (char *)cells->pdata[i]);
    else
      g_string_append_printf(out, "%-*s  ", (int)widths[col], (char *)cells->pdata[i]);
  }
}

static void json_table(GString *out, const ScenarioHeader *h, const char *profile, Column *cols, guint ncols,
                       GPtrArray *pids)
{
  g_autoptr(JsonBuilder) b = json_builder_new();
  json_builder_begin_object(b);
  json_builder_set_member_name(b, "scenario");
  json_builder_add_string_value(b, h->name);
  json_builder_set_member_name(b, "kernel");
  json_builder_add_string_value(b, profile);
  json_builder_set_member_name(b, "columns");
  json_builder_begin_array(b);
  for (guint c = 0; c < ncols; c++) {
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "actors");
    json_builder_add_string_value(b, cols[c].name);
    json_builder_set_member_name(b, "setup");
    json_builder_add_string_value(b, cols[c].setup);
    json_builder_set_member_name(b, "applicable");
    json_builder_add_boolean_value(b, cols[c].applicable);
    json_builder_set_member_name(b, "processes");
    json_builder_begin_array(b);
    for (guint r = 0; cols[c].applicable && r < pids->len; r++) {
      const SimExit *x = sim_outcome_find_exit(cols[c].outcome, GPOINTER_TO_INT(pids->pdata[r]));
      json_builder_begin_object(b);
      json_builder_set_member_name(b, "pid");
      json_builder_add_int_value(b, GPOINTER_TO_INT(pids->pdata[r]));
      json_builder_set_member_name(b, "comm");
      json_builder_add_string_value(b, comm_of(h, GPOINTER_TO_INT(pids->pdata[r])));
      json_builder_set_member_name(b, "fate");
      json_builder_add_string_value(b, !x ? "none" : x->survived ? "running" : x->by ? "killed" : "exited");
      if (x && !x->survived) {
        json_builder_set_member_name(b, "status");
        json_builder_add_int_value(b, x->status);
        json_builder_set_member_name(b, "time_ns");
        json_builder_add_int_value(b, (gint64)x->time_ns);
        json_builder_set_member_name(b, "by");
        if (x->by)
          json_builder_add_string_value(b, x->by);
        else
          json_builder_add_null_value(b);
        json_builder_set_member_name(b, "reason");
        json_builder_add_string_value(b, x->reason);
      }
      json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_builder_end_object(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  g_autofree char *text = json_generator_to_data(gen, NULL);
  g_string_append_printf(out, "%s\n", text);
}

GString *sim_actors(const char *path, const char *kernel, gboolean json, GError **error)
{
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, error);
  if (!loader)
    return NULL;
  const ScenarioHeader *h = scenario_loader_get_header(loader);
  Column cols[4];
  setup_columns(h, cols);
  g_autofree char *profile = NULL;
  gboolean ok = TRUE;
  for (guint c = 0; c < G_N_ELEMENTS(cols) && ok; c++) {
    if (!cols[c].applicable)
      continue;
    SimOptions opts = { .kernel = kernel, .format = SIM_FORMAT_NONE, .actors = cols[c].actors };
    g_free(profile);
    profile = NULL;
    ok = sim_run(path, &opts, &cols[c].outcome, NULL, NULL, &profile, error);
  }
  GString *out = NULL;
  if (ok) {
    g_autoptr(GPtrArray) pids = row_pids(h, cols, G_N_ELEMENTS(cols));
    out = g_string_new(NULL);
    if (json)
      json_table(out, h, profile, cols, G_N_ELEMENTS(cols), pids);
    else
      text_table(out, h, profile, cols, G_N_ELEMENTS(cols), pids);
  }
  for (guint c = 0; c < G_N_ELEMENTS(cols); c++) {
    g_free(cols[c].setup);
    sim_outcome_free(cols[c].outcome);
  }
  return out;
}
