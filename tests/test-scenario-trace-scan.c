/* tests/test-scenario-trace-scan.c: the trace's own scanner (scenarios/scenario-trace-scan.c) and the loader's fast
 * path around it. The scanner's items are checked against lengths and line counts worked out by hand; the fast
 * path is checked against libxml2: every document is loaded twice, once with the scanner reading what it can and
 * once by libxml2 alone, and the two must agree word for word (the error message, or every step handed out with
 * its line). The documents: malformed and odd steps of every kind the scanner must leave to libxml2, every
 * truncation of a scenario, every byte of its trace replaced by a dozen troublesome ones, and traces past line
 * 65535.
 */
#include "scenarios/scenario-loader.h"
#include "scenarios/scenario-trace-scan.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

/* Items ========================================================================================== */

static ScTraceItemKind
scan(const char *text, gboolean at_eof, ScTraceItem *item)
{
  static char scratch[4096];
  return sc_trace_scan_item("trace", text, strlen(text), at_eof, scratch, sizeof scratch, item);
}

static void
test_items(void)
{
  ScTraceItem item;
  /* "  \n\t" then the step: 4 bytes of white space, one line feed, the next line starts at offset 3 */
  g_assert_cmpint(scan("  \n\t<mmap", FALSE, &item), ==, SC_TRACE_ITEM_SPACE);
  g_assert_cmpuint(item.len, ==, 4);
  g_assert_cmpuint(item.newlines, ==, 1);
  g_assert_cmpuint(item.after_last_newline, ==, 3);

  g_assert_cmpint(scan("<mmap id=\"m\" pid='1' size=\"4KiB\"/>\n", FALSE, &item), ==, SC_TRACE_ITEM_STEP);
  g_assert_cmpuint(item.len, ==, 34); /* "<mmap" 5, " id=\"m\"" 7, " pid='1'" 8, " size=\"4KiB\"" 12, "/>" 2 */
  g_assert_cmpstr(item.name, ==, "mmap");
  g_assert_cmpuint(item.n_attrs, ==, 3);
  g_assert_cmpstr(item.attr_names[1], ==, "pid");
  g_assert_cmpstr(item.attr_values[1], ==, "1");
  g_assert_cmpstr(item.attr_values[2], ==, "4KiB");

  /* attributes on three lines: the step's line is where "/>" is, two line feeds on */
  g_assert_cmpint(scan("<mmap\npid=\"1\"\n size=\"4KiB\" />", TRUE, &item), ==, SC_TRACE_ITEM_STEP);
  g_assert_cmpuint(item.newlines, ==, 2);
  g_assert_cmpuint(item.after_last_newline, ==, 14); /* "<mmap\n" 6, "pid=\"1\"\n" 8 */
  g_assert_cmpuint(item.len, ==, 29);

  g_assert_cmpint(scan("<!-- a - b\n -->x", FALSE, &item), ==, SC_TRACE_ITEM_COMMENT);
  g_assert_cmpuint(item.len, ==, 15);
  g_assert_cmpuint(item.newlines, ==, 1);
  g_assert_cmpint(scan("</trace >", FALSE, &item), ==, SC_TRACE_ITEM_END);
  g_assert_cmpuint(item.len, ==, 9);

  /* the bytes end inside an item: more, or libxml2's business at the end of the input */
  static const char *const partial[] = { "<", "<mmap", "<mmap pid", "<mmap pid=\"1", "<mmap pid=\"1\" size=\"4KiB\"",
                                         "<mmap pid=\"1\" size=\"4KiB\"/", "<!-", "<!-- x -", "<!-- x --", "</tra",
                                         "</trace " };
  for (gsize i = 0; i < G_N_ELEMENTS(partial); i++) {
    g_assert_cmpint(scan(partial[i], FALSE, &item), ==, SC_TRACE_ITEM_MORE);
    g_assert_cmpint(scan(partial[i], TRUE, &item), ==, SC_TRACE_ITEM_STOP);
  }

  static const char *const stops[] = {
    "\r\n", "x", "&amp;", "<![CDATA[ ]]>", "<?pi?>", "<!DOCTYPE x>", "<!-- a -- b -->", "<!-- a --->",
    "<!-- \xc3\xa9 -->", "<mmap pid=\"1\" size=\"4KiB\">", "<mmap pid=\"1\" size=\"4KiB\"/ >",
    "<mmap pid = \"1\" size=\"4KiB\"/>", "< mmap pid=\"1\" size=\"4KiB\"/>", "<mmap pid=\"1\"size=\"4KiB\"/>",
    "<mmap pid=\"1\" pid=\"1\" size=\"4KiB\"/>", "<mmap pid=\"&#49;\" size=\"4KiB\"/>",
    "<mmap pid=\"1\" size=\"4<KiB\"/>", "<mmap pid=\"1\" size=\"4\tKiB\"/>", "<mmap pid=\"1\" size=\"4\xc3\xa9\"/>",
    "<mmap pid=\"1\" size=\"4KiB\" xmlns=\"urn:x\"/>", "<x:mmap pid=\"1\" size=\"4KiB\"/>", "<bogus/>",
    "<mmap pid=\"1\" size=\"4KiB\" bogus=\"1\"/>", "<mmap pid=\"+1\" size=\"4KiB\"/>", "<mmap size=\"4KiB\"/>",
    "<mmap pid=\"1\" size=\"4KiB\"\r/>", "</trace x>", "</tracex>", "</processes>", "<process pid=\"1\" comm=\"a\"/>",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(stops); i++) {
    g_test_message("%s", stops[i]);
    g_assert_cmpint(scan(stops[i], TRUE, &item), ==, SC_TRACE_ITEM_STOP);
  }
  /* in <processes>: a process, its end tag, and no step */
  static char scratch[4096];
  static const char process[] = "<process pid=\"7\" comm=\"x\" cgroup=\"/a\"/>";
  g_assert_cmpint(sc_trace_scan_item("processes", process, strlen(process), TRUE, scratch, sizeof scratch, &item), ==,
                  SC_TRACE_ITEM_STEP);
  g_assert_cmpuint(item.n_attrs, ==, 3);
  g_assert_cmpint(sc_trace_scan_item("processes", "</processes>", 12, TRUE, scratch, sizeof scratch, &item), ==,
                  SC_TRACE_ITEM_END);
  g_assert_cmpint(sc_trace_scan_item("processes", "<exit pid=\"1\"/>", 15, TRUE, scratch, sizeof scratch, &item), ==,
                  SC_TRACE_ITEM_STOP);

  /* a tag longer than the scratch buffer is left to libxml2 */
  g_autofree char *long_id = g_strnfill(5000, 'a');
  g_autofree char *long_tag = g_strdup_printf("<mmap id=\"%s\" pid=\"1\" size=\"4KiB\"/>", long_id);
  g_assert_cmpint(scan(long_tag, TRUE, &item), ==, SC_TRACE_ITEM_STOP);
}

