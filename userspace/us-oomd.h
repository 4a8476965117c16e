/* userspace/us-oomd.h: systemd-oomd of systemd 252 (Debian 12's) as an actor beside the kernel, the choosing half:
 * oomd.conf's SwapUsedLimit=, the units' ManagedOOMSwap= and ManagedOOMPreference=, the swap rule of
 * src/oom/oomd-manager.c monitor_swap_contexts_handler() with oomd-util.c oomd_mem_available_below(),
 * oomd_swap_free_below(), recursively_get_cgroup_context() and oomd_kill_by_swap_usage()'s choice; the
 * configuration of the memory-pressure rule (DefaultMemoryPressureLimit=, DefaultMemoryPressureDurationSec=,
 * ManagedOOMMemoryPressure=, ManagedOOMMemoryPressureLimit=), whose choosing half is us-oomd-pressure.c. The
 * simulator (sim/engine-userspace.c) is the acting half: it polls every SWAP_INTERVAL_USEC and
 * MEM_PRESSURE_INTERVAL_USEC and kills the chosen cgroup.
 * See docs/userspace-killers.md.
 */
#pragma once

#include <glib.h>

#include "../kernel-model/km.h"
#include "../scenarios/scenario.h"

G_BEGIN_DECLS

#define US_OOMD_SWAP_INTERVAL_NS G_GUINT64_CONSTANT(150000000) /* oomd-manager.h SWAP_INTERVAL_USEC 150000 */
#define US_OOMD_THRESHOLD_SWAP_USED_PERCENT 5                  /* "Only tackle candidates with large swap usage" */
/* oomd-manager.h: "Pressure counters are lagging (~2 seconds) compared to swap so polling too frequently just wastes
 * CPU"; "Take action if 10s of memory pressure > 60 for more than 30s" */
#define US_OOMD_MEM_PRESSURE_INTERVAL_NS G_GUINT64_CONSTANT(1000000000)          /* MEM_PRESSURE_INTERVAL_USEC */
#define US_OOMD_DEFAULT_MEM_PRESSURE_DURATION_NS G_GUINT64_CONSTANT(30000000000) /* DEFAULT_MEM_PRESSURE_DURATION_USEC */
#define US_OOMD_RECLAIM_DURATION_NS G_GUINT64_CONSTANT(30000000000)              /* RECLAIM_DURATION_USEC */
#define US_OOMD_POST_ACTION_DELAY_NS G_GUINT64_CONSTANT(15000000000)             /* POST_ACTION_DELAY_USEC */

/* enum ManagedOOMPreference: sorted in this order, omit never a candidate */
typedef enum {
  US_OOMD_PREFERENCE_NONE,
  US_OOMD_PREFERENCE_AVOID,
  US_OOMD_PREFERENCE_OMIT,
} UsOomdPreference;

typedef struct {
  char *cgroup;
  gboolean swap_kill;          /* ManagedOOMSwap=kill */
  gboolean pressure_kill;      /* ManagedOOMMemoryPressure=kill */
  int pressure_limit_permyriad; /* ManagedOOMMemoryPressureLimit=; 0: DefaultMemoryPressureLimit= */
  UsOomdPreference preference; /* ManagedOOMPreference= */
  int line, col;
} UsOomdUnit;

typedef struct _UsOomd {
  int swap_used_limit_permyriad; /* SwapUsedLimit=, default 90% */
  int mem_pressure_limit_permyriad; /* DefaultMemoryPressureLimit=, default 60% */
  guint64 mem_pressure_duration_ns; /* DefaultMemoryPressureDurationSec=, default 30 s (0 in oomd.conf: the default) */
  GPtrArray *units;              /* UsOomdUnit*, document order */
  gboolean default_units;        /* `oomsim actors` without a <systemd-oomd>: ManagedOOMSwap=kill on -.slice */
  int line, col;
} UsOomd;

/* One candidate cgroup of either rule (OomdCGroupContext, the fields the rules read). */
typedef struct {
  KmMemcg *memcg;
  guint64 swap_usage;          /* memory.swap.current, bytes */
  UsOomdPreference preference;
  guint64 pgscan;              /* memory.stat pgscan (the root: 0, oomd does not read it) */
  guint64 last_pgscan;         /* pgscan when the candidate was last gathered (us-oomd-pressure.c) */
  guint64 current_memory_usage; /* memory.current in bytes; the root: MemTotal - MemAvailable (procfs_memory_get_used()) */
} UsOomdCandidate;

/* Which units' cgroups the candidates are gathered below. */
typedef enum {
  US_OOMD_RULE_SWAP,     /* ManagedOOMSwap=kill */
  US_OOMD_RULE_PRESSURE, /* ManagedOOMMemoryPressure=kill */
} UsOomdRule;

/* The systemd-oomd element of <machine>. Errors: SCENARIO_ERROR_RANGE (a bad percentage or time span),
 * SCENARIO_ERROR_DUPLICATE (a cgroup given twice). */
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
/* The same below the units of rule: us_oomd_swap_candidates() is rule US_OOMD_RULE_SWAP. */
GArray *us_oomd_candidates(const UsOomd *cfg, KmSystem *sys, UsOomdRule rule);
/* Does any unit ask for the memory-pressure rule? */
gboolean us_oomd_has_pressure_units(const UsOomd *cfg);
/* oomd_kill_by_swap_usage()'s order (compare_swap_usage(): preference, then swap usage, larger first; ties by
 * path, where oomd's qsort of a hashmap leaves them unspecified) and its pick: the first whose swap usage is
 * above threshold. Sorts candidates in place; returns the index or -1. */
int us_oomd_select_by_swap_usage(GArray *candidates, guint64 threshold);

G_END_DECLS
