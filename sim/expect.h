/* sim/expect.h: checks a scenario's <expect> against an outcome (`oomsim check`). */
#pragma once

#include "../scenarios/scenario.h"
#include "outcome.h"

G_BEGIN_DECLS

/* Returns TRUE when every expectation holds. Each failed expectation adds one line to failures (if not NULL):
 * "FILE:LINE:COL: expected ..., got ...". dmesg is the run's dmesg report (for <log>), or NULL. */
gboolean sim_expect_check(const char *file, const GPtrArray *expects, const SimOutcome *outcome, const char *dmesg,
                          GPtrArray *failures);

G_END_DECLS