/* Every split of the document into two reads finds the same '>' (at offset 64 of this one: "<?xml...?>\n" 22,
 * "<scenario name=\"f\">" 19, "<!-- <trace> -->" 16, "<trace" 6, and the '>' at index 63). */
/* The markup both byte scanners step over (scenarios/scenario-markup.c), character by character from "<!" or "<?":
 * the state after the last character, under the trace finder's flags (CDATA followed, XML 1.0's comments) and under
 * the prolog scanner's (no CDATA; "--" passed over). */
static ScMarkupState
markup_after(const char *text, ScMarkupFlags flags)
{
  ScMarkup markup;
  g_assert_true(text[0] == '<' && (text[1] == '!' || text[1] == '?'));
  sc_markup_begin(&markup, text[1], flags);
  ScMarkupState state = markup.state;
  for (const char *c = text + 2; *c != '\0'; c++) {
    g_assert_cmpint(state, !=, SC_MARKUP_CLOSED); /* nothing is read after the end */
    state = sc_markup_feed(&markup, (guchar) *c);
  }
  return state;
}

static void
test_markup(void)
{
  const ScMarkupFlags finder = SC_MARKUP_FOLLOW_CDATA | SC_MARKUP_STRICT_COMMENTS, prolog = 0;
  static const struct {
    const char *text;
    ScMarkupState finder, prolog;
  } cases[] = {
    { "<!-- a <b> -->", SC_MARKUP_CLOSED, SC_MARKUP_CLOSED },
    { "<!---->", SC_MARKUP_CLOSED, SC_MARKUP_CLOSED },
    { "<!-- a - b -->", SC_MARKUP_CLOSED, SC_MARKUP_CLOSED },
    { "<!-- a -- b -->", SC_MARKUP_OTHER, SC_MARKUP_CLOSED },   /* "--" inside: the two callers differ */
    { "<!-- a --->", SC_MARKUP_OTHER, SC_MARKUP_CLOSED },       /* "-" then "-->" */
    { "<!-- a --", SC_MARKUP_COMMENT_DASH_DASH, SC_MARKUP_COMMENT_DASH_DASH },
    { "<!-- a -", SC_MARKUP_COMMENT_DASH, SC_MARKUP_COMMENT_DASH },
    { "<!-x", SC_MARKUP_OTHER, SC_MARKUP_OTHER },
    { "<!-", SC_MARKUP_COMMENT_OPEN, SC_MARKUP_COMMENT_OPEN },
    { "<!DOCTYPE", SC_MARKUP_OTHER, SC_MARKUP_OTHER },
    { "<![CDATA[ <a> ]] ] ]]>", SC_MARKUP_CLOSED, SC_MARKUP_OTHER }, /* CDATA: followed by the finder only */
    { "<![CDATA[ ]]]]>", SC_MARKUP_CLOSED, SC_MARKUP_OTHER },
    { "<![CDATA[ ]]", SC_MARKUP_CDATA_BRACKETS, SC_MARKUP_OTHER },
    { "<![CDATA[ ]", SC_MARKUP_CDATA_BRACKET, SC_MARKUP_OTHER },
    { "<![CDAT", SC_MARKUP_CDATA_OPEN, SC_MARKUP_OTHER },
    { "<![CDATx", SC_MARKUP_OTHER, SC_MARKUP_OTHER },
    { "<![cdata[", SC_MARKUP_OTHER, SC_MARKUP_OTHER },
    { "<?pi a > b ?>", SC_MARKUP_CLOSED, SC_MARKUP_CLOSED },
    { "<?pi ?\?>", SC_MARKUP_CLOSED, SC_MARKUP_CLOSED },
    { "<?pi ? >", SC_MARKUP_PI, SC_MARKUP_PI },
    { "<?pi ?", SC_MARKUP_PI_QUESTION, SC_MARKUP_PI_QUESTION },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    g_test_message("%s", cases[i].text);
    g_assert_cmpint(markup_after(cases[i].text, finder), ==, cases[i].finder);
    g_assert_cmpint(markup_after(cases[i].text, prolog), ==, cases[i].prolog);
  }
  /* a code point beyond ASCII (the prolog scanner reads UTF-16 code units) only moves on */
  ScMarkup markup;
  sc_markup_begin(&markup, '!', prolog);
  g_assert_cmpint(sc_markup_feed(&markup, '-'), ==, SC_MARKUP_COMMENT_OPEN);
  g_assert_cmpint(sc_markup_feed(&markup, '-'), ==, SC_MARKUP_COMMENT);
  g_assert_cmpint(sc_markup_feed(&markup, 0x2D2D), ==, SC_MARKUP_COMMENT); /* not two dashes */
  g_assert_cmpint(sc_markup_feed(&markup, 0x3E), ==, SC_MARKUP_COMMENT);    /* '>' alone ends nothing */
}

