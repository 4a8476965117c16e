/* whatif/sweep-format.c: the sweep's three output formats and sweep-merge (whatif/sweep-format.h).
 *
 * Every format is rendered from the same JSON document (header members and "rows"), so a merged set of JSON
 * shards renders to exactly the bytes of one process, in any format. The text table's column widths depend on
 * all rows, so text is never merged from text: shards are written as JSON (or CSV, merged line by line: each row
 * is one line starting with its variant number). Columns and members are in a fixed order; numbers are bytes and
 * nanoseconds in CSV and JSON, human units in text.
 */
#include "sweep-format.h"

#include <stdlib.h>
#include <string.h>

#include "overrides.h"

gboolean whatif_format_parse(const char *text, WhatifFormat *out)
{
  if (!text || strcmp(text, "text") == 0)
    *out = WHATIF_FORMAT_TEXT;
  else if (strcmp(text, "csv") == 0)
    *out = WHATIF_FORMAT_CSV;
  else if (strcmp(text, "json") == 0)
    *out = WHATIF_FORMAT_JSON;
  else
    return FALSE;
  return TRUE;
}

gboolean whatif_parse_shard(const char *text, guint *out_index, guint *out_count)
{
  g_auto(GStrv) parts = g_strsplit(text, "/", -1);
  guint64 index, count;
  if (g_strv_length(parts) != 2 || !g_ascii_string_to_unsigned(parts[1], 10, 1, G_MAXUINT, &count, NULL) ||
      !g_ascii_string_to_unsigned(parts[0], 10, 1, count, &index, NULL))
    return FALSE;
  *out_index = (guint)index;
  *out_count = (guint)count;
  return TRUE;
}

/* ---------------------------------------------------------------- cells */

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

static char *seconds(JsonNode *ns)
{
  if (!ns || JSON_NODE_HOLDS_NULL(ns))
    return g_strdup("");
  gint64 v = json_node_get_int(ns);
  return g_strdup_printf("%" G_GINT64_FORMAT ".%06" G_GINT64_FORMAT, v / 1000000000, v % 1000000000 / 1000);
}

