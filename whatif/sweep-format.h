/* whatif/sweep-format.h: a sweep's document (whatif/sweep.h: a JsonObject with its rows) rendered as a text table,
 * CSV, JSON or an HTML page, and sweep-merge, which reads shard outputs back and writes the bytes one process would have
 * written (docs/what-if.md, "Output formats", "Shards"). */
#pragma once

#include <json-glib/json-glib.h>

#include "sweep-row.h"

G_BEGIN_DECLS

typedef enum {
  WHATIF_FORMAT_TEXT,
  WHATIF_FORMAT_CSV,
  WHATIF_FORMAT_JSON,
  WHATIF_FORMAT_HTML, /* a self-contained page: the table, where the kernels part, and any embedded reports */
} WhatifFormat;

/* A sweep's result: its header members (scenario, file, set, vary, kernels, cgroups, variants, shard) and its rows
 * (whatif/sweep-row.h), in variant order. A sweep written as CSV or JSON has its rows rendered by the worker
 * threads as they finish (lines: CSV lines with their newline, or compact JSON), and keeps only those; text and
 * HTML need every row's cells (column widths, the kernels' diff), so rows are kept as data. */
typedef struct {
  JsonObject *header;
  GPtrArray *rows;  /* WhatifRow*, or NULL when only lines are kept */
  GPtrArray *lines; /* char*: each row rendered in lines_format, or NULL */
  WhatifFormat lines_format;
} WhatifSweepDoc;
void whatif_sweep_doc_free(WhatifSweepDoc *doc);
/* The number of rows. */
guint whatif_sweep_doc_length(const WhatifSweepDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WhatifSweepDoc, whatif_sweep_doc_free)

gboolean whatif_format_parse(const char *text, WhatifFormat *out);
/* "I/N" with 1 <= I <= N (--shard, and the "shard" member of a shard's JSON). */
gboolean whatif_parse_shard(const char *text, guint *out_index, guint *out_count);
GString *whatif_sweep_render(const WhatifSweepDoc *doc, WhatifFormat format);
/* The HTML page of a sweep; pages (GString* or NULL, one per row, may be NULL) are whole HTML reports embedded
 * under the table, each in a <details> with an <iframe srcdoc> (`run --kernel LIST --format html`). */
GString *whatif_sweep_render_html(const WhatifSweepDoc *doc, GPtrArray *pages);
/* Joins shard outputs (all JSON or all CSV, as `sweep --shard I/N --format json|csv` wrote them) into the document
 * one process would have written; CSV inputs can only be written as CSV (format must be CSV). Errors name the file
 * and what is wrong: a missing, repeated or foreign shard, a variant missing or twice. */
GString *whatif_sweep_merge(const char *const *files, gboolean format_given, WhatifFormat format, GError **error);

G_END_DECLS