static void
test_finder(void)
{
  static const char doc[] = "<?xml version=\"1.0\"?>\n<scenario name=\"f\"><!-- <trace> --><trace><mmap/></trace>";
  gsize gt = 63;
  g_assert_cmpint(doc[gt], ==, '>');
  g_assert_cmpint(strncmp(doc + gt - 6, "<trace>", 7), ==, 0);
  for (gsize split = 0; split <= sizeof doc - 1; split++) {
    ScTraceFinder finder;
    sc_trace_finder_init(&finder, 0);
    gssize first = sc_trace_finder_feed(&finder, doc, split);
    gssize second = sc_trace_finder_feed(&finder, doc + split, sizeof doc - 1 - split);
    gssize found = first >= 0 ? first : second >= 0 ? (gssize) split + second : -1;
    g_assert_cmpint(found, ==, (gssize) gt);
    g_assert_cmpstr(finder.found, ==, "trace");
  }
  /* <processes> is found too; from inside it (depth 2), the <trace> after it */
  static const char processes[] = "<scenario name=\"p\"><processes>\n<process pid=\"1\" comm=\"a\"/></processes><trace>";
  ScTraceFinder sections;
  sc_trace_finder_init(&sections, 0);
  /* "<scenario name=\"p\">" 19 bytes, "<processes>" 11: its '>' at 29; the '>' of <trace> at 76 */
  g_assert_cmpint(sc_trace_finder_feed(&sections, processes, sizeof processes - 1), ==, 29);
  g_assert_cmpstr(sections.found, ==, "processes");
  sc_trace_finder_init(&sections, 2);
  g_assert_cmpint(sc_trace_finder_feed(&sections, processes + 30, sizeof processes - 31), ==, 76 - 30);
  g_assert_cmpstr(sections.found, ==, "trace");
  /* no <trace> start tag under the root here: in a comment, a value, CDATA, a processing instruction, deeper,
   * empty, with an attribute, another name, or UTF-16 */
  static const char *const none[] = {
    "<scenario name=\"a\"><!-- <trace> --></scenario>", "<scenario name=\"<trace>\"/>",
    "<scenario name='>'><x a='<trace>'/></scenario>", "<scenario name=\"a\"><![CDATA[<trace>]]></scenario>",
    "<scenario name=\"a\"><?p <trace>?></scenario>", "<scenario name=\"a\"><x><trace></x></scenario>",
    "<scenario name=\"a\"><trace/></scenario>", "<scenario name=\"a\"><trace a=\"1\"></scenario>",
    "<scenario name=\"a\"><traces></scenario>", "<\0s\0>\0<\0t\0r\0a\0c\0e\0>\0",
  };
  for (gsize i = 0; i < G_N_ELEMENTS(none); i++) {
    ScTraceFinder finder;
    sc_trace_finder_init(&finder, 0);
    gsize len = i == G_N_ELEMENTS(none) - 1 ? 20 : strlen(none[i]);
    g_assert_cmpint(sc_trace_finder_feed(&finder, none[i], len), ==, -1);
  }
}

