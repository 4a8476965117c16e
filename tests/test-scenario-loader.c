/* tests/test-scenario-loader.c: the scenario language: sizes, durations, the streaming loader, invalid input.
 *
 * Run with G_TEST_SRCDIR pointing at tests/ (the invalid scenarios are tests/invalid/<name>.xml).
 * Expected numbers are computed by hand in the comments next to them.
 */
#include "scenarios/scenario-flat-elements.h"
#include "scenarios/scenario-loader.h"
#include "scenarios/scenario-values.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libxml/parser.h>
#include <libxml/xmlmemory.h>
#include <libxml/xpath.h>

/* libxml2's heap, counted: xmlMemSetup() routes every libxml2 allocation through these, so the streaming
 * test can measure what the reader holds (ASan's quarantine makes RSS useless for that). */
static gsize xml_bytes_now, xml_bytes_peak;

typedef union {
  gsize size;
  max_align_t align;
} XmlBlock;

static void *
xml_counted_malloc(size_t size)
{
  XmlBlock *block = malloc(sizeof(XmlBlock) + size);
  if (block == NULL)
    return NULL;
  block->size = size;
  xml_bytes_now += size;
  xml_bytes_peak = MAX(xml_bytes_peak, xml_bytes_now);
  return block + 1;
}

static void
xml_counted_free(void *mem)
{
  if (mem == NULL)
    return;
  XmlBlock *block = (XmlBlock *) mem - 1;
  xml_bytes_now -= block->size;
  free(block);
}

static void *
xml_counted_realloc(void *mem, size_t size)
{
  if (mem == NULL)
    return xml_counted_malloc(size);
  XmlBlock *block = (XmlBlock *) mem - 1;
  gsize old_size = block->size;
  XmlBlock *moved = realloc(block, sizeof(XmlBlock) + size);
  if (moved == NULL)
    return NULL;
  moved->size = size;
  xml_bytes_now = xml_bytes_now - old_size + size;
  xml_bytes_peak = MAX(xml_bytes_peak, xml_bytes_now);
  return moved + 1;
}

static char *
xml_counted_strdup(const char *text)
{
  size_t len = strlen(text) + 1;
  char *copy = xml_counted_malloc(len);
  if (copy != NULL)
    memcpy(copy, text, len);
  return copy;
}

/* Helpers ========================================================================================== */

static ScenarioLoader *
load_string(const char *xml, GError **error)
{
  return scenario_loader_new_from_memory(xml, strlen(xml), "test.xml", error);
}

/* Loads the whole document: header, every step, expectations. On success returns the loader, the steps and
 * expectations; on failure NULL with error set. */
static ScenarioLoader *
load_all(const char *xml, GPtrArray **out_steps, GPtrArray **out_expects, GError **error)
{
  g_autoptr(ScenarioLoader) loader = load_string(xml, error);
  if (loader == NULL)
    return NULL;
  g_autoptr(GPtrArray) steps = g_ptr_array_new_with_free_func((GDestroyNotify) sc_step_free);
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, error))
    g_ptr_array_add(steps, step);
  if (*error != NULL)
    return NULL;
  GPtrArray *expects = scenario_loader_finish(loader, error);
  if (expects == NULL)
    return NULL;
  *out_steps = g_steal_pointer(&steps);
  *out_expects = expects;
  return g_steal_pointer(&loader);
}

/* The error of a document that must fail. */
static GError *
load_error(const char *xml)
{
  GError *error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader = load_all(xml, &steps, &expects, &error);
  g_assert_null(loader);
  g_assert_nonnull(error);
  return error;
}

static const ScAttr *
attr_at(GPtrArray *attrs, guint i)
{
  g_assert_cmpuint(i, <, attrs->len);
  return g_ptr_array_index(attrs, i);
}

/* Sizes ============================================================================================ */

static void
test_size_suffixes(void)
{
  static const struct {
    const char *text;
    guint64 bytes;
  } cases[] = {
    { "0", 0 },
    { "4096", 4096 },
    { "1K", 1024 },
    { "1KiB", 1024 },
    { "4KiB", 4096 },
    { "3M", 3145728 },            /* 3 * 1024 * 1024 */
    { "50MiB", 52428800 },        /* 50 * 1048576 */
    { "2000MiB", 2097152000 },    /* 2000 * 1048576 */
    { "2G", 2147483648 },         /* 2 * 1073741824 */
    { "2GiB", 2147483648 },
    { "1T", 1099511627776 },      /* 1024^4 */
    { "16TiB", 17592186044416 },  /* 16 * 1099511627776 */
    { "10 MiB", 10485760 },       /* a space before the unit is allowed */
    { "  7K  ", 7168 },           /* and around the value */
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint64 bytes = 1;
    g_test_message("size \"%s\"", cases[i].text);
    g_assert_true(sc_parse_size(cases[i].text, 4096, FALSE, &bytes));
    g_assert_cmpuint(bytes, ==, cases[i].bytes);
  }
}

/* Units users already write (docs/scenario-format.md, "Sizes and units"): Kubernetes' binary Ki/Mi/Gi/Ti/Pi, SI
 * kB/MB/GB/TB/PB, Docker's lower-case g/t/p; the ambiguous m, k and b refused with the reason. */
static void
test_size_units_of_users(void)
{
  static const struct {
    const char *text;
    guint64 bytes;
  } cases[] = {
    { "50Mi", 52428800 },          /* 50 * 2^20 */
    { "1Gi", 1073741824 },         /* 2^30 */
    { "3Ki", 3072 },
    { "2Ti", 2199023255552 },      /* 2 * 2^40 */
    { "1Pi", 1125899906842624 },   /* 2^50 */
    { "512MB", 512000000 },        /* Kubernetes' 512M: 512 * 10^6 */
    { "2GB", 2000000000 },
    { "3kB", 3000 },
    { "1TB", 1000000000000 },
    { "1g", 1073741824 },          /* docker run -m 1g */
    { "2t", 2199023255552 },
    { "100B", 100 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint64 bytes = 1;
    g_test_message("size \"%s\"", cases[i].text);
    g_assert_true(sc_parse_size(cases[i].text, 4096, FALSE, &bytes));
    g_assert_cmpuint(bytes, ==, cases[i].bytes);
  }
  static const char *const ambiguous[] = { "50m", "512m", "4k", "100b" };
  for (gsize i = 0; i < G_N_ELEMENTS(ambiguous); i++) {
    guint64 bytes = 7;
    g_assert_false(sc_parse_size(ambiguous[i], 4096, FALSE, &bytes));
    g_assert_cmpuint(bytes, ==, 7);
    g_assert_nonnull(sc_size_ambiguity(ambiguous[i]));
  }
  g_assert_null(sc_size_ambiguity("50Mi"));
  g_assert_null(sc_size_ambiguity("50"));
  g_autoptr(GError) error = NULL;
  guint64 bytes;
  g_assert_false(sc_value_size("cgroup", "memory.max", "50m", 4096, TRUE, &bytes, &error));
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_SIZE);
  g_assert_cmpstr(error->message, ==,
                  "<cgroup> memory.max=\"50m\": an ambiguous unit: \"m\" is milli (1/1000 byte) to Kubernetes but MiB "
                  "to Docker and the kernel: write Mi or MiB (2^20) or MB (10^6)");
}

static void
test_size_pages(void)
{
  guint64 bytes = 0;
  g_assert_true(sc_parse_size("1 pages", 4096, FALSE, &bytes));
  g_assert_cmpuint(bytes, ==, 4096);
  g_assert_true(sc_parse_size("25pages", 4096, FALSE, &bytes));
  g_assert_cmpuint(bytes, ==, 102400); /* 25 * 4096 */
  g_assert_true(sc_parse_size("1 page", 4096, FALSE, &bytes));
  g_assert_cmpuint(bytes, ==, 4096);
  g_assert_true(sc_parse_size("262144 pages", 4096, FALSE, &bytes));
  g_assert_cmpuint(bytes, ==, 1073741824); /* 1GiB */
  /* Pages need a page size. */
  g_assert_false(sc_parse_size("1 pages", 0, FALSE, &bytes));
}

static void
test_size_max(void)
{
  guint64 bytes = 0;
  g_assert_true(sc_parse_size("max", 4096, TRUE, &bytes));
  g_assert_cmpuint(bytes, ==, SC_SIZE_MAX);
  g_assert_true(sc_parse_size(" max ", 4096, TRUE, &bytes));
  g_assert_false(sc_parse_size("max", 4096, FALSE, &bytes));
  g_assert_false(sc_parse_size("MAX", 4096, TRUE, &bytes));
}

static void
test_size_overflow(void)
{
  guint64 bytes = 0;
  /* 2^64 - 2 is the largest byte count: 2^64 - 1 is SC_SIZE_MAX and only "max" means it. */
  g_assert_true(sc_parse_size("18446744073709551614", 4096, FALSE, &bytes));
  g_assert_cmpuint(bytes, ==, G_MAXUINT64 - 1);
  g_assert_false(sc_parse_size("18446744073709551615", 4096, TRUE, &bytes));
  g_assert_false(sc_parse_size("18446744073709551616", 4096, TRUE, &bytes));
  g_assert_false(sc_parse_size("99999999999T", 4096, TRUE, &bytes));
  g_assert_true(sc_parse_size("16777215T", 4096, FALSE, &bytes)); /* (2^24 - 1) * 2^40 < 2^64 */
  g_assert_cmpuint(bytes, ==, G_GUINT64_CONSTANT(16777215) << 40);
  g_assert_false(sc_parse_size("16777216T", 4096, FALSE, &bytes)); /* 2^24 * 2^40 = 2^64 */
  g_assert_false(sc_parse_size("17179869184G", 4096, FALSE, &bytes)); /* 2^34 * 2^30 */
  g_assert_false(sc_parse_size("4503599627370496 pages", 4096, FALSE, &bytes)); /* 2^52 * 2^12 */
}

static void
test_size_garbage(void)
{
  static const char *const garbage[] = {
    /* "1 GB" and "1Ki" were refused before Kubernetes' and SI units came (issue 10): test_size_units_of_users */
    "", " ", "K", "-1", "+1", "1.5G", "1.5Gi", "0x10", "1KB", "1kb", "1kib", "1 K i B", "1Gb", "1GiB5", "1e6", "1mi",
    "ten", "1 max", "max1", "1 pagess", "1 2", "1\n", /* trailing whitespace is fine, see below */
  };
  guint64 bytes = 0;
  for (gsize i = 0; i < G_N_ELEMENTS(garbage); i++) {
    gboolean expected = strcmp(garbage[i], "1\n") == 0;
    g_test_message("size \"%s\"", garbage[i]);
    g_assert_cmpint(sc_parse_size(garbage[i], 4096, TRUE, &bytes), ==, expected);
  }
  g_assert_false(sc_parse_size(NULL, 4096, TRUE, &bytes));
}

/* Durations ======================================================================================== */

