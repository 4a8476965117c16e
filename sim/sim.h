/* sim/sim.h: replay a scenario against the kernel model.
 *
 * Two stages (sim/pipeline.c): sim_scenario_load() reads and checks a scenario once; sim_replay() builds a fresh
 * model and replays the trace on the virtual clock, handing every event to the report writer, as many times as
 * wanted (what-if variants, --kernel all). sim_run() is load + one replay, for `run`, `check` and `validate`.
 */
#pragma once

#include <glib.h>
#include "../scenarios/scenario-loader.h"
#include "events.h"
#include "outcome.h"
#include "../kernel-model/km-profile.h"
#include "../scenarios/scenario.h"

G_BEGIN_DECLS

typedef enum {
  SIM_FORMAT_TEXT,
  SIM_FORMAT_DMESG,
  SIM_FORMAT_JSON,
  SIM_FORMAT_NONE, /* no report (check, bench) */
  SIM_FORMAT_HTML, /* one self-contained page (reports/html.c) */
} SimFormat;

/* A zone as measured in a VM (/proc/zoneinfo), in pages. */
typedef struct {
  const char *name; /* a static string: "DMA", "DMA32", "Normal", "Movable" */
  guint64 managed, min, high, lowmem_reserve;
} SimZone;

/* Which actors besides the kernel run (`oomsim actors`, docs/userspace-killers.md). */
typedef enum {
  SIM_ACTORS_SCENARIO,    /* as the scenario says: <kubelet>, <earlyoom>, <systemd-oomd> */
  SIM_ACTORS_KERNEL_ONLY, /* none: the kernel's OOM killer alone */
  SIM_ACTORS_KUBELET,     /* the kubelet's eviction manager only (needs <kubelet>) */
  SIM_ACTORS_EARLYOOM,    /* earlyoom only: the scenario's <earlyoom>, else earlyoom 1.7's defaults */
  SIM_ACTORS_OOMD,        /* systemd-oomd only: the scenario's <systemd-oomd>, else ManagedOOMSwap=kill on / */
} SimActors;

/* How much the text timeline says after each step (run --quiet / --verbose; docs/report-formats.md, "Memory over
 * time"): NORMAL a line with the machine's memory and the process's memcg, VERBOSE also the process's counters and
 * every ancestor memcg, QUIET no memory lines. The other formats ignore it. */
typedef enum {
  SIM_DETAIL_NORMAL,
  SIM_DETAIL_QUIET,
  SIM_DETAIL_VERBOSE,
} SimDetail;

typedef struct {
  const char *kernel;      /* profile name from --kernel; NULL: the scenario's kernel= or the default */
  SimActors actors;
  SimFormat format;
  SimDetail detail;        /* the text report's memory lines */
  /* Machine overrides, used by the VM harness so that the model starts from the VM's real memory.
   * 0 means "as the scenario says". */
  guint64 ram_bytes;             /* MemTotal */
  guint64 kernel_reserved_bytes; /* MemTotal - MemFree at the start of the trace */
  guint64 min_free_kbytes;       /* vm.min_free_kbytes of the VM */
  guint64 process_base_rss_bytes;      /* anon rss of every process before its first step */
  guint64 process_base_pgtables_bytes; /* page tables of every process before its first step */
  guint64 process_base_kmem_bytes;     /* kernel memory each mm charges to its memcg besides page tables */
  guint64 process_kernel_bytes;
  guint64 pcp_bytes;                   /* free pages on the per-CPU lists when the trace starts */
  guint64 slab_reclaimable_bytes;      /* SReclaimable when the trace starts: part of kernel_reserved that
                                        * MemAvailable counts (km_si_mem_available()) */
  guint64 committed_as_bytes;          /* Committed_AS before the processes start (the system's own) */
  guint64 process_base_vm_bytes;       /* total_vm of every process before its first step */
  guint64 process_base_committed_bytes; /* what starting a process adds to Committed_AS (its VM_ACCOUNT mappings) */        /* kernel memory of every process (task_struct, stack, mm, ...) */
  /* The VM's zones (from /proc/zoneinfo), in pages; n_zones 0: derived from the RAM (km_zones_setup()). */
  guint n_zones;
  SimZone zones[3];
  gboolean invert_tie_rule; /* deliberately wrong model, for the harness's self-test */
  /* A what-if replay (sweep, bisect) with no report: the outcome gets only what a sweep's row and a bisect's
   * condition read (kills, exits, ENOMEM steps, the OOM count and first time, peaks, panic, livelock); the lists
   * only `check` and the reports read (completed_steps, memcg_events) stay empty. The model runs the same up to
   * the end of the trace; the survivors' exits after it are recorded (pid, status 0, in task-list order) but not
   * run through the model (their exit_mmap() and uncharges change nothing a row reads). */
  gboolean row_outcome_only;
  /* Resource bounds (docs/scenario-format.md, "Limits"); 0: the default. A run that would go past one fails with
   * SCENARIO_ERROR_LIMIT at the step where it happened. */
  guint64 max_steps; /* trace steps (elements of <trace>) */
  guint64 max_work;  /* units of model work (sim/engine.c, "Work") */
  /* Streaming (issue 13): when set, the report is handed to report_write as the run goes, in pieces of about
   * SIM_REPORT_PIECE_BYTES (the last one when the trace has ended), instead of being kept whole: memory does not
   * grow with the report. *out_report is then empty. A FALSE from it (error set) stops the run with that error. */
  gboolean (*report_write)(gpointer data, const char *bytes, gsize len, GError **error);
  gpointer report_write_data;
} SimOptions;