/* The loader: the scanner against libxml2 ============================================================= */

static char *
step_digest(const ScStep *s)
{
  return g_strdup_printf("%s #%" G_GUINT64_FORMAT " line %d id=%s ref_index=%" G_GUINT64_FORMAT " pid=%d at=%d/%" G_GUINT64_FORMAT " size=%" G_GUINT64_FORMAT
                         " repeat=%u ref=%s all=%d none=%d child=%d comm=%s code=%d adj=%d name=%s value=%"
                         G_GINT64_FORMAT " svalue=%s cgroup=%s\n",
                         sc_step_kind_names[s->kind], s->index, s->line, s->id ? s->id : "-", s->ref_index, s->pid, s->has_at, s->at_ns,
                         s->size_bytes, s->repeat, s->ref ? s->ref : "-", s->touch_all, s->touch_none, s->child_pid,
                         s->comm ? s->comm : "-", s->code, s->oom_score_adj, s->name ? s->name : "-", s->value,
                         s->svalue ? s->svalue : "-", s->cgroup ? s->cgroup : "-");
}

/* The loader's account of a document: the steps handed out (*out_steps), then "ok" and the expectations' count,
 * or the error (returned). */
static char *
load(const char *doc, gsize len, gboolean use_scan, char **out_steps, guint64 *out_scanned)
{
  scenario_loader_use_trace_scan(use_scan, 0);
  g_autoptr(GString) steps = g_string_new(NULL);
  g_autoptr(GError) error = NULL;
  char *verdict = NULL;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(doc, len, "scan.xml", &error);
  if (loader != NULL) {
    ScStep *step = NULL;
    while (scenario_loader_next_step(loader, &step, &error)) {
      g_autofree char *digest = step_digest(step);
      g_string_append(steps, digest);
      sc_step_free(step);
    }
    if (error == NULL) {
      g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
      if (expects != NULL)
        verdict = g_strdup_printf("ok, %u expectations", expects->len);
    }
    if (out_scanned != NULL)
      *out_scanned = scenario_loader_steps_scanned(loader);
  }
  if (error != NULL)
    verdict = g_strdup_printf("error %d: %s", error->code, error->message);
  scenario_loader_use_trace_scan(TRUE, 32768);
  if (out_steps != NULL)
    *out_steps = g_strdup(steps->str);
  return verdict;
}

/* Loads doc both ways: the same verdict, word for word, and the same steps. Of an invalid document, libxml2 alone
 * may hand out fewer steps before the error: its parser reads a few KB ahead of the steps it hands out and stops
 * at the first error it meets there, where the scanner reads up to the error; so its steps must be the first of
 * the scanner's. Returns how many steps the scanner read. */
static guint64
compare(const char *doc, gsize len)
{
  guint64 scanned = 0;
  g_autofree char *libxml2_steps = NULL, *scanner_steps = NULL;
  g_autofree char *libxml2 = load(doc, len, FALSE, &libxml2_steps, NULL);
  g_autofree char *scanner = load(doc, len, TRUE, &scanner_steps, &scanned);
  gboolean ok = g_str_has_prefix(libxml2, "ok");
  if (strcmp(libxml2, scanner) != 0 || (ok ? strcmp(libxml2_steps, scanner_steps) != 0
                                           : !g_str_has_prefix(scanner_steps, libxml2_steps))) {
    g_test_message("document:\n%.*s", (int) len, doc);
    g_test_message("libxml2:\n%s%s", libxml2_steps, libxml2);
    g_test_message("scanner:\n%s%s", scanner_steps, scanner);
  }
  g_assert_cmpstr(scanner, ==, libxml2);
  if (ok)
    g_assert_cmpstr(scanner_steps, ==, libxml2_steps);
  else
    g_assert_true(g_str_has_prefix(scanner_steps, libxml2_steps));
  return scanned;
}

#define HEADER                                                                                                   \
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"                                                                 \
  "<scenario name=\"scan\">\n"                                                                                   \
  "  <machine ram=\"1GiB\"/>\n"                                                                                  \
  "  <cgroups><cgroup path=\"/a\" memory.max=\"64MiB\"/></cgroups>\n"                                           \
  "  <processes>\n"                                                                                              \
  "    <process pid=\"1\" comm=\"a\" cgroup=\"/a\"/>\n"                                                          \
  "    <process pid=\"2\" comm=\"b\"/>\n"                                                                        \
  "  </processes>\n"

