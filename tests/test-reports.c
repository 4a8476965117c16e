/* tests/test-reports.c: the streaming report path (issue 13): JsonStream against json-glib's own generator on
 * the same calls, the escaping rules by hand, and sim_run() handing the report out in pieces (their sum is the
 * report; a failing writer stops the run with its error).
 */
#include "reports/json-stream.h"
#include "reports/report-private.h"
#include "sim/output-file.h"
#include "sim/sim.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include <glib/gstdio.h>

/* ---------------------------------------------------------------- the same document, two writers */

static guint64 rng = 0x2545f4914f6cdd1dull;

static guint64 next_rand(void)
{
  /* xorshift64: fixed seed, the same documents on every run */
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

/* Characters a string may hold: every ASCII character but NUL and 0x1f (json-glib 1.6 leaves 0x1f unescaped, which
 * JsonStream does not copy: /reports/json-stream/escape-0x1f), and multi-byte UTF-8. */
static char *random_string(void)
{
  static const char *const multibyte[] = { "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\xe2\x80\xa8" };
  GString *s = g_string_new(NULL);
  guint len = (guint)(next_rand() % 12);
  for (guint i = 0; i < len; i++) {
    guint r = (guint)(next_rand() % 140);
    if (r >= 128)
      g_string_append(s, multibyte[r % G_N_ELEMENTS(multibyte)]);
    else if (r != 0 && r != 0x1f)
      g_string_append_c(s, (char)r);
  }
  return g_string_free(s, FALSE);
}

static gint64 random_int(void)
{
  static const gint64 edges[] = { 0, -1, 1, G_MININT64, G_MAXINT64, 4096, -4096, 1000000007 };
  guint64 r = next_rand();
  return r % 3 == 0 ? edges[(r / 3) % G_N_ELEMENTS(edges)] : (gint64)(next_rand() >> (r % 64));
}

/* One random value (containers up to depth 4) written to both writers. */
static void random_value(JsonBuilder *b, JsonStream *js, guint depth)
{
  guint kind = (guint)(next_rand() % (depth < 4 ? 7 : 5));
  switch (kind) {
  case 0: {
    g_autofree char *s = random_string();
    json_builder_add_string_value(b, s);
    json_stream_add_string_value(js, s);
    break;
  }
  case 1: {
    gint64 v = random_int();
    json_builder_add_int_value(b, v);
    json_stream_add_int_value(js, v);
    break;
  }
  case 2:
    json_builder_add_boolean_value(b, next_rand() % 2);
    json_stream_add_boolean_value(js, rng % 2);
    break;
  case 3:
  case 4:
    json_builder_add_null_value(b);
    json_stream_add_null_value(js);
    break;
  case 5: {
    guint n = (guint)(next_rand() % 4);
    json_builder_begin_array(b);
    json_stream_begin_array(js);
    for (guint i = 0; i < n; i++)
      random_value(b, js, depth + 1);
    json_builder_end_array(b);
    json_stream_end_array(js);
    break;
  }
  default: {
    guint n = (guint)(next_rand() % 4);
    json_builder_begin_object(b);
    json_stream_begin_object(js);
    for (guint i = 0; i < n; i++) {
      g_autofree char *name = g_strdup_printf("k%u%s", i, next_rand() % 5 ? "" : "\"\n\\");
      json_builder_set_member_name(b, name);
      json_stream_set_member_name(js, name);
      random_value(b, js, depth + 1);
    }
    json_builder_end_object(b);
    json_stream_end_object(js);
    break;
  }
  }
}

static char *generate_compact(JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  return json_to_string(root, FALSE);
}

static char *generate(JsonBuilder *b)
{
  g_autoptr(JsonNode) root = json_builder_get_root(b);
  g_autoptr(JsonGenerator) gen = json_generator_new();
  json_generator_set_pretty(gen, TRUE);
  json_generator_set_indent(gen, 2);
  json_generator_set_root(gen, root);
  return json_generator_to_data(gen, NULL);
}

/* 2,000 random documents: JsonStream writes exactly what JsonBuilder + JsonGenerator (pretty, indent 2) write,
 * the layout the JSON goldens were made with; compact: exactly json_to_string(node, FALSE), the sweep rows'. */
static void same_as_json_glib(gboolean compact)
{
  for (guint doc = 0; doc < 2000; doc++) {
    g_autoptr(JsonBuilder) b = json_builder_new();
    g_autoptr(GString) out = g_string_new(NULL);
    g_autoptr(JsonStream) js = compact ? json_stream_new_compact(out) : json_stream_new(out);
    /* the root is a container, as the report's is */
    json_builder_begin_object(b);
    json_stream_begin_object(js);
    guint n = (guint)(next_rand() % 6);
    for (guint i = 0; i < n; i++) {
      g_autofree char *random = random_string();
      g_autofree char *name = g_strdup_printf("%u%s", i, random); /* unique: JsonObject keeps one of equal names */
      json_builder_set_member_name(b, name);
      json_stream_set_member_name(js, name);
      random_value(b, js, 1);
    }
    json_builder_end_object(b);
    json_stream_end_object(js);
    g_assert_cmpuint(json_stream_depth(js), ==, 0);
    g_autofree char *expected = compact ? generate_compact(b) : generate(b);
    g_assert_cmpstr(out->str, ==, expected);
  }
}

static void test_same_as_json_glib(void)
{
  same_as_json_glib(FALSE);
}

static void test_compact_same_as_json_glib(void)
{
  same_as_json_glib(TRUE);
}

/* A small document written by hand: the layout rules of json-stream.c's header. */
static void test_layout_by_hand(void)
{
  g_autoptr(GString) out = g_string_new(NULL);
  g_autoptr(JsonStream) js = json_stream_new(out);
  json_stream_begin_object(js);
  json_stream_set_member_name(js, "a");
  json_stream_add_int_value(js, -12);
  json_stream_set_member_name(js, "list");
  json_stream_begin_array(js);
  json_stream_add_boolean_value(js, TRUE);
  json_stream_begin_array(js);
  json_stream_end_array(js);
  json_stream_begin_object(js);
  json_stream_end_object(js);
  json_stream_add_string_value(js, NULL);
  json_stream_end_array(js);
  json_stream_end_object(js);
  g_assert_cmpstr(out->str, ==,
                  "{\n"
                  "  \"a\" : -12,\n"
                  "  \"list\" : [\n"
                  "    true,\n"
                  "    [],\n"
                  "    {    },\n" /* depth 2: the closer's indent is 4 spaces */
                  "    null\n"
                  "  ]\n"
                  "}");
}

static void test_escape(void)
{
  g_autoptr(GString) out = g_string_new(NULL);
  json_stream_append_escaped(out, "q\"b\\s/\b\f\n\r\t\x01\x7f\xc3\xa9");
  g_assert_cmpstr(out->str, ==, "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u007f\xc3\xa9\"");
}

/* json-glib 1.6 leaves 0x1f as it is (invalid JSON); JsonStream escapes it. XML cannot carry it. */
static void test_escape_0x1f(void)
{
  g_autoptr(GString) out = g_string_new(NULL);
  json_stream_append_escaped(out, "a\x1f");
  g_assert_cmpstr(out->str, ==, "\"a\\u001f\"");
}

/* The caller may take the text away between calls: the pieces add up to the whole document. */
static void test_emptied_between_calls(void)
{
  g_autoptr(GString) whole = g_string_new(NULL), piece = g_string_new(NULL), joined = g_string_new(NULL);
  g_autoptr(JsonStream) a = json_stream_new(whole);
  g_autoptr(JsonStream) b = json_stream_new(piece);
  json_stream_begin_object(a);
  json_stream_begin_object(b);
  for (int i = 0; i < 50; i++) {
    char name[16];
    g_snprintf(name, sizeof name, "n%d", i);
    json_stream_set_member_name(a, name);
    json_stream_set_member_name(b, name);
    g_string_append(joined, piece->str);
    g_string_truncate(piece, 0);
    json_stream_begin_array(a);
    json_stream_begin_array(b);
    json_stream_add_int_value(a, i);
    json_stream_add_int_value(b, i);
    g_string_append(joined, piece->str);
    g_string_truncate(piece, 0);
    json_stream_end_array(a);
    json_stream_end_array(b);
  }
  json_stream_end_object(a);
  json_stream_end_object(b);
  g_string_append(joined, piece->str);
  g_assert_cmpstr(joined->str, ==, whole->str);
}

/* ---------------------------------------------------------------- sim_run() in pieces */

typedef struct {
  GString *joined;
  guint pieces, fail_at;
  gsize shortest; /* of every piece but the last */
  gsize last;
} Pieces;

static gboolean collect_piece(gpointer data, const char *bytes, gsize len, GError **error)
{
  Pieces *p = data;
  p->pieces++;
  if (p->pieces == p->fail_at) {
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC, "no space left (test)");
    return FALSE;
  }
  if (p->pieces > 1)
    p->shortest = MIN(p->shortest, p->last);
  p->last = len;
  g_string_append_len(p->joined, bytes, (gssize)len);
  return TRUE;
}

