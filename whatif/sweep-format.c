/* whatif/sweep-format.c: the sweep's output formats (text, CSV, JSON, HTML) and sweep-merge (whatif/sweep-format.h).
 *
 * Every format is rendered from the same JSON document (header members and "rows"), so a merged set of JSON
 * shards renders to exactly the bytes of one process, in any format. The text table's column widths depend on
 * all rows, so text is never merged from text: shards are written as JSON (or CSV, merged line by line: each row
 * is one line starting with its variant number). Columns and members are in a fixed order; numbers are bytes and
 * nanoseconds in CSV and JSON, human units in text and HTML. The HTML page is the text table as a table, for a
 * learner comparing kernels (issue 12): a cell that differs from the first row of its group (the rows that differ
 * only by kernel) is marked, in words as well as colour, and `run --kernel LIST --format html` adds each kernel's
 * own report below it (whatif_sweep_render_html()).
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
  else if (strcmp(text, "html") == 0)
    *out = WHATIF_FORMAT_HTML;
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

void whatif_sweep_doc_free(WhatifSweepDoc *doc)
{
  if (!doc)
    return;
  if (doc->header)
    json_object_unref(doc->header);
  if (doc->rows)
    g_ptr_array_unref(doc->rows);
  if (doc->lines)
    g_ptr_array_unref(doc->lines);
  g_free(doc);
}

guint whatif_sweep_doc_length(const WhatifSweepDoc *doc)
{
  return doc->rows ? doc->rows->len : doc->lines ? doc->lines->len : 0;
}

static const WhatifRow *row_at(const WhatifSweepDoc *doc, guint i)
{
  return doc->rows->pdata[i];
}

static guint n_cgroups(const WhatifSweepDoc *doc)
{
  return json_array_get_length(json_object_get_array_member(doc->header, "cgroups"));
}

static gint64 n_variants(const WhatifSweepDoc *doc)
{
  return json_object_get_int_member(doc->header, "variants");
}

/* ---------------------------------------------------------------- cells */

static char *strings_text(JsonObject *object, const char *member)
{
  g_autoptr(GString) out = g_string_new(NULL);
  JsonArray *a = json_object_has_member(object, member) ? json_object_get_array_member(object, member) : NULL;
  for (guint i = 0; a && i < json_array_get_length(a); i++)
    g_string_append_printf(out, "%s%s", i ? " " : "", json_array_get_string_element(a, i));
  return g_string_free(g_steal_pointer(&out), FALSE);
}

