/* scenarios/scenario.c: the in-memory scenario types, their destructors, and size and duration syntax.
 *
 * Sizes are exact integers: no fractions, so that "1.5G" cannot round differently in two places. A plain
 * number is bytes; K/KiB, M/MiB, G/GiB, T/TiB are powers of 1024 (as the kernel's memparse() and cgroup files
 * read them); "N pages" multiplies by the page size; "max" is SC_SIZE_MAX. A value that would reach
 * SC_SIZE_MAX without being "max" is an overflow, so "max" stays unambiguous.
 */
#include "scenario.h"

#include "../k8s/k8s-node.h"
#include "../userspace/us-earlyoom.h"
#include "../userspace/us-oomd.h"

#include <string.h>

const char *const sc_step_kind_names[SC_STEP_N_KINDS] = {
  [SC_STEP_MMAP] = "mmap",
  [SC_STEP_TOUCH] = "touch",
  [SC_STEP_MALLOC] = "malloc",
  [SC_STEP_FREE] = "free",
  [SC_STEP_MUNMAP] = "munmap",
  [SC_STEP_FILE_READ] = "file-read",
  [SC_STEP_SHMEM_WRITE] = "shmem-write",
  [SC_STEP_FORK] = "fork",
  [SC_STEP_EXIT] = "exit",
  [SC_STEP_SET] = "set",
  [SC_STEP_SYSCTL] = "sysctl",
  [SC_STEP_CGROUP_SET] = "cgroup-set",
  [SC_STEP_MOVE] = "move",
};

const char *const sc_expect_kind_names[SC_EXPECT_N_KINDS] = {
  [SC_EXPECT_OOM_KILL] = "oom-kill",
  [SC_EXPECT_EXIT] = "exit",
  [SC_EXPECT_ENOMEM] = "enomem",
  [SC_EXPECT_PANIC] = "panic",
  [SC_EXPECT_MEMORY_EVENTS] = "memory-events",
  [SC_EXPECT_BLOCKED] = "blocked",
  [SC_EXPECT_SURVIVES] = "survives",
  [SC_EXPECT_LIVELOCK] = "livelock",
  [SC_EXPECT_STEP_ERROR] = "step-error",
  [SC_EXPECT_LOG] = "log",
};

G_DEFINE_QUARK(scenario-error-quark, scenario_error)

void
sc_step_free(ScStep *step)
{
  if (step == NULL)
    return;
  g_free(step->id);
  g_free(step->ref);
  g_free(step->comm);
  g_free(step->name);
  g_free(step->svalue);
  g_free(step->cgroup);
  g_free(step);
}

void
sc_expect_free(ScExpect *expect)
{
  if (expect == NULL)
    return;
  g_free(expect->constraint);
  g_free(expect->oom_memcg);
  g_free(expect->reason);
  g_free(expect->by);
  g_free(expect->step);
  g_free(expect->errno_name);
  g_free(expect->message_contains);
  g_free(expect->cgroup);
  if (expect->counters != NULL)
    g_ptr_array_unref(expect->counters);
  g_free(expect);
}

void
sc_attr_free(ScAttr *attr)
{
  if (attr == NULL)
    return;
  g_free(attr->name);
  g_free(attr->value);
  g_free(attr);
}

void
sc_sysctl_free(ScSysctl *sysctl)
{
  if (sysctl == NULL)
    return;
  g_free(sysctl->name);
  g_free(sysctl);
}

void
sc_cgroup_free(ScCgroup *cgroup)
{
  if (cgroup == NULL)
    return;
  g_free(cgroup->path);
  if (cgroup->attrs != NULL)
    g_ptr_array_unref(cgroup->attrs);
  g_free(cgroup);
}

void
sc_process_free(ScProcess *process)
{
  if (process == NULL)
    return;
  g_free(process->comm);
  g_free(process->cgroup);
  g_free(process->container);
  g_free(process);
}

void
sc_element_free(ScElement *element)
{
  if (element == NULL)
    return;
  g_free(element->name);
  if (element->attrs != NULL)
    g_ptr_array_unref(element->attrs);
  if (element->children != NULL)
    g_ptr_array_unref(element->children);
  g_free(element);
}

const ScAttr *
sc_element_attr(const ScElement *element, const char *name)
{
  for (guint i = 0; i < element->attrs->len; i++) {
    const ScAttr *attr = g_ptr_array_index(element->attrs, i);
    if (strcmp(attr->name, name) == 0)
      return attr;
  }
  return NULL;
}

void
scenario_header_free(ScenarioHeader *header)
{
  if (header == NULL)
    return;
  g_free(header->name);
  g_free(header->description);
  g_free(header->kernel);
  /* The arrays carry the destructors of their elements (set by whoever built them, normally the loader). */
  /* header->file is an interned string (g_intern_string): it outlives every loader and header. */
  if (header->sysctls != NULL)
    g_ptr_array_unref(header->sysctls);
  if (header->cgroups != NULL)
    g_ptr_array_unref(header->cgroups);
  if (header->processes != NULL)
    g_ptr_array_unref(header->processes);
  k8s_node_free(header->k8s);
  us_earlyoom_free(header->earlyoom);
  us_oomd_free(header->oomd);
  g_free(header);
}

