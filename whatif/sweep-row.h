/* whatif/sweep-row.h: one row of a sweep (one variant's values and outcome) as plain data, and its three forms:
 * made from a replay's SimOutcome (whatif/sweep.c), written as compact JSON (the "rows" of `sweep --format json`,
 * which sweep-merge reads back into the same data), and cut into the cells of the CSV, text and HTML tables
 * (whatif/sweep-format.c). Every format is rendered from this one model, so a row has the same figures whichever
 * way it reaches the output (docs/what-if.md, "Output formats").
 */
#pragma once

#include <json-glib/json-glib.h>

#include "../sim/outcome.h"

G_BEGIN_DECLS

typedef struct {
  int pid;
  char *comm;
  gint64 time_ns;
} WhatifVictim;

typedef struct {
  int pid, status;
} WhatifExit;

typedef struct {
  gint64 peak_bytes;
  gboolean limited;          /* min_headroom_bytes is meaningful (the JSON writes null otherwise) */
  gint64 min_headroom_bytes;
} WhatifCgroupCell;

typedef struct {
  gint64 variant;            /* 1-based */
  char *kernel;              /* the profile that ran it (NULL only in a hand-made shard: JSON null) */
  GPtrArray *values;         /* char*: the value of each --vary axis, as given */
  char *outcome;             /* "no OOM", "killed 2", ..., "unsupported" */
  char *error;               /* an unsupported variant: why; then ran is FALSE and no figure below is set */
  gboolean ran;
  GArray *victims;           /* WhatifVictim */
  GArray *exits;             /* WhatifExit */
  GPtrArray *enomem_steps;   /* char* */
  gboolean oomed;            /* first_oom_ns is set (JSON null otherwise) */
  gint64 first_oom_ns;
  gint64 machine_peak_bytes;
  GArray *cgroups;           /* WhatifCgroupCell, in the scenario's cgroup order */
} WhatifRow;

/* A row with its variant number, kernel and values (copied), not yet run: whatif_row_set_outcome() or
 * whatif_row_set_unsupported() completes it. */
WhatifRow *whatif_row_new(gint64 variant, const char *kernel, const char *const *values, guint n_values);
void whatif_row_free(WhatifRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WhatifRow, whatif_row_free)

/* The outcome class of a replay ("no OOM", "killed N", "ENOMEM", "panic", "livelock", "OOM, no kill"). */
char *whatif_outcome_class(const SimOutcome *outcome);
void whatif_row_set_outcome(WhatifRow *row, const SimOutcome *outcome);
void whatif_row_set_unsupported(WhatifRow *row, const char *why);

/* Appends the row as one line of compact JSON (no newline): {"variant":N,"values":[...],"kernel":...,...}. */
void whatif_row_append_json(const WhatifRow *row, GString *out);
/* The row back from that JSON (a sweep-merge shard's line); NULL with a reason in *out_why (static text) when a
 * member is missing or of the wrong type. */
WhatifRow *whatif_row_from_json(JsonObject *object, const char **out_why);

/* The cells of the row in column order: variant, [of: total, CSV only], kernel, the values, outcome, victims,
 * exits, ENOMEM steps, first OOM, machine peak, then peak and headroom of each of the scenario's n_cgroups
 * cgroups whose cgroup_shown is TRUE (NULL: all; empty cells for a row that did not run). human: text units
 * (KiB, MiB ...), else bytes and seconds. */
GPtrArray *whatif_row_cells(const WhatifRow *row, gint64 total, guint n_cgroups, gboolean human,
                            const gboolean *cgroup_shown);
/* "10 (worker), 11 (sidecar)" */
char *whatif_row_victims_text(const WhatifRow *row);
/* Appends the row as one CSV line with its newline (whatif_row_cells(row, total, n_cgroups, FALSE, NULL), quoted). */
void whatif_row_append_csv(const WhatifRow *row, gint64 total, guint n_cgroups, GString *out);
/* Appends cells as one CSV line with its newline. */
void whatif_csv_line(GString *out, GPtrArray *cells);

G_END_DECLS