/* A trace with every kind of step, the odd part (%s) in the middle, and one at the end of the last step's line. */
static const char trace_template[] =
  HEADER
  "  <trace>\n"
  "    <mmap id=\"m1\" pid=\"1\" size=\"4KiB\"/>\n"
  "    <!-- a comment -->\n"
  "    <touch pid=\"1\" size=\"4KiB\" mapping=\"m1\"/>\t<malloc id=\"h1\" pid=\"2\" size=\"8KiB\" touch=\"all\" repeat=\"2\"/>\n"
  "    %s\n"
  "    <fork pid=\"1\" child=\"3\" comm=\"c\"/>\n"
  "    <munmap pid=\"1\" ref=\"m1\"/>\n"
  "    <free pid=\"2\" ref=\"h1\"/>\n"
  "    <set pid=\"3\" oom_score_adj=\"500\"/>\n"
  "    <move pid=\"3\" cgroup=\"/a\"/> <exit pid=\"3\" code=\"1\"/>\n"
  "    <sysctl name=\"vm.swappiness\" value=\"10\"/>\n"
  "    <cgroup-set cgroup=\"/a\" name=\"memory.max\" value=\"32MiB\"/>\n"
  "    <file-read pid=\"1\" size=\"4KiB\" at=\"1s\"/>\n"
  "    <shmem-write pid=\"2\" size=\"4KiB\"/>%s\n"
  "  </trace>\n"
  "  <expect><survives pid=\"1\"/></expect>\n"
  "</scenario>\n";

static const char *const odd_steps[] = {
  "", /* none: every step is the scanner's */
  "<mmap pid=\"1\" size=\"4KiB\"", "<mmap pid=\"1 size=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4<KiB\"/>",
  "<mmap pid=\"1\" pid=\"1\" size=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4KiB\" comm=\"&amp;\"/>",
  "<fork pid=\"1\" child=\"9\" comm=\"&amp;x\"/>", "<fork pid=\"1\" child=\"9\" comm=\"&#233;\"/>",
  "<fork pid=\"1\" child=\"9\" comm=\"\xc3\xa9\"/>", "<fork pid=\"1\" child=\"9\" comm=\"\xc3\"/>",
  "<fork pid=\"1\" child=\"9\" comm=\"&undefined;\"/>", "<mmap pid=\"1\" size=\"4KiB\"/>\r",
  "<mmap\tpid=\"1\"\tsize=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4KiB\" xmlns=\"urn:x\"/>",
  "<x:mmap xmlns:x=\"urn:x\" pid=\"1\" size=\"4KiB\"/>", "<bogus/>", "<mmap pid=\"1\" size=\"4KiB\" bogus=\"1\"/>",
  "<mmap pid=\"+1\" size=\"4KiB\"/>", "<mmap pid=\" 1\" size=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4KiB\"></mmap>",
  "<mmap pid=\"1\" size=\"4KiB\">x</mmap>", "text", "&amp;", "&#60;", "<![CDATA[ ]]>", "<?pi x?>",
  "<!-- a -- b -->", "<!-- a --->", "<!-- \xc3\xa9 -->", "<!DOCTYPE x>", "<mmap pid=\"1\" size=\"4KiB\"/ >",
  "<mmap pid = \"1\" size=\"4KiB\"/>", "< mmap pid=\"1\" size=\"4KiB\"/>", "<mmap pid=\"1\"size=\"4KiB\"/>",
  "<mmap id=\"m1\" pid=\"1\" size=\"4KiB\"/>", "<touch pid=\"1\" size=\"4KiB\" mapping=\"nope\"/>",
  "<mmap pid=\"99\" size=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4KiB\" at=\"10\"/>",
  "<mmap pid=\"1\" size=\"200TiB\"/>", "<mmap pid=\"1\" size=\"4 KiB\"/>", "<mmap pid=\"1\" size=\"x\"/>",
  "<mmap pid=\"1\" size=\"4KiB\"/><mmap pid=\"1\" size=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4KiB\" id=\"a#b\"/>",
  "<exit pid=\"1\" code=\"256\"/>", "<set pid=\"1\" oom_score_adj=\"1001\"/>", "<sysctl name=\"vm.nope\" value=\"1\"/>",
  "<cgroup-set cgroup=\"/b\" name=\"memory.max\" value=\"1\"/>", "<move pid=\"1\" cgroup=\"/nope\"/>",
  "<fork pid=\"1\" child=\"3\" comm=\"sixteen-bytes-xx\"/>", "</trace><trace>", "</trace >", "</processes>",
  "\x01", "\xff", "<mmap pid='1' size=\"4KiB\"/>", "<mmap pid=\"1\" size=\"4KiB\" />", "<mmap pid=\"1\" size=\"4KiB\"/ ",
  "<malloc pid=\"1\" size=\"4KiB\" touch=\"some\"/>", "<malloc pid=\"1\" size=\"4KiB\" repeat=\"0\"/>",
  "<mmap pid=\"1\" size=\"4KiB\" at=\"1s\" at=\"2s\"/>", "<mmap pid=\"1\" size=\"4KiB\"/>  <!-- x -->  <bad",
};