/* "10 (worker), 11 (sidecar)" */
static char *victims_text(JsonObject *row)
{
  g_autoptr(GString) out = g_string_new(NULL);
  JsonArray *victims = json_object_has_member(row, "victims") ? json_object_get_array_member(row, "victims") : NULL;
  for (guint i = 0; victims && i < json_array_get_length(victims); i++) {
    JsonObject *k = json_array_get_object_element(victims, i);
    g_string_append_printf(out, "%s%" G_GINT64_FORMAT " (%s)", i ? ", " : "", json_object_get_int_member(k, "pid"),
                           json_object_get_string_member(k, "comm"));
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}

/* "10:137 11:0" */
static char *exits_text(JsonObject *row)
{
  g_autoptr(GString) out = g_string_new(NULL);
  JsonArray *exits = json_object_has_member(row, "exits") ? json_object_get_array_member(row, "exits") : NULL;
  for (guint i = 0; exits && i < json_array_get_length(exits); i++) {
    JsonObject *x = json_array_get_object_element(exits, i);
    g_string_append_printf(out, "%s%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, i ? " " : "",
                           json_object_get_int_member(x, "pid"), json_object_get_int_member(x, "status"));
  }
  return g_string_free(g_steal_pointer(&out), FALSE);
}

static char *strings_text(JsonObject *row, const char *member)
{
  g_autoptr(GString) out = g_string_new(NULL);
  JsonArray *a = json_object_has_member(row, member) ? json_object_get_array_member(row, member) : NULL;
  for (guint i = 0; a && i < json_array_get_length(a); i++)
    g_string_append_printf(out, "%s%s", i ? " " : "", json_array_get_string_element(a, i));
  return g_string_free(g_steal_pointer(&out), FALSE);
}

/* The cells of one row, in column order; human: text units, else bytes and seconds. */
static GPtrArray *row_cells(JsonObject *doc, JsonObject *row, gboolean human, const gboolean *cgroup_shown)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(cells, g_strdup_printf("%" G_GINT64_FORMAT, json_object_get_int_member(row, "variant")));
  g_ptr_array_add(cells, g_strdup(json_object_get_string_member(row, "kernel")));
  JsonArray *values = json_object_get_array_member(row, "values");
  for (guint i = 0; i < json_array_get_length(values); i++)
    g_ptr_array_add(cells, g_strdup(json_array_get_string_element(values, i)));
  g_ptr_array_add(cells, g_strdup(json_object_get_string_member(row, "outcome")));
  gboolean ran = json_object_has_member(row, "victims");
  g_ptr_array_add(cells, victims_text(row));
  g_ptr_array_add(cells, exits_text(row));
  g_ptr_array_add(cells, strings_text(row, "enomem_steps"));
  g_ptr_array_add(cells, seconds(ran ? json_object_get_member(row, "first_oom_ns") : NULL));
  gint64 machine = ran ? json_object_get_int_member(row, "machine_peak_bytes") : 0;
  g_ptr_array_add(cells, !ran ? g_strdup("") : human ? human_bytes(machine) : g_strdup_printf("%" G_GINT64_FORMAT, machine));
  guint n_cgroups = json_array_get_length(json_object_get_array_member(doc, "cgroups"));
  JsonArray *cgroups = ran ? json_object_get_array_member(row, "cgroups") : NULL;
  for (guint i = 0; i < n_cgroups; i++) {
    if (cgroup_shown && !cgroup_shown[i])
      continue;
    JsonObject *c = cgroups ? json_array_get_object_element(cgroups, i) : NULL;
    gint64 peak = c ? json_object_get_int_member(c, "peak_bytes") : 0;
    JsonNode *headroom = c ? json_object_get_member(c, "min_headroom_bytes") : NULL;
    gboolean limited = headroom && !JSON_NODE_HOLDS_NULL(headroom);
    g_ptr_array_add(cells, !c ? g_strdup("") : human ? human_bytes(peak) : g_strdup_printf("%" G_GINT64_FORMAT, peak));
    g_ptr_array_add(cells, !limited ? g_strdup(human && c ? "-" : "")
                           : human ? human_bytes(json_node_get_int(headroom))
                                   : g_strdup_printf("%" G_GINT64_FORMAT, json_node_get_int(headroom)));
  }
  return cells;
}

static GPtrArray *header_cells(JsonObject *doc, gboolean human, const gboolean *cgroup_shown)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(cells, g_strdup("variant"));
  g_ptr_array_add(cells, g_strdup("kernel"));
  JsonArray *vary = json_object_get_array_member(doc, "vary");
  for (guint i = 0; i < json_array_get_length(vary); i++)
    g_ptr_array_add(cells, g_strdup(json_array_get_string_element(vary, i)));
  const char *fixed_csv[] = { "outcome", "victims", "exits", "enomem_steps", "first_oom_s", "machine_peak_bytes" };
  const char *fixed_text[] = { "outcome", "victims", "exits", "ENOMEM", "first OOM (s)", "peak charged" };
  for (gsize i = 0; i < G_N_ELEMENTS(fixed_csv); i++)
    g_ptr_array_add(cells, g_strdup(human ? fixed_text[i] : fixed_csv[i]));
  JsonArray *cgroups = json_object_get_array_member(doc, "cgroups");
  for (guint i = 0; i < json_array_get_length(cgroups); i++) {
    if (cgroup_shown && !cgroup_shown[i])
      continue;
    const char *path = json_array_get_string_element(cgroups, i);
    g_ptr_array_add(cells, g_strdup_printf(human ? "peak %s" : "peak_bytes:%s", path));
    g_ptr_array_add(cells, g_strdup_printf(human ? "headroom %s" : "min_headroom_bytes:%s", path));
  }
  return cells;
}

/* ---------------------------------------------------------------- CSV */

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

static void csv_line(GString *out, GPtrArray *cells)
{
  for (guint i = 0; i < cells->len; i++) {
    if (i)
      g_string_append_c(out, ',');
    csv_field(out, cells->pdata[i]);
  }
  g_string_append_c(out, '\n');
}

