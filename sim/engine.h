/* sim/engine.h: the simulator: a virtual clock, the processes' lifecycle and the trace replay around the
 * kernel model. The engine chooses nothing itself: every decision is the kernel model's (kernel-model/); the
 * engine acts on it (runs exits, queues the reaper on its clock, blocks and wakes processes). */
#pragma once

#include "../scenarios/scenario.h"
#include "events.h"
#include "sim.h"

G_BEGIN_DECLS

typedef struct _SimEngine SimEngine;

/* Builds the machine, cgroups and processes of the header. Errors: SCENARIO_ERROR (UNSUPPORTED for a feature
 * the profile lacks, RANGE for a bad cgroup value), with the file:line:col of the offending element. */
SimEngine *sim_engine_new(const ScenarioHeader *header, const KmProfile *profile, const SimOptions *opts,
                          const SimSink *sink, GError **error);
/* The same, with the header's process list (ScProcess*) taken out of it by the caller (header->processes is then
 * empty: scenario_loader_steal_processes()) and given to the engine, which frees each process as soon as its task is
 * made and the list at the end of the set-up, whether or not it succeeds. For a run in which nothing reads the list
 * once the model is built (sim_run() without a report that prints it at SIM_EV_BEGIN): a million processes are then
 * never held twice, as the scenario's list and as the model (issue 13). Not for a header with a <kubelet>. */
SimEngine *sim_engine_new_taking_processes(const ScenarioHeader *header, GPtrArray *processes,
                                           const KmProfile *profile, const SimOptions *opts, const SimSink *sink,
                                           GError **error);
/* Runs one trace step; takes ownership of step. FALSE with error for an unknown pid, cgroup or step id. */
gboolean sim_engine_step(SimEngine *engine, ScStep *step, GError **error);
/* The same with a borrowed step (a loaded scenario's, replayed many times without copies): it must outlive the
 * engine, and its index be its 1-based position in the trace (sim_scenario_load() sets it), so that replays on
 * several threads never write to it. An engine takes steps one way or the other, never both. */
gboolean sim_engine_step_shared(SimEngine *engine, const ScStep *step, GError **error);
/* The same with a step borrowed for this call only (the loader's, scenario_loader_next_step_borrowed(): no
 * allocation per step, issue 13): copied (sc_step_copy()) if it has to wait in its process's queue, then owned as
 * sim_engine_step()'s are. The engine writes the step's index when it is not its position in the trace (the
 * loader's is), so the step must be writable memory. */
gboolean sim_engine_step_transient(SimEngine *engine, const ScStep *step, GError **error);
/* End of trace: pending timers run, survivors exit 0, the END event is sent. */
void sim_engine_finish(SimEngine *engine);
/* The error that stopped the run (a work bound passed, also at the end of the trace: sim_engine_finish() runs the
 * restarts due until then); NULL: none. */
const GError *sim_engine_error(const SimEngine *engine);
SimOutcome *sim_engine_steal_outcome(SimEngine *engine);
void sim_engine_free(SimEngine *engine);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimEngine, sim_engine_free)

G_END_DECLS
