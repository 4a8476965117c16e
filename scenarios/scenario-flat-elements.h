/* scenarios/scenario-flat-elements.h: oomsim.rng's trace steps, <process> and <cgroup> checked by hand, a
 * sufficient condition of validity that spares libxml2's interpreted RelaxNG validator for the common case
 * (scenario-flat-elements.c). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

/* TRUE only if oomsim.rng accepts node under its parent; FALSE: not known, let RelaxNG decide. */
gboolean sc_flat_element_vouches(xmlNodePtr node);

/* The same for an element read by the trace's own scanner (scenario-trace-scan.c), given by its names and values:
 * no namespace, no content, values as the parser would give them. A name given twice is refused. */
gboolean sc_flat_element_vouches_attrs(const char *parent, const char *element, guint n_attrs,
                                       const char *const *names, const char *const *values);

/* For tests: the index-th attribute the table allows on element under parent (FALSE past the last one); its type
 * is "integer", "boolean", "text" or "choice"; out_values: the values vouched for (a choice's, or a boolean's
 * 0, 1, true, false), NULL-terminated, or NULL. */
gboolean sc_flat_element_attribute(const char *parent, const char *element, guint index, const char **out_name,
                                   gboolean *out_required, const char **out_type, const char *const **out_values);