static char *
replace_once(const char *text, const char *old, const char *new_text)
{
  g_auto(GStrv) parts = g_strsplit(text, old, 2);
  g_assert_nonnull(parts[1]);
  return g_strjoin(new_text, parts[0], parts[1], NULL);
}

static const char *const odd_processes[] = {
  "<process pid=\"3\" comm=\"c\"", "<process pid=\"1\" comm=\"dup\"/>", "<process pid=\"3\" comm=\"sixteen-bytes-xx\"/>",
  "<process pid=\"3\" comm=\"c\" cgroup=\"/nope\"/>", "<process pid=\"3\" comm=\"c\" base-rss=\"2GiB\"/>",
  "<process pid=\"3\" comm=\"c\" base-rss=\"600MiB\"/><process pid=\"4\" comm=\"d\" base-rss=\"300MiB\" cgroup=\"/nope\"/>",
  "<process pid=\"3\" comm=\"&amp;\"/>", "<process pid=\"3\" comm=\"c\" kthread=\"1\" base-rss=\"4KiB\"/>",
  "<process pid=\"3\" comm=\"c\" kthread=\"yes\"/>", "<cgroup path=\"/x\"/>", "<process pid=\"3\" comm=\"c\"></process>",
  "text", "<!-- c -->", "<process pid=\"3\" comm=\"c\" parent=\"99\"/>", "<process pid=\"3\" comm=\"c\"/>",
  "<process pid=\"3\" comm=\"c\" shares-mm-with=\"1\" threads=\"0\"/>", "</processes><processes>",
};

static void
test_same_as_libxml2(void)
{
  for (gsize i = 0; i < G_N_ELEMENTS(odd_processes); i++) {
    g_autofree char *doc = g_strdup_printf(trace_template, "", "");
    g_autofree char *odd = g_strdup_printf("<process pid=\"2\" comm=\"b\"/>\n    %s", odd_processes[i]);
    g_autofree char *with_odd = replace_once(doc, "<process pid=\"2\" comm=\"b\"/>", odd);
    compare(with_odd, strlen(with_odd)); /* (an error in the header leaves no loader to count the scanner's work) */
  }
  for (gsize i = 0; i < G_N_ELEMENTS(odd_steps); i++) {
    for (int where = 0; where < 2; where++) { /* in the middle of the trace, or after its last step */
      g_autofree char *doc = g_strdup_printf(trace_template, where == 0 ? odd_steps[i] : "",
                                             where == 1 ? odd_steps[i] : "");
      guint64 scanned = compare(doc, strlen(doc));
      /* the scanner read the first of the 2 processes, and the steps before the odd part but the last one
       * (libxml2 reads the last element of a section, for the validator's sake: loader_fast_next()): 2 of the 3 in
       * the middle, 12 of the 13 at the end or without it */
      g_assert_cmpuint(scanned, >=, 1 + (where == 0 && i > 0 ? 2 : 12));
    }
  }
}


/* The whole document changed: CRLF line ends, a byte order mark, another encoding, no declaration, an error after
 * the trace, an <expect> naming what the trace made. */
