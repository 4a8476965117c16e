/* userspace/us-oomd.h: systemd-oomd of systemd 252 (Debian 12's) as an actor beside the kernel, the choosing half:
 * oomd.conf's SwapUsedLimit=, the units' ManagedOOMSwap= and ManagedOOMPreference=, the swap rule of
 * src/oom/oomd-manager.c monitor_swap_contexts_handler() with oomd-util.c oomd_mem_available_below(),
 * oomd_swap_free_below(), recursively_get_cgroup_context() and oomd_kill_by_swap_usage()'s choice. The
 * ManagedOOMMemoryPressure= rule (PSI) is not modelled: a unit that asks for it is refused. The simulator
 * (sim/engine.c) is the acting half: it polls every SWAP_INTERVAL_USEC and kills the chosen cgroup.
 * See docs/userspace-killers.md.
 */
#pragma once

#include <glib.h>

#include "../kernel-model/km.h"
#include "../scenarios/scenario.h"

G_BEGIN_DECLS

#define US_OOMD_SWAP_INTERVAL_NS G_GUINT64_CONSTANT(150000000) /* oomd-manager.h SWAP_INTERVAL_USEC 150000 */
#define US_OOMD_THRESHOLD_SWAP_USED_PERCENT 5                  /* "Only tackle candidates with large swap usage" */

/* enum ManagedOOMPreference: sorted in this order, omit never a candidate */
typedef enum {
  US_OOMD_PREFERENCE_NONE,
  US_OOMD_PREFERENCE_AVOID,
  US_OOMD_PREFERENCE_OMIT,
} UsOomdPreference;

typedef struct {
  char *cgroup;
  gboolean swap_kill;          /* ManagedOOMSwap=kill */
  UsOomdPreference preference; /* ManagedOOMPreference= */
  int line, col;
} UsOomdUnit;

typedef struct _UsOomd {
  int swap_used_limit_permyriad; /* SwapUsedLimit=, default 90% */
  GPtrArray *units;              /* UsOomdUnit*, document order */
  gboolean default_units;        /* `oomsim actors` without a <systemd-oomd>: ManagedOOMSwap=kill on -.slice */
  int line, col;
} UsOomd;

/* One candidate cgroup of the swap rule (OomdCGroupContext, the fields the rule reads). */
typedef struct {
  KmMemcg *memcg;
  guint64 swap_usage;          /* memory.swap.current, bytes */
  UsOomdPreference preference;
} UsOomdCandidate;

/* The systemd-oomd element of <machine>. Errors: SCENARIO_ERROR_RANGE (a bad percentage),
 * SCENARIO_ERROR_UNSUPPORTED (the memory-pressure rule), SCENARIO_ERROR_DUPLICATE (a cgroup given twice). */
UsOomd *us_oomd_new(const ScElement *element, const char *file, GError **error);
/* Fedora's systemd-oomd-defaults: ManagedOOMSwap=kill on -.slice (the root), SwapUsedLimit 90%. */
UsOomd *us_oomd_new_default(void);
void us_oomd_free(UsOomd *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(UsOomd, us_oomd_free)

/* monitor_swap_contexts_handler(): oomd_mem_available_below() && oomd_swap_free_below(), both at
 * 10000 - SwapUsedLimit permyriad; figures in bytes as oomd_system_context_acquire() converts /proc/meminfo. */
gboolean us_oomd_swap_limit_hit(const UsOomd *cfg, guint64 mem_total, guint64 mem_available, guint64 swap_total,
                                guint64 swap_free);
/* get_monitored_cgroup_contexts_candidates(): below every ManagedOOMSwap=kill cgroup, the leaves and the cgroups
 * with memory.oom.group=1 (not looked into further); each cgroup once, in path order. */
GArray *us_oomd_swap_candidates(const UsOomd *cfg, KmSystem *sys);
/* oomd_kill_by_swap_usage()'s order (compare_swap_usage(): preference, then swap usage, larger first; ties by
 * path, where oomd's qsort of a hashmap leaves them unspecified) and its pick: the first whose swap usage is
 * above threshold. Sorts candidates in place; returns the index or -1. */
int us_oomd_select_by_swap_usage(GArray *candidates, guint64 threshold);

G_END_DECLS