/* The scenario text written to a temporary file: its path, to g_unlink() and g_free() */
static char *write_temp_scenario(const char *xml)
{
  char *path = NULL;
  int fd = g_file_open_tmp("oomsim-test-XXXXXX.xml", &path, NULL);
  g_assert_cmpint(fd, >=, 0);
  close(fd);
  g_assert_true(g_file_set_contents(path, xml, -1, NULL));
  return path;
}

/* A scenario whose text report is several pieces long: 3,000 touches of one page. */
static char *write_long_scenario(void)
{
  g_autoptr(GString) xml = g_string_new("<scenario name=\"pieces\"><machine ram=\"1GiB\" swap=\"0\"/>"
                                        "<processes><process pid=\"1\" comm=\"a\"/></processes><trace>\n"
                                        "<mmap id=\"heap\" pid=\"1\" size=\"64MiB\"/>\n");
  for (int i = 0; i < 3000; i++)
    g_string_append(xml, "<touch pid=\"1\" size=\"4KiB\"/>\n");
  g_string_append(xml, "</trace></scenario>\n");
  return write_temp_scenario(xml->str);
}

static void test_run_in_pieces(void)
{
  g_autofree char *path = write_long_scenario();
  for (SimFormat format = SIM_FORMAT_TEXT; format <= SIM_FORMAT_JSON; format++) {
    SimOptions whole_opts = { .format = format };
    g_autoptr(GString) whole = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(sim_run(path, &whole_opts, NULL, &whole, NULL, NULL, &error));
    g_assert_no_error(error);

    Pieces p = { .joined = g_string_new(NULL), .shortest = G_MAXSIZE };
    SimOptions opts = { .format = format, .report_write = collect_piece, .report_write_data = &p };
    g_autoptr(GString) rest = NULL;
    g_assert_true(sim_run(path, &opts, NULL, &rest, NULL, NULL, &error));
    g_assert_no_error(error);
    g_assert_cmpuint(rest->len, ==, 0);
    if (format == SIM_FORMAT_DMESG) /* no OOM, no warning: the kernel prints nothing, and no piece is offered */
      g_assert_cmpuint(p.pieces + whole->len, ==, 0);
    else /* text: one ~78-byte line a step, 3,000 steps, over 230 KB; json: more */
      g_assert_cmpuint(p.pieces, >=, 3);
    g_assert_cmpuint(p.shortest, >=, SIM_REPORT_PIECE_BYTES);
    g_assert_cmpstr(p.joined->str, ==, whole->str);
    g_string_free(p.joined, TRUE);
  }
  g_unlink(path);
}

