/* fuzz/fuzz-common.h: what every fuzz target shares: GLib criticals and warnings made fatal (as in make check),
 * the check that an error is one "FILE:LINE:COL: ..." line, and how a target reports a broken property. */
#pragma once

#include <glib.h>
#include <stdint.h>

G_BEGIN_DECLS

/* LLVMFuzzerInitialize() is defined once, in fuzz-common.c: a GLib critical or warning aborts (a finding), as
 * G_DEBUG=fatal-criticals does, and so does anything libxml2 raises through its global error handlers, which would
 * print to stderr; then it calls the target's own set-up, fuzz_target_init(), which every target defines. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
void fuzz_target_init(void);
/* A broken property: prints "fuzz: ..." and aborts, which libFuzzer records as a crash with its input. */
G_NORETURN void fuzz_fail(const char *format, ...) G_GNUC_PRINTF(1, 2);
/* error is set and its message one line "display_name:LINE:COL: text", LINE and COL at least 1. */
void fuzz_check_error_message(const GError *error, const char *display_name);
/* The same rule for any message (what names what is checked, for fuzz_fail). */
void fuzz_check_message(const char *message, const char *display_name, const char *what);

G_END_DECLS