static void
test_duration_units(void)
{
  static const struct {
    const char *text;
    guint64 ns;
  } cases[] = {
    { "0", 0 },
    { "0s", 0 },
    { "100ns", 100 },
    { "5us", 5000 },
    { "250ms", 250000000 },
    { "10s", 10000000000 },
    { "18446744073s", 18446744073000000000u }, /* the largest whole second that fits */
    { "18446744073709551615ns", G_MAXUINT64 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(cases); i++) {
    guint64 ns = 1;
    g_test_message("duration \"%s\"", cases[i].text);
    g_assert_true(sc_parse_duration(cases[i].text, &ns));
    g_assert_cmpuint(ns, ==, cases[i].ns);
  }
}

static void
test_duration_invalid(void)
{
  static const char *const invalid[] = {
    "", "s", "10", "1.5s", "-1s", "10 s", "10sec", "10m", "10h", "1S", "18446744074s", "99999999999999999999ns",
  };
  guint64 ns;
  for (gsize i = 0; i < G_N_ELEMENTS(invalid); i++) {
    g_test_message("duration \"%s\"", invalid[i]);
    g_assert_false(sc_parse_duration(invalid[i], &ns));
  }
  g_assert_false(sc_parse_duration(NULL, &ns));
}

static void
test_kind_names(void)
{
  for (int i = 0; i < SC_STEP_N_KINDS; i++)
    g_assert_nonnull(sc_step_kind_names[i]);
  for (int i = 0; i < SC_EXPECT_N_KINDS; i++)
    g_assert_nonnull(sc_expect_kind_names[i]);
  g_assert_cmpstr(sc_step_kind_names[SC_STEP_CGROUP_SET], ==, "cgroup-set");
  g_assert_cmpstr(sc_expect_kind_names[SC_EXPECT_MEMORY_EVENTS], ==, "memory-events");
}

/* Valid scenarios ================================================================================== */

static void
test_valid_minimal(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader = load_all("<scenario name=\"minimal\"/>", &steps, &expects, &error);
  g_assert_no_error(error);

  const ScenarioHeader *header = scenario_loader_get_header(loader);
  g_assert_cmpstr(header->name, ==, "minimal");
  g_assert_null(header->kernel);
  g_assert_null(header->description);
  g_assert_cmpstr(header->file, ==, "test.xml");
  g_assert_cmpstr(scenario_loader_get_display_name(loader), ==, "test.xml");
  /* Defaults without <machine>: 1GiB of RAM, no swap, 4KiB pages, nothing reserved, cgroup v2. */
  g_assert_cmpuint(header->ram_bytes, ==, 1073741824);
  g_assert_cmpuint(header->swap_bytes, ==, 0);
  g_assert_cmpuint(header->page_size, ==, 4096);
  g_assert_cmpuint(header->kernel_reserved_bytes, ==, 0);
  g_assert_cmpint(header->cgroup_version, ==, 2);
  g_assert_cmpuint(header->sysctls->len, ==, 0);
  g_assert_cmpuint(header->cgroups->len, ==, 0);
  g_assert_cmpuint(header->processes->len, ==, 0);
  g_assert_cmpint(header->line, ==, 1);
  g_assert_cmpuint(steps->len, ==, 0);
  g_assert_cmpuint(expects->len, ==, 0);
}

static void
test_valid_empty_sections(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader = load_all("<?xml version=\"1.0\"?>\n<!-- a comment -->\n"
                                              "<scenario name=\"e\"><description/><machine/><cgroups/>"
                                              "<processes/><trace/><expect/></scenario>\n<!-- end -->\n",
                                              &steps, &expects, &error);
  g_assert_no_error(error);
  g_assert_cmpint(scenario_loader_get_header(loader)->line, ==, 3);
  g_assert_cmpstr(scenario_loader_get_header(loader)->description, ==, "");
  g_assert_cmpuint(steps->len, ==, 0);
  g_assert_cmpuint(expects->len, ==, 0);
}

/* The example of the issue, exactly as written. */
static const char issue_example[] =
  "<scenario name=\"pod-oomkilled\" kernel=\"6.1\">\n"
  "  <description>...</description>\n"
  "  <machine ram=\"2GiB\" swap=\"0\" page-size=\"4KiB\">\n"
  "    <sysctl name=\"vm.overcommit_memory\" value=\"0\"/>\n"
  "    <sysctl name=\"vm.panic_on_oom\" value=\"0\"/>\n"
  "    <sysctl name=\"vm.oom_kill_allocating_task\" value=\"0\"/>\n"
  "  </machine>\n"
  "  <cgroups version=\"2\">\n"
  "    <cgroup path=\"/kubepods/pod-a\" memory.max=\"50MiB\" memory.swap.max=\"0\" memory.oom.group=\"0\"/>\n"
  "  </cgroups>\n"
  "  <processes>\n"
  "    <process pid=\"4200\" comm=\"mem_alloc\" cgroup=\"/kubepods/pod-a\" oom_score_adj=\"0\" uid=\"0\" "
  "container=\"oom-test\"/>\n"
  "  </processes>\n"
  "  <trace>\n"
  "    <mmap  id=\"heap\" pid=\"4200\" size=\"2000MiB\"/>\n"
  "    <touch pid=\"4200\" size=\"10MiB\" repeat=\"200\" at=\"10s\"/>\n"
  "  </trace>\n"
  "  <expect>\n"
  "    <oom-kill pid=\"4200\" constraint=\"CONSTRAINT_MEMCG\"/>\n"
  "    <exit pid=\"4200\" status=\"137\" reason=\"OOMKilled\"/>\n"
  "  </expect>\n"
  "</scenario>\n";

static void
test_valid_issue_example(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader = load_all(issue_example, &steps, &expects, &error);
  g_assert_no_error(error);

  const ScenarioHeader *header = scenario_loader_get_header(loader);
  g_assert_cmpstr(header->name, ==, "pod-oomkilled");
  g_assert_cmpstr(header->kernel, ==, "6.1");
  g_assert_cmpstr(header->description, ==, "...");
  g_assert_cmpuint(header->ram_bytes, ==, 2147483648);
  g_assert_cmpuint(header->sysctls->len, ==, 3);
  const ScSysctl *sysctl = g_ptr_array_index(header->sysctls, 2);
  g_assert_cmpstr(sysctl->name, ==, "vm.oom_kill_allocating_task");
  g_assert_cmpint(sysctl->value, ==, 0);
  g_assert_cmpint(sysctl->line, ==, 6);

  /* /kubepods is not defined: it is created implicitly, before its child, without limits. */
  g_assert_cmpuint(header->cgroups->len, ==, 2);
  const ScCgroup *kubepods = g_ptr_array_index(header->cgroups, 0);
  g_assert_cmpstr(kubepods->path, ==, "/kubepods");
  g_assert_cmpuint(kubepods->attrs->len, ==, 0);
  const ScCgroup *pod = g_ptr_array_index(header->cgroups, 1);
  g_assert_cmpstr(pod->path, ==, "/kubepods/pod-a");
  g_assert_cmpint(pod->line, ==, 9);
  g_assert_cmpuint(pod->attrs->len, ==, 3);
  g_assert_cmpstr(attr_at(pod->attrs, 0)->name, ==, "memory.max");
  g_assert_cmpstr(attr_at(pod->attrs, 0)->value, ==, "50MiB");
  g_assert_cmpstr(attr_at(pod->attrs, 1)->name, ==, "memory.swap.max");
  g_assert_cmpstr(attr_at(pod->attrs, 2)->name, ==, "memory.oom.group");
  g_assert_cmpstr(attr_at(pod->attrs, 2)->value, ==, "0");

  g_assert_cmpuint(header->processes->len, ==, 1);
  const ScProcess *process = g_ptr_array_index(header->processes, 0);
  g_assert_cmpint(process->pid, ==, 4200);
  g_assert_cmpstr(process->comm, ==, "mem_alloc");
  g_assert_cmpstr(process->cgroup, ==, "/kubepods/pod-a");
  g_assert_cmpstr(process->container, ==, "oom-test");
  g_assert_cmpint(process->threads, ==, 1);
  g_assert_cmpint(process->line, ==, 12);

  g_assert_cmpuint(steps->len, ==, 2);
  const ScStep *mmap_step = g_ptr_array_index(steps, 0);
  g_assert_cmpint(mmap_step->kind, ==, SC_STEP_MMAP);
  g_assert_cmpstr(mmap_step->id, ==, "heap");
  g_assert_cmpuint(mmap_step->size_bytes, ==, 2097152000); /* 2000 * 1048576 */
  g_assert_false(mmap_step->has_at);
  g_assert_cmpint(mmap_step->line, ==, 15);
  const ScStep *touch = g_ptr_array_index(steps, 1);
  g_assert_cmpint(touch->kind, ==, SC_STEP_TOUCH);
  g_assert_cmpuint(touch->size_bytes, ==, 10485760);
  g_assert_cmpuint(touch->repeat, ==, 200);
  g_assert_true(touch->has_at);
  g_assert_cmpuint(touch->at_ns, ==, 10000000000);
  g_assert_null(touch->ref);

  g_assert_cmpuint(expects->len, ==, 2);
  const ScExpect *kill = g_ptr_array_index(expects, 0);
  g_assert_cmpint(kill->kind, ==, SC_EXPECT_OOM_KILL);
  g_assert_cmpint(kill->pid, ==, 4200);
  g_assert_cmpstr(kill->constraint, ==, "CONSTRAINT_MEMCG");
  g_assert_null(kill->oom_memcg);
  g_assert_cmpint(kill->line, ==, 19);
  const ScExpect *exit_expect = g_ptr_array_index(expects, 1);
  g_assert_cmpint(exit_expect->kind, ==, SC_EXPECT_EXIT);
  g_assert_true(exit_expect->has_status);
  g_assert_cmpint(exit_expect->status, ==, 137);
  g_assert_cmpstr(exit_expect->reason, ==, "OOMKilled");
}

/* Every step kind, every expectation kind, every process attribute. */
static const char full_scenario[] =
  "<scenario name=\"full\" kernel=\"6.12\">\n"                                                  /* 1 */
  "  <description>\n  Every element.\n  </description>\n"                                     /* 2-4 */
  "  <machine ram=\"262144 pages\" swap=\"512MiB\" kernel-reserved=\"64MiB\" page-size=\"4096\""
  " committed-as=\"5688KiB\" vm-ram=\"1280MiB\">\n"                                        /* 5 */
  "    <sysctl name=\"vm.overcommit_memory\" value=\"2\"/>\n"                                  /* 6 */
  "    <sysctl name=\"vm.overcommit_ratio\" value=\"1000000\"/>\n"
  "    <sysctl name=\"vm.overcommit_kbytes\" value=\"0\"/>\n"
  "    <sysctl name=\"vm.panic_on_oom\" value=\"2\"/>\n"
  "    <sysctl name=\"vm.oom_kill_allocating_task\" value=\"1\"/>\n"                          /* 10 */
  "    <sysctl name=\"vm.admin_reserve_kbytes\" value=\"8192\"/>\n"
  "    <sysctl name=\"vm.user_reserve_kbytes\" value=\"131072\"/>\n"
  "    <sysctl name=\"vm.min_free_kbytes\" value=\"67584\"/>\n"
  "    <sysctl name=\"vm.swappiness\" value=\"200\"/>\n"                                       /* 14 */
  "  </machine>\n"
  "  <cgroups version=\"1\">\n"
  "    <cgroup path=\"/batch\" memory.use_hierarchy=\"1\"/>\n"                                 /* 17 */
  "    <cgroup path=\"/batch/job\" memory.limit_in_bytes=\"100M\" memory.memsw.limit_in_bytes=\"-1\"\n"
  "            memory.oom_control=\"1\"/>\n"                                                   /* 19 */
  "  </cgroups>\n"
  "  <processes>\n"
  "    <process pid=\"1\" comm=\"systemd\" oom_score_adj=\"-1000\" cap-sys-admin=\"true\"/>\n" /* 22 */
  "    <process pid=\"2\" comm=\"kthreadd\" kthread=\"1\" parent=\"1\"/>\n"
  "    <process pid=\"300\" comm=\"worker\" cgroup=\"/batch/job\" uid=\"1000\" threads=\"8\"\n"
  "             oom_score_adj=\"+500\" stuck=\"true\" base-rss=\"2MiB\" base-pgtables=\"3 pages\"/>\n"
  "    <process pid=\"301\" comm=\"worker-thread\" cgroup=\"/batch/job\" shares-mm-with=\"300\"\n"
  "             oom-task-origin=\"true\" vfork-child=\"false\" parent=\"300\"/>\n"              /* 27 */
  "    <process pid=\"400\" comm=\"rooted\" cgroup=\"/\" container=\"c1\" uid=\"4294967294\"/>\n"
  "  </processes>\n"
  "  <trace>\n"
  "    <mmap id=\"m1\" pid=\"300\" size=\"64MiB\"/>\n"                                         /* 31 */
  "    <touch pid=\"300\" size=\"1MiB\" mapping=\"m1\" repeat=\"3\" at=\"250ms\"/>\n"
  "    <malloc id=\"a1\" pid=\"300\" size=\"128KiB\"/>\n"
  "    <malloc id=\"a2\" pid=\"300\" size=\"4K\" repeat=\"10\" touch=\"all\"/>\n"
  "    <malloc id=\"a3\" pid=\"300\" size=\"1G\" touch=\"none\"/>\n"                          /* 35 */
  "    <free pid=\"300\" ref=\"a1\"/>\n"
  "    <munmap id=\"u\" pid=\"300\" ref=\"m1\" at=\"5us\"/>\n"
  "    <file-read pid=\"300\" size=\"10 pages\"/>\n"
  "    <shmem-write pid=\"300\" size=\"1T\"/>\n"
  "    <fork pid=\"300\" child=\"302\" comm=\"worker-child\"/>\n"                             /* 40 */
  "    <fork pid=\"300\" child=\"303\"/>\n"
  "    <exit pid=\"302\" code=\"3\"/>\n"
  "    <exit pid=\"303\"/>\n"
  "    <set pid=\"300\" oom_score_adj=\"-999\" at=\"100ns\"/>\n"
  "    <sysctl id=\"s\" name=\"vm.panic_on_oom\" value=\"1\" at=\"0\"/>\n"                    /* 45 */
  "    <cgroup-set cgroup=\"/batch/job\" name=\"memory.limit_in_bytes\" value=\"max\"/>\n"
  "    <move pid=\"300\" cgroup=\"/batch\"/>\n"
  "    <move pid=\"300\" cgroup=\"/\"/>\n"                                                     /* 48 */
  "  </trace>\n"
  "  <expect>\n"
  "    <oom-kill pid=\"300\" constraint=\"CONSTRAINT_NONE\" oom-memcg=\"/batch/job\"/>\n"      /* 51 */
  "    <oom-kill pid=\"301\"/>\n"
  "    <exit pid=\"300\" status=\"137\" reason=\"OOMKilled\"/>\n"
  "    <exit pid=\"301\"/>\n"
  "    <enomem step=\"a3\"/>\n"                                                                /* 55 */
  "    <panic message-contains=\"Out of memory\"/>\n"
  "    <panic/>\n"
  "    <memory-events cgroup=\"/batch/job\" low=\"0\" high=\"1\" max=\"+02\" oom=\"3\" oom_kill=\"4\"\n"
  "                   oom_group_kill=\"5\"/>\n"                                                /* 59 */
  "    <memory-events cgroup=\"/\"/>\n"
  "    <blocked pid=\"300\"/>\n"
  "    <survives pid=\"1\"/>\n"                                                                /* 62 */
  "  </expect>\n"
  "</scenario>\n";

static void
check_full_header(const ScenarioHeader *header)
{
  g_assert_cmpstr(header->name, ==, "full");
  g_assert_cmpstr(header->kernel, ==, "6.12");
  g_assert_cmpstr(header->description, ==, "Every element.");
  g_assert_cmpuint(header->ram_bytes, ==, 1073741824); /* 262144 * 4096 */
  g_assert_cmpuint(header->swap_bytes, ==, 536870912);
  g_assert_cmpuint(header->kernel_reserved_bytes, ==, 67108864);
  g_assert_cmpuint(header->committed_as_bytes, ==, 5688 * 1024);
  g_assert_cmpuint(header->vm_ram_bytes, ==, 1280u << 20);
  g_assert_cmpuint(header->page_size, ==, 4096);

  static const struct {
    const char *name;
    gint64 value;
  } sysctls[] = {
    { "vm.overcommit_memory", 2 }, { "vm.overcommit_ratio", 1000000 }, { "vm.overcommit_kbytes", 0 },
    { "vm.panic_on_oom", 2 }, { "vm.oom_kill_allocating_task", 1 }, { "vm.admin_reserve_kbytes", 8192 },
    { "vm.user_reserve_kbytes", 131072 }, { "vm.min_free_kbytes", 67584 }, { "vm.swappiness", 200 },
  };
  g_assert_cmpuint(header->sysctls->len, ==, G_N_ELEMENTS(sysctls));
  for (guint i = 0; i < header->sysctls->len; i++) {
    const ScSysctl *sysctl = g_ptr_array_index(header->sysctls, i);
    g_assert_cmpstr(sysctl->name, ==, sysctls[i].name);
    g_assert_cmpint(sysctl->value, ==, sysctls[i].value);
    g_assert_cmpint(sysctl->line, ==, 6 + (int) i);
    g_assert_cmpint(sysctl->col, ==, 1);
  }

  g_assert_cmpint(header->cgroup_version, ==, 1);
  g_assert_cmpuint(header->cgroups->len, ==, 2);
  const ScCgroup *batch = g_ptr_array_index(header->cgroups, 0);
  g_assert_cmpstr(batch->path, ==, "/batch");
  g_assert_cmpint(batch->line, ==, 17);
  g_assert_cmpuint(batch->attrs->len, ==, 1);
  g_assert_cmpstr(attr_at(batch->attrs, 0)->name, ==, "memory.use_hierarchy");
  const ScCgroup *job = g_ptr_array_index(header->cgroups, 1);
  g_assert_cmpstr(job->path, ==, "/batch/job");
  g_assert_cmpint(job->line, ==, 19); /* a start tag on two lines: the line where it ends */
  g_assert_cmpuint(job->attrs->len, ==, 3);
  g_assert_cmpstr(attr_at(job->attrs, 0)->name, ==, "memory.limit_in_bytes");
  g_assert_cmpstr(attr_at(job->attrs, 0)->value, ==, "100M");
  g_assert_cmpstr(attr_at(job->attrs, 1)->name, ==, "memory.memsw.limit_in_bytes");
  g_assert_cmpstr(attr_at(job->attrs, 1)->value, ==, "-1");
  g_assert_cmpstr(attr_at(job->attrs, 2)->name, ==, "memory.oom_control");
  g_assert_cmpstr(attr_at(job->attrs, 2)->value, ==, "1");

  g_assert_cmpuint(header->processes->len, ==, 5);
  const ScProcess *init = g_ptr_array_index(header->processes, 0);
  g_assert_cmpint(init->pid, ==, 1);
  g_assert_cmpstr(init->comm, ==, "systemd");
  g_assert_null(init->cgroup);
  g_assert_cmpint(init->oom_score_adj, ==, -1000);
  g_assert_true(init->cap_sys_admin);
  g_assert_false(init->kthread);
  g_assert_cmpint(init->line, ==, 22);
  const ScProcess *kthreadd = g_ptr_array_index(header->processes, 1);
  g_assert_true(kthreadd->kthread);
  g_assert_cmpint(kthreadd->parent, ==, 1);
  g_assert_true(kthreadd->cap_sys_admin); /* uid 0 (the default): CAP_SYS_ADMIN unless cap-sys-admin="0" */
  const ScProcess *worker = g_ptr_array_index(header->processes, 2);
  g_assert_cmpint(worker->pid, ==, 300);
  g_assert_cmpstr(worker->cgroup, ==, "/batch/job");
  g_assert_cmpuint(worker->uid, ==, 1000);
  g_assert_false(worker->cap_sys_admin); /* not root: no CAP_SYS_ADMIN by default */
  g_assert_cmpint(worker->threads, ==, 8);
  g_assert_cmpint(worker->oom_score_adj, ==, 500);
  g_assert_true(worker->stuck);
  g_assert_cmpuint(worker->base_rss_bytes, ==, 2097152);
  g_assert_cmpuint(worker->base_pgtables_bytes, ==, 12288); /* 3 * 4096 */
  g_assert_cmpint(worker->shares_mm_with, ==, 0);
  g_assert_cmpint(worker->parent, ==, 0);
  g_assert_null(worker->container);
  const ScProcess *thread = g_ptr_array_index(header->processes, 3);
  g_assert_cmpstr(thread->comm, ==, "worker-thread"); /* 13 bytes */
  g_assert_cmpint(thread->shares_mm_with, ==, 300);
  g_assert_cmpint(thread->parent, ==, 300);
  g_assert_true(thread->oom_task_origin);
  g_assert_false(thread->vfork_child);
  g_assert_false(thread->stuck);
  g_assert_cmpint(thread->threads, ==, 1);
  g_assert_cmpint(thread->line, ==, 27);
  const ScProcess *rooted = g_ptr_array_index(header->processes, 4);
  g_assert_null(rooted->cgroup); /* cgroup="/" is the root: NULL */
  g_assert_cmpstr(rooted->container, ==, "c1");
  g_assert_cmpuint(rooted->uid, ==, 4294967294u);
}

static const ScStep *
step_at(GPtrArray *steps, guint i, ScStepKind kind, int line)
{
  g_assert_cmpuint(i, <, steps->len);
  const ScStep *step = g_ptr_array_index(steps, i);
  g_assert_cmpstr(sc_step_kind_names[step->kind], ==, sc_step_kind_names[kind]);
  g_assert_cmpint(step->line, ==, line);
  g_assert_cmpint(step->col, ==, 1);
  return step;
}

static void
check_full_steps(GPtrArray *steps)
{
  g_assert_cmpuint(steps->len, ==, 18);
  const ScStep *s = step_at(steps, 0, SC_STEP_MMAP, 31);
  g_assert_cmpstr(s->id, ==, "m1");
  g_assert_cmpint(s->pid, ==, 300);
  g_assert_cmpuint(s->size_bytes, ==, 67108864);
  g_assert_cmpuint(s->repeat, ==, 1);
  g_assert_false(s->has_at);

  s = step_at(steps, 1, SC_STEP_TOUCH, 32);
  g_assert_null(s->id);
  g_assert_cmpuint(s->size_bytes, ==, 1048576);
  g_assert_cmpstr(s->ref, ==, "m1");
  g_assert_cmpuint(s->repeat, ==, 3);
  g_assert_true(s->has_at);
  g_assert_cmpuint(s->at_ns, ==, 250000000);

  s = step_at(steps, 2, SC_STEP_MALLOC, 33);
  g_assert_cmpstr(s->id, ==, "a1");
  g_assert_cmpuint(s->size_bytes, ==, 131072);
  g_assert_false(s->touch_all);
  g_assert_false(s->touch_none); /* touch="first", the default */
  s = step_at(steps, 3, SC_STEP_MALLOC, 34);
  g_assert_cmpuint(s->size_bytes, ==, 4096);
  g_assert_cmpuint(s->repeat, ==, 10);
  g_assert_true(s->touch_all);
  g_assert_false(s->touch_none);
  s = step_at(steps, 4, SC_STEP_MALLOC, 35);
  g_assert_cmpuint(s->size_bytes, ==, 1073741824);
  g_assert_false(s->touch_all);
  g_assert_true(s->touch_none);

  s = step_at(steps, 5, SC_STEP_FREE, 36);
  g_assert_cmpstr(s->ref, ==, "a1");
  s = step_at(steps, 6, SC_STEP_MUNMAP, 37);
  g_assert_cmpstr(s->id, ==, "u");
  g_assert_cmpstr(s->ref, ==, "m1");
  g_assert_cmpuint(s->at_ns, ==, 5000);
  s = step_at(steps, 7, SC_STEP_FILE_READ, 38);
  g_assert_cmpuint(s->size_bytes, ==, 40960);
  s = step_at(steps, 8, SC_STEP_SHMEM_WRITE, 39);
  g_assert_cmpuint(s->size_bytes, ==, 1099511627776);

  s = step_at(steps, 9, SC_STEP_FORK, 40);
  g_assert_cmpint(s->pid, ==, 300);
  g_assert_cmpint(s->child_pid, ==, 302);
  g_assert_cmpstr(s->comm, ==, "worker-child");
  s = step_at(steps, 10, SC_STEP_FORK, 41);
  g_assert_cmpint(s->child_pid, ==, 303);
  g_assert_null(s->comm); /* the parent's */

  s = step_at(steps, 11, SC_STEP_EXIT, 42);
  g_assert_cmpint(s->pid, ==, 302);
  g_assert_cmpint(s->code, ==, 3);
  s = step_at(steps, 12, SC_STEP_EXIT, 43);
  g_assert_cmpint(s->code, ==, 0);

  s = step_at(steps, 13, SC_STEP_SET, 44);
  g_assert_cmpint(s->oom_score_adj, ==, -999);
  g_assert_cmpuint(s->at_ns, ==, 100);

  s = step_at(steps, 14, SC_STEP_SYSCTL, 45);
  g_assert_cmpstr(s->id, ==, "s");
  g_assert_cmpint(s->pid, ==, 0);
  g_assert_cmpstr(s->name, ==, "vm.panic_on_oom");
  g_assert_cmpint(s->value, ==, 1);
  g_assert_true(s->has_at);
  g_assert_cmpuint(s->at_ns, ==, 0);

  s = step_at(steps, 15, SC_STEP_CGROUP_SET, 46);
  g_assert_cmpstr(s->cgroup, ==, "/batch/job");
  g_assert_cmpstr(s->name, ==, "memory.limit_in_bytes");
  g_assert_cmpstr(s->svalue, ==, "max");

  s = step_at(steps, 16, SC_STEP_MOVE, 47);
  g_assert_cmpstr(s->cgroup, ==, "/batch");
  s = step_at(steps, 17, SC_STEP_MOVE, 48);
  g_assert_cmpstr(s->cgroup, ==, "/");
}

static const ScExpect *
expect_at(GPtrArray *expects, guint i, ScExpectKind kind, int line)
{
  g_assert_cmpuint(i, <, expects->len);
  const ScExpect *expect = g_ptr_array_index(expects, i);
  g_assert_cmpstr(sc_expect_kind_names[expect->kind], ==, sc_expect_kind_names[kind]);
  g_assert_cmpint(expect->line, ==, line);
  return expect;
}

static void
check_full_expects(GPtrArray *expects)
{
  g_assert_cmpuint(expects->len, ==, 12);
  const ScExpect *e = expect_at(expects, 0, SC_EXPECT_OOM_KILL, 51);
  g_assert_cmpint(e->pid, ==, 300);
  g_assert_cmpstr(e->constraint, ==, "CONSTRAINT_NONE");
  g_assert_cmpstr(e->oom_memcg, ==, "/batch/job");
  e = expect_at(expects, 1, SC_EXPECT_OOM_KILL, 52);
  g_assert_cmpint(e->pid, ==, 301);
  g_assert_null(e->constraint);
  g_assert_null(e->oom_memcg);

  e = expect_at(expects, 2, SC_EXPECT_EXIT, 53);
  g_assert_true(e->has_status);
  g_assert_cmpint(e->status, ==, 137);
  g_assert_cmpstr(e->reason, ==, "OOMKilled");
  e = expect_at(expects, 3, SC_EXPECT_EXIT, 54);
  g_assert_cmpint(e->pid, ==, 301);
  g_assert_false(e->has_status);
  g_assert_null(e->reason);

  e = expect_at(expects, 4, SC_EXPECT_ENOMEM, 55);
  g_assert_cmpstr(e->step, ==, "a3");
  e = expect_at(expects, 5, SC_EXPECT_PANIC, 56);
  g_assert_cmpstr(e->message_contains, ==, "Out of memory");
  e = expect_at(expects, 6, SC_EXPECT_PANIC, 57);
  g_assert_null(e->message_contains);

  e = expect_at(expects, 7, SC_EXPECT_MEMORY_EVENTS, 59);
  g_assert_cmpstr(e->cgroup, ==, "/batch/job");
  static const char *const counters[][2] = {
    { "low", "0" }, { "high", "1" }, { "max", "2" }, { "oom", "3" }, { "oom_kill", "4" }, { "oom_group_kill", "5" },
  };
  g_assert_cmpuint(e->counters->len, ==, G_N_ELEMENTS(counters));
  for (guint i = 0; i < e->counters->len; i++) {
    g_assert_cmpstr(attr_at(e->counters, i)->name, ==, counters[i][0]);
    g_assert_cmpstr(attr_at(e->counters, i)->value, ==, counters[i][1]); /* "+02" normalized to "2" */
  }
  e = expect_at(expects, 8, SC_EXPECT_MEMORY_EVENTS, 60);
  g_assert_cmpstr(e->cgroup, ==, "/");
  g_assert_cmpuint(e->counters->len, ==, 0);

  e = expect_at(expects, 9, SC_EXPECT_BLOCKED, 61);
  g_assert_cmpint(e->pid, ==, 300);
  e = expect_at(expects, 10, SC_EXPECT_SURVIVES, 62);
  g_assert_cmpint(e->pid, ==, 1);
  e = expect_at(expects, 11, SC_EXPECT_SURVIVES, 62);
  (void) e;
}

static void
test_valid_full(void)
{
  /* One more <survives> on line 62, to check that two elements on one line both get it. */
  g_autofree char *xml = g_strdup(full_scenario);
  char *survives = strstr(xml, "<survives pid=\"1\"/>");
  g_assert_nonnull(survives);
  g_autofree char *doubled = g_strdup_printf("%.*s<survives pid=\"1\"/><survives pid=\"2\"/>%s",
                                             (int) (survives - xml), xml, survives + strlen("<survives pid=\"1\"/>"));

  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader = load_all(doubled, &steps, &expects, &error);
  g_assert_no_error(error);
  check_full_header(scenario_loader_get_header(loader));
  check_full_steps(steps);
  check_full_expects(expects);
}

/* The same document from a file on disk, read through a file descriptor. */
static void
test_valid_file(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp("oomsim-test-XXXXXX.xml", &path, &error);
  g_assert_no_error(error);
  g_close(fd, NULL);
  g_file_set_contents(path, issue_example, -1, &error);
  g_assert_no_error(error);

  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, &error);
  g_assert_no_error(error);
  g_assert_cmpstr(scenario_loader_get_header(loader)->file, ==, path);
  g_assert_cmpstr(scenario_loader_get_display_name(loader), ==, path);
  guint n = 0;
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, &error)) {
    n++;
    sc_step_free(step);
  }
  g_assert_no_error(error);
  g_assert_cmpuint(n, ==, 2);
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(expects->len, ==, 2);
  g_unlink(path);
}

