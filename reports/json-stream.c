/* reports/json-stream.c: JsonStream, a streaming JSON writer laid out as json-glib 1.6's pretty-printing
 * JsonGenerator lays out a tree (indent 2):
 *
 *   {                       an object or array with members opens its line, each member on its own line at
 *     "key" : value,        one more indent, members separated by ",\n", the closer on its own line at the
 *     "list" : [            opener's indent; an empty array is "[]", an empty object "{", the closer's
 *       1                   indent, "}" (json-glib's own spelling: "{}" at the root, "{  }" inside it);
 *     ]                     a name is followed by " : ".
 *   }
 *
 * So the writer needs only, per open container, whether it has had a member yet: the separator before a member
 * (or the newline after the opener) is written when the member starts, the closer's line when it ends.
 *
 * json_stream_new_compact() writes json-glib's other layout, json_to_string(node, FALSE): no whitespace at all,
 * "{\"key\":[1,2]}", "{}" and "[]" when empty (what-if sweep rows: whatif/sweep.c).
 *
 * Strings are escaped as json-glib escapes them ('"', '\\', \b \f \n \r \t, other control characters and DEL as
 * \u00XX, everything else, UTF-8 included, as it is), with one deliberate difference: json-glib 1.6 leaves 0x1f
 * unescaped (an off-by-one in its table; invalid JSON), this writer escapes it. No scenario can carry it: XML 1.0
 * forbids that character.
 */
#include "json-stream.h"

typedef struct {
  gboolean is_object;
  gboolean has_members;
} JsonLevel;

struct _JsonStream {
  GString *out;
  gboolean compact; /* json_to_string(node, FALSE)'s layout: no whitespace */
  GArray *levels; /* JsonLevel, innermost last */
};

JsonStream *json_stream_new(GString *out)
{
  JsonStream *js = g_new0(JsonStream, 1);
  js->out = out;
  js->levels = g_array_new(FALSE, FALSE, sizeof(JsonLevel));
  return js;
}

JsonStream *json_stream_new_compact(GString *out)
{
  JsonStream *js = json_stream_new(out);
  js->compact = TRUE;
  return js;
}

void json_stream_free(JsonStream *js)
{
  if (!js)
    return;
  g_array_free(js->levels, TRUE);
  g_free(js);
}

guint json_stream_depth(const JsonStream *js)
{
  return js->levels->len;
}

static void indent(GString *out, guint depth)
{
  static const char spaces[] = "                                                                ";
  gsize n = (gsize)depth * 2;
  while (n > 0) {
    gsize chunk = MIN(n, sizeof spaces - 1);
    g_string_append_len(out, spaces, (gssize)chunk);
    n -= chunk;
  }
}

/* Before a member of the innermost container: the newline after its opener or the separator after the previous
 * member, then the member's indent. In an object the member name does this, so a value there adds nothing. */
static void start_member(JsonStream *js, gboolean is_name)
{
  if (js->levels->len == 0)
    return; /* the document's root value */
  JsonLevel *level = &g_array_index(js->levels, JsonLevel, js->levels->len - 1);
  if (level->is_object && !is_name)
    return; /* the value after its name */
  if (js->compact) {
    if (level->has_members)
      g_string_append_c(js->out, ',');
    level->has_members = TRUE;
    return;
  }
  g_string_append(js->out, level->has_members ? ",\n" : "\n");
  level->has_members = TRUE;
  indent(js->out, js->levels->len);
}

void json_stream_append_escaped(GString *out, const char *value)
{
  g_string_append_c(out, '"');
  const char *run = value;
  for (const char *p = value; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
      continue;
    g_string_append_len(out, run, p - run);
    run = p + 1;
    switch (c) {
    case '"':
      g_string_append(out, "\\\"");
      break;
    case '\\':
      g_string_append(out, "\\\\");
      break;
    case '\b':
      g_string_append(out, "\\b");
      break;
    case '\f':
      g_string_append(out, "\\f");
      break;
    case '\n':
      g_string_append(out, "\\n");
      break;
    case '\r':
      g_string_append(out, "\\r");
      break;
    case '\t':
      g_string_append(out, "\\t");
      break;
    default:
      g_string_append_printf(out, "\\u%04x", c);
      break;
    }
  }
  g_string_append(out, run);
  g_string_append_c(out, '"');
}

