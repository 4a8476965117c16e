/* explain/explain-input.c: a kernel log as people paste it, turned into the kernel's own messages.
 *
 * A report reaches us through dmesg (`[  12.345678] `), dmesg -T (`[Mon Dec  8 17:51:31 2025] `, in any locale:
 * any bracket holding a HH:MM:SS), dmesg --time-format iso, dmesg -x (`kern  :warn  : `), dmesg -r and /dev/kmsg
 * (`<4>`, `4,123,456,-;`), syslog and journalctl's short modes (`Nov 23 15:36:25 host kernel: `, ISO dates,
 * `[ 1.234] host kernel: ` of short-monotonic), journalctl -o json (one object per line, its MESSAGE) and
 * -o verbose (`    MESSAGE=`), quoted in mail replies (`> `), a VMware guest's console as vmware.log records it
 * (`2023-12-04T10:49:30.127Z In(05) vcpu-5 - Guest: <6>[...] `), talosctl dmesg (`10.0.0.1: kern:    info:
 * [2025-06-04T04:51:57.5Z]: `), or with no prefix at all. Prefixes are removed one after the other (syslog often
 * carries the dmesg timestamp too). CRLF line ends are accepted. A line wrapped by a mail client or a web page
 * (a prefixed log in which a line without prefix and without the leading blank of the kernel's own continuation
 * lines follows a long line) is joined back to the line it belongs to.
 *
 * Memory is bounded: input is read in chunks, a line keeps at most EXPLAIN_MAX_LINE bytes (the rest is dropped
 * and counted), and nothing but the line being assembled and the one pending for a possible wrap is held.
 */
#include "explain.h"

#include <json-glib/json-glib.h>
#include <string.h>

struct _ExplainInput {
  char *name;
  GString *raw;           /* the line being read (at most EXPLAIN_MAX_LINE bytes) */
  gboolean raw_overflow;  /* the current raw line was longer */
  guint line;             /* lines read so far */
  guint long_lines;
  guint nul_line, nul_col;
  gboolean line_has_nul;
  guint text_lines;       /* lines without NUL bytes */
  /* the message held back in case the next line is its wrapped tail */
  GString *pending;
  guint pending_line;
  gboolean pending_prefixed, has_pending;
  guint pending_joins;
};

/* Prefixes, tried in this order, each anchored at the start; stripping repeats until none matches. */
static const char *const prefix_patterns[] = {
  "^(?:> ?)+",                                                     /* quoted in a mail reply */
  "^<\\d{1,3}>",                                                   /* dmesg -r, syslog PRI */
  "^\\d+,\\d+,\\d+,[^;]*;",                                        /* /dev/kmsg */
  /* talosctl dmesg, with the node in front when it asks several: "10.0.0.1: kern:    info: [2025-06-04T04:51:57Z]: " */
  ("^(?:\\S+: )?(?:kern|user|daemon|syslog)\\s*:\\s*(?:emerg|alert|crit|err|warning|notice|info|debug)\\s*: "
   "\\[\\d{4}-\\d\\d-\\d\\dT[^\\]\\n]{0,40}\\]: "), /* one pattern on two lines */
  "^(?:kern|user|daemon|syslog)\\s*:\\s*(?:emerg|alert|crit|err|warn|notice|info|debug)\\s*: ", /* dmesg -x */
  "^\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d(?:[.,]\\d+)?(?:Z|[+-]\\d\\d:?\\d\\d)? (?:\\S+ kernel(?:\\[\\d+\\])?: )?",
  "^\\S+ +\\d{1,2},? \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)? \\S+ (?:kernel|vmunix)(?:\\[\\d+\\])?: ", /* syslog, journalctl */
  "^\\[\\s*\\d+\\.\\d+\\] \\S+ kernel: ",                           /* journalctl -o short-monotonic */
  "^\\[\\s*\\d+\\.\\d+\\](?:\\[\\s*[TC]\\d+\\])? ?",               /* dmesg (with the caller id of CONFIG_PRINTK_CALLER) */
  "^\\[[^\\]\\n]{0,64}?\\d\\d?:\\d\\d:\\d\\d[^\\]\\n]{0,64}\\] ?",  /* dmesg -T, any locale */
  "^kernel: ",
  "^In\\(\\d+\\) \\S+ - Guest: ",                                   /* a VMware guest's console in vmware.log (after its date) */
};
#define N_PREFIXES G_N_ELEMENTS(prefix_patterns)

