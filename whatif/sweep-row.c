/* whatif/sweep-row.c: a sweep's row as data, from a replay's outcome, to and from compact JSON, and as table cells
 * (whatif/sweep-row.h).
 *
 * Why data and not JSON text: the rows used to be written as JSON by the worker threads and read back with
 * json-glib's parser on the main thread to make CSV and text, which cost about as much as a third of a variant's
 * replay, all of it on one thread (docs/performance.md, "Sweep rows rendered by the workers"). Now a worker makes
 * the row from the SimOutcome and, for CSV and JSON, renders its line at once; JSON text is read back only by
 * sweep-merge. Integers are written by append_int() rather than printf: a row of a 1,000-task scenario has 1,000
 * exits.
 */
#include "sweep-row.h"

#include <string.h>

#include "../reports/json-stream.h"

static void victim_clear(gpointer p)
{
  g_free(((WhatifVictim *)p)->comm);
}

WhatifRow *whatif_row_new(gint64 variant, const char *kernel, const char *const *values, guint n_values)
{
  WhatifRow *row = g_new0(WhatifRow, 1);
  row->variant = variant;
  row->kernel = g_strdup(kernel);
  row->values = g_ptr_array_new_full(n_values, g_free);
  for (guint i = 0; i < n_values; i++)
    g_ptr_array_add(row->values, g_strdup(values[i]));
  return row;
}

void whatif_row_free(WhatifRow *row)
{
  if (!row)
    return;
  g_free(row->kernel);
  g_ptr_array_unref(row->values);
  g_free(row->outcome);
  g_free(row->error);
  if (row->victims)
    g_array_unref(row->victims);
  if (row->exits)
    g_array_unref(row->exits);
  if (row->enomem_steps)
    g_ptr_array_unref(row->enomem_steps);
  if (row->cgroups)
    g_array_unref(row->cgroups);
  g_free(row);
}

char *whatif_outcome_class(const SimOutcome *o)
{
  if (o->panicked)
    return g_strdup("panic");
  if (o->livelocked_pids->len > 0 || o->unresolved)
    return g_strdup("livelock");
  if (o->kills->len > 0)
    return g_strdup_printf("killed %u", o->kills->len);
  if (o->enomem_steps->len > 0)
    return g_strdup("ENOMEM");
  if (o->oom_count > 0)
    return g_strdup("OOM, no kill");
  return g_strdup("no OOM");
}

/* The arrays of a row that ran, empty. */
static void row_open(WhatifRow *row, guint n_victims, guint n_exits, guint n_cgroups)
{
  row->ran = TRUE;
  row->victims = g_array_sized_new(FALSE, TRUE, sizeof(WhatifVictim), n_victims);
  g_array_set_clear_func(row->victims, victim_clear);
  row->exits = g_array_sized_new(FALSE, TRUE, sizeof(WhatifExit), n_exits);
  row->enomem_steps = g_ptr_array_new_with_free_func(g_free);
  row->cgroups = g_array_sized_new(FALSE, TRUE, sizeof(WhatifCgroupCell), n_cgroups);
}

void whatif_row_set_outcome(WhatifRow *row, const SimOutcome *o)
{
  row->outcome = whatif_outcome_class(o);
  row_open(row, o->kills->len, o->exits->len, o->memcg_peaks->len);
  for (guint i = 0; i < o->kills->len; i++) {
    const SimKill *k = o->kills->pdata[i];
    WhatifVictim v = { .pid = k->pid, .comm = g_strdup(k->comm), .time_ns = (gint64)k->time_ns };
    g_array_append_val(row->victims, v);
  }
  for (guint i = 0; i < o->exits->len; i++) {
    const SimExit *x = o->exits->pdata[i];
    WhatifExit e = { .pid = x->pid, .status = x->status };
    g_array_append_val(row->exits, e);
  }
  for (guint i = 0; i < o->enomem_steps->len; i++)
    g_ptr_array_add(row->enomem_steps, g_strdup(o->enomem_steps->pdata[i]));
  row->oomed = o->oom_count > 0;
  row->first_oom_ns = row->oomed ? (gint64)o->first_oom_ns : 0;
  row->machine_peak_bytes = (gint64)o->machine_peak_bytes;
  for (guint i = 0; i < o->memcg_peaks->len; i++) {
    const SimMemcgPeak *p = o->memcg_peaks->pdata[i];
    WhatifCgroupCell c = { .peak_bytes = (gint64)p->peak_bytes, .limited = p->limited,
                           .min_headroom_bytes = p->limited ? (gint64)p->min_headroom_bytes : 0 };
    g_array_append_val(row->cgroups, c);
  }
}

void whatif_row_set_unsupported(WhatifRow *row, const char *why)
{
  row->outcome = g_strdup("unsupported");
  row->error = g_strdup(why);
}

