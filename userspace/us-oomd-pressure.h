/* userspace/us-oomd-pressure.h: systemd-oomd 252's memory-pressure rule, the choosing half: which monitored cgroups
 * (ManagedOOMMemoryPressure=kill) have had memory.pressure's "full" avg10 above their limit for the duration
 * (oomd_pressure_above()), with reclaim activity in the last 30 s (last_had_mem_reclaim), and which cgroup below one
 * of them to kill (oomd_kill_by_pgscan_rate(): the highest pgscan rate, then the largest memory.current). The acting
 * half (reading memory.pressure and memory.stat, the poll every second, the post-action delay and the kill) is
 * sim/engine-userspace.c. docs/userspace-killers.md, "The memory-pressure rule".
 */
#pragma once

#include "us-oomd.h"

G_BEGIN_DECLS

/* loadavg_t of src/basic/parse-util.h: 11-bit fixed point, as the kernel's averages */
typedef unsigned long UsLoadavg;

/* One monitored cgroup (an OomdCGroupContext of monitored_mem_pressure_cgroup_contexts). */
typedef struct {
  KmMemcg *memcg;
  UsLoadavg mem_pressure_limit;  /* the unit's ManagedOOMMemoryPressureLimit=, else the default */
  UsLoadavg avg10;               /* memory_pressure.avg10 as read_resource_pressure() parsed it */
  guint64 pgscan, last_pgscan;   /* memory.stat pgscan now and at the previous poll */
  gboolean limit_hit;            /* mem_pressure_limit_hit_start != 0 */
  guint64 limit_hit_start_ns;
  gboolean had_reclaim;          /* last_had_mem_reclaim != 0 */
  guint64 last_had_mem_reclaim_ns;
  gboolean target;               /* oomd_pressure_above() put it in its targets */
} UsOomdPressureCgroup;

/* store_loadavg_fixed_point(i, f): i << 11 | DIV_ROUND_UP(f << 11, 100), for f < 100 */
UsLoadavg us_oomd_loadavg(unsigned long i, unsigned long f);
/* A limit in permyriad as oomd holds it: store_loadavg_fixed_point(permyriad / 100, permyriad % 100). */
UsLoadavg us_oomd_limit_loadavg(int permyriad);
/* The kernel's average (psi_show() prints LOAD_INT.LOAD_FRAC, two decimals) as oomd reads it back
 * (parse_loadavg_fixed_point()). */
UsLoadavg us_oomd_read_psi_avg(unsigned long kernel_avg);

/* The monitored cgroups (units with ManagedOOMMemoryPressure=kill that name a cgroup of sys), path order, each with
 * its limit; nothing read yet. */
GArray *us_oomd_pressure_monitored(const UsOomd *cfg, KmSystem *sys);
/* oomd_pgscan_rate(): pgscan - last_pgscan, or pgscan when last_pgscan is larger (a recreated cgroup) */
guint64 us_oomd_pgscan_rate(guint64 pgscan, guint64 last_pgscan);
/* oomd_insert_cgroup_context() for an updated monitored cgroup: pgscan read now, the previous poll's kept as
 * last_pgscan; reclaim activity noted at now_ns when the rate is above 0. */
void us_oomd_pressure_update(UsOomdPressureCgroup *c, guint64 pgscan, UsLoadavg avg10, guint64 now_ns);
/* oomd_pressure_above(): for each monitored cgroup whose avg10 > limit, the time it first was (kept), and the
 * target flag once it has been for duration_ns; below the limit the start is forgotten. Returns the number of
 * targets. */
guint us_oomd_pressure_above(GArray *monitored, guint64 duration_ns, guint64 now_ns);
/* The reclaim check of monitor_memory_pressure_contexts_handler(): reclaim activity within RECLAIM_DURATION_USEC. */
gboolean us_oomd_had_recent_reclaim(const UsOomdPressureCgroup *c, guint64 now_ns);
/* oomd_update_cgroup_contexts_between_hashmaps(): candidates gathered now take last_pgscan from the same cgroup's
 * previous candidate (old may be NULL: none kept). */
void us_oomd_carry_candidates(const GArray *old, GArray *current);
/* oomd_kill_by_pgscan_rate()'s choice below prefix: oomd_sort_cgroup_contexts() (only paths under prefix, omit
 * dropped) with compare_pgscan_rate_and_memory_usage() (preference; pgscan rate, higher first; memory.current,
 * larger first; then the path, where oomd's qsort of a hashmap leaves ties unordered), skipping candidates with no
 * pgscan and no memory usage. Sorts candidates in place; returns the index or -1. */
int us_oomd_select_by_pgscan_rate(GArray *candidates, const char *prefix);
/* path_startswith() of src/basic/path-util.c as oomd uses it: "/" holds every path; "/a" holds "/a" and "/a/b",
 * not "/ab". */
gboolean us_oomd_path_under(const char *path, const char *prefix);
/* FORMAT_TIMESPAN(t, USEC_PER_SEC) as the log line prints the duration: "30s", "1min 30s". */
char *us_oomd_format_timespan(guint64 ns);

G_END_DECLS