static void test_run_write_fails(void)
{
  g_autofree char *path = write_long_scenario();
  Pieces p = { .joined = g_string_new(NULL), .shortest = G_MAXSIZE, .fail_at = 2 };
  SimOptions opts = { .format = SIM_FORMAT_TEXT, .report_write = collect_piece, .report_write_data = &p };
  g_autoptr(GError) error = NULL;
  g_assert_false(sim_run(path, &opts, NULL, NULL, NULL, NULL, &error));
  g_assert_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSPC);
  g_assert_cmpuint(p.pieces, ==, 2); /* stopped at the failure: no further piece was offered */
  g_string_free(p.joined, TRUE);
  g_unlink(path);
}

/* A streamed run without a report that prints the process list lets the engine take the list out of the header and
 * free each process as its task is made (sim/pipeline.c, issue 13); a replay of the loaded scenario keeps it. Both
 * must tell the same story: the dmesg report, every exit (pid, status, reason, in order) and the kills; and a
 * scenario refused at set-up, after some processes were made and freed, the same error. */
static void test_run_processes_taken(void)
{
  static const char *const files[][2] = {
    { "scenarios", "library/shared-mm-victim.xml" },        /* a process sharing another's mm */
    { "scenarios", "library/init-and-kthreads-unkillable.xml" }, /* kernel threads, init */
    { "scenarios", "library/fork-child-in-cgroup.xml" },    /* forks after the set-up: slots past the header's */
    { "scenarios", "library/global-oom-largest-dies.xml" },
    { "tests", "cli/runtime-sharer-adj-differs.xml" },      /* refused after the set-up made every process */
  };
  for (guint i = 0; i < G_N_ELEMENTS(files); i++) {
    g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", files[i][0], files[i][1], NULL);
    SimOptions opts = { .format = SIM_FORMAT_DMESG };
    g_autoptr(SimOutcome) taken = NULL, kept = NULL;
    g_autoptr(GString) taken_report = NULL, kept_report = NULL;
    g_autoptr(GError) taken_error = NULL, kept_error = NULL;
    gboolean taken_ok = sim_run(path, &opts, &taken, &taken_report, NULL, NULL, &taken_error);
    g_autoptr(SimScenario) sc = sim_scenario_load(path, &kept_error);
    g_assert_no_error(kept_error);
    gboolean kept_ok = sim_scenario_replay(sc, &opts, &kept, &kept_report, NULL, &kept_error);
    g_assert_cmpint(taken_ok, ==, kept_ok);
    g_assert_cmpuint(sim_scenario_header(sc)->processes->len, >, 0); /* the loaded scenario kept its list */
    if (!kept_ok) {
      g_assert_error(taken_error, SCENARIO_ERROR, SCENARIO_ERROR_UNSUPPORTED);
      g_assert_cmpstr(taken_error->message, ==, kept_error->message);
      continue;
    }
    g_assert_no_error(taken_error);
    g_assert_cmpstr(taken_report->str, ==, kept_report->str);
    g_assert_cmpuint(taken->exits->len, >, 0);
    g_assert_cmpuint(taken->exits->len, ==, kept->exits->len);
    for (guint x = 0; x < kept->exits->len; x++) {
      const SimExit *a = taken->exits->pdata[x], *b = kept->exits->pdata[x];
      g_assert_cmpint(a->pid, ==, b->pid);
      g_assert_cmpint(a->status, ==, b->status);
      g_assert_cmpstr(a->reason, ==, b->reason);
    }
    g_assert_cmpuint(taken->kills->len, ==, kept->kills->len);
    g_assert_cmpuint(taken->known_pids->len, ==, kept->known_pids->len);
  }
}