/* finish() before the last step reads (and checks) the remaining steps itself. */
static void
test_valid_finish_early(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = load_string(issue_example, &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(expects->len, ==, 2);

  ScStep *step = (ScStep *) 1;
  g_assert_false(scenario_loader_next_step(loader, &step, &error));
  g_assert_no_error(error);
  g_assert_null(step);
}

/* A scenario without <trace> may still have <expect>. */
static void
test_valid_no_trace(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader =
    load_all("<scenario name=\"n\"><processes><process pid=\"7\" comm=\"x\"/></processes>"
             "<expect><survives pid=\"7\"/></expect></scenario>", &steps, &expects, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(scenario_loader_get_header(loader)->processes->len, ==, 1);
  g_assert_cmpuint(steps->len, ==, 0);
  g_assert_cmpuint(expects->len, ==, 1);
}

/* Header checks that need no file of their own: forward references between processes are fine. */
static void
test_valid_forward_refs(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) steps = NULL;
  g_autoptr(GPtrArray) expects = NULL;
  g_autoptr(ScenarioLoader) loader =
    load_all("<scenario name=\"f\"><processes>"
             "<process pid=\"2\" comm=\"t\" shares-mm-with=\"1\" parent=\"1\"/>"
             "<process pid=\"1\" comm=\"p\"/></processes></scenario>", &steps, &expects, &error);
  g_assert_no_error(error);
  g_assert_nonnull(loader);
  g_assert_cmpint(((const ScProcess *) g_ptr_array_index(scenario_loader_get_header(loader)->processes, 0))
                    ->shares_mm_with, ==, 1);
}

/* scenario_loader_steal_processes() (issue 13): the list leaves the header whole, in document order, and what the
 * loader checks after the header still works without it: an <expect> pid is found among the scenario's pids, and a
 * step of a kernel thread is refused naming the kernel thread's line. */
static void
test_steal_processes(void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader =
    load_string("<scenario name=\"s\">\n<processes>\n<process pid=\"7\" comm=\"a\"/>\n"
                "<process pid=\"2\" comm=\"kthreadd\" kthread=\"1\"/>\n</processes>\n<trace>\n"
                "<touch pid=\"7\" size=\"4KiB\"/>\n</trace>\n<expect><survives pid=\"7\"/></expect>\n</scenario>\n",
                &error);
  g_assert_no_error(error);
  g_autoptr(GPtrArray) processes = scenario_loader_steal_processes(loader);
  g_assert_cmpuint(processes->len, ==, 2);
  g_assert_cmpint(((const ScProcess *) processes->pdata[0])->pid, ==, 7);
  g_assert_cmpint(((const ScProcess *) processes->pdata[1])->pid, ==, 2);
  g_assert_cmpint(((const ScProcess *) processes->pdata[1])->line, ==, 4);
  g_assert_cmpuint(scenario_loader_get_header(loader)->processes->len, ==, 0);
  g_clear_pointer(&processes, g_ptr_array_unref); /* freed before the steps are read: the loader needs none of it */
  g_autoptr(ScStep) step = NULL;
  g_assert_true(scenario_loader_next_step(loader, &step, &error));
  g_assert_cmpint(step->pid, ==, 7);
  g_clear_pointer(&step, sc_step_free);
  g_assert_false(scenario_loader_next_step(loader, &step, &error));
  g_assert_no_error(error);
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(expects->len, ==, 1);

  g_autoptr(ScenarioLoader) kthread =
    load_string("<scenario name=\"s\">\n<processes>\n<process pid=\"7\" comm=\"a\"/>\n"
                "<process pid=\"2\" comm=\"kthreadd\" kthread=\"1\"/>\n</processes>\n<trace>\n"
                "<touch pid=\"2\" size=\"4KiB\"/>\n</trace>\n</scenario>\n", &error);
  g_assert_no_error(error);
  g_ptr_array_unref(scenario_loader_steal_processes(kthread));
  g_assert_false(scenario_loader_next_step(kthread, &step, &error));
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_UNKNOWN_REF);
  g_assert_nonnull(strstr(error->message, "test.xml:7:1: <touch> pid 2 is a kernel thread (kthread=\"1\", line 4)"));
}