static GPtrArray *header_cells(JsonObject *doc, gboolean human, const gboolean *cgroup_shown)
{
  GPtrArray *cells = g_ptr_array_new_with_free_func(g_free);
  g_ptr_array_add(cells, g_strdup("variant"));
  if (!human)
    g_ptr_array_add(cells, g_strdup("of"));
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

static GString *render_csv(const WhatifSweepDoc *doc)
{
  GString *out = g_string_new(NULL);
  g_autoptr(GPtrArray) header = header_cells(doc->header, FALSE, NULL);
  whatif_csv_line(out, header);
  if (doc->lines && doc->lines_format == WHATIF_FORMAT_CSV) {
    for (guint i = 0; i < doc->lines->len; i++)
      g_string_append(out, doc->lines->pdata[i]);
    return out;
  }
  for (guint i = 0; i < doc->rows->len; i++)
    whatif_row_append_csv(row_at(doc, i), n_variants(doc), n_cgroups(doc), out);
  return out;
}

/* ---------------------------------------------------------------- text */

/* Text shows the cgroups that had a limit in some row (peak and headroom of the others are in CSV and JSON). */
static gboolean *limited_cgroups(const WhatifSweepDoc *doc)
{
  guint n = n_cgroups(doc);
  gboolean *shown = g_new0(gboolean, MAX(n, 1));
  for (guint r = 0; r < doc->rows->len; r++) {
    const WhatifRow *row = row_at(doc, r);
    for (guint i = 0; row->cgroups && i < MIN(n, row->cgroups->len); i++)
      if (g_array_index(row->cgroups, WhatifCgroupCell, i).limited)
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
static char *kernel_signature(const WhatifRow *row)
{
  g_autofree char *victims = whatif_row_victims_text(row);
  return g_strdup_printf("%s%s%s", row->outcome, *victims ? ": " : "", victims);
}

/* --kernel with more than one profile: for each combination of values whose rows differ between kernels, the
 * kernels grouped by outcome, in profile order, and the boundaries where consecutive profiles part. Rows of one
 * combination are adjacent (the kernel axis varies fastest). */
static void kernel_diff(GString *out, const WhatifSweepDoc *doc)
{
  JsonArray *kernels = json_object_get_array_member(doc->header, "kernels");
  JsonArray *vary = json_object_get_array_member(doc->header, "vary");
  guint nk = json_array_get_length(kernels), nrows = doc->rows->len;
  if (nk < 2)
    return;
  gboolean any = FALSE;
  for (guint start = 0; start + nk <= nrows; start += nk) {
    g_autoptr(GPtrArray) sigs = g_ptr_array_new_with_free_func(g_free);
    for (guint k = 0; k < nk; k++)
      g_ptr_array_add(sigs, kernel_signature(row_at(doc, start + k)));
    gboolean differ = FALSE;
    for (guint k = 1; k < nk; k++)
      differ |= strcmp(sigs->pdata[k], sigs->pdata[0]) != 0;
    if (!differ)
      continue;
    if (!any)
      g_string_append(out, "\nwhere the kernels part (docs/kernel-versions.md, \"Differences in behaviour\"):\n");
    any = TRUE;
    GPtrArray *values = row_at(doc, start)->values;
    g_string_append(out, " ");
    for (guint i = 0; i < values->len && i < json_array_get_length(vary); i++)
      g_string_append_printf(out, " %s=%s", json_array_get_string_element(vary, i),
                             (const char *)values->pdata[i]);
    g_string_append(out, values->len ? ":\n" : " the scenario as written:\n");
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

static GString *render_text(const WhatifSweepDoc *doc)
{
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "sweep of %s (%s): %" G_GINT64_FORMAT " variants\n",
                         json_object_get_string_member(doc->header, "scenario"),
                         json_object_get_string_member(doc->header, "file"),
                         json_object_get_int_member(doc->header, "variants"));
  g_autofree char *sets = strings_text(doc->header, "set");
  if (*sets)
    g_string_append_printf(out, "overrides (--set): %s\n", sets);
  g_string_append(out, "\n");
  g_autofree gboolean *shown = limited_cgroups(doc);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
  g_autoptr(GString) errors = g_string_new(NULL);
  g_ptr_array_add(lines, header_cells(doc->header, TRUE, shown));
  for (guint i = 0; i < doc->rows->len; i++) {
    const WhatifRow *row = row_at(doc, i);
    g_ptr_array_add(lines, whatif_row_cells(row, n_variants(doc), n_cgroups(doc), TRUE, shown));
    if (row->error)
      g_string_append_printf(errors, "variant %" G_GINT64_FORMAT " (kernel %s): %s\n", row->variant,
                             row->kernel ? row->kernel : "(null)", row->error);
  }
  GPtrArray *first = lines->pdata[0];
  g_autofree guint *widths = g_new0(guint, first->len);
  for (guint l = 0; l < lines->len; l++) {
    GPtrArray *cells = lines->pdata[l];
    for (guint i = 0; i < cells->len; i++)
      widths[i] = MAX(widths[i], (guint)g_utf8_strlen(cells->pdata[i], -1));
  }
  for (guint l = 0; l < lines->len; l++)
    text_line(out, lines->pdata[l], widths);
  g_string_append(out, errors->str);
  kernel_diff(out, doc);
  return out;
}

/* ---------------------------------------------------------------- JSON */

/* The header pretty-printed, then "rows" with one row per line (compact): what sweep-merge reads back, and what
 * line tools (grep, jq -c) handle in a large sweep. */
static GString *render_json(const WhatifSweepDoc *doc)
{
  g_autoptr(JsonGenerator) gen = json_generator_new();
  g_autoptr(JsonNode) root = json_node_new(JSON_NODE_OBJECT);
  json_node_set_object(root, doc->header);
  json_generator_set_root(gen, root);
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_indent(gen, 2);
  g_autofree char *header = json_generator_to_data(gen, NULL);
  GString *out = g_string_new(header);
  /* "{\n  ...\n}": reopen the object for its last member */
  while (out->len && out->str[out->len - 1] != '}')
    g_string_truncate(out, out->len - 1);
  g_string_truncate(out, out->len ? out->len - 1 : 0);
  while (out->len && out->str[out->len - 1] == '\n')
    g_string_truncate(out, out->len - 1);
  g_string_append(out, ",\n  \"rows\" : [");
  gboolean have_lines = doc->lines && doc->lines_format == WHATIF_FORMAT_JSON;
  guint n = whatif_sweep_doc_length(doc);
  for (guint i = 0; i < n; i++) {
    g_string_append(out, i ? ",\n    " : "\n    ");
    if (have_lines)
      g_string_append(out, doc->lines->pdata[i]);
    else
      whatif_row_append_json(row_at(doc, i), out);
  }
  g_string_append(out, n ? "\n  ]\n}\n" : "]\n}\n");
  return out;
}

/* ---------------------------------------------------------------- HTML */

static void html_esc(GString *out, const char *text)
{
  g_autofree char *e = g_markup_escape_text(text ? text : "", -1);
  g_string_append(out, e);
}

static const char html_css[] =
  "body{font:16px/1.5 system-ui,sans-serif;margin:0;color:#1b1b1b;background:#fff;overflow-wrap:break-word}"
  "main{max-width:70rem;margin:0 auto;padding:0 1rem 3rem}h1{font-size:1.6rem}.wide{overflow-x:auto;max-width:100%}"
  "table{border-collapse:collapse;font-size:.9rem}th,td{border:1px solid #ccc;padding:.2rem .4rem;text-align:left;"
  "vertical-align:top}td.differs{background:#fde0dc;font-weight:bold}pre{background:#f6f6f6;padding:.5rem;"
  "overflow-x:auto;font-size:.85rem}iframe{width:100%;height:80vh;border:1px solid #ccc}summary{cursor:pointer}";

/* The table, one row per variant; in a group of rows that differ only by kernel (adjacent: the kernel axis varies
 * fastest), a cell other than the first row's is marked "differs" (and starts with a "≠"). */
static void html_table(GString *out, const WhatifSweepDoc *doc)
{
  g_autofree gboolean *shown = limited_cgroups(doc);
  g_autoptr(GPtrArray) head = header_cells(doc->header, TRUE, shown);
  guint nk = MAX(json_array_get_length(json_object_get_array_member(doc->header, "kernels")), 1);
  g_string_append(out, "<div class=\"wide\"><table class=\"sweep\"><thead><tr>");
  for (guint i = 0; i < head->len; i++) {
    g_string_append(out, "<th scope=\"col\">");
    html_esc(out, head->pdata[i]);
    g_string_append(out, "</th>");
  }
  g_string_append(out, "</tr></thead><tbody>\n");
  g_autoptr(GPtrArray) group_first = NULL;
  for (guint r = 0; r < doc->rows->len; r++) {
    const WhatifRow *row = row_at(doc, r);
    GPtrArray *cells = whatif_row_cells(row, n_variants(doc), n_cgroups(doc), TRUE, shown);
    if (r % nk == 0)
      g_clear_pointer(&group_first, g_ptr_array_unref);
    g_string_append_printf(out, "<tr data-kernel=\"%s\">", row->kernel ? row->kernel : "(null)");
    /* the variant number and the kernel differ by design; an unsupported row has only its outcome */
    gboolean ran = !row->error;
    for (guint i = 0; i < cells->len; i++) {
      const char *cell = cells->pdata[i];
      gboolean differs = group_first && i > 1 && (ran || *cell) && strcmp(cell, group_first->pdata[i]) != 0;
      g_string_append(out, differs ? "<td class=\"differs\">\xe2\x89\xa0 " : "<td>");
      html_esc(out, differs && !*cell ? "(none)" : cell);
      g_string_append(out, "</td>");
    }
    g_string_append(out, "</tr>\n");
    if (!group_first)
      group_first = cells;
    else
      g_ptr_array_unref(cells);
  }
  g_string_append(out, "</tbody></table></div>\n");
}

GString *whatif_sweep_render_html(const WhatifSweepDoc *doc, GPtrArray *pages)
{
  GString *out = g_string_new(NULL);
  const char *scenario = json_object_get_string_member(doc->header, "scenario");
  g_string_append(out, "<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n"
                       "<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, "
                       "initial-scale=1\"/>\n<title>oomsim: ");
  html_esc(out, scenario);
  g_string_append_printf(out, " side by side</title>\n<style>%s</style>\n</head>\n<body>\n<main>\n<h1>", html_css);
  html_esc(out, scenario);
  g_string_append(out, ": one row per variant</h1>\n<p>");
  g_autofree char *title = g_strdup_printf("Scenario %s, %" G_GINT64_FORMAT " variants. A cell marked \xe2\x89\xa0 "
                                           "(shaded) differs from the first row of its group, the rows that differ "
                                           "only by kernel version.", json_object_get_string_member(doc->header, "file"),
                                           json_object_get_int_member(doc->header, "variants"));
  html_esc(out, title);
  g_autofree char *sets = strings_text(doc->header, "set");
  if (*sets) {
    g_string_append(out, " Overrides (--set): ");
    html_esc(out, sets);
    g_string_append(out, ".");
  }
  g_string_append(out, "</p>\n<section id=\"table\">\n");
  html_table(out, doc);
  g_autoptr(GString) errors = g_string_new(NULL);
  for (guint i = 0; i < doc->rows->len; i++) {
    const WhatifRow *row = row_at(doc, i);
    if (!row->error)
      continue;
    g_autofree char *line = g_strdup_printf("variant %" G_GINT64_FORMAT " (kernel %s): %s", row->variant,
                                            row->kernel ? row->kernel : "(null)", row->error);
    g_string_append(errors, "<li>");
    html_esc(errors, line);
    g_string_append(errors, "</li>\n");
  }
  if (errors->len)
    g_string_append_printf(out, "<p>Not run:</p>\n<ul>\n%s</ul>\n", errors->str);
  g_autoptr(GString) diff = g_string_new(NULL);
  kernel_diff(diff, doc);
  if (diff->len) {
    g_string_append(out, "<pre class=\"diff\">");
    html_esc(out, diff->str + 1); /* kernel_diff() starts with a blank line */
    g_string_append(out, "</pre>\n");
  }
  g_string_append(out, "</section>\n");
  guint opened = 0;
  for (guint i = 0; pages && i < pages->len && i < doc->rows->len; i++) {
    const GString *page = pages->pdata[i];
    if (!page)
      continue;
    const WhatifRow *row = row_at(doc, i);
    /* the first report is open, so the page shows one profile's chart without a click */
    g_string_append_printf(out, "<section class=\"kernel-run\" id=\"kernel-%s\"><details%s><summary>",
                           row->kernel ? row->kernel : "(null)", opened++ ? "" : " open=\"open\"");
    g_autofree char *summary = g_strdup_printf("Kernel %s: the whole report (%s)", row->kernel ? row->kernel : "(null)",
                                               row->outcome);
    html_esc(out, summary);
    g_string_append(out, "</summary>\n<iframe title=\"");
    html_esc(out, summary);
    g_string_append(out, "\" srcdoc=\"");
    html_esc(out, page->str);
    g_string_append(out, "\"></iframe></details></section>\n");
  }
  g_string_append(out, "</main>\n</body>\n</html>\n");
  return out;
}

GString *whatif_sweep_render(const WhatifSweepDoc *doc, WhatifFormat format)
{
  switch (format) {
  case WHATIF_FORMAT_HTML:
    return whatif_sweep_render_html(doc, NULL);
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

/* The header members of a sweep document, serialised, to compare shards (everything but "shard"). */
static char *header_key(JsonObject *header)
{
  g_autoptr(JsonObject) copy = json_object_new();
  g_autoptr(GList) members = json_object_get_members(header);
  for (GList *m = members; m; m = m->next)
    if (strcmp(m->data, "shard") != 0)
      json_object_set_member(copy, m->data, json_node_copy(json_object_get_member(header, m->data)));
  g_autoptr(JsonNode) node = json_node_new(JSON_NODE_OBJECT);
  json_node_set_object(node, copy);
  return json_to_string(node, FALSE);
}

static gboolean check_shards(const char *const *files, GPtrArray *headers, GError **error)
{
  guint count = 0;
  g_autofree gboolean *seen = NULL;
  for (guint i = 0; i < headers->len; i++) {
    JsonObject *h = headers->pdata[i];
    const char *shard = json_object_has_member(h, "shard") ? json_object_get_string_member(h, "shard") : "1/1";
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

/* A shard's text; a file that cannot be read is one "FILE:1:1: why" line like every other error. */
static char *read_shard(const char *file, GError **error)
{
  char *text = NULL;
  g_autoptr(GError) io = NULL;
  if (!g_file_get_contents(file, &text, NULL, &io))
    merge_error(error, file, "cannot read it: %s", io->message);
  return text;
}

/* The header members the renderers read, of the types document() writes them (a shard edited by hand must give
 * an error, not a GLib critical); NULL when they are, else the first member that is not. */
static const char *bad_header_member(JsonObject *h)
{
  static const char *const string_lists[] = { "set", "vary", "kernels", "cgroups" };
  static const char *const strings[] = { "scenario", "file" };
  static const char *const ints[] = { "oomsim_sweep", "variants" };
  for (gsize i = 0; i < G_N_ELEMENTS(string_lists); i++) {
    JsonNode *n = json_object_get_member(h, string_lists[i]);
    if (!n || !JSON_NODE_HOLDS_ARRAY(n))
      return string_lists[i];
    JsonArray *a = json_node_get_array(n);
    for (guint j = 0; j < json_array_get_length(a); j++)
      if (json_node_get_value_type(json_array_get_element(a, j)) != G_TYPE_STRING)
        return string_lists[i];
  }
  for (gsize i = 0; i < G_N_ELEMENTS(strings); i++) {
    JsonNode *n = json_object_get_member(h, strings[i]);
    if (!n || json_node_get_value_type(n) != G_TYPE_STRING)
      return strings[i];
  }
  for (gsize i = 0; i < G_N_ELEMENTS(ints); i++) {
    JsonNode *n = json_object_get_member(h, ints[i]);
    if (!n || json_node_get_value_type(n) != G_TYPE_INT64)
      return ints[i];
  }
  JsonNode *shard = json_object_get_member(h, "shard");
  if (shard && json_node_get_value_type(shard) != G_TYPE_STRING)
    return "shard";
  return NULL;
}

/* Reads a shard as render_json() wrote it: the header object, and the rows one per line, each read into a WhatifRow
 * (a line that is not a row, or a row member of the wrong type, is an error naming the line). */
static JsonObject *read_json_shard(const char *file, GPtrArray *rows, GError **error)
{
  g_autofree char *text = read_shard(file, error);
  if (!text)
    return NULL;
  char *mark = strstr(text, ",\n  \"rows\" : [");
  if (!mark) {
    merge_error(error, file, "not the JSON output of oomsim sweep (its \"rows\" member, one row per line)");
    return NULL;
  }
  *mark = '\0';
  g_autofree char *header_text = g_strconcat(text, "\n}", NULL);
  g_autoptr(JsonNode) node = json_from_string(header_text, NULL);
  if (!node || !JSON_NODE_HOLDS_OBJECT(node) || !json_object_has_member(json_node_get_object(node), "oomsim_sweep")) {
    merge_error(error, file, "not the JSON output of oomsim sweep");
    return NULL;
  }
  const char *bad = bad_header_member(json_node_get_object(node));
  if (bad) {
    merge_error(error, file, "not the JSON output of oomsim sweep (its \"%s\" is missing or of the wrong type)", bad);
    return NULL;
  }
  g_auto(GStrv) lines = g_strsplit(mark + strlen(",\n  \"rows\" : ["), "\n", -1);
  for (guint i = 0; lines[i]; i++) {
    char *line = g_strstrip(lines[i]);
    if (*line == '\0' || strcmp(line, "]") == 0 || strcmp(line, "}") == 0 || strcmp(line, "]}") == 0)
      continue;
    gsize len = strlen(line);
    if (line[len - 1] == ',')
      line[--len] = '\0';
    g_autoptr(JsonNode) node_row = json_from_string(line, NULL);
    const char *why = "not a JSON object";
    WhatifRow *row = node_row && JSON_NODE_HOLDS_OBJECT(node_row)
                       ? whatif_row_from_json(json_node_get_object(node_row), &why) : NULL;
    if (!row) {
      merge_error(error, file, "line %u of the rows is not a row of oomsim sweep (%s)", i + 1, why);
      return NULL;
    }
    g_ptr_array_add(rows, row);
  }
  return json_object_ref(json_node_get_object(node));
}

static gint compare_rows(gconstpointer a, gconstpointer b)
{
  gint64 va = (*(WhatifRow *const *)a)->variant, vb = (*(WhatifRow *const *)b)->variant;
  return va < vb ? -1 : va > vb;
}

static GString *merge_json(const char *const *files, WhatifFormat format, GError **error)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new_with_free_func((GDestroyNotify)json_object_unref);
  g_autoptr(WhatifSweepDoc) merged = g_new0(WhatifSweepDoc, 1);
  merged->rows = g_ptr_array_new_with_free_func((GDestroyNotify)whatif_row_free);
  g_autofree char *key0 = NULL;
  for (guint i = 0; files[i]; i++) {
    JsonObject *header = read_json_shard(files[i], merged->rows, error);
    if (!header)
      return NULL;
    g_ptr_array_add(headers, header);
    g_autofree char *key = header_key(header);
    if (i == 0)
      key0 = g_steal_pointer(&key);
    else if (strcmp(key, key0) != 0) {
      merge_error(error, files[i], "a shard of another sweep than %s (scenario, --set, --vary or --kernel differ)",
                  files[0]);
      return NULL;
    }
  }
  if (!check_shards(files, headers, error))
    return NULL;
  g_ptr_array_sort(merged->rows, compare_rows);
  gint64 total = json_object_get_int_member(headers->pdata[0], "variants");
  if ((gint64)merged->rows->len != total) {
    merge_error(error, files[0], "the shards hold %u rows of %" G_GINT64_FORMAT " variants", merged->rows->len,
                total);
    return NULL;
  }
  for (guint r = 0; r < merged->rows->len; r++) {
    if (row_at(merged, r)->variant != (gint64)r + 1) {
      merge_error(error, files[0], "variant %u is missing or repeated", r + 1);
      return NULL;
    }
  }
  merged->header = json_object_new();
  JsonObject *h0 = headers->pdata[0];
  g_autoptr(GList) members = json_object_get_members(h0);
  for (GList *m = members; m; m = m->next)
    if (strcmp(m->data, "shard") != 0)
      json_object_set_member(merged->header, m->data, json_node_copy(json_object_get_member(h0, m->data)));
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
    char *text = read_shard(files[i], error);
    if (!text)
      return NULL;
    g_ptr_array_add(contents, text);
    char *nl = strchr(text, '\n');
    if (!nl || !g_str_has_prefix(text, "variant,of,kernel,")) {
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
  guint64 total = 0;
  for (guint r = 0; r < lines->len; r++) {
    const char *comma = strchr(lines->pdata[r], ',');
    guint64 of = comma ? g_ascii_strtoull(comma + 1, NULL, 10) : 0;
    if (r == 0)
      total = of;
    if (g_ascii_strtoull(lines->pdata[r], NULL, 10) != r + 1 || of != total) {
      merge_error(error, files[0], "variant %u is missing or repeated (a shard is missing?)", r + 1);
      return NULL;
    }
  }
  if (lines->len != total) {
    merge_error(error, files[0], "the shards hold %u rows of %" G_GUINT64_FORMAT " variants (a shard is missing?)",
                lines->len, total);
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
  g_autofree char *first = read_shard(files[0], error);
  if (!first)
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