/* The engine's processes by creation order, in blocks of PROC_BLOCK (256) SimProcs, found by pid (a streamed run)
 * or by the compiled trace's slot (a replay), issue 13: 600 processes (three blocks), two forks after them (in the
 * third), exit steps for a process at each block boundary and for each fork child, every other process exiting at
 * the end of the trace with 0, in task-list order. Expected by hand: 602 exits, the four steps' first, in trace
 * order, with their codes; 602 known pids, the header's in order, then the children. */
static void test_engine_process_blocks(void)
{
  g_autoptr(GString) xml = g_string_new("<scenario name=\"blocks\"><machine ram=\"1GiB\" swap=\"0\"/><processes>\n");
  for (int i = 0; i < 600; i++)
    g_string_append_printf(xml, "<process pid=\"%d\" comm=\"p%d\"/>\n", 1000 + i, i);
  g_string_append(xml, "</processes><trace>\n<fork pid=\"1599\" child=\"5000\"/>\n<fork pid=\"1000\" child=\"5001\"/>\n"
                       "<exit pid=\"1255\" code=\"1\"/>\n<exit pid=\"1256\" code=\"2\"/>\n"
                       "<exit pid=\"5000\" code=\"3\"/>\n<exit pid=\"5001\" code=\"4\"/>\n</trace></scenario>\n");
  char *path = write_temp_scenario(xml->str);
  g_autoptr(SimScenario) sc = sim_scenario_load(path, NULL);
  g_assert_nonnull(sc);
  for (int replay = 0; replay < 2; replay++) {
    SimOptions opts = { .format = SIM_FORMAT_NONE };
    g_autoptr(SimOutcome) o = NULL;
    g_autoptr(GError) error = NULL;
    g_assert_true(replay ? sim_scenario_replay(sc, &opts, &o, NULL, NULL, &error)
                         : sim_run(path, &opts, &o, NULL, NULL, NULL, &error));
    g_assert_no_error(error);
    static const int first_pids[] = { 1255, 1256, 5000, 5001 };
    g_assert_cmpuint(o->exits->len, ==, 602);
    for (guint i = 0; i < G_N_ELEMENTS(first_pids); i++) {
      const SimExit *x = o->exits->pdata[i];
      g_assert_cmpint(x->pid, ==, first_pids[i]);
      g_assert_cmpint(x->status, ==, (int)i + 1);
      g_assert_false(x->survived);
    }
    int expected = 1000; /* then the survivors, in task-list order: the header's processes, 1255 and 1256 gone */
    for (guint i = G_N_ELEMENTS(first_pids); i < o->exits->len; i++, expected++) {
      if (expected == 1255)
        expected += 2;
      const SimExit *x = o->exits->pdata[i];
      g_assert_cmpint(x->pid, ==, expected);
      g_assert_cmpint(x->status, ==, 0);
      g_assert_true(x->survived);
    }
    g_assert_cmpint(expected, ==, 1600);
    g_assert_cmpuint(o->known_pids->len, ==, 602);
    for (guint i = 0; i < 600; i++)
      g_assert_cmpint(g_array_index(o->known_pids, int, i), ==, 1000 + (int)i);
    g_assert_cmpint(g_array_index(o->known_pids, int, 600), ==, 5000);
    g_assert_cmpint(g_array_index(o->known_pids, int, 601), ==, 5001);
  }
  g_unlink(path);
  g_free(path);
}

/* A mapping reference is checked against the mm owner of the step's process (sim/engine.c, check_mapping_ref()):
 * its own pid, or for a process of the header that shares another's mm, that one's, followed to the first
 * (engine_proc_mm_owner(), kept for sharers only: issue 13). Process 4 shares 2's mm, which is 1's: both may touch
 * 1's mapping; process 3, with its own mm, may not. Streamed and replayed alike. */
static void test_engine_mm_owner_refs(void)
{
  const char *head = "<scenario name=\"refs\"><machine ram=\"1GiB\" swap=\"0\"/><processes>\n"
                     "<process pid=\"1\" comm=\"a\"/>\n<process pid=\"2\" comm=\"b\" shares-mm-with=\"1\"/>\n"
                     "<process pid=\"3\" comm=\"c\"/>\n<process pid=\"4\" comm=\"d\" shares-mm-with=\"2\"/>\n"
                     "</processes><trace>\n<mmap id=\"m\" pid=\"1\" size=\"1MiB\"/>\n"
                     "<touch pid=\"2\" size=\"4KiB\" mapping=\"m\"/>\n<touch pid=\"4\" size=\"4KiB\" mapping=\"m\"/>\n";
  for (int bad = 0; bad < 2; bad++) {
    g_autofree char *xml = g_strconcat(head, bad ? "<touch pid=\"3\" size=\"4KiB\" mapping=\"m\"/>\n" : "",
                                       "</trace></scenario>\n", NULL);
    char *path = write_temp_scenario(xml);
    g_autoptr(SimScenario) sc = sim_scenario_load(path, NULL);
    g_assert_nonnull(sc);
    for (int replay = 0; replay < 2; replay++) {
      SimOptions opts = { .format = SIM_FORMAT_NONE };
      g_autoptr(SimOutcome) o = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok = replay ? sim_scenario_replay(sc, &opts, &o, NULL, NULL, &error)
                           : sim_run(path, &opts, &o, NULL, NULL, NULL, &error);
      if (!bad) {
        g_assert_no_error(error);
        g_assert_true(ok);
        continue;
      }
      g_assert_false(ok);
      g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN_REF);
      g_assert_nonnull(strstr(error->message, ":10:1: \"m\" is a mapping of process 1's memory, which process 3 does not share"));
    }
    g_unlink(path);
    g_free(path);
  }
}