#define SIM_REPORT_PIECE_BYTES (64u * 1024u)

/* The defaults of the bounds: 16 Mi steps (16 times the bench's trace); 2^30 units of work, a minute or two of
 * the model's own time on the 2-core machine docs/performance.md measured (sim/engine.c, "Work"). */
#define SIM_DEFAULT_MAX_STEPS (G_GUINT64_CONSTANT(1) << 24)
#define SIM_DEFAULT_MAX_WORK (G_GUINT64_CONSTANT(1) << 30)

/* A scenario loaded once (sim/pipeline.c): its header, its steps in order and its expectations. */
typedef struct _SimScenario SimScenario;

/* Reads and checks the scenario at path ("-": stdin). NULL with a SCENARIO_ERROR "FILE:LINE:COL: ..." on bad input. */
SimScenario *sim_scenario_load(const char *path, GError **error);
void sim_scenario_free(SimScenario *sc);
const ScenarioHeader *sim_scenario_header(const SimScenario *sc);
GPtrArray *sim_scenario_steps(const SimScenario *sc);   /* ScStep*, owned by the scenario */
GPtrArray *sim_scenario_expects(const SimScenario *sc); /* ScExpect*, owned by the scenario */
G_DEFINE_AUTOPTR_CLEANUP_FUNC(SimScenario, sim_scenario_free)

/* The profile to run: option (--kernel), else header's kernel=, else the default; an unknown version is a
 * SCENARIO_ERROR_KERNEL at <scenario>. */
const KmProfile *sim_resolve_profile(const char *option, const ScenarioHeader *header, GError **error);

/* Builds a fresh model from header and replays steps (ScStep*, not modified: each is copied for the engine) on
 * it. header and steps may be a loaded scenario's or a what-if variant of them (whatif/overrides.c). Outputs as
 * sim_run(). */
gboolean sim_replay(const ScenarioHeader *header, GPtrArray *steps, const SimOptions *opts,
                    SimOutcome **out_outcome, GString **out_report, char **out_profile_name, GError **error);
/* sim_replay() of the loaded scenario as it is. */
gboolean sim_scenario_replay(const SimScenario *sc, const SimOptions *opts, SimOutcome **out_outcome,
                             GString **out_report, char **out_profile_name, GError **error);

/* Replays the scenario at path ("-": stdin). On success returns TRUE, *out_outcome (if not NULL) holds the
 * outcome, *out_report (if not NULL) the report in opts->format (empty when opts->report_write took it), *out_expects (if not NULL) the scenario's
 * expectations (ScExpect*), and *out_profile_name the profile that ran. Errors are SCENARIO_ERROR with
 * "FILE:LINE:COL: ..." messages. */
gboolean sim_run(const char *path, const SimOptions *opts, SimOutcome **out_outcome, GString **out_report,
                 GPtrArray **out_expects, char **out_profile_name, GError **error);

/* The same pipeline from a loader the caller made (scenario_loader_new_from_memory(): the fuzz targets), every event
 * to sink (NULL: none) instead of one report writer, so that several writers can listen to one run. */
gboolean sim_run_loader(ScenarioLoader *loader, const SimOptions *opts, const SimSink *sink,
                        SimOutcome **out_outcome, GPtrArray **out_expects, char **out_profile_name, GError **error);

G_END_DECLS
