/* whatif/sweep-format.h: a sweep's document (whatif/sweep.h: a JsonObject with its rows) rendered as a text table,
 * CSV or JSON, and sweep-merge, which reads shard outputs back and writes the bytes one process would have
 * written (docs/what-if.md, "Output formats", "Shards"). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  WHATIF_FORMAT_TEXT,
  WHATIF_FORMAT_CSV,
  WHATIF_FORMAT_JSON,
} WhatifFormat;

gboolean whatif_format_parse(const char *text, WhatifFormat *out);
/* "I/N" with 1 <= I <= N (--shard, and the "shard" member of a shard's JSON). */
gboolean whatif_parse_shard(const char *text, guint *out_index, guint *out_count);
GString *whatif_sweep_render(JsonObject *doc, WhatifFormat format);
/* Joins shard outputs (all JSON or all CSV, as `sweep --shard I/N --format json|csv` wrote them) into the document
 * one process would have written; CSV inputs can only be written as CSV (format must be CSV). Errors name the file
 * and what is wrong: a missing, repeated or foreign shard, a variant missing or twice. */
GString *whatif_sweep_merge(const char *const *files, gboolean format_given, WhatifFormat format, GError **error);

G_END_DECLS