/* ---------------------------------------------------------------- the kubelet's pods in the JSON report */

static JsonNode *run_json(const char *library_file)
{
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "scenarios", "library", library_file, NULL);
  SimOptions opts = { .format = SIM_FORMAT_JSON };
  g_autoptr(GString) report = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true(sim_run(path, &opts, NULL, &report, NULL, NULL, &error));
  g_assert_no_error(error);
  JsonNode *root = json_from_string(report->str, &error);
  g_assert_no_error(error);
  return root;
}

static JsonObject *array_object(JsonObject *o, const char *member, guint i)
{
  JsonArray *a = json_object_get_array_member(o, member);
  g_assert_cmpuint(i, <, json_array_get_length(a));
  return json_array_get_object_element(a, i);
}

/* k8s-besteffort-evicted-before-burstable.xml (kubelet 1.28, capacity 4 GiB, eviction-hard memory.available<500Mi):
 * allocatable = 4294967296 - 500 * 1048576 = 3770679296; no reservations, so the kubepods limit is the capacity.
 * Burstable adj = 1000 - 1000 * request / capacity (pkg/kubelet/qos/policy.go): api (1.5Gi) 1000 - 375 = 625, nginx
 * (256Mi) 1000 - 62 = 938 (62.5 truncated); BestEffort 1000. The batch pod is evicted at the pass of 10 s: SIGTERM,
 * exit 143, reason Evicted, phase Failed, not restarted. The other containers are still running when the trace
 * ends (the simulator then ends them with 0): state running, their pods Running. */
static void test_json_pods_evicted(void)
{
  g_autoptr(JsonNode) root = run_json("k8s-besteffort-evicted-before-burstable.xml");
  JsonObject *kubelet = json_object_get_object_member(json_node_get_object(root), "kubelet");
  g_assert_nonnull(kubelet);
  g_assert_cmpstr(json_object_get_string_member(kubelet, "version"), ==, "1.28");
  g_assert_cmpint(json_object_get_int_member(kubelet, "capacity_bytes"), ==, 4294967296);
  g_assert_cmpint(json_object_get_int_member(kubelet, "hard_eviction_bytes"), ==, 524288000);
  g_assert_cmpint(json_object_get_int_member(kubelet, "allocatable_bytes"), ==, 3770679296);
  g_assert_cmpint(json_object_get_int_member(kubelet, "kubepods_limit_bytes"), ==, 4294967296);
  g_assert_cmpuint(json_array_get_length(json_object_get_array_member(kubelet, "pods")), ==, 3);
  static const struct { const char *ns, *name, *qos, *phase, *container, *state, *reason; int adj, exit_code; } want[] = {
      { "default", "api", "Burstable", "Running", "api", "running", NULL, 625, -1 },
      { "default", "web", "Burstable", "Running", "nginx", "running", NULL, 938, -1 },
      { "jobs", "batch", "BestEffort", "Failed", "worker", "terminated", "Evicted", 1000, 143 },
  };
  for (guint i = 0; i < G_N_ELEMENTS(want); i++) {
    JsonObject *pod = array_object(kubelet, "pods", i);
    g_assert_cmpstr(json_object_get_string_member(pod, "namespace"), ==, want[i].ns);
    g_assert_cmpstr(json_object_get_string_member(pod, "name"), ==, want[i].name);
    g_assert_cmpstr(json_object_get_string_member(pod, "qos_class"), ==, want[i].qos);
    g_assert_cmpstr(json_object_get_string_member(pod, "phase"), ==, want[i].phase);
    JsonObject *c = array_object(pod, "containers", 0);
    g_assert_cmpstr(json_object_get_string_member(c, "name"), ==, want[i].container);
    g_assert_cmpint(json_object_get_int_member(c, "oom_score_adj"), ==, want[i].adj);
    g_assert_cmpstr(json_object_get_string_member(c, "state"), ==, want[i].state);
    g_assert_cmpstr(json_object_get_string_member(c, "reason"), ==, want[i].reason);
    if (want[i].exit_code < 0)
      g_assert_true(json_object_get_null_member(c, "exit_code"));
    else
      g_assert_cmpint(json_object_get_int_member(c, "exit_code"), ==, want[i].exit_code);
    g_assert_cmpint(json_object_get_boolean_member(c, "survived"), ==, want[i].exit_code < 0);
    g_assert_cmpint(json_object_get_int_member(c, "restart_count"), ==, 0);
    g_assert_true(json_object_get_null_member(c, "last_state"));
    g_assert_true(json_object_get_null_member(c, "backoff_ns"));
  }
  JsonObject *batch = array_object(kubelet, "pods", 2), *worker = array_object(batch, "containers", 0);
  g_assert_cmpstr(json_object_get_string_member(batch, "reason"), ==, "Evicted");
  g_assert_cmpstr(json_object_get_string_member(batch, "cgroup"), ==, "/kubepods/besteffort/podjobs-batch");
  g_assert_cmpstr(json_object_get_string_member(worker, "cgroup"), ==, "/kubepods/besteffort/podjobs-batch/worker");
  g_assert_cmpstr(json_object_get_string_member(worker, "by"), ==, "kubelet");
  g_assert_cmpint(json_object_get_int_member(worker, "signal"), ==, 15);
  g_assert_cmpint(json_object_get_int_member(worker, "finished_ns"), ==, 10000000000);
  g_assert_true(json_object_get_null_member(worker, "request_bytes"));
  g_assert_true(json_object_get_null_member(array_object(kubelet, "pods", 0), "reason"));
}