static GRegex *prefix_regex(guint i)
{
  static GRegex *compiled[N_PREFIXES];
  static gsize once;
  if (g_once_init_enter(&once)) {
    for (guint k = 0; k < N_PREFIXES; k++)
      compiled[k] = g_regex_new(prefix_patterns[k], G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
    g_once_init_leave(&once, 1);
  }
  return compiled[i];
}

/* journalctl -o json: the MESSAGE member of the object (a string; journald writes non-UTF-8 as a byte array,
 * which is taken byte by byte). NULL when the line is not such an object. */
static char *journal_json_message(const char *line)
{
  if (line[0] != '{' || !strstr(line, "\"MESSAGE\""))
    return NULL;
  g_autoptr(JsonParser) parser = json_parser_new();
  if (!json_parser_load_from_data(parser, line, -1, NULL))
    return NULL;
  JsonNode *root = json_parser_get_root(parser);
  if (!root || !JSON_NODE_HOLDS_OBJECT(root))
    return NULL;
  JsonNode *msg = json_object_get_member(json_node_get_object(root), "MESSAGE");
  if (!msg)
    return NULL;
  if (JSON_NODE_HOLDS_VALUE(msg) && json_node_get_value_type(msg) == G_TYPE_STRING)
    return g_strdup(json_node_get_string(msg));
  if (JSON_NODE_HOLDS_ARRAY(msg)) {
    JsonArray *a = json_node_get_array(msg);
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < json_array_get_length(a) && s->len < EXPLAIN_MAX_LINE; i++) {
      gint64 b = json_array_get_int_element(a, i);
      if (b > 0 && b < 256)
        g_string_append_c(s, (char)b);
    }
    return g_string_free(s, FALSE);
  }
  return NULL;
}

/* A syslog or journal line of another program (not "kernel:"): a prefixed line with nothing of the kernel in it. */
static gboolean other_program_line(const char *s)
{
  static GRegex *rx;
  static gsize once;
  if (g_once_init_enter(&once)) {
    rx = g_regex_new("^(?:\\S+ +\\d{1,2},? \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?|\\d{4}-\\d\\d-\\d\\d[T ]\\d\\d:\\d\\d:\\d\\d\\S*) "
                     "\\S+ (?!kernel)[\\w.@/-]+(?:\\[\\d+\\])?: ", G_REGEX_OPTIMIZE | G_REGEX_RAW, 0, NULL);
    g_once_init_leave(&once, 1);
  }
  return g_regex_match(rx, s, 0, NULL);
}

char *explain_strip_prefix(const char *raw, gboolean *out_had_prefix)
{
  if (other_program_line(raw)) {
    if (out_had_prefix)
      *out_had_prefix = TRUE;
    return g_strdup("");
  }
  gboolean had = FALSE;
  g_autofree char *json = journal_json_message(raw);
  const char *s = json ? json : raw;
  if (json)
    had = TRUE;
  if (g_str_has_prefix(s, "    MESSAGE=")) { /* journalctl -o verbose */
    s += strlen("    MESSAGE=");
    had = TRUE;
  }
  for (guint round = 0; round < 4; round++) {
    gboolean matched = FALSE;
    for (guint i = 0; i < N_PREFIXES; i++) {
      g_autoptr(GMatchInfo) mi = NULL;
      int end = 0;
      if (g_regex_match(prefix_regex(i), s, 0, &mi) && g_match_info_fetch_pos(mi, 0, NULL, &end) && end > 0) {
        s += end;
        matched = had = TRUE;
        break;
      }
    }
    if (!matched)
      break;
  }
  if (out_had_prefix)
    *out_had_prefix = had;
  return g_strdup(s);
}

ExplainInput *explain_input_new(const char *display_name)
{
  ExplainInput *in = g_new0(ExplainInput, 1);
  in->name = g_strdup(display_name);
  in->raw = g_string_sized_new(256);
  in->pending = g_string_sized_new(256);
  return in;
}

void explain_input_free(ExplainInput *in)
{
  if (!in)
    return;
  g_free(in->name);
  g_string_free(in->raw, TRUE);
  g_string_free(in->pending, TRUE);
  g_free(in);
}

static void flush_pending(ExplainInput *in, ExplainLineFunc func, gpointer user_data)
{
  if (!in->has_pending)
    return;
  func(in->pending->str, in->pending_line, user_data);
  in->has_pending = FALSE;
  g_string_truncate(in->pending, 0);
}

/* A line wrapped by a mail client or a web page: the log has prefixes, this line has none, and it does not
 * start with the blank of the kernel's own continuation lines (Mem-Info, memory.stat) or look like a journal
 * separator; the held line is long enough to have been wrapped. */
static gboolean starts_a_record(const char *msg)
{
  static const char *const starts[] = {
    "[", "Out of memory", "Killed process", "Memory cgroup", "oom-kill:", "oom_reaper:", "Tasks ", "Mem-Info",
    "Kernel panic", "Task in ", "memory:", "memory+swap:", "swap:", "kmem:", "CPU:", "Pid:", "Call Trace",
  };
  for (guint i = 0; i < G_N_ELEMENTS(starts); i++)
    if (g_str_has_prefix(msg, starts[i]))
      return TRUE;
  return strstr(msg, " invoked oom-killer: ") != NULL;
}