static GString *render_csv(JsonObject *doc)
{
  GString *out = g_string_new(NULL);
  g_autoptr(GPtrArray) header = header_cells(doc, FALSE, NULL);
  csv_line(out, header);
  JsonArray *rows = json_object_get_array_member(doc, "rows");
  for (guint i = 0; i < json_array_get_length(rows); i++) {
    g_autoptr(GPtrArray) cells = row_cells(doc, json_array_get_object_element(rows, i), FALSE, NULL);
    csv_line(out, cells);
  }
  return out;
}

/* ---------------------------------------------------------------- text */

/* Text shows the cgroups that had a limit in some row (peak and headroom of the others are in CSV and JSON). */
static gboolean *limited_cgroups(JsonObject *doc)
{
  JsonArray *rows = json_object_get_array_member(doc, "rows");
  guint n = json_array_get_length(json_object_get_array_member(doc, "cgroups"));
  gboolean *shown = g_new0(gboolean, MAX(n, 1));
  for (guint r = 0; r < json_array_get_length(rows); r++) {
    JsonObject *row = json_array_get_object_element(rows, r);
    if (!json_object_has_member(row, "cgroups"))
      continue;
    JsonArray *cgroups = json_object_get_array_member(row, "cgroups");
    for (guint i = 0; i < n; i++)
      if (!JSON_NODE_HOLDS_NULL(json_object_get_member(json_array_get_object_element(cgroups, i),
                                                       "min_headroom_bytes")))
        shown[i] = TRUE;
  }
  return shown;
}

static void text_line(GString *out, GPtrArray *cells, const guint *widths)
{
  g_autoptr(GString) line = g_string_new(NULL);
  for (guint i = 0; i < cells->len; i++)
    g_string_append_printf(line, "%s%-*s", i ? "  " : "", (int)widths[i], (const char *)cells->pdata[i]);
  while (line->len && line->str[line->len - 1] == ' ')
    g_string_truncate(line, line->len - 1);
  g_string_append_printf(out, "%s\n", line->str);
}

/* What two kernels are compared on: the outcome and the victims ("killed 1: 400 (make)"). */
static char *kernel_signature(JsonObject *row)
{
  g_autofree char *victims = victims_text(row);
  return g_strdup_printf("%s%s%s", json_object_get_string_member(row, "outcome"), *victims ? ": " : "", victims);
}

/* --kernel with more than one profile: for each combination of values whose rows differ between kernels, the
 * kernels grouped by outcome, in profile order, and the boundaries where consecutive profiles part. Rows of one
 * combination are adjacent (the kernel axis varies fastest). */
static void kernel_diff(GString *out, JsonObject *doc)
{
  JsonArray *kernels = json_object_get_array_member(doc, "kernels");
  JsonArray *vary = json_object_get_array_member(doc, "vary");
  JsonArray *rows = json_object_get_array_member(doc, "rows");
  guint nk = json_array_get_length(kernels), nrows = json_array_get_length(rows);
  if (nk < 2)
    return;
  gboolean any = FALSE;
  for (guint start = 0; start + nk <= nrows; start += nk) {
    g_autoptr(GPtrArray) sigs = g_ptr_array_new_with_free_func(g_free);
    for (guint k = 0; k < nk; k++)
      g_ptr_array_add(sigs, kernel_signature(json_array_get_object_element(rows, start + k)));
    gboolean differ = FALSE;
    for (guint k = 1; k < nk; k++)
      differ |= strcmp(sigs->pdata[k], sigs->pdata[0]) != 0;
    if (!differ)
      continue;
    if (!any)
      g_string_append(out, "\nwhere the kernels part (docs/kernel-versions.md, \"Differences in behaviour\"):\n");
    any = TRUE;
    JsonArray *values = json_object_get_array_member(json_array_get_object_element(rows, start), "values");
    g_string_append(out, " ");
    for (guint i = 0; i < json_array_get_length(values); i++)
      g_string_append_printf(out, " %s=%s", json_array_get_string_element(vary, i),
                             json_array_get_string_element(values, i));
    g_string_append(out, json_array_get_length(values) ? ":\n" : " the scenario as written:\n");
    for (guint k = 0; k < nk;) {
      guint end = k + 1;
      while (end < nk && strcmp(sigs->pdata[end], sigs->pdata[k]) == 0)
        end++;
      g_string_append_printf(out, "    %s%s%s: %s\n", json_array_get_string_element(kernels, k),
                             end - k > 1 ? " .. " : "", end - k > 1 ? json_array_get_string_element(kernels, end - 1) : "",
                             (const char *)sigs->pdata[k]);
      k = end;
    }
    for (guint k = 1; k < nk; k++)
      if (strcmp(sigs->pdata[k], sigs->pdata[k - 1]) != 0 && strcmp(sigs->pdata[k], "unsupported") != 0 &&
          strcmp(sigs->pdata[k - 1], "unsupported") != 0)
        g_string_append_printf(out, "    parts between %s and %s\n", json_array_get_string_element(kernels, k - 1),
                               json_array_get_string_element(kernels, k));
  }
}

