/* whatif/overrides.h: `--set PARAM=VALUE`, a scenario with some of its values replaced, without editing or
 * re-reading the file (docs/what-if.md, "Addressing").
 *
 * PARAM addresses one value the scenario sets or could set: machine.ram, sysctl.vm.swappiness,
 * cgroup[/kubepods/pod-a].memory.max, process[4200].oom_score_adj, step[heap].size (step[#3]: the third step).
 * An address is resolved once against a loaded scenario (whatif_param_resolve(): it must name something that
 * exists); a value is then checked and applied to a variant (whatif_variant_set()) by the same value checks the
 * XML loader uses (scenarios/scenario-values.c), so a bad value gets the loader's own message. A variant shares
 * everything it does not change with the loaded scenario (copy on write), so a sweep of thousands of variants
 * copies a few small records per variant, never the trace.
 */
#pragma once

#include "../sim/sim.h"

G_BEGIN_DECLS

/* The error domain of --set, --vary and --until: a bad address or option syntax. Bad values are SCENARIO_ERROR,
 * with the loader's codes. */
#define WHATIF_ERROR (whatif_error_quark())
GQuark whatif_error_quark(void);
typedef enum {
  WHATIF_ERROR_SYNTAX,   /* not PARAM=VALUE, an address that does not parse, a bad range or condition */
  WHATIF_ERROR_NO_MATCH, /* an address that names nothing in the scenario */
} WhatifError;

typedef struct _WhatifParam WhatifParam;
typedef struct _WhatifVariant WhatifVariant;

/* Resolves address (e.g. "cgroup[/a].memory.max") against sc; option ("--set", "--vary") names it in messages.
 * Errors: WHATIF_ERROR with "FILE:LINE:COL: OPTION ADDRESS: why" at the <scenario> element (the address is not in
 * the file). */
WhatifParam *whatif_param_resolve(const SimScenario *sc, const char *option, const char *address, GError **error);
void whatif_param_free(WhatifParam *param);
const char *whatif_param_address(const WhatifParam *param);
typedef enum {
  WHATIF_VALUE_SIZE, /* memory.max, ram, size, base-rss ...: ranges step in bytes, with units */
  WHATIF_VALUE_INT,  /* oom_score_adj, sysctls, repeat, 0/1 flags ... */
  WHATIF_VALUE_TEXT, /* comm, cgroup, at, booleans: lists only */
} WhatifValueType;
WhatifValueType whatif_param_type(const WhatifParam *param);

/* Splits "PARAM=VALUE" at the first '=' (WHATIF_ERROR_SYNTAX if there is none or either side is empty). */
gboolean whatif_split_assignment(const char *text, char **out_param, char **out_value, GError **error);

WhatifVariant *whatif_variant_new(const SimScenario *sc);
void whatif_variant_free(WhatifVariant *variant);
/* Checks value for param and applies it. Errors: SCENARIO_ERROR at the element the value replaces, with the
 * loader's message prefixed by "--set PARAM=VALUE: ". */
gboolean whatif_variant_set(WhatifVariant *variant, const WhatifParam *param, const char *value, GError **error);
/* The checks the loader makes across values (kernel-reserved below ram, base memory within ram), after the last
 * whatif_variant_set(). */
gboolean whatif_variant_check(WhatifVariant *variant, GError **error);
const ScenarioHeader *whatif_variant_header(const WhatifVariant *variant);
GPtrArray *whatif_variant_steps(const WhatifVariant *variant);

/* Applies every "PARAM=VALUE" of sets (NULL: none) to v, without whatif_variant_check(). */
gboolean whatif_variant_apply_sets(WhatifVariant *variant, const char *const *sets, GError **error);
/* The variant of sc with every "PARAM=VALUE" of sets applied (NULL or empty: sc as it is), its header listing
 * them (ScenarioHeader.overrides, for the report). */
WhatifVariant *whatif_variant_from_sets(const SimScenario *sc, const char *const *sets, GError **error);

/* sim_run() with overrides: loads path, applies sets (NULL: none) and replays the variant. What `run`, `check`
 * and `validate` call. */
gboolean whatif_run(const char *path, const char *const *sets, const SimOptions *opts, SimOutcome **out_outcome,
                    GString **out_report, GPtrArray **out_expects, char **out_profile_name, GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(WhatifParam, whatif_param_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(WhatifVariant, whatif_variant_free)

G_END_DECLS