/* Streaming ======================================================================================== */

/* Issue 13: a step borrowed from the loader (scenario_loader_next_step_borrowed(), what `oomsim run` takes) is
 * the owned one (scenario_loader_next_step(): sc_step_pack(), one allocation) field by field, through libxml2 and
 * through the trace's scanner (a trace far above its 32 KiB threshold), every kind of step; sizes read through
 * the loader's last-size cache are those computed by hand, a repeated size included. */
static void
test_borrowed_steps(void)
{
  g_autoptr(GString) xml = g_string_new("<scenario name=\"borrowed\">\n<cgroups version=\"2\"><cgroup path=\"/pod\"/>"
                                        "</cgroups>\n<processes><process pid=\"1\" comm=\"a\"/>"
                                        "<process pid=\"2\" comm=\"b\"/></processes>\n<trace>\n");
  /* sizes that begin alike: the cache must compare the whole text */
  static const char *const sizes[] = { "4KiB", "4KiB", "4MiB", "4 pages", "40KiB", "4KiB", "8K" };
  static const guint64 size_bytes[] = { 4096, 4096, 4194304, 4 * 4096, 40960, 4096, 8192 };
  for (guint i = 0; i < 4000; i++) {
    const char *size = sizes[i % G_N_ELEMENTS(sizes)];
    g_string_append_printf(xml, "<mmap id=\"m%u\" pid=\"1\" size=\"%s\"/>\n<touch pid=\"1\" size=\"%s\" mapping=\"m%u\"/>\n",
                           i, size, size, i);
    if (i % 500 == 0)
      g_string_append_printf(xml, "<malloc id=\"h%u\" pid=\"2\" size=\"%s\" touch=\"all\" repeat=\"2\" at=\"%us\"/>\n"
                             "<free pid=\"2\" ref=\"h%u\"/>\n<munmap pid=\"1\" ref=\"m%u\"/>\n"
                             "<set pid=\"2\" oom_score_adj=\"-5\"/>\n<sysctl name=\"vm.swappiness\" value=\"10\"/>\n"
                             "<cgroup-set cgroup=\"/pod\" name=\"memory.high\" value=\"max\"/>\n"
                             "<move pid=\"2\" cgroup=\"/pod\"/>\n<fork pid=\"2\" child=\"%u\" comm=\"c\"/>\n"
                             "<file-read pid=\"1\" size=\"%s\"/>\n<shmem-write pid=\"1\" size=\"%s\"/>\n",
                             i, size, i, i, i, 100 + i, size, size);
  }
  g_string_append(xml, "<exit pid=\"1\" code=\"3\"/>\n</trace>\n</scenario>\n");
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) owned = scenario_loader_new_from_memory(xml->str, xml->len, "owned.xml", &error);
  g_assert_no_error(error);
  g_autoptr(ScenarioLoader) borrowed = scenario_loader_new_from_memory(xml->str, xml->len, "borrowed.xml", &error);
  g_assert_no_error(error);
  guint n = 0, sized = 0;
  for (;;) {
    g_autoptr(ScStep) a = NULL;
    const ScStep *b = NULL;
    gboolean more = scenario_loader_next_step(owned, &a, &error);
    g_assert_no_error(error);
    g_assert_cmpint(scenario_loader_next_step_borrowed(borrowed, &b, &error), ==, more);
    g_assert_no_error(error);
    if (!more)
      break;
    n++;
    g_assert_cmpint(a->kind, ==, b->kind);
    g_assert_cmpstr(a->id, ==, b->id);
    g_assert_cmpstr(a->ref, ==, b->ref);
    g_assert_cmpstr(a->comm, ==, b->comm);
    g_assert_cmpstr(a->name, ==, b->name);
    g_assert_cmpstr(a->svalue, ==, b->svalue);
    g_assert_cmpstr(a->cgroup, ==, b->cgroup);
    g_assert_cmpuint(a->size_bytes, ==, b->size_bytes);
    g_assert_true(a->pid == b->pid && a->child_pid == b->child_pid && a->code == b->code &&
                  a->oom_score_adj == b->oom_score_adj && a->value == b->value && a->repeat == b->repeat &&
                  a->has_at == b->has_at && a->at_ns == b->at_ns && a->touch_all == b->touch_all &&
                  a->touch_none == b->touch_none && a->index == b->index && a->ref_index == b->ref_index &&
                  a->line == b->line && a->col == b->col);
    g_assert_cmpuint(a->index, ==, n);
    if (a->kind == SC_STEP_MMAP) { /* the k-th mmap has size sizes[k % 7] */
      g_assert_cmpuint(a->size_bytes, ==, size_bytes[sized % G_N_ELEMENTS(size_bytes)]);
      sized++;
    }
    g_autoptr(ScStep) copy = sc_step_copy(a); /* a copy's strings are its own: replaced as whatif does */
    g_assert_cmpuint(copy->packed_bytes, ==, 0);
    g_free(copy->id);
    copy->id = g_strdup("replaced");
  }
  g_assert_cmpuint(sized, ==, 4000);
  g_assert_cmpuint(n, ==, 8000 + 8 * 10 + 1); /* 4000 mmaps and touches, 8 times 10 other steps, the exit */
  g_assert_cmpuint(scenario_loader_steps_scanned(borrowed), >, 7000); /* most by the scanner */
  g_autoptr(GPtrArray) expects = scenario_loader_finish(borrowed, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(expects->len, ==, 0);
}