static GString *render_text(JsonObject *doc)
{
  GString *out = g_string_new(NULL);
  JsonArray *rows = json_object_get_array_member(doc, "rows");
  g_string_append_printf(out, "sweep of %s (%s): %" G_GINT64_FORMAT " variants\n",
                         json_object_get_string_member(doc, "scenario"), json_object_get_string_member(doc, "file"),
                         json_object_get_int_member(doc, "variants"));
  g_autofree char *sets = strings_text(doc, "set");
  if (*sets)
    g_string_append_printf(out, "overrides (--set): %s\n", sets);
  g_string_append(out, "\n");
  g_autofree gboolean *shown = limited_cgroups(doc);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  g_ptr_array_add(lines, header_cells(doc, TRUE, shown));
  for (guint i = 0; i < json_array_get_length(rows); i++)
    g_ptr_array_add(lines, row_cells(doc, json_array_get_object_element(rows, i), TRUE, shown));
  GPtrArray *first = lines->pdata[0];
  g_autofree guint *widths = g_new0(guint, first->len);
  for (guint l = 0; l < lines->len; l++) {
    GPtrArray *cells = lines->pdata[l];
    for (guint i = 0; i < cells->len; i++)
      widths[i] = MAX(widths[i], (guint)g_utf8_strlen(cells->pdata[i], -1));
  }
  for (guint l = 0; l < lines->len; l++)
    text_line(out, lines->pdata[l], widths);
  for (guint i = 0; i < json_array_get_length(rows); i++) {
    JsonObject *row = json_array_get_object_element(rows, i);
    if (json_object_has_member(row, "error"))
      g_string_append_printf(out, "variant %" G_GINT64_FORMAT " (kernel %s): %s\n",
                             json_object_get_int_member(row, "variant"), json_object_get_string_member(row, "kernel"),
                             json_object_get_string_member(row, "error"));
  }
  kernel_diff(out, doc);
  return out;
}

/* ---------------------------------------------------------------- JSON */

static GString *render_json(JsonObject *doc)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
  json_node_set_object(root, doc);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_indent(gen, 2);
  GString *out = g_string_new(NULL);
  gsize len;
  g_autofree char *text = json_generator_to_data(gen, &len);
  g_string_append_len(out, text, (gssize)len);
  g_string_append_c(out, '\n');
  return out;
}

GString *whatif_sweep_render(JsonObject *doc, WhatifFormat format)
{
  switch (format) {
  case WHATIF_FORMAT_CSV:
    return render_csv(doc);
  case WHATIF_FORMAT_JSON:
    return render_json(doc);
  case WHATIF_FORMAT_TEXT:
  default:
    return render_text(doc);
  }
}

/* ---------------------------------------------------------------- sweep-merge */

static void merge_error(GError **error, const char *file, const char *format, ...) G_GNUC_PRINTF(3, 4);
static void merge_error(GError **error, const char *file, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *why = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:1:1: %s", file, why);
}

