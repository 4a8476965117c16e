/* scenarios/scenario-loader.h: streaming reader of oomsim scenarios (libxml2 xmlTextReader + RelaxNG).
 *
 * Usage:
 *   loader = scenario_loader_new(path, &error);            // "-" reads standard input
 *   header = scenario_loader_get_header(loader);           // machine, cgroups, processes
 *   while (scenario_loader_next_step(loader, &step, &error)) { ...; sc_step_free(step); }
 *   if (error) ...                                          // FALSE and no error: the trace has ended
 *   expects = scenario_loader_finish(loader, &error);       // reads <expect> and the end of the document
 *
 * The document is validated against the embedded scenarios/oomsim.rng while it is read, so memory does not
 * grow with the length of the trace. Every error message has the form "FILE:LINE:COL: what is wrong".
 */
#pragma once

#include "scenario.h"

G_BEGIN_DECLS

typedef struct _ScenarioLoader ScenarioLoader;

ScenarioLoader *scenario_loader_new(const char *path, GError **error);
/* Same, from a buffer; display_name is used in messages. */
ScenarioLoader *scenario_loader_new_from_memory(const char *data, gsize len, const char *display_name,
                                                GError **error);
const ScenarioHeader *scenario_loader_get_header(ScenarioLoader *loader);
/* TRUE and *out_step set, or FALSE: end of trace (error unset) or an error (error set). */
gboolean scenario_loader_next_step(ScenarioLoader *loader, ScStep **out_step, GError **error);
/* The same, the step borrowed from the loader: valid until the next call or the loader's end, not to be freed (no
 * allocation per step; a caller that keeps a step copies it, sc_step_copy()). */
gboolean scenario_loader_next_step_borrowed(ScenarioLoader *loader, const ScStep **out_step, GError **error);
/* After the last step: the expectations (ScExpect*, possibly empty), or NULL with error set. */
GPtrArray *scenario_loader_finish(ScenarioLoader *loader, GError **error);
const char *scenario_loader_get_display_name(ScenarioLoader *loader);
/* After scenario_loader_finish(): the header, which then outlives the loader (free with scenario_header_free()). */
ScenarioHeader *scenario_loader_steal_header(ScenarioLoader *loader);
/* The header's process list (ScProcess*, the caller's to free), taken out of it: the header's list is then empty.
 * For a run that builds its model from the list and has nothing else read it (sim_run() without a report that
 * prints it: the engine frees each process as it makes it, issue 13). The loader itself needs the list no more once
 * it has the header (what it checks later it keeps as pid sets). */
GPtrArray *scenario_loader_steal_processes(ScenarioLoader *loader);
void scenario_loader_free(ScenarioLoader *loader);
/* How many elements so far sc_flat_element_vouches() validated instead of libxml2's RelaxNG (for tests). */
guint64 scenario_loader_elements_vouched(ScenarioLoader *loader);
/* How many steps and processes so far the scanner (scenario-trace-scan.c) read instead of libxml2 (for tests). */
guint64 scenario_loader_steps_scanned(ScenarioLoader *loader);
/* For tests: FALSE sends every element through libxml2's RelaxNG validator, as before issue 13 (default TRUE).
 * Not thread-safe: call it before loading. */
void scenario_loader_use_flat_elements(gboolean use);
/* For tests: whether the steps of <trace> may be read by scenario-trace-scan.c (TRUE) or only by libxml2, and
 * how many bytes at least must follow <trace> for it (default TRUE, 32768; 0: any trace). Not thread-safe. */
void scenario_loader_use_trace_scan(gboolean use, gsize min_bytes);

/* Sets error to "FILE:LINE:COL: message" in SCENARIO_ERROR with the given code. */
void scenario_set_error(GError **error, ScenarioError code, const char *file, int line, int col,
                        const char *format, ...) G_GNUC_PRINTF(6, 7);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScenarioLoader, scenario_loader_free)

G_END_DECLS
