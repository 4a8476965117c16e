/* scenarios/scenario-flat-elements.h: oomsim.rng's trace steps, <process> and <cgroup> checked by hand, a
 * sufficient condition of validity that spares libxml2's interpreted RelaxNG validator for the common case
 * (scenario-flat-elements.c). */
#pragma once

#include <glib.h>
#include <libxml/tree.h>

/* TRUE only if oomsim.rng accepts node under its parent; FALSE: not known, let RelaxNG decide. */
gboolean sc_flat_element_vouches(xmlNodePtr node);

/* The same for an element read by the trace's own scanner (scenario-trace-scan.c), piece by piece: its entry by
 * the bytes of its name (NULL: not in the table); an attribute's index by the bytes of its name (-1: not allowed;
 * *out_name: the name, NUL-terminated); whether a value (as the parser would give it) is vouched for; whether the
 * attributes seen (bit i: index i) include every required one. The caller refuses an attribute given twice. */
typedef struct _ScFlatElement ScFlatElement;
const ScFlatElement *sc_flat_element_lookup(const char *parent, const char *name, gsize len);
int sc_flat_element_attr_index(const ScFlatElement *element, const char *name, gsize len, const char **out_name);
gboolean sc_flat_element_value_vouched(const ScFlatElement *element, int index, const char *value);
gboolean sc_flat_element_complete(const ScFlatElement *element, guint seen);

/* For tests: the index-th attribute the table allows on element under parent (FALSE past the last one); its type
 * is "integer", "boolean", "text" or "choice"; out_values: the values vouched for (a choice's, or a boolean's
 * 0, 1, true, false), NULL-terminated, or NULL. */
gboolean sc_flat_element_attribute(const char *parent, const char *element, guint index, const char **out_name,
                                   gboolean *out_required, const char **out_type, const char *const **out_values);