static gint compare_variant(gconstpointer a, gconstpointer b)
{
  gint64 va = json_object_get_int_member(*(JsonObject *const *)a, "variant");
  gint64 vb = json_object_get_int_member(*(JsonObject *const *)b, "variant");
  return va < vb ? -1 : va > vb;
}

/* The header members of a sweep document, serialised, to compare shards (everything but shard and rows). */
static char *header_key(JsonObject *doc)
{
  g_autoptr(JsonObject) copy = json_object_new();
  g_autoptr(GList) members = json_object_get_members(doc);
  for (GList *m = members; m; m = m->next)
    if (strcmp(m->data, "shard") != 0 && strcmp(m->data, "rows") != 0)
      json_object_set_member(copy, m->data, json_node_copy(json_object_get_member(doc, m->data)));
  g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
  json_node_set_object(node, copy);
  return json_to_string(node, FALSE);
}

static gboolean check_shards(const char *const *files, GPtrArray *docs, GError **error)
{
  guint count = 0;
  g_autofree gboolean *seen = NULL;
  for (guint i = 0; i < docs->len; i++) {
    JsonObject *doc = docs->pdata[i];
    const char *shard = json_object_has_member(doc, "shard") ? json_object_get_string_member(doc, "shard") : "1/1";
    guint index = 0, n = 0;
    if (!whatif_parse_shard(shard, &index, &n)) {
      merge_error(error, files[i], "\"shard\": \"%s\" is not I/N", shard);
      return FALSE;
    }
    if (i == 0) {
      count = n;
      seen = g_new0(gboolean, n + 1);
    }
    if (n != count) {
      merge_error(error, files[i], "shard %s is of a %u-way split, %s of a %u-way one", shard, n, files[0], count);
      return FALSE;
    }
    if (seen[index]) {
      merge_error(error, files[i], "shard %s is given twice", shard);
      return FALSE;
    }
    seen[index] = TRUE;
  }
  for (guint s = 1; s <= count; s++)
    if (!seen[s]) {
      merge_error(error, files[0], "shard %u/%u is missing", s, count);
      return FALSE;
    }
  return TRUE;
}

static GString *merge_json(const char *const *files, WhatifFormat format, GError **error)
{
  g_autoptr(GPtrArray) parsers = g_ptr_array_new_with_free_func(g_object_unref);
  g_autoptr(GPtrArray) docs = g_ptr_array_new();
  g_autofree char *key0 = NULL;
  for (guint i = 0; files[i]; i++) {
    JsonParser *parser = json_parser_new();
    g_ptr_array_add(parsers, parser);
    g_autoptr(GError) parse_error = NULL;
    if (!json_parser_load_from_file(parser, files[i], &parse_error)) {
      g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s%s%s", g_str_has_prefix(parse_error->message, files[i]) ? "" : files[i],
                  g_str_has_prefix(parse_error->message, files[i]) ? "" : ":1:1: ", parse_error->message);
      return NULL;
    }
    JsonNode *root = json_parser_get_root(parser);
    JsonObject *doc = root && JSON_NODE_HOLDS_OBJECT(root) ? json_node_get_object(root) : NULL;
    if (!doc || !json_object_has_member(doc, "oomsim_sweep") || !json_object_has_member(doc, "rows")) {
      merge_error(error, files[i], "not the JSON output of oomsim sweep");
      return NULL;
    }
    g_autofree char *key = header_key(doc);
    if (i == 0)
      key0 = g_steal_pointer(&key);
    else if (strcmp(key, key0) != 0) {
      merge_error(error, files[i], "a shard of another sweep than %s (scenario, --set, --vary or --kernel differ)",
                  files[0]);
      return NULL;
    }
    g_ptr_array_add(docs, doc);
  }
  if (!check_shards(files, docs, error))
    return NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new();
  for (guint i = 0; i < docs->len; i++) {
    JsonArray *a = json_object_get_array_member(docs->pdata[i], "rows");
    for (guint r = 0; r < json_array_get_length(a); r++)
      g_ptr_array_add(rows, json_array_get_object_element(a, r));
  }
  g_ptr_array_sort(rows, compare_variant);
  gint64 total = json_object_get_int_member(docs->pdata[0], "variants");
  if ((gint64)rows->len != total) {
    merge_error(error, files[0], "the shards hold %u rows of %" G_GINT64_FORMAT " variants", rows->len, total);
    return NULL;
  }
  for (guint r = 0; r < rows->len; r++)
    if (json_object_get_int_member(rows->pdata[r], "variant") != (gint64)r + 1) {
      merge_error(error, files[0], "variant %u is missing or repeated", r + 1);
      return NULL;
    }
  g_autoptr(JsonObject) merged = json_object_new();
  g_autoptr(GList) members = json_object_get_members(docs->pdata[0]);
  for (GList *m = members; m; m = m->next)
    if (strcmp(m->data, "shard") != 0 && strcmp(m->data, "rows") != 0)
      json_object_set_member(merged, m->data, json_node_copy(json_object_get_member(docs->pdata[0], m->data)));
  JsonArray *all = json_array_sized_new(rows->len);
  for (guint r = 0; r < rows->len; r++)
    json_array_add_object_element(all, json_object_ref(rows->pdata[r]));
  json_object_set_array_member(merged, "rows", all);
  return whatif_sweep_render(merged, format);
}