#define STREAM_STEPS 200000

static void
test_stream_steps(void)
{
  /* 200000 steps, about 6 MB of XML. A reader that built the tree would hold every node: about 300 bytes
   * per step of libxml2 heap (element, attribute and text nodes), 60 MB. Streaming holds a few kB. */
  g_autoptr(GString) xml = g_string_new("<scenario name=\"stream\">\n<processes><process pid=\"1\" comm=\"a\"/>"
                                        "</processes>\n<trace>\n");
  for (guint i = 0; i < STREAM_STEPS; i++)
    g_string_append_printf(xml, "<touch pid=\"1\" size=\"%uK\"/>\n", i % 64 + 1);
  g_string_append(xml, "</trace>\n<expect><survives pid=\"1\"/></expect>\n</scenario>\n");

  g_autoptr(GError) error = NULL;
  /* The schema is parsed once per process, on first use: before measuring. */
  g_autoptr(ScenarioLoader) warm_up = load_string("<scenario name=\"warm-up\"/>", &error);
  g_assert_no_error(error);
  g_assert_nonnull(warm_up);

  /* From before the loader exists: a schema libxml2 cannot stream would expand <trace> in _new(). */
  gsize base = xml_bytes_now;
  xml_bytes_peak = base;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(xml->str, xml->len, "stream.xml", &error);
  g_assert_no_error(error);
  guint n = 0;
  guint64 total_bytes = 0;
  ScStep *step;
  while (scenario_loader_next_step(loader, &step, &error)) {
    total_bytes += step->size_bytes;
    if (n == 0 || n == STREAM_STEPS - 1)
      g_assert_cmpint(step->line, ==, (int) n + 4);
    n++;
    sc_step_free(step);
  }
  g_assert_no_error(error);
  g_assert_cmpuint(n, ==, STREAM_STEPS);
  /* sizes cycle 1K..64K: 3125 full cycles of sum(1..64) = 2080 KiB. */
  g_assert_cmpuint(total_bytes, ==, G_GUINT64_CONSTANT(3125) * 2080 * 1024);
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
  g_assert_no_error(error);
  g_assert_cmpuint(expects->len, ==, 1);

  g_test_message("libxml2 heap while streaming: at most %" G_GSIZE_FORMAT " bytes in use",
                 xml_bytes_peak - base);
  /* 256 KiB: the trace's scanner hands libxml2 a stand-in of a byte a line at </trace>, which it must not hold
   * whole (scenario-loader.c, loader_stand_in_element(): 570 kB for these 200000 lines without its elements) */
  g_assert_cmpuint(xml_bytes_peak - base, <, 256 * 1024);
}

/* libxml2 keeps 16-bit element lines; the loader recovers the real line past 65535. */
static void
test_stream_big_lines(void)
{
  g_autoptr(GString) xml = g_string_new("<scenario name=\"lines\">\n<trace>\n");
  for (guint i = 0; i < 70000; i++) /* lines 3..70002 */
    g_string_append(xml, "  <exit pid=\"1\"/>\n");
  g_string_append(xml, "  <exit pid=\"1\"\n        code=\"256\"/>\n</trace>\n</scenario>\n"); /* ends on 70004 */

  g_autoptr(GError) error = load_error(xml->str);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
  g_assert_true(g_str_has_prefix(error->message, "test.xml:70004:1: "));
}

/* Errors =========================================================================================== */

static void
test_error_missing_file(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "invalid", "no-such-file.xml", NULL);
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, &error);
  g_assert_null(loader);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO);
  g_autofree char *prefix = g_strdup_printf("%s:0:0: ", path);
  g_assert_true(g_str_has_prefix(error->message, prefix));
}

static void
test_error_directory(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "invalid", NULL);
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, &error);
  g_assert_null(loader);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_IO);
}

/* Steps before an error in the trace are handed out; the error is sticky afterwards. */
static void
test_error_in_trace(void)
{
  static const char xml[] = "<scenario name=\"t\">\n<trace>\n<exit pid=\"1\"/>\n<exit pid=\"1\" code=\"-1\"/>\n"
                            "<exit pid=\"1\"/>\n</trace>\n</scenario>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = load_string(xml, &error);
  g_assert_no_error(error);
  g_autoptr(ScStep) first = NULL;
  g_assert_true(scenario_loader_next_step(loader, &first, &error));
  g_assert_no_error(error);
  g_assert_cmpint(first->line, ==, 3);

  ScStep *step = NULL;
  g_assert_false(scenario_loader_next_step(loader, &step, &error));
  g_assert_null(step);
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
  g_assert_cmpstr(error->message, ==, "test.xml:4:1: <exit> code=\"-1\" is out of range: 0..255");
  g_clear_error(&error);

  g_assert_false(scenario_loader_next_step(loader, &step, &error));
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
  g_clear_error(&error);
  g_assert_null(scenario_loader_finish(loader, &error));
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
}

/* A truncated copy of a valid scenario at every length: an error, never a crash, never success. */
static void
test_error_every_truncation(void)
{
  gsize len = strlen(issue_example);
  for (gsize cut = 0; cut < len - 1; cut++) {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) expects = NULL;
    g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(issue_example, cut, "cut.xml", &error);
    if (loader != NULL) {
      ScStep *step;
      while (scenario_loader_next_step(loader, &step, &error))
        sc_step_free(step);
      if (error == NULL)
        expects = scenario_loader_finish(loader, &error);
    }
    g_assert_null(expects);
    g_assert_nonnull(error);
    g_assert_true(g_str_has_prefix(error->message, "cut.xml:"));
    g_assert_true(error->code == SCENARIO_ERROR_XML || error->code == SCENARIO_ERROR_SCHEMA);
  }
}

/* A DOCTYPE in UTF-16 (with a byte order mark, or without one in either byte order) is refused by the prolog scan,
 * reading code units, at the line and column of its '<', before libxml2 sees it: no entity expanded, no file read.
 * Issue 15: with a SYSTEM id, the reader's DOCTYPE node (an xmlDtd) used to be read as an element, and the line
 * reported was made of the bits of the SystemID pointer, different on every run. */
static void
test_error_dtd_utf16(void)
{
  static const char system_id[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE scenario SYSTEM \"scenario.dtd\">\n"
                                   "<scenario name=\"x\"/>\n";
  static const char comment_first[] = "<!-- \xc3\xa9 -->  <!DOCTYPE scenario SYSTEM \"s.dtd\"><scenario name=\"x\"/>";
  static const struct {
    const char *file; /* in tests/invalid/, or NULL: text */
    const char *text;
    const char *position; /* LINE:COL of the '<' */
  } docs[] = {
    { "billion-laughs.xml", NULL, "2:1" },
    { "external-entity.xml", NULL, "3:1" },
    { NULL, system_id, "2:1" },
    { NULL, comment_first, "1:13" }, /* é is one character, as libxml2 counts columns */
  };
  static const char *const encodings[] = { "UTF-16", "UTF-16LE", "UTF-16BE" };
  for (gsize i = 0; i < G_N_ELEMENTS(docs); i++) {
    for (gsize j = 0; j < G_N_ELEMENTS(encodings); j++) {
      g_autoptr(GError) error = NULL;
      g_autofree char *utf8 = NULL;
      gsize len;
      if (docs[i].file != NULL) {
        g_autofree char *path = g_test_build_filename(G_TEST_DIST, "invalid", docs[i].file, NULL);
        g_file_get_contents(path, &utf8, &len, &error);
        g_assert_no_error(error);
      } else {
        utf8 = g_strdup(docs[i].text);
        len = strlen(utf8);
      }
      gsize utf16_len;
      g_autofree char *utf16 = g_convert(utf8, (gssize) len, encodings[j], "UTF-8", NULL, &utf16_len, &error);
      g_assert_no_error(error);
      for (int run = 0; run < 2; run++) { /* the same answer every time */
        g_clear_error(&error);
        g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(utf16, utf16_len, "utf16.xml", &error);
        g_assert_null(loader);
        g_test_message("%s in %s: %s", docs[i].file ? docs[i].file : "text", encodings[j], error->message);
        g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_DTD);
        g_autofree char *expected = g_strdup_printf("utf16.xml:%s: a DOCTYPE is not allowed", docs[i].position);
        g_assert_true(g_str_has_prefix(error->message, expected));
      }
    }
  }
}

/* Issue 15: the longest cgroup path is 4095 bytes (PATH_MAX less the NUL); one of exactly that length, 2047 levels
 * deep, loads with its 2046 implicit ancestors (tests/invalid/cgroup-path-too-deep.xml has 4096 bytes). */
static void
test_cgroup_path_max(void)
{
  g_autoptr(GString) path = g_string_new("/cc");
  for (int i = 1; i < 2047; i++)
    g_string_append(path, "/c");
  g_assert_cmpuint(path->len, ==, 4095);
  g_autofree char *doc = g_strdup_printf("<scenario name=\"deep\"><cgroups><cgroup path=\"%s\"/></cgroups></scenario>",
                                         path->str);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(doc, strlen(doc), "deep.xml", &error);
  g_assert_no_error(error);
  const ScenarioHeader *header = scenario_loader_get_header(loader);
  g_assert_cmpuint(header->cgroups->len, ==, 2047);
  const ScCgroup *last = g_ptr_array_index(header->cgroups, header->cgroups->len - 1);
  g_assert_cmpstr(last->path, ==, path->str);
}

static void
test_error_set_error(void)
{
  g_autoptr(GError) error = NULL;
  scenario_set_error(&error, SCENARIO_ERROR_KERNEL, "a.xml", 3, 7, "unknown kernel \"%s\"", "2.4");
  g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_KERNEL);
  g_assert_cmpstr(error->message, ==, "a.xml:3:7: unknown kernel \"2.4\"");
}

/* The invalid scenarios, one file each. line: of the element at fault (the line its start tag ends on),
 * or where libxml2's parser stopped for XML errors. */
