/* reports/html-dmesg.h: the HTML report's kernel log, each line with its explanation on demand (html-dmesg.c). */
#pragma once

#include <glib.h>

/* Appends `log` (the dmesg writer's output) to `out` as one <details> per line: the line, byte for byte, as the
 * summary, and what it says as the body. */
void report_html_dmesg_lines(GString *out, const char *log, guint page_size);
/* The same for n messages (no timestamp), each with its line number in the log when `numbers` is not NULL
 * (explain's page of a real report). */
void report_html_dmesg_line_list(GString *out, const char *const *lines, const guint *numbers, guint n,
                                 guint page_size);
