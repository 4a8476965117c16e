/* sim/expect.h: checks a scenario's <expect> against an outcome (`oomsim check`). */
#pragma once

#include "../scenarios/scenario.h"
#include "outcome.h"

G_BEGIN_DECLS

/* Returns TRUE when every expectation that applies to profile (the profile that ran: <expect kernel="...">)
 * holds. Each failed expectation adds one line to failures (if not NULL): "FILE:LINE:COL: expected ..., got ...".
 * dmesg is the run's dmesg report (for <log>), or NULL. */
gboolean sim_expect_check(const char *file, const GPtrArray *expects, const char *profile, const SimOutcome *outcome,
                          const char *dmesg, GPtrArray *failures);
/* The same, with the kernel log searched by log_contains(log_data, needle) (NULL: no log), so that `oomsim check`
 * need not keep it in memory (sim/output-file.h, sim_output_file_open_search()). */
typedef gboolean (*SimLogContains)(gpointer log_data, const char *needle);
gboolean sim_expect_check_log(const char *file, const GPtrArray *expects, const char *profile,
                              const SimOutcome *outcome, SimLogContains log_contains, gpointer log_data,
                              GPtrArray *failures);
/* The profile refused the scenario (SCENARIO_ERROR_UNSUPPORTED; refusal: its message): TRUE when a <refused>
 * applies to profile, with a line in failures for each applicable expectation the refusal does not meet (another
 * kind, or a message-contains not in the message); FALSE when none applies (the refusal is an error). */
gboolean sim_expect_check_refused(const char *file, const GPtrArray *expects, const char *profile,
                                  const char *refusal, GPtrArray *failures);
/* How many of expects apply to profile. */
guint sim_expect_count(const GPtrArray *expects, const char *profile);

G_END_DECLS
