/* sim/sim.h: replay a scenario against the kernel model.
 *
 * sim_run() is the whole pipeline used by `oomsim run`, `check` and `validate`: load (streaming), build the
 * model, replay the trace on the virtual clock, and hand every event to the report writer.
 */
#pragma once

#include <glib.h>
#include "outcome.h"

G_BEGIN_DECLS

typedef enum {
  SIM_FORMAT_TEXT,
  SIM_FORMAT_DMESG,
  SIM_FORMAT_JSON,
  SIM_FORMAT_NONE, /* no report (check, bench) */
} SimFormat;

/* A zone as measured in a VM (/proc/zoneinfo), in pages. */
typedef struct {
  const char *name; /* a static string: "DMA", "DMA32", "Normal", "Movable" */
  guint64 managed, min, high, lowmem_reserve;
} SimZone;

typedef struct {
  const char *kernel;      /* profile name from --kernel; NULL: the scenario's kernel= or the default */
  SimFormat format;
  /* Machine overrides, used by the VM harness so that the model starts from the VM's real memory.
   * 0 means "as the scenario says". */
  guint64 ram_bytes;             /* MemTotal */
  guint64 kernel_reserved_bytes; /* MemTotal - MemFree at the start of the trace */
  guint64 min_free_kbytes;       /* vm.min_free_kbytes of the VM */
  guint64 process_base_rss_bytes;      /* anon rss of every process before its first step */
  guint64 process_base_pgtables_bytes; /* page tables of every process before its first step */
  guint64 process_base_kmem_bytes;     /* kernel memory each mm charges to its memcg besides page tables */
  guint64 process_kernel_bytes;
  guint64 pcp_bytes;                   /* free pages on the per-CPU lists when the trace starts */        /* kernel memory of every process (task_struct, stack, mm, ...) */
  /* The VM's zones (from /proc/zoneinfo), in pages; n_zones 0: derived from the RAM (km_zones_setup()). */
  guint n_zones;
  SimZone zones[3];
  gboolean invert_tie_rule; /* deliberately wrong model, for the harness's self-test */
  /* Streaming (issue 13): when set, the report is handed to report_write as the run goes, in pieces of about
   * SIM_REPORT_PIECE_BYTES (the last one when the trace has ended), instead of being kept whole: memory does not
   * grow with the report. *out_report is then empty. A FALSE from it (error set) stops the run with that error. */
  gboolean (*report_write)(gpointer data, const char *bytes, gsize len, GError **error);
  gpointer report_write_data;
} SimOptions;

#define SIM_REPORT_PIECE_BYTES (64u * 1024u)

/* Replays the scenario at path ("-": stdin). On success returns TRUE, *out_outcome (if not NULL) holds the
 * outcome, *out_report (if not NULL) the report in opts->format (empty when opts->report_write took it), *out_expects (if not NULL) the scenario's
 * expectations (ScExpect*), and *out_profile_name the profile that ran. Errors are SCENARIO_ERROR with
 * "FILE:LINE:COL: ..." messages. */
gboolean sim_run(const char *path, const SimOptions *opts, SimOutcome **out_outcome, GString **out_report,
                 GPtrArray **out_expects, char **out_profile_name, GError **error);

G_END_DECLS