/* Reads the leading decimal digits of *p into *out, advancing *p. FALSE if there are none or on overflow. */
static gboolean
sc_parse_digits(const char **p, guint64 *out)
{
  guint64 value = 0;
  const char *s = *p;

  if (!g_ascii_isdigit(*s))
    return FALSE;
  for (; g_ascii_isdigit(*s); s++) {
    guint digit = (guint) (*s - '0');
    if (value > (G_MAXUINT64 - digit) / 10)
      return FALSE;
    value = value * 10 + digit;
  }
  *p = s;
  *out = value;
  return TRUE;
}

static const char *
sc_skip_spaces(const char *s)
{
  while (g_ascii_isspace(*s))
    s++;
  return s;
}

/* The multiplier of a size suffix (trailing spaces already removed), or 0 if it is not one. */
static guint64
sc_size_unit(const char *unit, gsize len, guint64 page_size)
{
  static const struct {
    const char *name;
    guint64 bytes;
  } units[] = {
    { "", 1 },
    { "K", G_GUINT64_CONSTANT(1) << 10 }, { "KiB", G_GUINT64_CONSTANT(1) << 10 },
    { "M", G_GUINT64_CONSTANT(1) << 20 }, { "MiB", G_GUINT64_CONSTANT(1) << 20 },
    { "G", G_GUINT64_CONSTANT(1) << 30 }, { "GiB", G_GUINT64_CONSTANT(1) << 30 },
    { "T", G_GUINT64_CONSTANT(1) << 40 }, { "TiB", G_GUINT64_CONSTANT(1) << 40 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS(units); i++)
    if (strlen(units[i].name) == len && strncmp(unit, units[i].name, len) == 0)
      return units[i].bytes;
  if ((len == 5 && strncmp(unit, "pages", 5) == 0) || (len == 4 && strncmp(unit, "page", 4) == 0))
    return page_size; /* 0 when no page size is known: refused */
  return 0;
}

gboolean
sc_parse_size(const char *text, guint64 page_size, gboolean allow_max, guint64 *out_bytes)
{
  /* programming error only: every caller passes an out-parameter (a NULL text is a parse failure) */
  g_return_val_if_fail(out_bytes != NULL, FALSE);
  if (text == NULL)
    return FALSE;

  const char *s = sc_skip_spaces(text);
  gsize len = strlen(s);
  while (len > 0 && g_ascii_isspace(s[len - 1]))
    len--;

  if (len == 3 && strncmp(s, "max", 3) == 0) {
    if (!allow_max)
      return FALSE;
    *out_bytes = SC_SIZE_MAX;
    return TRUE;
  }

  guint64 number;
  const char *p = s;
  const char *end = s + len;
  if (!sc_parse_digits(&p, &number) || p > end)
    return FALSE;
  while (p < end && g_ascii_isspace(*p))
    p++;

  guint64 unit = sc_size_unit(p, (gsize) (end - p), page_size);
  if (unit == 0)
    return FALSE;
  if (number != 0 && unit > (G_MAXUINT64 - 1) / number)
    return FALSE; /* overflow, or exactly SC_SIZE_MAX which only "max" may mean */
  *out_bytes = number * unit;
  return TRUE;
}

gboolean
sc_parse_duration(const char *text, guint64 *out_ns)
{
  static const struct {
    const char *name;
    guint64 ns;
  } units[] = {
    { "ns", 1 },
    { "us", 1000 },
    { "ms", 1000 * 1000 },
    { "s", 1000 * 1000 * 1000 },
  };

  /* programming error only: every caller passes an out-parameter (a NULL text is a parse failure) */
  g_return_val_if_fail(out_ns != NULL, FALSE);
  if (text == NULL)
    return FALSE;

  const char *s = sc_skip_spaces(text);
  gsize len = strlen(s);
  while (len > 0 && g_ascii_isspace(s[len - 1]))
    len--;

  guint64 number;
  const char *p = s;
  if (!sc_parse_digits(&p, &number) || p > s + len)
    return FALSE;
  gsize unit_len = (gsize) (s + len - p);
  if (unit_len == 0) {
    /* A bare number has no unit; only 0 means the same in every unit. */
    if (number != 0)
      return FALSE;
    *out_ns = 0;
    return TRUE;
  }
  for (gsize i = 0; i < G_N_ELEMENTS(units); i++) {
    if (strlen(units[i].name) != unit_len || strncmp(p, units[i].name, unit_len) != 0)
      continue;
    if (number != 0 && units[i].ns > G_MAXUINT64 / number)
      return FALSE;
    *out_ns = number * units[i].ns;
    return TRUE;
  }
  return FALSE;
}
