/* whatif/bisect.h: `oomsim bisect`: the value of one parameter at which a condition on the outcome starts or stops
 * holding (docs/what-if.md, "bisect"), by binary search over LO..HI at page resolution (sizes) or 1 (integers),
 * with the ends checked to differ and extra probes that report a counter-example when the outcome is not
 * monotone in the range. */
#pragma once

#include "overrides.h"

G_BEGIN_DECLS

typedef enum {
  WHATIF_UNTIL_NO_OOM,    /* out_of_memory() never ran (no kill, no panic, no OOM of any kind) */
  WHATIF_UNTIL_SURVIVES,  /* pid was not chosen by the OOM killer nor killed by a signal */
  WHATIF_UNTIL_KILLED,    /* the opposite: pid was OOM-killed (or killed with its group) */
  WHATIF_UNTIL_NO_PANIC,
  WHATIF_UNTIL_NO_ENOMEM, /* no step failed with ENOMEM */
} WhatifUntilKind;

typedef struct {
  WhatifUntilKind kind;
  int pid;
} WhatifUntil;

/* "no-oom", "survives:PID", "killed:PID", "no-panic", "no-enomem"; a pid must be a process of sc (or one its
 * trace forks). */
gboolean whatif_until_parse(const SimScenario *sc, const char *text, WhatifUntil *out, GError **error);
gboolean whatif_until_holds(const WhatifUntil *until, const SimOutcome *outcome);

typedef struct {
  const char *const *sets;
  WhatifParam *param;
  gint64 lo, hi;
  WhatifUntil until;
  const char *until_text;
  const char *kernel; /* NULL: the scenario's */
  guint probes;       /* evenly spaced extra runs to look for non-monotone ranges (default 16) */
} WhatifBisectOptions;

/* Runs the search and returns the report (text). *out_found is FALSE when both ends give the same answer (no
 * threshold in the range). Errors as sweep's. */
GString *whatif_bisect_run(const SimScenario *sc, const WhatifBisectOptions *opts, gboolean *out_found,
                           GError **error);

G_END_DECLS
