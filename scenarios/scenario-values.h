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
