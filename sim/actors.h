/* sim/actors.h: `oomsim actors`: one scenario run once per actor (the kernel alone, the kubelet's eviction manager,
 * earlyoom, systemd-oomd), and a side-by-side table of who dies, when, by whom and with what status.
 * docs/userspace-killers.md, "What-if across actors".
 */
#pragma once

#include <glib.h>
#include "sim.h"

G_BEGIN_DECLS

/* Runs path four times (SimOptions.actors: kernel only, kubelet, earlyoom, systemd-oomd) on the profile kernel (NULL:
 * the scenario's) and returns the table as text (json FALSE) or JSON. A column whose actor the scenario cannot have
 * (the kubelet without <kubelet>) is marked not applicable. Errors as sim_run()'s. */
GString *sim_actors(const char *path, const char *kernel, gboolean json, GError **error);

G_END_DECLS