/* k8s-kubelet-50mi-oomkilled-v2.xml: a Guaranteed pod (request = limit = 50Mi = 52428800), kubelet 1.28:
 * guaranteedOOMScoreAdj -997; the systemd driver's cgroups; the memcg OOM kills it at 1 s (137, OOMKilled, by the
 * kernel), the last moment of the trace: the kubelet has not restarted it yet (restart count 0), and under
 * restartPolicy Always the pod's phase is Running (getPhase()). Default eviction-hard 100Mi: allocatable
 * = 2 GiB - 104857600 = 2042626048. */
static void test_json_pods_oomkilled(void)
{
  g_autoptr(JsonNode) root = run_json("k8s-kubelet-50mi-oomkilled-v2.xml");
  JsonObject *kubelet = json_object_get_object_member(json_node_get_object(root), "kubelet");
  g_assert_cmpstr(json_object_get_string_member(kubelet, "cgroup_driver"), ==, "systemd");
  g_assert_cmpint(json_object_get_int_member(kubelet, "allocatable_bytes"), ==, 2042626048);
  JsonObject *pod = array_object(kubelet, "pods", 0), *c = array_object(pod, "containers", 0);
  g_assert_cmpstr(json_object_get_string_member(pod, "qos_class"), ==, "Guaranteed");
  g_assert_cmpint(json_object_get_int_member(pod, "memory_limit_bytes"), ==, 52428800);
  g_assert_cmpstr(json_object_get_string_member(pod, "phase"), ==, "Running");
  g_assert_cmpstr(json_object_get_string_member(c, "cgroup"), ==,
                  "/kubepods.slice/kubepods-pod6f1c.slice/cri-containerd-mem-alloc.scope");
  g_assert_cmpint(json_object_get_int_member(c, "oom_score_adj"), ==, -997);
  g_assert_cmpint(json_object_get_int_member(c, "limit_bytes"), ==, 52428800);
  g_assert_cmpstr(json_object_get_string_member(c, "reason"), ==, "OOMKilled");
  g_assert_cmpint(json_object_get_int_member(c, "exit_code"), ==, 137);
  g_assert_cmpstr(json_object_get_string_member(c, "by"), ==, "kernel");
  g_assert_cmpstr(json_object_get_string_member(c, "state"), ==, "terminated");
  g_assert_cmpint(json_object_get_int_member(c, "started_ns"), ==, 0);
  g_assert_cmpint(json_object_get_int_member(c, "finished_ns"), ==, 1000000000);
  g_assert_cmpint(json_object_get_int_member(c, "restart_count"), ==, 0);
  g_assert_false(json_object_get_boolean_member(c, "privileged")); /* not said: the runtime's default capabilities */
}

/* k8s-crashloopbackoff-50mi.xml at 600 s (docs/kubernetes.md, "Restarts", worked by hand): kills 1 s after each start,
 * starts at 0, 1, 12, 33, 74, 155, 316 s; the seventh run, killed at 317 s, waits for 300 s: until 617 s. */