static void
test_documents(void)
{
  g_autofree char *plain = g_strdup_printf(trace_template, "", "");
  g_autoptr(GString) crlf = g_string_new(NULL);
  for (const char *c = plain; *c != '\0'; c++)
    g_string_append(crlf, *c == '\n' ? "\r\n" : (char[]){ *c, '\0' });
  g_autofree char *bom = g_strconcat("\xef\xbb\xbf", plain, NULL);
  g_autofree char *declared_latin1 = replace_once(plain, "encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"");
  g_autofree char *lower_utf8 = replace_once(plain, "encoding=\"UTF-8\"", "encoding=\"utf-8\"");
  const char *no_decl = strchr(plain, '\n') + 1;
  g_autofree char *after = replace_once(plain, "</trace>", "</trace> <bad");
  g_autofree char *expect_bad = replace_once(plain, "<survives pid=\"1\"/>", "<survives pid=\"77\"/>");
  g_autofree char *expect_malformed = replace_once(plain, "<survives pid=\"1\"/>", "<survives pid=\"1\">");
  g_autofree char *one_line = g_strdup(plain); /* a trace on one line: the stand-in has no line feed */
  for (char *c = strstr(one_line, "<trace>"); c < strstr(one_line, "</trace>"); c++)
    if (*c == '\n')
      *c = ' ';
  const char *docs[] = { plain, crlf->str, bom, declared_latin1, lower_utf8, no_decl, after, expect_bad,
                         expect_malformed, one_line };
  for (gsize i = 0; i < G_N_ELEMENTS(docs); i++)
    compare(docs[i], strlen(docs[i]));
  /* the scanner reads the trace of the plain document, with a byte order mark, in utf-8 and without declaration */
  guint64 scanned = 0;
  g_free(load(bom, strlen(bom), TRUE, NULL, &scanned));
  g_assert_cmpuint(scanned, ==, 13); /* 1 process and 12 steps */
  g_free(load(no_decl, strlen(no_decl), TRUE, NULL, &scanned));
  g_assert_cmpuint(scanned, ==, 13); /* 1 process and 12 steps */
  g_free(load(lower_utf8, strlen(lower_utf8), TRUE, NULL, &scanned));
  g_assert_cmpuint(scanned, ==, 13); /* 1 process and 12 steps */
  /* and leaves CRLF (it stops at the first carriage return) and ISO-8859-1 to libxml2 */
  g_free(load(crlf->str, crlf->len, TRUE, NULL, &scanned));
  g_assert_cmpuint(scanned, ==, 0);
  g_free(load(declared_latin1, strlen(declared_latin1), TRUE, NULL, &scanned));
  g_assert_cmpuint(scanned, ==, 0);
}

/* Every prefix of a valid scenario: the same error (or, for the whole, the same steps). */
static void
test_every_truncation(void)
{
  g_autofree char *doc = g_strdup_printf(trace_template, "", "");
  gsize len = strlen(doc);
  for (gsize cut = 0; cut <= len; cut++)
    compare(doc, cut);
}

/* Every byte of the trace replaced by each of a dozen that mean something to XML or to the scanner; in the
 * scenario as written, and with its trace on one line behind 20 steps of 32 bytes (the stand-in's alignment is then
 * made of two-byte characters, which needs 7 + 511 columns at most: loader_fast_hand_over()). */
static void
test_every_byte(void)
{
  static const char replacements[] = "<>\"'&\r\n\t /-x\x01\xc3";
  for (int one_line = 0; one_line < 2; one_line++) {
    g_autofree char *doc = g_strdup_printf(trace_template, "", "");
    if (one_line) {
      g_autoptr(GString) filler = g_string_new("<trace>");
      for (int i = 0; i < 20; i++)
        g_string_append(filler, " <set pid=\"1\" oom_score_adj=\"0\"/>");
      g_autofree char *with_filler = replace_once(doc, "<trace>", filler->str);
      g_free(doc);
      doc = g_steal_pointer(&with_filler);
    }
    gsize len = strlen(doc);
    gsize from = (gsize) (strstr(doc, one_line ? "<trace>" : "<processes>") - doc);
    gsize to = (gsize) (strstr(doc, "</trace>") - doc) + 9; /* and the byte after </trace> */
    if (one_line) {
      for (gsize at = from; at < to - 8; at++)
        if (doc[at] == '\n')
          doc[at] = ' ';
      from += 7 + 20 * 32;
    }
    for (gsize at = from; at < to; at++) {
      for (gsize r = 0; r < sizeof replacements - 1; r++) {
        if (doc[at] == replacements[r])
          continue;
        char saved = doc[at];
        doc[at] = replacements[r];
        compare(doc, len);
        doc[at] = saved;
      }
    }
  }
}

/* A trace past line 65535 (libxml2 keeps lines in 16 bits), with an error on line 70,0xx, and a trace of more
 * than 4096 lines read by the scanner before an error after it (the stand-in's comments). */
static void
test_big_lines(void)
{
  g_autoptr(GString) doc = g_string_new(HEADER "  <trace>\n");
  for (int i = 0; i < 70000; i++)
    g_string_append_printf(doc, "    <touch pid=\"%d\" size=\"4KiB\"/>\n", 1 + i % 2);
  gsize end_of_steps = doc->len;
  g_string_append(doc, "  </trace>\n  <expect><survives pid=\"1\"/></expect>\n</scenario>\n");
  guint64 scanned = compare(doc->str, doc->len);
  g_assert_cmpuint(scanned, ==, 1 + 69999); /* the last of each section is libxml2's */

  static const char *const errors[] = { "<touch pid=\"3\" size=\"4KiB\"/>", "<touch pid=\"1\" size=\"4KiB\"",
                                        "<touch pid=\"1\" size=\"4KiB\"/> <bad" };
  for (gsize i = 0; i < G_N_ELEMENTS(errors); i++) {
    g_autoptr(GString) bad = g_string_new_len(doc->str, (gssize) end_of_steps);
    g_string_append_printf(bad, "    %s\n  </trace>\n  <expect><survives pid=\"1\"/></expect>\n</scenario>\n",
                           errors[i]);
    compare(bad->str, bad->len);
  }
  /* an error in <expect>, 70,000 lines on */
  g_autoptr(GString) expect = g_string_new_len(doc->str, (gssize) end_of_steps);
  g_string_append(expect, "  </trace>\n  <expect><survives pid=\"9\"/></expect>\n</scenario>\n");
  compare(expect->str, expect->len);
}

/* From a file, read through the loader's window of 64 KiB: the same steps as from memory, and as libxml2's. */
static void
test_file(void)
{
  g_autoptr(GString) doc = g_string_new(HEADER "  <trace>\n");
  for (int i = 0; i < 20000; i++)
    g_string_append_printf(doc, "    <touch pid=\"%d\" size=\"4KiB\"/><!-- %d -->\n", 1 + i % 2, i);
  g_string_append(doc, "  </trace>\n</scenario>\n");
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;
  int fd = g_file_open_tmp("trace-scan-XXXXXX.xml", &path, &error);
  g_assert_no_error(error);
  g_assert_true(g_file_set_contents(path, doc->str, (gssize) doc->len, &error));
  close(fd);
  g_autofree char *from_memory_steps = NULL;
  g_autofree char *from_memory = load(doc->str, doc->len, TRUE, &from_memory_steps, NULL);
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, &error); /* the default threshold: 32 KiB */
  g_assert_no_error(error);
  g_autoptr(GString) from_file = g_string_new(NULL);
  ScStep *step = NULL;
  while (scenario_loader_next_step(loader, &step, &error)) {
    g_autofree char *digest = step_digest(step);
    g_string_append(from_file, digest);
    sc_step_free(step);
  }
  g_assert_no_error(error);
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(expects->len, ==, 0);
  g_assert_cmpuint(scenario_loader_steps_scanned(loader), ==, 1 + 19999);
  g_assert_cmpstr(from_memory, ==, "ok, 0 expectations");
  g_assert_cmpstr(from_file->str, ==, from_memory_steps);
  g_unlink(path);
}