static void open_level(JsonStream *js, gboolean is_object)
{
  start_member(js, FALSE);
  g_string_append_c(js->out, is_object ? '{' : '[');
  JsonLevel level = { is_object, FALSE };
  g_array_append_val(js->levels, level);
}

static void close_level(JsonStream *js, gboolean is_object)
{
  /* programming error only: the report writers pair their calls */
  g_return_if_fail(js->levels->len > 0);
  JsonLevel level = g_array_index(js->levels, JsonLevel, js->levels->len - 1);
  g_return_if_fail(level.is_object == is_object);
  g_array_set_size(js->levels, js->levels->len - 1);
  if (js->compact) {
    /* nothing before the closer */
  } else if (level.has_members) {
    g_string_append_c(js->out, '\n');
    indent(js->out, js->levels->len);
  } else if (is_object) {
    indent(js->out, js->levels->len); /* json-glib: an empty object is "{", its closer's indent, "}" */
  }
  g_string_append_c(js->out, is_object ? '}' : ']');
}

void json_stream_begin_object(JsonStream *js)
{
  open_level(js, TRUE);
}

void json_stream_end_object(JsonStream *js)
{
  close_level(js, TRUE);
}

void json_stream_begin_array(JsonStream *js)
{
  open_level(js, FALSE);
}

void json_stream_end_array(JsonStream *js)
{
  close_level(js, FALSE);
}

void json_stream_set_member_name(JsonStream *js, const char *name)
{
  start_member(js, TRUE);
  json_stream_append_escaped(js->out, name);
  g_string_append(js->out, js->compact ? ":" : " : ");
}

void json_stream_add_string_value(JsonStream *js, const char *value)
{
  if (!value) {
    json_stream_add_null_value(js);
    return;
  }
  start_member(js, FALSE);
  json_stream_append_escaped(js->out, value);
}

void json_stream_add_int_value(JsonStream *js, gint64 value)
{
  start_member(js, FALSE);
  char buf[24];
  /* digits by hand, no printf: one call per number of every event */
  char *p = buf + sizeof buf;
  guint64 magnitude = value < 0 ? (guint64)0 - (guint64)value : (guint64)value;
  do {
    *--p = (char)('0' + magnitude % 10);
    magnitude /= 10;
  } while (magnitude);
  if (value < 0)
    *--p = '-';
  g_string_append_len(js->out, p, buf + sizeof buf - p);
}

void json_stream_add_boolean_value(JsonStream *js, gboolean value)
{
  start_member(js, FALSE);
  g_string_append(js->out, value ? "true" : "false");
}

void json_stream_add_null_value(JsonStream *js)
{
  start_member(js, FALSE);
  g_string_append(js->out, "null");
}

void json_stream_member_string(JsonStream *js, const char *name, const char *value)
{
  json_stream_set_member_name(js, name);
  json_stream_add_string_value(js, value);
}

void json_stream_member_int(JsonStream *js, const char *name, gint64 value)
{
  json_stream_set_member_name(js, name);
  json_stream_add_int_value(js, value);
}

void json_stream_member_uint(JsonStream *js, const char *name, guint64 value)
{
  json_stream_member_int(js, name, value > (guint64)G_MAXINT64 ? G_MAXINT64 : (gint64)value);
}

void json_stream_member_bool(JsonStream *js, const char *name, gboolean value)
{
  json_stream_set_member_name(js, name);
  json_stream_add_boolean_value(js, value);
}

void json_stream_member_null(JsonStream *js, const char *name)
{
  json_stream_set_member_name(js, name);
  json_stream_add_null_value(js);
}

void json_stream_member_strings(JsonStream *js, const char *name, const GPtrArray *strings)
{
  json_stream_set_member_name(js, name);
  json_stream_begin_array(js);
  for (guint i = 0; i < strings->len; i++)
    json_stream_add_string_value(js, strings->pdata[i]);
  json_stream_end_array(js);
}