static const struct {
  const char *file;
  ScenarioError code;
  int line;
} invalid[] = {
  /* Not XML, or not well-formed */
  { "empty.xml", SCENARIO_ERROR_XML, 1 },
  { "binary-garbage.xml", SCENARIO_ERROR_XML, 1 },
  { "truncated.xml", SCENARIO_ERROR_XML, 5 },
  { "truncated-after-element.xml", SCENARIO_ERROR_XML, 4 },
  { "mismatched-tag.xml", SCENARIO_ERROR_XML, 3 },
  { "trailing-garbage.xml", SCENARIO_ERROR_XML, 3 },
  /* No DTD, no entities */
  { "billion-laughs.xml", SCENARIO_ERROR_DTD, 2 },
  { "external-entity.xml", SCENARIO_ERROR_DTD, 3 },
  { "undeclared-entity.xml", SCENARIO_ERROR_DTD, 2 },
  /* The schema */
  { "scenario-only.xml", SCENARIO_ERROR_SCHEMA, 1 },
  { "wrong-root.xml", SCENARIO_ERROR_SCHEMA, 1 },
  { "unknown-element.xml", SCENARIO_ERROR_SCHEMA, 5 },
  { "unknown-attribute.xml", SCENARIO_ERROR_SCHEMA, 3 },
  { "missing-attribute.xml", SCENARIO_ERROR_SCHEMA, 4 },
  { "pid-not-integer.xml", SCENARIO_ERROR_SCHEMA, 3 },
  { "sysctl-unknown.xml", SCENARIO_ERROR_SCHEMA, 4 },
  { "at-not-duration.xml", SCENARIO_ERROR_SCHEMA, 4 },
  { "at-without-unit.xml", SCENARIO_ERROR_SCHEMA, 6 }, /* issue 15: "the unit is missing: write 10s, ..." */
  /* <trace until> (issue 14): as a bad at= */
  { "trace-until-without-unit.xml", SCENARIO_ERROR_SCHEMA, 5 },
  { "trace-until-not-duration.xml", SCENARIO_ERROR_SCHEMA, 3 },
  { "trace-until-overflow.xml", SCENARIO_ERROR_RANGE, 2 },
  /* <container-state> (issue 14) */
  { "container-state-not-a-container.xml", SCENARIO_ERROR_UNKNOWN_REF, 8 }, /* a <process>, not a <container> */
  { "container-state-bad-state.xml", SCENARIO_ERROR_SCHEMA, 8 },  /* CrashLoopBackOff is a reason, not a state */
  { "container-state-bad-restart-count.xml", SCENARIO_ERROR_RANGE, 8 },
  { "container-state-no-pid.xml", SCENARIO_ERROR_SCHEMA, 8 },
  { "misplaced-expect.xml", SCENARIO_ERROR_SCHEMA, 3 },
  /* issue 15: a section out of order says so ("<processes> after <trace>: the sections ... go in the order") */
  { "section-after-trace.xml", SCENARIO_ERROR_SCHEMA, 5 },
  { "cgroup-path-relative.xml", SCENARIO_ERROR_SCHEMA, 3 },
  { "cgroup-v1-on-v2.xml", SCENARIO_ERROR_SCHEMA, 4 },
  { "cgroup-v2-on-v1.xml", SCENARIO_ERROR_SCHEMA, 6 },
  { "step-id-hash.xml", SCENARIO_ERROR_SCHEMA, 7 }, /* '#' is the simulator's: "m#2" is malloc m's 2nd mapping */
  /* Sizes */
  { "size-overflow.xml", SCENARIO_ERROR_SIZE, 2 },
  { "size-garbage.xml", SCENARIO_ERROR_SIZE, 2 },
  { "step-size-overflow.xml", SCENARIO_ERROR_SIZE, 6 },
  { "cgroup-limit-garbage.xml", SCENARIO_ERROR_SIZE, 3 },
  /* Ranges */
  { "sysctl-out-of-range.xml", SCENARIO_ERROR_RANGE, 3 },
  { "swappiness-out-of-range.xml", SCENARIO_ERROR_RANGE, 6 },
  { "oom-score-adj-out-of-range.xml", SCENARIO_ERROR_RANGE, 4 },
  { "set-oom-score-adj-out-of-range.xml", SCENARIO_ERROR_RANGE, 7 },
  { "pid-zero.xml", SCENARIO_ERROR_RANGE, 3 },
  { "pid-too-large.xml", SCENARIO_ERROR_RANGE, 4 },
  { "comm-too-long.xml", SCENARIO_ERROR_RANGE, 4 },
  { "page-size.xml", SCENARIO_ERROR_RANGE, 3 },
  { "ram-zero.xml", SCENARIO_ERROR_RANGE, 2 },
  { "cpus-zero.xml", SCENARIO_ERROR_RANGE, 2 },
  { "vm-ram-below-ram.xml", SCENARIO_ERROR_RANGE, 3 }, /* the VM's MemTotal (ram) cannot exceed its RAM */
  { "committed-as-too-large.xml", SCENARIO_ERROR_RANGE, 2 },
  { "at-overflow.xml", SCENARIO_ERROR_RANGE, 3 },
  { "cgroup-path-too-deep.xml", SCENARIO_ERROR_RANGE, 4 }, /* 4096 bytes, 2048 levels */
  /* Issue 15: sizes and counts have documented maxima (docs/scenario-format.md, "Limits") */
  { "step-size-over-task-size.xml", SCENARIO_ERROR_RANGE, 9 }, /* 2^47 > TASK_SIZE = 2^47 - 4096 */
  { "ram-too-large.xml", SCENARIO_ERROR_RANGE, 2 },             /* 4097 TiB > 4 PiB */
  { "repeat-too-large.xml", SCENARIO_ERROR_RANGE, 6 },          /* > 65530 (DEFAULT_MAX_MAP_COUNT) */
  { "base-rss-exceeds-ram.xml", SCENARIO_ERROR_RANGE, 6 },      /* 600 + 325 MiB > 1024 - 100 MiB */
  { "expect-exit-status.xml", SCENARIO_ERROR_RANGE, 5 },
  /* issue 15: counts of expectations are a number, "none" or a range in which some count lies */
  { "expect-count-reversed.xml", SCENARIO_ERROR_RANGE, 9 },
  { "expect-oom-kills-none.xml", SCENARIO_ERROR_RANGE, 9 },
  /* issue 15: <expect kernel="..."> names profiles; one without a profile would never apply */
  { "expect-kernel-unknown.xml", SCENARIO_ERROR_KERNEL, 11 },
  /* Duplicates */
  { "sysctl-duplicate.xml", SCENARIO_ERROR_DUPLICATE, 4 },
  { "cgroup-duplicate.xml", SCENARIO_ERROR_DUPLICATE, 5 },
  { "process-duplicate-pid.xml", SCENARIO_ERROR_DUPLICATE, 5 },
  { "step-id-duplicate.xml", SCENARIO_ERROR_DUPLICATE, 1 },
  /* References */
  { "cgroup-parent-after-child.xml", SCENARIO_ERROR_UNKNOWN_REF, 4 },
  { "process-unknown-cgroup.xml", SCENARIO_ERROR_UNKNOWN_REF, 7 },
  { "shares-mm-unknown.xml", SCENARIO_ERROR_UNKNOWN_REF, 4 },
  { "parent-unknown.xml", SCENARIO_ERROR_UNKNOWN_REF, 5 },
  { "expect-unknown-cgroup.xml", SCENARIO_ERROR_UNKNOWN_REF, 8 },
  { "free-unknown-ref.xml", SCENARIO_ERROR_UNKNOWN_REF, 1 },
  { "touch-unknown-mapping.xml", SCENARIO_ERROR_UNKNOWN_REF, 1 },
  /* issue 9: an expectation naming a step or pid the scenario does not have fails at load, not in check; the
   * line is the expectation's (line 13, <survives pid="11">, names a forked child and is fine) */
  { "expect-enomem-unknown-step.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-oom-kill-unknown-pid.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-oom-kill-unknown-memcg.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-exit-unknown-pid.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-blocked-unknown-pid.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-survives-unknown-pid.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-livelock-unknown-pid.xml", SCENARIO_ERROR_UNKNOWN_REF, 14 },
  { "expect-succeeds-unknown-step.xml", SCENARIO_ERROR_UNKNOWN_REF, 9 },
  { "expect-step-error-unknown-step.xml", SCENARIO_ERROR_UNKNOWN_REF, 9 },
  /* A kernel thread has no mm (issue 15: a memory step of one dereferenced NULL) */
  { "kthread-touch.xml", SCENARIO_ERROR_UNKNOWN_REF, 8 },
  { "kthread-malloc.xml", SCENARIO_ERROR_UNKNOWN_REF, 8 },
  { "kthread-mmap.xml", SCENARIO_ERROR_UNKNOWN_REF, 8 },
  { "kthread-file-read.xml", SCENARIO_ERROR_UNKNOWN_REF, 8 },
  { "kthread-base-rss.xml", SCENARIO_ERROR_UNKNOWN_REF, 5 },
  /* An error is one line (found by the fuzz-scenario target): libxml2's two-line encoding message is joined with
   * "; ", and a value's newline, tab and carriage return are shown escaped */
  { "not-utf8.xml", SCENARIO_ERROR_XML, 1 },
  { "size-with-control-characters.xml", SCENARIO_ERROR_SIZE, 2 },
  /* userspace killers (userspace/): what earlyoom 1.7 and systemd-oomd 252 refuse, and what is not modelled */
  { "earlyoom-m-over-99.xml", SCENARIO_ERROR_RANGE, 3 },       /* main(): -m up to 99 */
  { "earlyoom-bad-regex.xml", SCENARIO_ERROR_RANGE, 4 },       /* regcomp() fails: earlyoom exits 6 */
  { "earlyoom-ignore-on-1.7.xml", SCENARIO_ERROR_UNSUPPORTED, 3 }, /* --ignore is 1.8's */
  { "earlyoom-twice.xml", SCENARIO_ERROR_SCHEMA, 4 },
  { "oomd-pressure-limit.xml", SCENARIO_ERROR_RANGE, 5 },      /* ManagedOOMMemoryPressureLimit= above 100% */
  { "oomd-pressure-duration.xml", SCENARIO_ERROR_RANGE, 4 },   /* not a time span parse_sec() takes */
  { "oomd-swap-used-limit.xml", SCENARIO_ERROR_RANGE, 3 },     /* above 100% */
  { "oomd-unit-duplicate.xml", SCENARIO_ERROR_DUPLICATE, 5 },
  { "oomd-unit-no-cgroup.xml", SCENARIO_ERROR_SCHEMA, 4 },
  /* "<\0\0\0" announces UCS-4, whose conversion fails: libxml2 raised that through its global handler, which
   * printed two lines to stderr besides the loader's (fuzz-scenario); main() traps any such report */
  { "ucs4-does-not-convert.xml", SCENARIO_ERROR_XML, 1 },
};

static void
test_invalid(gconstpointer data)
{
  guint i = GPOINTER_TO_UINT(data);
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "invalid", invalid[i].file, NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expects = NULL;

  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, &error);
  if (loader != NULL) {
    ScStep *step;
    while (scenario_loader_next_step(loader, &step, &error))
      sc_step_free(step);
    if (error == NULL)
      expects = scenario_loader_finish(loader, &error);
  }
  g_assert_null(expects);
  g_assert_nonnull(error);
  g_test_message("%s", error->message);
  g_assert_error(error, SCENARIO_ERROR, (int) invalid[i].code);
  g_autofree char *prefix = g_strdup_printf("%s:%d:", path, invalid[i].line);
  g_assert_true(g_str_has_prefix(error->message, prefix));
  /* ":COL: " and a message follow. */
  const char *col = error->message + strlen(prefix);
  g_assert_true(g_ascii_isdigit(*col));
  g_assert_nonnull(strstr(col, ": "));
  /* one line of text: no control character at all */
  for (const char *c = error->message; *c; c++)
    g_assert_false(g_ascii_iscntrl(*c));
}

/* At most 65535 memcgs, the root's included (MEM_CGROUP_ID_MAX): 65534 cgroups load, 65535 are refused at the
 * last one, on its line (each <cgroup> on a line of its own after the two opening lines: line 65535 + 2). */
static void
test_cgroup_count_max(void)
{
  for (guint n = 65534; n <= 65535; n++) {
    g_autoptr(GString) xml = g_string_new("<scenario name=\"many\">\n<cgroups>\n");
    for (guint i = 1; i <= n; i++)
      g_string_append_printf(xml, "<cgroup path=\"/c%u\"/>\n", i);
    g_string_append(xml, "</cgroups>\n</scenario>\n");
    g_autoptr(GError) error = NULL;
    g_autoptr(ScenarioLoader) loader = load_string(xml->str, &error);
    if (n == 65534) {
      g_assert_no_error(error);
      g_assert_nonnull(loader);
      g_assert_cmpuint(scenario_loader_get_header(loader)->cgroups->len, ==, 65534);
    } else {
      g_assert_null(loader);
      g_assert_error(error, SCENARIO_ERROR, SCENARIO_ERROR_RANGE);
      g_assert_cmpstr(error->message, ==,
                      "test.xml:65537:1: cgroup /c65535 is memory cgroup number 65536, the root's included: at most "
                      "65535 (MEM_CGROUP_ID_MAX; the kernel's mkdir fails with ENOSPC)");
    }
  }
}

/* The two messages that were more than one line (fuzz-scenario findings), exactly. */
static void
test_error_one_line(void)
{
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "invalid", "size-with-control-characters.xml", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(path, &error);
  g_assert_null(loader);
  g_autofree char *expected = g_strdup_printf(
    "%s:2:1: <machine> ram=\"2\\nGX\\t\\r\" is not a size (bytes, K/KiB, M/MiB, G/GiB, T/TiB, pages)", path);
  g_assert_cmpstr(error->message, ==, expected);

  g_clear_error(&error);
  g_autofree char *utf8_path = g_test_build_filename(G_TEST_DIST, "invalid", "not-utf8.xml", NULL);
  g_autoptr(ScenarioLoader) utf8_loader = scenario_loader_new(utf8_path, &error);
  g_assert_null(utf8_loader);
  g_autofree char *utf8_expected = g_strdup_printf(
    "%s:1:5: Input is not proper UTF-8, indicate encoding !; Bytes: 0x92 0x9E 0x8D 0x96", utf8_path);
  g_assert_cmpstr(error->message, ==, utf8_expected);
}

