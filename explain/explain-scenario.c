/* explain/explain-scenario.c: a scenario (scenarios/oomsim.rng) that puts the model where the report's kernel was. */
#include "explain.h"

GString *explain_to_scenario(const char *source, const ExplainReport *r, guint index, GError **error)
{
  (void)r;
  g_set_error(error, EXPLAIN_ERROR, EXPLAIN_ERROR_OPTION, "%s:%u:1: --to-scenario is not written yet", source, index);
  return NULL;
}
