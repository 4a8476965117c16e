/* scenarios/scenario-expand.h: `oomsim expand`: a scenario with everything the loader derived written out (the
 * kubelet's cgroups and container processes, implicit ancestor cgroups), as a scenario of the plain language. */
#pragma once

#include "scenario.h"

G_BEGIN_DECLS

/* Reads and validates the whole scenario at path ("-": standard input) and returns the expanded scenario as XML.
 * <description>, <machine>, <trace> and <expect> are copied as written; <cgroups> and <processes> are written from
 * the loaded header, with XML comments saying what the kubelet derived and from what. Errors: SCENARIO_ERROR. */
GString *scenario_expand(const char *path, GError **error);

G_END_DECLS