/* Test what you fly: every file in tests/invalid/ is in the table, and the table has no stale entry. */
static void
test_invalid_table_complete(void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir_path = g_test_build_filename(G_TEST_DIST, "invalid", NULL);
  g_autoptr(GDir) dir = g_dir_open(dir_path, 0, &error);
  g_assert_no_error(error);
  guint files = 0;
  for (const char *name; (name = g_dir_read_name(dir)) != NULL;) {
    if (!g_str_has_suffix(name, ".xml"))
      continue;
    files++;
    gboolean found = FALSE;
    for (gsize i = 0; i < G_N_ELEMENTS(invalid) && !found; i++)
      found = strcmp(invalid[i].file, name) == 0;
    if (!found)
      g_test_message("tests/invalid/%s is not in the table", name);
    g_assert_true(found);
  }
  g_assert_cmpuint(files, ==, G_N_ELEMENTS(invalid));
}

/* libxml2's global handlers print to stderr: no loader path may reach them (scenario-loader.c,
 * loader_errors_enter()), so in this binary they abort. */
static void
on_global_structured_error(void *ctx, xmlErrorPtr error)
{
  (void) ctx;
  g_error("libxml2 reported through its global handler: %s", error && error->message ? error->message : "?");
}

static void
on_global_generic_error(void *ctx, const char *msg, ...)
{
  (void) ctx;
  g_error("libxml2 printed through its generic handler: %s", msg);
}

/* sc_value_int(): plain digits take the fast path (scenario-values.c int_fast()), everything else the general one;
 * both must give the same values and the same errors. */
static void
test_int_fast_and_general(void)
{
  static const struct {
    const char *text;
    gint64 want;
  } ok[] = {
    { "42", 42 }, { "-7", -7 }, { "007", 7 }, { "-0", 0 }, { " 5 ", 5 }, { "+3", 3 }, { "100000", 100000 },
    { "999999999999999999", 999999999999999999 },      /* 18 digits: the fast path's longest */
    { "9223372036854775807", G_MAXINT64 },             /* 19: the general path */
    { "-9223372036854775808", G_MININT64 },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(ok); i++) {
    gint64 v = 1;
    g_autoptr(GError) error = NULL;
    g_assert_true(sc_value_int("set", "oom_score_adj", ok[i].text, G_MININT64, G_MAXINT64, &v, &error));
    g_assert_no_error(error);
    g_assert_cmpint(v, ==, ok[i].want);
  }
  static const struct {
    const char *text;
    gint64 min, max;
    ScenarioError code;
    const char *message; /* NULL: not checked */
  } bad[] = {
    { "1001", -1000, 1000, SCENARIO_ERROR_RANGE, "<set> oom_score_adj=\"1001\" is out of range: -1000..1000" },
    { "-1001", -1000, 1000, SCENARIO_ERROR_RANGE, NULL },
    { "12a", 0, 255, SCENARIO_ERROR_SCHEMA, "<set> oom_score_adj=\"12a\" is not an integer" },
    { "", 0, 255, SCENARIO_ERROR_SCHEMA, NULL },
    { "-", 0, 255, SCENARIO_ERROR_SCHEMA, NULL },
  };
  for (gsize i = 0; i < G_N_ELEMENTS(bad); i++) {
    gint64 v = 11;
    g_autoptr(GError) error = NULL;
    g_assert_false(sc_value_int("set", "oom_score_adj", bad[i].text, bad[i].min, bad[i].max, &v, &error));
    g_assert_error(error, SCENARIO_ERROR, (gint)bad[i].code);
    if (bad[i].message)
      g_assert_cmpstr(error->message, ==, bad[i].message);
    g_assert_cmpint(v, ==, 11);
  }
}


/* Flat elements (issue 13, scenarios/scenario-flat-elements.c) =========================================== */

/* The parents and elements the table vouches for, and a value the schema accepts for each attribute by name. */
static const struct {
  const char *parent, *element;
} flat_elements[] = {
  { "processes", "process" }, { "cgroups", "cgroup" }, { "trace", "mmap" }, { "trace", "touch" },
  { "trace", "malloc" }, { "trace", "free" }, { "trace", "munmap" }, { "trace", "file-read" },
  { "trace", "shmem-write" }, { "trace", "fork" }, { "trace", "exit" }, { "trace", "set" },
  { "trace", "sysctl" }, { "trace", "cgroup-set" }, { "trace", "move" },
};

static const char *
flat_valid_value(const char *element, const char *attr, const char *type)
{
  if (strcmp(type, "integer") == 0)
    return strcmp(attr, "pid") == 0 || strcmp(attr, "parent") == 0 || strcmp(attr, "shares-mm-with") == 0 ? "1" : "2";
  if (strcmp(type, "boolean") == 0)
    return "0";
  if (strcmp(type, "choice") == 0)
    return strcmp(element, "sysctl") == 0 ? "vm.swappiness" : strcmp(element, "cgroup-set") == 0 ? "memory.max"
         : strcmp(element, "malloc") == 0 ? "all" : "1";
  if (strcmp(attr, "size") == 0 || strcmp(attr, "base-rss") == 0 || strcmp(attr, "base-pgtables") == 0 ||
      g_str_has_prefix(attr, "memory."))
    return "4KiB";
  if (strcmp(attr, "cgroup") == 0 || strcmp(attr, "path") == 0)
    return strcmp(element, "cgroup") == 0 ? "/b" : "/a";
  if (strcmp(attr, "at") == 0)
    return "1s";
  return strcmp(attr, "comm") == 0 || strcmp(attr, "id") == 0 ? "x" : "ref-x";
}

/* The loader's verdict on a document: "ok" or its one error message. */
static char *
flat_load(const char *xml, guint64 *out_vouched)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(xml, strlen(xml), "t.xml", &error);
  if (loader != NULL) {
    ScStep *step = NULL;
    while (scenario_loader_next_step(loader, &step, &error))
      sc_step_free(step);
    if (error == NULL) {
      GPtrArray *expects = scenario_loader_finish(loader, &error);
      if (expects != NULL)
        g_ptr_array_unref(expects);
    }
    *out_vouched += scenario_loader_elements_vouched(loader);
  }
  return error != NULL ? g_strdup(error->message) : g_strdup("ok");
}

/* One element in its place in a scenario, loaded with and without the table: the same verdict, word for word. */
static void
flat_compare(const char *parent, const char *element_xml, guint64 *vouched, guint *n_valid)
{
  g_autofree char *xml = g_strdup_printf(
    "<scenario name=\"t\">\n<machine ram=\"1GiB\"/>\n<cgroups><cgroup path=\"/a\"/>%s</cgroups>\n"
    "<processes><process pid=\"1\" comm=\"a\"/>%s</processes>\n<trace><malloc id=\"ref-x\" pid=\"1\" size=\"4KiB\"/>\n"
    "%s</trace>\n</scenario>\n",
    strcmp(parent, "cgroups") == 0 ? element_xml : "", strcmp(parent, "processes") == 0 ? element_xml : "",
    strcmp(parent, "trace") == 0 ? element_xml : "");
  guint64 ignored = 0;
  scenario_loader_use_flat_elements(FALSE);
  g_autofree char *relaxng = flat_load(xml, &ignored);
  scenario_loader_use_flat_elements(TRUE);
  g_autofree char *table = flat_load(xml, vouched);
  if (g_strcmp0(relaxng, table) != 0)
    g_test_message("%s", xml);
  g_assert_cmpstr(table, ==, relaxng);
  *n_valid += !g_str_has_prefix(relaxng, "t.xml") || !strstr(relaxng, "schema") ? 1 : 0;
}

/* Every attribute of every flat element: absent, alone, with odd values; unknown, namespaced and doubled
 * attributes; content. The table may only ever say "valid" where libxml2's validator says so, and the loader's
 * messages must not change. */
static void
test_flat_elements_same_as_relaxng(void)
{
  static const char *const odd_values[] = {
    "", " ", "1", "0", "-1", "+1", " 1", "1 ", "007", "-0", "1x", "x", "true", "false", "TRUE", "yes", " 0",
    "999999999999999999", "1000000000000000000", "-999999999999999999", "99999999999999999999999",
    "9999999999999999999999999", "first", "all", "none", " all", "memory.max", "memory.oom.group ",
    "vm.swappiness", "vm.swappiness ", "vm.overcommit_memory", "4KiB", "max", "/a", "&#32;1", "1&#10;", "&#x31;",
    "&lt;", "\xc3\xa9",
  };
  static const char *const extras[] = {
    "bogus=\"1\"", "xml:lang=\"en\"", "xmlns:a=\"urn:a\" a:pid=\"1\"", "xmlns=\"urn:x\"", "pid=\"1\"",
    "repeat=\"2\"", "comm=\"x\"", "size=\"4KiB\"", "id=\"y\"", "at=\"1s\"", "cgroup=\"/a\"", "name=\"memory.max\"",
  };
  static const char *const contents[] = { "", " ", "\n", "x", "<x/>", "<!-- c -->", "<![CDATA[ ]]>", "<?pi x?>" };
  guint64 vouched = 0;
  guint n = 0, n_valid = 0;
  for (gsize e = 0; e < G_N_ELEMENTS(flat_elements); e++) {
    const char *parent = flat_elements[e].parent, *element = flat_elements[e].element;
    const char *names[16], *types[16];
    const char *const *values;
    gboolean required[16];
    guint n_attrs = 0;
    while (n_attrs < 16 &&
           sc_flat_element_attribute(parent, element, n_attrs, &names[n_attrs], &required[n_attrs], &types[n_attrs],
                                     &values))
      n_attrs++;
    g_assert_cmpuint(n_attrs, >, 0);
    /* variant v of attribute a: -1 absent, -2 the valid value, k >= 0 odd_values[k]; the others valid if required */
    for (guint a = 0; a < n_attrs; a++) {
      for (int v = -2; v < (int) G_N_ELEMENTS(odd_values); v++) {
        g_autoptr(GString) el = g_string_new(NULL);
        g_string_append_printf(el, "<%s", element);
        for (guint i = 0; i < n_attrs; i++) {
          const char *value = flat_valid_value(element, names[i], types[i]);
          if (i == a)
            value = v == -1 ? NULL : v == -2 ? value : odd_values[v];
          else if (!required[i])
            value = NULL;
          if (value != NULL)
            g_string_append_printf(el, " %s=\"%s\"", names[i], value);
        }
        g_string_append(el, "/>\n");
        flat_compare(parent, el->str, &vouched, &n_valid);
        n++;
      }
    }
    /* the required attributes with valid values, then an extra attribute or some content */
    g_autoptr(GString) attrs = g_string_new(NULL);
    for (guint i = 0; i < n_attrs; i++)
      if (required[i])
        g_string_append_printf(attrs, " %s=\"%s\"", names[i], flat_valid_value(element, names[i], types[i]));
    for (gsize x = 0; x < G_N_ELEMENTS(extras); x++) {
      g_autofree char *el = g_strdup_printf("<%s%s %s/>\n", element, attrs->str, extras[x]);
      flat_compare(parent, el, &vouched, &n_valid);
      n++;
    }
    for (gsize c = 0; c < G_N_ELEMENTS(contents); c++) {
      g_autofree char *el = g_strdup_printf("<%s%s>%s</%s>\n", element, attrs->str, contents[c], element);
      flat_compare(parent, el, &vouched, &n_valid);
      n++;
    }
  }
  g_test_message("%u documents, %" G_GUINT64_FORMAT " elements vouched for", n, vouched);
  /* the table must be used, or this test shows nothing: every document has at least two flat elements it
   * vouches for (the <process>, the <cgroup> and the <malloc> written around the element under test) */
  g_assert_cmpuint(vouched, >=, 2 * (guint64) n);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathContext, xmlXPathFreeContext)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlXPathObject, xmlXPathFreeObject)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

/* The table against oomsim.rng itself: the same attributes for each element under its parent, required the same
 * way, of the same type (integer, boolean, text or a choice of values). */
static char *
rng_prop(xmlNodePtr node, const char *name)
{
  xmlChar *value = xmlGetProp(node, BAD_CAST name);
  char *copy = g_strdup((const char *) value);
  xmlFree(value);
  return copy;
}