static void
collect_files(const char *dir, gboolean any, GPtrArray *out)
{
  g_autoptr(GDir) d = g_dir_open(dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name(d)) != NULL) {
    g_autofree char *path = g_build_filename(dir, name, NULL);
    if (g_file_test(path, G_FILE_TEST_IS_DIR))
      collect_files(path, any, out);
    else if (any || g_str_has_suffix(name, ".xml"))
      g_ptr_array_add(out, g_steal_pointer(&path));
  }
}

/* Every scenario of scenarios/ and tests/ (valid and invalid), the scanner taking any trace, however short; and
 * every file under $TRACE_SCAN_FILES when it is set (docs/performance.md: the mutants of bench/mutate-flat.py). */
static void
test_scenario_files(void)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  g_autofree char *scenarios = g_test_build_filename(G_TEST_DIST, "..", "scenarios", NULL);
  collect_files(scenarios, FALSE, files);
  g_autofree char *tests = g_test_build_filename(G_TEST_DIST, ".", NULL);
  collect_files(tests, FALSE, files);
  g_assert_cmpuint(files->len, >, 250);
  if (g_getenv("TRACE_SCAN_FILES") != NULL)
    collect_files(g_getenv("TRACE_SCAN_FILES"), TRUE, files);
  guint64 scanned = 0;
  for (guint i = 0; i < files->len; i++) {
    g_autofree char *text = NULL;
    gsize len;
    if (!g_file_get_contents(files->pdata[i], &text, &len, NULL))
      continue;
    scanned += compare(text, len);
  }
  g_test_message("%u files, %" G_GUINT64_FORMAT " steps read by the scanner", files->len, scanned);
  g_assert_cmpuint(scanned, >, 500);
}

int
main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/scenarios/trace-scan/items", test_items);
  g_test_add_func("/scenarios/trace-scan/markup", test_markup);
  g_test_add_func("/scenarios/trace-scan/finder", test_finder);
  g_test_add_func("/scenarios/trace-scan/same-as-libxml2", test_same_as_libxml2);
  g_test_add_func("/scenarios/trace-scan/documents", test_documents);
  g_test_add_func("/scenarios/trace-scan/every-truncation", test_every_truncation);
  g_test_add_func("/scenarios/trace-scan/every-byte", test_every_byte);
  g_test_add_func("/scenarios/trace-scan/lines-beyond-65535", test_big_lines);
  g_test_add_func("/scenarios/trace-scan/file", test_file);
  g_test_add_func("/scenarios/trace-scan/scenario-files", test_scenario_files);
  return g_test_run();
}
