/* scenarios/scenario-values.h: the checks of one attribute value, shared by the XML loader and the command line's
 * --set overrides (whatif/overrides.c), so that a value means the same and is refused with the same words
 * wherever it is written.
 *
 * Each function takes the element and attribute names the value belongs to (for the message) and returns TRUE,
 * or FALSE with a SCENARIO_ERROR whose message has no location yet: the caller knows where the value was written
 * and adds "FILE:LINE:COL: " (scenario_set_error()).
 */
#pragma once

#include "scenario.h"

G_BEGIN_DECLS

#define SC_PID_MAX 4194304 /* PID_MAX_LIMIT on 64-bit */
#define SC_CPUS_MAX 8192 /* CONFIG_NR_CPUS of distribution kernels (x86-64 MAXSMP) */
#define SC_CGROUP_PATH_MAX 4095 /* PATH_MAX (4096) less the NUL */
/* The documented maxima of sizes and counts (docs/scenario-format.md, "Limits"). They keep every page count of the
 * model far inside 64 bits (vm_committed_as is at most pids * TASK_SIZE pages: 2^22 * 2^35) and the work of a step
 * bounded by the machine, not by a number typed in a file. */
#define SC_MACHINE_BYTES_MAX (G_GUINT64_CONSTANT(1) << 52) /* 4 PiB: MAX_PHYSMEM_BITS 52 (x86-64, 5-level paging) */
#define SC_TASK_SIZE ((G_GUINT64_CONSTANT(1) << 47) - SC_PAGE_SIZE) /* x86-64 TASK_SIZE_MAX: the user address space */
#define SC_REPEAT_MAX 65530 /* DEFAULT_MAX_MAP_COUNT: each repetition may be a mapping of its own */
#define SC_PAGE_SIZE 4096


/* An integer in [min, max]: "<process> oom_score_adj="2000" is out of range: -1000..1000" (RANGE), or
 * "... is not an integer" (SCHEMA). A leading '+' and surrounding spaces are allowed, as the loader allows them. */
gboolean sc_value_int(const char *element, const char *name, const char *text, gint64 min, gint64 max,
                      gint64 *out, GError **error);
/* true/false/1/0: "<process> stuck="yes" is not a boolean" (SCHEMA). */
gboolean sc_value_bool(const char *element, const char *name, const char *text, gboolean *out, GError **error);
/* A size (sc_parse_size()): too large, "max" where not allowed, an ambiguous unit (with the reason), or not a
 * size at all (SIZE). */
gboolean sc_value_size(const char *element, const char *name, const char *text, guint64 page_size,
                       gboolean allow_max, guint64 *out_bytes, GError **error);
/* A sysctl of the scenario language and its value's range: unknown sysctl (SCHEMA), out of range (RANGE). */
gboolean sc_value_sysctl(const char *element, const char *name, const char *text, gint64 *out, GError **error);
/* Whether name is a sysctl of the scenario language ("vm.swappiness"). */
gboolean sc_value_is_sysctl(const char *name);
/* A cgroup interface file of cgroup `version` and a value of its type (size, v1 limit with -1, 0/1). */
gboolean sc_value_cgroup_file(const char *element, int version, const char *name, const char *value,
                              guint64 page_size, GError **error);
/* Whether name is a cgroup file oomsim knows, of any version. */
gboolean sc_value_is_cgroup_file(const char *name);

G_END_DECLS