/* The <value>s under an attribute, through refs, in document order. */
static void
rng_values(xmlNodePtr node, GString *out)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next) {
    if (child->type != XML_ELEMENT_NODE)
      continue;
    if (xmlStrEqual(child->name, BAD_CAST "value")) {
      xmlChar *value = xmlNodeGetContent(child);
      g_string_append_printf(out, " %s", (const char *) value);
      xmlFree(value);
    } else if (xmlStrEqual(child->name, BAD_CAST "ref")) {
      g_autofree char *ref = rng_prop(child, "name");
      g_autofree char *xpath = g_strdup_printf("//*[local-name()='define'][@name='%s']", ref);
      g_autoptr(xmlXPathContext) context = xmlXPathNewContext(child->doc);
      g_autoptr(xmlXPathObject) found = xmlXPathEvalExpression(BAD_CAST xpath, context);
      g_assert_cmpint(xmlXPathNodeSetGetLength(found->nodesetval), ==, 1);
      rng_values(found->nodesetval->nodeTab[0], out);
    } else {
      rng_values(child, out);
    }
  }
}

static void
rng_collect(xmlDocPtr rng, xmlNodePtr node, gboolean optional, GHashTable *out)
{
  for (xmlNodePtr child = node->children; child != NULL; child = child->next) {
    if (child->type != XML_ELEMENT_NODE)
      continue;
    const char *kind = (const char *) child->name;
    if (strcmp(kind, "attribute") == 0) {
      g_autofree char *name = rng_prop(child, "name");
      g_autoptr(GHashTable) types = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
      rng_collect(rng, child, FALSE, types); /* the value's type, through refs */
      const char *type = g_hash_table_contains(types, "#integer") ? "integer"
                         : g_hash_table_contains(types, "#boolean") ? "boolean"
                         : g_hash_table_contains(types, "#choice") ? "choice" : "text";
      /* a choice's values in the schema's order, as "required choice a b c" */
      g_autoptr(GString) description = g_string_new(NULL);
      g_string_printf(description, "%s %s", optional ? "optional" : "required", type);
      rng_values(child, description);
      g_hash_table_insert(out, g_strdup(name), g_string_free(g_steal_pointer(&description), FALSE));
    } else if (strcmp(kind, "ref") == 0) {
      g_autofree char *ref = rng_prop(child, "name");
      g_autofree char *xpath = g_strdup_printf("//*[local-name()='define'][@name='%s']", ref);
      g_autoptr(xmlXPathContext) context = xmlXPathNewContext(rng);
      g_autoptr(xmlXPathObject) found = xmlXPathEvalExpression(BAD_CAST xpath, context);
      g_assert_nonnull(found);
      g_assert_cmpint(xmlXPathNodeSetGetLength(found->nodesetval), ==, 1);
      rng_collect(rng, found->nodesetval->nodeTab[0], optional, out);
    } else if (strcmp(kind, "data") == 0) {
      g_autofree char *type = rng_prop(child, "type");
      g_hash_table_add(out, g_strdup_printf("#%s", type));
    } else if (strcmp(kind, "value") == 0) {
      xmlChar *value = xmlNodeGetContent(child);
      g_hash_table_add(out, g_strdup("#choice"));
      g_hash_table_add(out, g_strdup_printf("#value %s", (const char *) value));
      xmlFree(value);
    } else if (strcmp(kind, "choice") == 0) {
      g_hash_table_add(out, g_strdup("#choice"));
      rng_collect(rng, child, optional, out);
    } else if (strcmp(kind, "element") != 0) { /* optional, group...; an element child is not this element's */
      rng_collect(rng, child, optional || strcmp(kind, "optional") == 0 || strcmp(kind, "zeroOrMore") == 0, out);
    }
  }
}

static void
test_flat_elements_match_schema(void)
{
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "scenarios", "oomsim.rng", NULL);
  g_autoptr(xmlDoc) rng = xmlReadFile(path, NULL, XML_PARSE_NONET);
  g_assert_nonnull(rng);
  for (gsize e = 0; e < G_N_ELEMENTS(flat_elements); e++) {
    const char *parent = flat_elements[e].parent, *element = flat_elements[e].element;
    g_autofree char *xpath = g_strdup_printf("//*[local-name()='define'][@name='%s']//*[local-name()='element']"
                                             "[@name='%s']", parent, element);
    g_autoptr(xmlXPathContext) context = xmlXPathNewContext(rng);
    g_autoptr(xmlXPathObject) found = xmlXPathEvalExpression(BAD_CAST xpath, context);
    g_assert_cmpint(xmlXPathNodeSetGetLength(found->nodesetval), ==, 1);
    g_autoptr(GHashTable) schema = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, g_free);
    rng_collect(rng, found->nodesetval->nodeTab[0], FALSE, schema);
    guint n_attrs = 0;
    const char *name, *type;
    const char *const *values;
    gboolean required;
    while (sc_flat_element_attribute(parent, element, n_attrs, &name, &required, &type, &values)) {
      g_autoptr(GString) expected = g_string_new(NULL);
      g_string_printf(expected, "%s %s", required ? "required" : "optional", type);
      for (guint v = 0; strcmp(type, "choice") == 0 && values[v] != NULL; v++)
        g_string_append_printf(expected, " %s", values[v]);
      g_test_message("<%s> in <%s>: %s %s", element, parent, name, expected->str);
      g_assert_cmpstr(g_hash_table_lookup(schema, name), ==, expected->str);
      n_attrs++;
    }
    g_assert_cmpuint(n_attrs, ==, g_hash_table_size(schema));
  }
}

/* The schema compiled into the binary (scenarios/embed/embed-schema.c, build/gen/oomsim-schema.c) is oomsim.rng
 * without what RelaxNG ignores: walked side by side, skipping comments and blank text, both documents have the same
 * elements, namespaces, attributes in the same order with the same values, and the same text. */
extern const char sc_schema_rng[];
extern const size_t sc_schema_rng_size;

static xmlNodePtr
rng_next_significant(xmlNodePtr node)
{
  while (node != NULL && (node->type == XML_COMMENT_NODE ||
                          (node->type == XML_TEXT_NODE && xmlIsBlankNode(node))))
    node = node->next;
  return node;
}

static guint
rng_compare_trees(xmlNodePtr source, xmlNodePtr embedded)
{
  guint nodes = 0;
  for (source = rng_next_significant(source), embedded = rng_next_significant(embedded);
       source != NULL || embedded != NULL;
       source = rng_next_significant(source->next), embedded = rng_next_significant(embedded->next)) {
    g_assert_nonnull(source);
    g_assert_nonnull(embedded);
    g_assert_cmpint(source->type, ==, embedded->type);
    if (source->type == XML_TEXT_NODE) {
      g_assert_cmpstr((const char *) source->content, ==, (const char *) embedded->content);
    } else {
      g_assert_cmpstr((const char *) source->name, ==, (const char *) embedded->name);
      g_assert_cmpstr(source->ns ? (const char *) source->ns->href : "", ==,
                      embedded->ns ? (const char *) embedded->ns->href : "");
      xmlAttrPtr a = source->properties, b = embedded->properties;
      for (; a != NULL && b != NULL; a = a->next, b = b->next) {
        xmlChar *va = xmlNodeGetContent((xmlNodePtr) a), *vb = xmlNodeGetContent((xmlNodePtr) b);
        g_assert_cmpstr((const char *) a->name, ==, (const char *) b->name);
        g_assert_cmpstr((const char *) va, ==, (const char *) vb);
        xmlFree(va); /* libxml2's allocator: this test counts libxml2's memory */
        xmlFree(vb);
      }
      g_assert_true(a == NULL && b == NULL);
      nodes += rng_compare_trees(source->children, embedded->children);
    }
    nodes++;
  }
  return nodes;
}

static void
test_schema_embedded_is_oomsim_rng(void)
{
  g_autofree char *path = g_test_build_filename(G_TEST_DIST, "..", "scenarios", "oomsim.rng", NULL);
  g_autoptr(xmlDoc) source = xmlReadFile(path, NULL, XML_PARSE_NONET);
  g_autoptr(xmlDoc) embedded = xmlReadMemory(sc_schema_rng, (int) sc_schema_rng_size, "embedded.rng", NULL,
                                             XML_PARSE_NONET);
  g_assert_nonnull(source);
  g_assert_nonnull(embedded);
  g_assert_cmpuint(strlen(sc_schema_rng), ==, sc_schema_rng_size);
  guint nodes = rng_compare_trees(xmlDocGetRootElement(source), xmlDocGetRootElement(embedded));
  g_test_message("%u elements and texts compared", nodes);
  g_assert_cmpuint(nodes, >, 500);
  g_assert_cmpuint(sc_schema_rng_size, <, 20784 * 3 / 4); /* comments and indentation gone */
}

int
main(int argc, char **argv)
{
  xmlMemSetup(xml_counted_free, xml_counted_malloc, xml_counted_realloc, xml_counted_strdup);
  g_test_init(&argc, &argv, NULL);
  /* g_test_init() does this already; said here so that no test can turn it off unnoticed */
  g_log_set_always_fatal(G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  xmlSetStructuredErrorFunc(NULL, on_global_structured_error);
  xmlSetGenericErrorFunc(NULL, on_global_generic_error);

  g_test_add_func("/scenarios/loader/borrowed-steps", test_borrowed_steps);
  g_test_add_func("/scenarios/size/suffixes", test_size_suffixes);
  g_test_add_func("/scenarios/size/units-of-users", test_size_units_of_users);
  g_test_add_func("/scenarios/size/pages", test_size_pages);
  g_test_add_func("/scenarios/size/max", test_size_max);
  g_test_add_func("/scenarios/size/overflow", test_size_overflow);
  g_test_add_func("/scenarios/size/garbage", test_size_garbage);
  g_test_add_func("/scenarios/duration/units", test_duration_units);
  g_test_add_func("/scenarios/duration/invalid", test_duration_invalid);
  g_test_add_func("/scenarios/kind-names", test_kind_names);
  g_test_add_func("/scenarios/int/fast-and-general", test_int_fast_and_general);

  g_test_add_func("/scenarios/loader/valid/minimal", test_valid_minimal);
  g_test_add_func("/scenarios/loader/valid/empty-sections", test_valid_empty_sections);
  g_test_add_func("/scenarios/loader/valid/issue-example", test_valid_issue_example);
  g_test_add_func("/scenarios/loader/valid/full", test_valid_full);
  g_test_add_func("/scenarios/loader/valid/file", test_valid_file);
  g_test_add_func("/scenarios/loader/valid/finish-early", test_valid_finish_early);
  g_test_add_func("/scenarios/loader/valid/no-trace", test_valid_no_trace);
  g_test_add_func("/scenarios/loader/valid/forward-refs", test_valid_forward_refs);
  g_test_add_func("/scenarios/loader/steal-processes", test_steal_processes);

  g_test_add_func("/scenarios/flat-elements/same-as-relaxng", test_flat_elements_same_as_relaxng);
  g_test_add_func("/scenarios/flat-elements/match-schema", test_flat_elements_match_schema);
  g_test_add_func("/scenarios/schema/embedded-is-oomsim-rng", test_schema_embedded_is_oomsim_rng);
  g_test_add_func("/scenarios/loader/stream/200000-steps", test_stream_steps);
  g_test_add_func("/scenarios/loader/stream/lines-beyond-65535", test_stream_big_lines);

  g_test_add_func("/scenarios/loader/error/missing-file", test_error_missing_file);
  g_test_add_func("/scenarios/loader/error/directory", test_error_directory);
  g_test_add_func("/scenarios/loader/error/in-trace-is-sticky", test_error_in_trace);
  g_test_add_func("/scenarios/loader/error/every-truncation", test_error_every_truncation);
  g_test_add_func("/scenarios/loader/error/dtd-in-utf16", test_error_dtd_utf16);
  g_test_add_func("/scenarios/loader/cgroup-path-max", test_cgroup_path_max);
  g_test_add_func("/scenarios/loader/error/set-error", test_error_set_error);
  g_test_add_func("/scenarios/loader/error/one-line", test_error_one_line);
  g_test_add_func("/scenarios/loader/cgroup-count-max", test_cgroup_count_max);

  g_test_add_func("/scenarios/loader/invalid/table-complete", test_invalid_table_complete);
  for (guint i = 0; i < G_N_ELEMENTS(invalid); i++) {
    g_autofree char *base = g_strndup(invalid[i].file, strlen(invalid[i].file) - strlen(".xml"));
    g_autofree char *test_path = g_strdup_printf("/scenarios/loader/invalid/%s", base);
    g_test_add_data_func(test_path, GUINT_TO_POINTER(i), test_invalid);
  }

  int status = g_test_run();
  xmlCleanupParser();
  return status;
}