static void test_json_pods_crashloop(void)
{
  g_autoptr(JsonNode) root = run_json("k8s-crashloopbackoff-50mi.xml");
  JsonObject *kubelet = json_object_get_object_member(json_node_get_object(root), "kubelet");
  JsonObject *pod = array_object(kubelet, "pods", 0), *c = array_object(pod, "containers", 0);
  g_assert_cmpstr(json_object_get_string_member(pod, "phase"), ==, "Running");
  g_assert_cmpstr(json_object_get_string_member(c, "state"), ==, "waiting");
  g_assert_cmpstr(json_object_get_string_member(c, "reason"), ==, "CrashLoopBackOff");
  g_assert_cmpint(json_object_get_int_member(c, "restart_count"), ==, 6);
  g_assert_cmpint(json_object_get_int_member(c, "backoff_ns"), ==, G_GINT64_CONSTANT(300000000000));
  g_assert_cmpint(json_object_get_int_member(c, "restart_at_ns"), ==, G_GINT64_CONSTANT(617000000000));
  g_assert_true(json_object_get_null_member(c, "exit_code"));
  JsonObject *last = json_object_get_object_member(c, "last_state");
  g_assert_cmpstr(json_object_get_string_member(last, "reason"), ==, "OOMKilled");
  g_assert_cmpint(json_object_get_int_member(last, "exit_code"), ==, 137);
  g_assert_cmpint(json_object_get_int_member(last, "started_ns"), ==, G_GINT64_CONSTANT(316000000000));
  g_assert_cmpint(json_object_get_int_member(last, "finished_ns"), ==, G_GINT64_CONSTANT(317000000000));
  g_assert_cmpstr(json_object_get_string_member(last, "by"), ==, "kernel");
}

/* The pod's phase as getPhase() (pkg/kubelet/kubelet_pods.go) works it out from one container's state: running;
 * terminated with 0 or 137; waiting in CrashLoopBackOff after a 137 (a stopped container); evicted. */
static void test_pod_phase(void)
{
  const struct {
    const char *policy;
    int status;        /* -1: still running at the end (survived) */
    gboolean waiting, evicted;
    const char *phase;
  } cases[] = {
    { "Always", -1, FALSE, FALSE, "Running" },    { "Never", -1, FALSE, FALSE, "Running" },
    { "Always", 137, FALSE, FALSE, "Running" },   /* all stopped, Always: restarting */
    { "Always", 0, FALSE, FALSE, "Running" },     { "Always", 137, TRUE, FALSE, "Running" },
    { "OnFailure", 0, FALSE, FALSE, "Succeeded" }, { "OnFailure", 137, FALSE, FALSE, "Running" },
    { "OnFailure", 137, TRUE, FALSE, "Running" }, { "Never", 0, FALSE, FALSE, "Succeeded" },
    { "Never", 137, FALSE, FALSE, "Failed" },     { "Always", 143, FALSE, TRUE, "Failed" },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    K8sContainer c = { .name = (char *)"c", .pid = 10 };
    g_autoptr(GPtrArray) containers = g_ptr_array_new();
    g_ptr_array_add(containers, &c);
    K8sPod pod = { .restart_policy = (char *)cases[i].policy, .containers = containers };
    g_autoptr(SimOutcome) o = sim_outcome_new();
    SimExit *x = sim_outcome_add_exit(o);
    x->pid = 10;
    x->status = MAX(cases[i].status, 0);
    x->survived = cases[i].status < 0;
    x->reason = sim_outcome_intern(o, cases[i].evicted ? "Evicted" : "OOMKilled");
    SimContainerStatus *st = g_new0(SimContainerStatus, 1);
    st->pid = 10;
    st->waiting = cases[i].waiting;
    st->restart_count = cases[i].waiting ? 1 : 0;
    g_ptr_array_add(o->containers, st);
    const char *reason = NULL;
    g_assert_cmpstr(report_pod_phase(&pod, o, &reason), ==, cases[i].phase);
    g_assert_cmpstr(reason, ==, cases[i].evicted ? "Evicted" : NULL);
  }
}

/* Without a <kubelet> the document has no "kubelet" member (its bytes are those of before the section existed). */
static void test_json_no_kubelet(void)
{
  g_autoptr(JsonNode) root = run_json("k8s-pod-50mi-oomkilled.xml");
  g_assert_false(json_object_has_member(json_node_get_object(root), "kubelet"));
}

/* sim_output_file_contains() (`oomsim check`'s <log>, issue 13) against strstr() on the whole text: logs of 1,000
 * bytes (in memory) and 3 MiB (written in pieces of random sizes, so it spills to the temporary file), searched for
 * substrings taken at random places, across the 64 KiB blocks of the search, and for strings of the same alphabet
 * that are often not in it. */
static void check_search(SimOutputFile *spool, const GString *all, const char *needle)
{
  gboolean found = FALSE;
  g_autoptr(GError) error = NULL;
  g_assert_true(sim_output_file_contains(spool, needle, &found, &error));
  g_assert_no_error(error);
  g_assert_cmpint(found, ==, strstr(all->str, needle) != NULL);
}

