/* whatif/cli.h: the what-if commands of the command line (docs/what-if.md): `oomsim sweep`, `oomsim sweep-merge`
 * and `oomsim bisect`. sim/main.c dispatches to them and lends its output writer (-o FILE or standard output). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes data to path ("-" or NULL: standard output), as `run -o` does. */
typedef gboolean (*WhatifWriteFunc)(const char *path, const GString *data, GError **error);

/* `run --kernel LIST|all`: the scenario on each profile, as a sweep over the kernels (text: the table and where
 * the kernels part; json: the sweep's JSON; dmesg is refused: one kernel's log at a time). */
int whatif_run_kernels(const char *path, const char *const *sets, const char *kernels, const char *format,
                       const char *output, WhatifWriteFunc write_output);
/* --kernel of check: NULL -> { NULL } (the scenario's own), "all" -> every profile, "a,b" -> { "a", "b" }. */
GPtrArray *whatif_kernel_names(const char *option);

int whatif_cmd_sweep(int argc, char **argv, WhatifWriteFunc write_output);
int whatif_cmd_sweep_merge(int argc, char **argv, WhatifWriteFunc write_output);
int whatif_cmd_bisect(int argc, char **argv, WhatifWriteFunc write_output);

G_END_DECLS