/* ---------------------------------------------------------------- JSON */

static void add_figures(JsonStream *b, const WhatifRow *row)
{
  json_stream_set_member_name(b, "victims");
  json_stream_begin_array(b);
  for (guint i = 0; i < row->victims->len; i++) {
    const WhatifVictim *v = &g_array_index(row->victims, WhatifVictim, i);
    json_stream_begin_object(b);
    json_stream_member_int(b, "pid", v->pid);
    json_stream_member_string(b, "comm", v->comm);
    json_stream_member_int(b, "time_ns", v->time_ns);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_set_member_name(b, "exits");
  json_stream_begin_array(b);
  for (guint i = 0; i < row->exits->len; i++) {
    const WhatifExit *x = &g_array_index(row->exits, WhatifExit, i);
    json_stream_begin_object(b);
    json_stream_member_int(b, "pid", x->pid);
    json_stream_member_int(b, "status", x->status);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
  json_stream_member_strings(b, "enomem_steps", row->enomem_steps);
  json_stream_set_member_name(b, "first_oom_ns");
  if (row->oomed)
    json_stream_add_int_value(b, row->first_oom_ns);
  else
    json_stream_add_null_value(b);
  json_stream_member_int(b, "machine_peak_bytes", row->machine_peak_bytes);
  json_stream_set_member_name(b, "cgroups");
  json_stream_begin_array(b);
  for (guint i = 0; i < row->cgroups->len; i++) {
    const WhatifCgroupCell *c = &g_array_index(row->cgroups, WhatifCgroupCell, i);
    json_stream_begin_object(b);
    json_stream_member_int(b, "peak_bytes", c->peak_bytes);
    json_stream_set_member_name(b, "min_headroom_bytes");
    if (c->limited)
      json_stream_add_int_value(b, c->min_headroom_bytes);
    else
      json_stream_add_null_value(b);
    json_stream_end_object(b);
  }
  json_stream_end_array(b);
}

void whatif_row_append_json(const WhatifRow *row, GString *out)
{
  g_autoptr(JsonStream) b = json_stream_new_compact(out);
  json_stream_begin_object(b);
  json_stream_member_int(b, "variant", row->variant);
  json_stream_member_strings(b, "values", row->values);
  json_stream_member_string(b, "kernel", row->kernel);
  json_stream_member_string(b, "outcome", row->outcome);
  if (row->error)
    json_stream_member_string(b, "error", row->error);
  else
    add_figures(b, row);
  json_stream_end_object(b);
}

/* Typed members of a row read back; each FALSE (and *why set) when the member is missing or of another type. */
static gboolean get_node(JsonObject *o, const char *name, JsonNodeType type, GType value_type, JsonNode **out,
                         const char **why, const char *what)
{
  JsonNode *n = json_object_get_member(o, name);
  if (!n || json_node_get_node_type(n) != type ||
      (type == JSON_NODE_VALUE && json_node_get_value_type(n) != value_type)) {
    *why = what;
    return FALSE;
  }
  *out = n;
  return TRUE;
}

static gboolean get_int(JsonObject *o, const char *name, gint64 *out, const char **why)
{
  JsonNode *n;
  if (!get_node(o, name, JSON_NODE_VALUE, G_TYPE_INT64, &n, why, "a member that should be an integer is not"))
    return FALSE;
  *out = json_node_get_int(n);
  return TRUE;
}

/* An integer or null (*out_set says which). */
static gboolean get_int_or_null(JsonObject *o, const char *name, gint64 *out, gboolean *out_set, const char **why)
{
  JsonNode *n = json_object_get_member(o, name);
  *out = 0;
  *out_set = FALSE;
  if (!n) {
    *why = "a member is missing";
    return FALSE;
  }
  if (JSON_NODE_HOLDS_NULL(n))
    return TRUE;
  *out_set = TRUE;
  return get_int(o, name, out, why);
}

static gboolean get_string(JsonObject *o, const char *name, gboolean nullable, char **out, const char **why)
{
  JsonNode *n = json_object_get_member(o, name);
  if (nullable && n && JSON_NODE_HOLDS_NULL(n))
    return TRUE;
  if (!get_node(o, name, JSON_NODE_VALUE, G_TYPE_STRING, &n, why, "a member that should be a string is not"))
    return FALSE;
  *out = g_strdup(json_node_get_string(n));
  return TRUE;
}

static gboolean get_array(JsonObject *o, const char *name, JsonArray **out, const char **why)
{
  JsonNode *n;
  if (!get_node(o, name, JSON_NODE_ARRAY, G_TYPE_INVALID, &n, why, "a member that should be an array is not"))
    return FALSE;
  *out = json_node_get_array(n);
  return TRUE;
}

/* Each element of a as an object (NULL and *why set for another type). */
static JsonObject *object_at(JsonArray *a, guint i, const char **why)
{
  JsonNode *n = json_array_get_element(a, i);
  if (!JSON_NODE_HOLDS_OBJECT(n)) {
    *why = "an element that should be an object is not";
    return NULL;
  }
  return json_node_get_object(n);
}

static gboolean get_strings(JsonObject *o, const char *name, GPtrArray *into, const char **why)
{
  JsonArray *a;
  if (!get_array(o, name, &a, why))
    return FALSE;
  for (guint i = 0; i < json_array_get_length(a); i++) {
    JsonNode *n = json_array_get_element(a, i);
    if (!JSON_NODE_HOLDS_VALUE(n) || json_node_get_value_type(n) != G_TYPE_STRING) {
      *why = "an element that should be a string is not";
      return FALSE;
    }
    g_ptr_array_add(into, g_strdup(json_node_get_string(n)));
  }
  return TRUE;
}

static gboolean figures_from_json(WhatifRow *row, JsonObject *o, const char **why)
{
  JsonArray *victims, *exits, *cgroups;
  if (!get_array(o, "victims", &victims, why) || !get_array(o, "exits", &exits, why) ||
      !get_array(o, "cgroups", &cgroups, why))
    return FALSE;
  row_open(row, json_array_get_length(victims), json_array_get_length(exits), json_array_get_length(cgroups));
  for (guint i = 0; i < json_array_get_length(victims); i++) {
    JsonObject *k = object_at(victims, i, why);
    WhatifVictim v = { 0 };
    gint64 pid;
    if (!k || !get_int(k, "pid", &pid, why) || !get_int(k, "time_ns", &v.time_ns, why) ||
        !get_string(k, "comm", FALSE, &v.comm, why))
      return FALSE;
    v.pid = (int)pid;
    g_array_append_val(row->victims, v);
  }
  for (guint i = 0; i < json_array_get_length(exits); i++) {
    JsonObject *x = object_at(exits, i, why);
    gint64 pid, status;
    if (!x || !get_int(x, "pid", &pid, why) || !get_int(x, "status", &status, why))
      return FALSE;
    WhatifExit e = { .pid = (int)pid, .status = (int)status };
    g_array_append_val(row->exits, e);
  }
  for (guint i = 0; i < json_array_get_length(cgroups); i++) {
    JsonObject *c = object_at(cgroups, i, why);
    WhatifCgroupCell cell = { 0 };
    if (!c || !get_int(c, "peak_bytes", &cell.peak_bytes, why) ||
        !get_int_or_null(c, "min_headroom_bytes", &cell.min_headroom_bytes, &cell.limited, why))
      return FALSE;
    g_array_append_val(row->cgroups, cell);
  }
  return get_strings(o, "enomem_steps", row->enomem_steps, why) &&
         get_int_or_null(o, "first_oom_ns", &row->first_oom_ns, &row->oomed, why) &&
         get_int(o, "machine_peak_bytes", &row->machine_peak_bytes, why);
}

WhatifRow *whatif_row_from_json(JsonObject *o, const char **out_why)
{
  g_autoptr(WhatifRow) row = whatif_row_new(0, NULL, NULL, 0);
  if (!get_int(o, "variant", &row->variant, out_why) || !get_strings(o, "values", row->values, out_why) ||
      !get_string(o, "kernel", TRUE, &row->kernel, out_why) || !get_string(o, "outcome", FALSE, &row->outcome, out_why))
    return NULL;
  if (json_object_has_member(o, "error"))
    return get_string(o, "error", FALSE, &row->error, out_why) ? g_steal_pointer(&row) : NULL;
  return figures_from_json(row, o, out_why) ? g_steal_pointer(&row) : NULL;
}

/* ---------------------------------------------------------------- cells */

/* value in decimal at the end of buf (24 bytes); returns where it starts, *out_len its length */
static const char *format_int(char *buf, gint64 value, gsize *out_len)
{
  char *p = buf + 24;
  guint64 v = value < 0 ? -(guint64)value : (guint64)value;
  do
    *--p = (char)('0' + v % 10);
  while ((v /= 10) != 0);
  if (value < 0)
    *--p = '-';
  *out_len = (gsize)(buf + 24 - p);
  return p;
}

static void append_int(GString *out, gint64 value)
{
  char buf[24];
  gsize len;
  const char *p = format_int(buf, value, &len);
  g_string_append_len(out, p, (gssize)len);
}

static char *int_text(gint64 value)
{
  char buf[24];
  gsize len;
  const char *p = format_int(buf, value, &len);
  return g_strndup(p, len);
}

static char *human_bytes(gint64 bytes)
{
  static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
  if (bytes < 1024)
    return g_strdup_printf("%" G_GINT64_FORMAT " B", bytes);
  double v = (double)bytes;
  guint u = 0;
  for (v /= 1024; v >= 1024 && u + 1 < G_N_ELEMENTS(units); u++)
    v /= 1024;
  return g_strdup_printf("%.1f %s", v, units[u]);
}

static char *bytes_text(gint64 bytes, gboolean human)
{
  return human ? human_bytes(bytes) : int_text(bytes);
}

char *whatif_row_victims_text(const WhatifRow *row)
{
  GString *out = g_string_new(NULL);
  for (guint i = 0; row->victims && i < row->victims->len; i++) {
    const WhatifVictim *v = &g_array_index(row->victims, WhatifVictim, i);
    if (i)
      g_string_append(out, ", ");
    append_int(out, v->pid);
    g_string_append_printf(out, " (%s)", v->comm);
  }
  return g_string_free(out, FALSE);
}

/* "10:137 11:0" */
static char *exits_text(const WhatifRow *row)
{
  GString *out = g_string_sized_new(row->exits ? 8 * row->exits->len : 1);
  for (guint i = 0; row->exits && i < row->exits->len; i++) {
    const WhatifExit *x = &g_array_index(row->exits, WhatifExit, i);
    if (i)
      g_string_append_c(out, ' ');
    append_int(out, x->pid);
    g_string_append_c(out, ':');
    append_int(out, x->status);
  }
  return g_string_free(out, FALSE);
}

static char *seconds_text(const WhatifRow *row)
{
  if (!row->ran || !row->oomed)
    return g_strdup("");
  gint64 v = row->first_oom_ns;
  return g_strdup_printf("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, v / 1000000000, v % 1000000000 / 1000);
}

GPtrArray *whatif_row_cells(const WhatifRow *row, gint64 total, guint n_cgroups, gboolean human,
                            const gboolean *cgroup_shown)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(cells, int_text(row->variant));
  if (!human) /* CSV: the total, so that a merge can tell a missing last shard */
    g_ptr_array_add(cells, int_text(total));
  g_ptr_array_add(cells, g_strdup(row->kernel ? row->kernel : ""));
  for (guint i = 0; i < row->values->len; i++)
    g_ptr_array_add(cells, g_strdup(row->values->pdata[i]));
  g_ptr_array_add(cells, g_strdup(row->outcome));
  g_ptr_array_add(cells, whatif_row_victims_text(row));
  g_ptr_array_add(cells, exits_text(row));
  g_autoptr(GString) enomem = g_string_new(NULL);
  for (guint i = 0; row->enomem_steps && i < row->enomem_steps->len; i++)
    g_string_append_printf(enomem, "%s%s", i ? " " : "", (const char *)row->enomem_steps->pdata[i]);
  g_ptr_array_add(cells, g_string_free(g_steal_pointer(&enomem), FALSE));
  g_ptr_array_add(cells, seconds_text(row));
  g_ptr_array_add(cells, row->ran ? bytes_text(row->machine_peak_bytes, human) : g_strdup(""));
  /* a row that did not run has no cgroup figures: as many empty cells as a row that ran */
  for (guint i = 0; i < n_cgroups; i++) {
    if (cgroup_shown && !cgroup_shown[i])
      continue;
    const WhatifCgroupCell *c = row->cgroups && i < row->cgroups->len
                                  ? &g_array_index(row->cgroups, WhatifCgroupCell, i) : NULL;
    g_ptr_array_add(cells, c ? bytes_text(c->peak_bytes, human) : g_strdup(""));
    g_ptr_array_add(cells, c && c->limited ? bytes_text(c->min_headroom_bytes, human)
                                            : g_strdup(human && c ? "-" : ""));
  }
  return cells;
}

static void csv_field(GString *out, const char *field)
{
  if (strpbrk(field, ",\"\r\n") == NULL) {
    g_string_append(out, field);
    return;
  }
  g_string_append_c(out, '"');
  for (const char *c = field; *c; c++) {
    if (*c == '"')
      g_string_append_c(out, '"');
    g_string_append_c(out, *c);
  }
  g_string_append_c(out, '"');
}

void whatif_csv_line(GString *out, GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++) {
    if (i)
      g_string_append_c(out, ',');
    csv_field(out, cells->pdata[i]);
  }
  g_string_append_c(out, '\n');
}

void whatif_row_append_csv(const WhatifRow *row, gint64 total, guint n_cgroups, GString *out)
{
  g_autoptr(GPtrArray) cells = whatif_row_cells(row, total, n_cgroups, FALSE, NULL);
  whatif_csv_line(out, cells);
}