static void test_output_search(void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed(13);
  const guint sizes[] = { 1000, 3u << 20 };
  for (guint s = 0; s < G_N_ELEMENTS(sizes); s++) {
    g_autoptr(SimOutputFile) spool = sim_output_file_open_search();
    g_autoptr(GString) all = g_string_new(NULL);
    while (all->len < sizes[s]) { /* lines of a small alphabet, so that near misses are common */
      g_autoptr(GString) piece = g_string_new(NULL);
      guint n = (guint)g_rand_int_range(rand, 1, sizes[s] < 70000 ? 300 : 70000);
      for (guint i = 0; i < n; i++)
        g_string_append_c(piece, i % 61 == 60 ? '\n' : (char)('a' + g_rand_int_range(rand, 0, 3)));
      g_autoptr(GError) error = NULL;
      g_assert_true(sim_output_file_write(spool, piece->str, piece->len, &error));
      g_string_append_len(all, piece->str, (gssize)piece->len);
    }
    guint found = 0;
    for (guint i = 0; i < 300; i++) {
      gsize len = (gsize)g_rand_int_range(rand, 1, 40);
      gsize at = (gsize)g_rand_int_range(rand, 0, (gint32)(all->len - len));
      if (i >= 100 && i < 200) /* across a block boundary of the search */
        at = MIN(all->len - len, ((gsize)(i - 99) << 16) - (gsize)g_rand_int_range(rand, 0, (gint32)len));
      g_autofree char *needle = g_strndup(all->str + at, len);
      if (i >= 200) /* a string of the alphabet, often not in the log */
        for (gsize k = 0; k < len; k++)
          needle[k] = (char)('a' + g_rand_int_range(rand, 0, 3));
      check_search(spool, all, needle);
      found += strstr(all->str, needle) != NULL;
    }
    check_search(spool, all, all->str + all->len - 20); /* the end */
    check_search(spool, all, "abcabcabcabcabcabcabcd"); /* 'd' is not in it */
    g_assert_cmpuint(found, >, 200); /* mostly hits: finding is tested, not only missing */
    g_assert_cmpuint(found, <, 300); /* and some misses */
  }
}

/* Issue 13: kills and exits keep each distinct string once (sim_outcome_intern()), records are appended in order,
 * completed step ids are copies (the step that named them may be freed), and the look-ups read them. */
static void test_outcome_records(void)
{
  g_autoptr(SimOutcome) o = sim_outcome_new();
  char comm[] = "worker";
  SimKill *k1 = sim_outcome_add_kill(o);
  k1->pid = 10;
  k1->comm = sim_outcome_intern(o, comm);
  k1->oom_memcg = sim_outcome_intern(o, NULL);
  SimKill *k2 = sim_outcome_add_kill(o);
  k2->pid = 11;
  k2->comm = sim_outcome_intern(o, "worker");
  g_assert_true(k1->comm == k2->comm);          /* one copy */
  g_assert_true(k1->comm != comm);               /* the outcome's, not the caller's */
  comm[0] = 'W';
  g_assert_cmpstr(k1->comm, ==, "worker");
  g_assert_null(k1->oom_memcg);
  g_assert_cmpuint(o->kills->len, ==, 2);
  g_assert_true(o->kills->pdata[0] == k1 && o->kills->pdata[1] == k2);
  g_assert_cmpint(k2->oom_score_adj, ==, 0);     /* zeroed */
  SimExit *x = sim_outcome_add_exit(o);
  x->pid = 10;
  x->reason = sim_outcome_intern(o, "OOMKilled");
  g_assert_true(sim_outcome_find_exit(o, 10) == x);
  g_assert_null(sim_outcome_find_exit(o, 11));
  g_autofree char *id = g_strdup("m1");
  sim_outcome_add_completed_step(o, id);
  sim_outcome_add_completed_step(o, "m1"); /* not interned: each completed step is one entry */
  g_clear_pointer(&id, g_free); /* the outcome has its own copy */
  g_assert_cmpuint(o->completed_steps->len, ==, 2);
  g_assert_true(sim_outcome_step_completed(o, "m1"));
  g_assert_false(sim_outcome_step_completed(o, "m2"));
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  g_test_add_func("/reports/json/kubelet-pods-evicted", test_json_pods_evicted);
  g_test_add_func("/reports/json/kubelet-pods-oomkilled", test_json_pods_oomkilled);
  g_test_add_func("/reports/json/kubelet-pods-crashloopbackoff", test_json_pods_crashloop);
  g_test_add_func("/reports/json/no-kubelet", test_json_no_kubelet);
  g_test_add_func("/reports/kubelet/pod-phase-getphase", test_pod_phase);
  g_test_add_func("/reports/json-stream/same-as-json-glib", test_same_as_json_glib);
  g_test_add_func("/sim/output-file/search", test_output_search);
  g_test_add_func("/reports/json-stream/compact-same-as-json-glib", test_compact_same_as_json_glib);
  g_test_add_func("/reports/json-stream/layout-by-hand", test_layout_by_hand);
  g_test_add_func("/reports/json-stream/escape", test_escape);
  g_test_add_func("/reports/json-stream/escape-0x1f", test_escape_0x1f);
  g_test_add_func("/reports/json-stream/emptied-between-calls", test_emptied_between_calls);
  g_test_add_func("/sim/run/report-in-pieces", test_run_in_pieces);
  g_test_add_func("/sim/run/report-write-fails", test_run_write_fails);
  g_test_add_func("/sim/run/process-list-taken", test_run_processes_taken);
  g_test_add_func("/sim/engine/process-blocks", test_engine_process_blocks);
  g_test_add_func("/sim/engine/mm-owner-refs", test_engine_mm_owner_refs);
  g_test_add_func("/sim/outcome/records-and-strings", test_outcome_records);
  return g_test_run();
}