static gboolean is_wrapped_tail(const ExplainInput *in, const char *msg, gboolean prefixed)
{
  /* a line that begins a record of its own (a log pasted partly without prefixes) is not a tail */
  return !starts_a_record(msg) && in->has_pending && in->pending_prefixed && !prefixed && msg[0] != '\0' && !g_ascii_isspace(msg[0]) &&
         !g_str_has_prefix(msg, "--") && in->pending->len >= 40 && in->pending_joins < 8 &&
         in->pending->len + strlen(msg) < EXPLAIN_MAX_LINE;
}

/* A control character in a message (a comm set with prctl(PR_SET_NAME) may hold any byte but NUL, and the kernel
 * prints it as it is) as /dev/kmsg shows it (kernel/printk: devkmsg_read() writes such a byte as "\xNN") and
 * dmesg(1) too: the explanation, the HTML page and a written scenario (XML 1.0 has no way to hold one) show "\x01"
 * where the raw syslog had the byte. Tabs stay. A log taken from dmesg or /dev/kmsg has them escaped already. */
static char *escape_controls(const char *msg)
{
  GString *out = NULL;
  for (const char *s = msg; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      if (!out)
        out = g_string_new_len(msg, s - msg);
      g_string_append_printf(out, "\\x%02x", c);
    } else if (out) {
      g_string_append_c(out, (char)c);
    }
  }
  return out ? g_string_free(out, FALSE) : g_strdup(msg);
}

static void end_line(ExplainInput *in, ExplainLineFunc func, gpointer user_data)
{
  in->line++;
  if (in->raw_overflow)
    in->long_lines++;
  if (in->raw->len && in->raw->str[in->raw->len - 1] == '\r')
    g_string_truncate(in->raw, in->raw->len - 1);
  if (in->line_has_nul) {
    g_string_truncate(in->raw, 0); /* binary: nothing of it is a kernel message */
  } else {
    in->text_lines++;
  }
  const char *raw = in->raw->str;
  g_autofree char *valid = g_utf8_validate(raw, (gssize)in->raw->len, NULL) ? NULL : g_utf8_make_valid(raw, -1);
  gboolean prefixed = FALSE;
  g_autofree char *stripped = explain_strip_prefix(valid ? valid : raw, &prefixed);
  g_autofree char *msg = escape_controls(stripped);
  if (is_wrapped_tail(in, msg, prefixed)) {
    g_string_append_c(in->pending, ' ');
    g_string_append(in->pending, msg);
    in->pending_joins++;
  } else {
    flush_pending(in, func, user_data);
    g_string_assign(in->pending, msg);
    in->pending_line = in->line;
    in->pending_prefixed = prefixed;
    in->pending_joins = 0;
    in->has_pending = TRUE;
  }
  g_string_truncate(in->raw, 0);
  in->raw_overflow = FALSE;
  in->line_has_nul = FALSE;
}

void explain_input_feed(ExplainInput *in, const char *data, gsize len, ExplainLineFunc func, gpointer user_data)
{
  gsize i = 0;
  while (i < len) {
    const char *nl = memchr(data + i, '\n', len - i);
    gsize seg_end = nl ? (gsize)(nl - data) : len;
    const char *nul = memchr(data + i, '\0', seg_end - i);
    if (nul && !in->line_has_nul) {
      in->line_has_nul = TRUE;
      if (!in->nul_line) {
        in->nul_line = in->line + 1;
        in->nul_col = (guint)(in->raw->len + (gsize)(nul - (data + i)) + 1);
      }
    }
    gsize room = in->raw->len < EXPLAIN_MAX_LINE ? EXPLAIN_MAX_LINE - in->raw->len : 0;
    gsize take = MIN(room, seg_end - i);
    if (!in->line_has_nul)
      g_string_append_len(in->raw, data + i, (gssize)take);
    if (take < seg_end - i)
      in->raw_overflow = TRUE;
    i = seg_end;
    if (nl) {
      end_line(in, func, user_data);
      i++;
    }
  }
}

void explain_input_finish(ExplainInput *in, ExplainLineFunc func, gpointer user_data)
{
  if (in->raw->len || in->raw_overflow || in->line_has_nul)
    end_line(in, func, user_data);
  flush_pending(in, func, user_data);
}

guint explain_input_lines(const ExplainInput *in)
{
  return in->line;
}

guint explain_input_long_lines(const ExplainInput *in)
{
  return in->long_lines;
}

guint explain_input_text_lines(const ExplainInput *in)
{
  return in->text_lines;
}

guint explain_input_nul_line(const ExplainInput *in, guint *out_col)
{
  if (out_col)
    *out_col = in->nul_col;
  return in->nul_line;
}
