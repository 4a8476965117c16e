/* whatif/cli.h: the what-if commands of the command line (docs/what-if.md): `oomsim sweep`, `oomsim sweep-merge`
 * and `oomsim bisect`. sim/main.c dispatches to them and lends its output writer (-o FILE or standard output). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes data to path ("-" or NULL: standard output), as `run -o` does. */
typedef gboolean (*WhatifWriteFunc)(const char *path, const GString *data, GError **error);

int whatif_cmd_sweep(int argc, char **argv, WhatifWriteFunc write_output);
int whatif_cmd_sweep_merge(int argc, char **argv, WhatifWriteFunc write_output);
int whatif_cmd_bisect(int argc, char **argv, WhatifWriteFunc write_output);

G_END_DECLS
