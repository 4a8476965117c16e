/* reports/json-stream.h: a streaming JSON writer: values are appended to a GString as they are added, so a
 * document of any length is never held as a tree (the JSON report of a 10M-step run is gigabytes). The calls
 * mirror json-glib's JsonBuilder (begin/end object and array, member name, typed values) and the output is,
 * byte for byte, what json-glib 1.6's JsonGenerator prints with pretty printing and an indent of 2 spaces,
 * which the JSON goldens were made with (docs/dependencies.md says why not json-glib itself; tests/test-reports.c
 * compares the two on the same calls).
 *
 * The caller may empty the GString between calls (the pipeline hands full pieces to the output file): the
 * writer keeps its own state (the open containers and whether each has members yet) and never reads back.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _JsonStream JsonStream;

JsonStream *json_stream_new(GString *out);
/* The compact layout instead: json-glib's json_to_string(node, FALSE), byte for byte (no whitespace). */
JsonStream *json_stream_new_compact(GString *out);
void json_stream_free(JsonStream *js); /* accepts NULL */

void json_stream_begin_object(JsonStream *js);
void json_stream_end_object(JsonStream *js);
void json_stream_begin_array(JsonStream *js);
void json_stream_end_array(JsonStream *js);
/* In an object: the next value's name. */
void json_stream_set_member_name(JsonStream *js, const char *name);
void json_stream_add_string_value(JsonStream *js, const char *value); /* NULL: null */
void json_stream_add_int_value(JsonStream *js, gint64 value);
void json_stream_add_boolean_value(JsonStream *js, gboolean value);
void json_stream_add_null_value(JsonStream *js);
/* In an object: a member, its name and its value at once (what every JSON report of oomsim writes with). */
void json_stream_member_string(JsonStream *js, const char *name, const char *value); /* NULL: null */
void json_stream_member_int(JsonStream *js, const char *name, gint64 value);
void json_stream_member_uint(JsonStream *js, const char *name, guint64 value); /* above G_MAXINT64: G_MAXINT64 */
void json_stream_member_bool(JsonStream *js, const char *name, gboolean value);
void json_stream_member_null(JsonStream *js, const char *name);
void json_stream_member_strings(JsonStream *js, const char *name, const GPtrArray *strings); /* an array */
/* Depth of open containers (0: the document is complete or not begun). */
guint json_stream_depth(const JsonStream *js);

/* Appends value to out as a JSON string literal, quotes included. */
void json_stream_append_escaped(GString *out, const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(JsonStream, json_stream_free)

G_END_DECLS