static gint compare_lines(gconstpointer a, gconstpointer b)
{
  guint64 va = g_ascii_strtoull(*(char *const *)a, NULL, 10), vb = g_ascii_strtoull(*(char *const *)b, NULL, 10);
  return va < vb ? -1 : va > vb;
}

static GString *merge_csv(const char *const *files, GError **error)
{
  g_autoptr(GPtrArray) contents = g_ptr_array_new_with_free_func(g_free);
  g_autoptr(GPtrArray) lines = g_ptr_array_new();
  const char *header0 = NULL;
  for (guint i = 0; files[i]; i++) {
    char *text;
    if (!g_file_get_contents(files[i], &text, NULL, error))
      return NULL;
    g_ptr_array_add(contents, text);
    char *nl = strchr(text, '\n');
    if (!nl || !g_str_has_prefix(text, "variant,kernel,")) {
      merge_error(error, files[i], "not the CSV output of oomsim sweep");
      return NULL;
    }
    *nl = '\0';
    if (header0 && strcmp(text, header0) != 0) {
      merge_error(error, files[i], "a shard of another sweep than %s (its columns differ)", files[0]);
      return NULL;
    }
    header0 = text;
    for (char *line = nl + 1; *line;) {
      char *end = strchr(line, '\n');
      if (!end) {
        merge_error(error, files[i], "the last line is cut short");
        return NULL;
      }
      *end = '\0';
      g_ptr_array_add(lines, line);
      line = end + 1;
    }
  }
  g_ptr_array_sort(lines, compare_lines);
  for (guint r = 0; r < lines->len; r++)
    if (g_ascii_strtoull(lines->pdata[r], NULL, 10) != r + 1) {
      merge_error(error, files[0], "variant %u is missing or repeated (a shard is missing?)", r + 1);
      return NULL;
    }
  GString *out = g_string_new(header0);
  g_string_append_c(out, '\n');
  for (guint r = 0; r < lines->len; r++)
    g_string_append_printf(out, "%s\n", (const char *)lines->pdata[r]);
  return out;
}

GString *whatif_sweep_merge(const char *const *files, gboolean format_given, WhatifFormat format, GError **error)
{
  g_autofree char *first = NULL;
  gsize len;
  if (!g_file_get_contents(files[0], &first, &len, error))
    return NULL;
  const char *c = first;
  while (g_ascii_isspace(*c))
    c++;
  if (*c == '{')
    return merge_json(files, format_given ? format : WHATIF_FORMAT_JSON, error);
  if (format_given && format != WHATIF_FORMAT_CSV) {
    merge_error(error, files[0], "CSV shards merge into CSV only: write the shards with --format json to get %s",
                format == WHATIF_FORMAT_TEXT ? "text" : "JSON");
    return NULL;
  }
  return merge_csv(files, error);
}
