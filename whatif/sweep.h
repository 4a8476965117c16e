/* whatif/sweep.h: `oomsim sweep`, the same scenario replayed for every combination of some values (the cartesian
 * product of --vary axes, and of --kernel profiles), one row per variant (docs/what-if.md, "sweep").
 *
 * The scenario is loaded once (sim_scenario_load()); each variant is a copy-on-write view of it
 * (whatif/overrides.c) replayed by sim_replay() on a fresh model, on a GThreadPool of -j threads. A row is built
 * from the variant's SimOutcome as plain data (whatif/sweep-row.h: the one row model every output format renders,
 * and that sweep-merge reads back from JSON), rendered by the worker itself when the output is CSV or JSON, and
 * stored at the variant's index, so the output is in variant order whatever the number of threads and whatever
 * order they finish in.
 */
#pragma once

#include <json-glib/json-glib.h>

#include "overrides.h"
#include "sweep-format.h"

G_BEGIN_DECLS

#define WHATIF_MAX_VARIANTS 1000000 /* the most variants one sweep makes (bounded work from a short command) */

/* One --vary axis: a parameter and its values, as text the overrides accept. */
typedef struct {
  WhatifParam *param;
  GPtrArray *values; /* char* */
} WhatifAxis;

void whatif_axis_free(WhatifAxis *axis);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WhatifAxis, whatif_axis_free)

/* Parses "PARAM=LIST|RANGE" against sc: LIST is "v1,v2,..."; RANGE is "LO..HI/STEP" (sizes with units, e.g.
 * 256MiB..1GiB/32MiB; integers "-1000..1000/100"; an integer range's step may be left out: 1), HI included when a
 * step lands on it. Every value is checked as --set would check it. option names the option in messages. */
WhatifAxis *whatif_axis_parse(const SimScenario *sc, const char *option, const char *text, GError **error);
/* "LO..HI" bounds of a size or integer parameter (bisect), as numbers. */
gboolean whatif_parse_bounds(const SimScenario *sc, const WhatifParam *param, const char *option,
                             const char *text, gint64 *out_lo, gint64 *out_hi, GError **error);
/* A value of param as text the overrides accept: sizes as the largest binary unit that divides them. */
char *whatif_value_text(const WhatifParam *param, gint64 value);

typedef struct {
  const char *const *sets;   /* --set, applied to every variant (NULL: none) */
  GPtrArray *axes;           /* WhatifAxis*, first axis varies slowest */
  GPtrArray *kernels;        /* const KmProfile*: the kernel axis (varies fastest); empty: the scenario's own */
  guint threads;             /* >= 1 */
  guint shard_index, shard_count; /* run variants shard_index, shard_index + shard_count, ... (1-based); 1/1 */
  gboolean progress;         /* a progress line on stderr (only when it is a terminal) */
  WhatifFormat format;       /* how the document will be rendered: CSV and JSON rows are rendered by the workers
                                and only their lines kept (whatif_sweep_render() in another format needs rows:
                                text or HTML) */
} WhatifSweepOptions;

/* Runs the sweep. Returns the document (header and rows), or NULL with error: bad input (a variant the
 * loader's checks refuse, a replay error other than a feature the kernel profile lacks) as SCENARIO_ERROR or
 * WHATIF_ERROR, the first in variant order. */
WhatifSweepDoc *whatif_sweep_run(const SimScenario *sc, const WhatifSweepOptions *opts, GError **error);

G_END_DECLS
