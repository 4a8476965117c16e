/* scenarios/scenario.c: the in-memory scenario types, their destructors, and size and duration syntax.
 *
 * Sizes are exact integers: no fractions, so that "1.5G" cannot round differently in two places. A plain
 * number is bytes; K/Ki/KiB, M/Mi/MiB, G/Gi/GiB/g, T/Ti/TiB/t, P/Pi/PiB/p are powers of 1024 (as the kernel's
 * memparse() and cgroup files, Docker and Kubernetes read them); kB, MB, GB, TB, PB are powers of 1000 (what
 * Kubernetes writes k, M, G, T, P); m, k and b are refused as ambiguous (sc_size_units below); "N pages"
 * multiplies by the page size; "max" is SC_SIZE_MAX. A value that would reach
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
  [SC_EXPECT_OOM_KILLS] = "oom-kills",
  [SC_EXPECT_SUCCEEDS] = "succeeds",
  [SC_EXPECT_REFUSED] = "refused",
  [SC_EXPECT_CONTAINER_STATE] = "container-state",
};

G_DEFINE_QUARK(scenario-error-quark, scenario_error)

/* Whether string is one of step's own packed strings (sc_step_pack()), freed with the step. */
static gboolean
sc_step_string_packed(const ScStep *step, const char *string)
{
  guintptr tail = (guintptr) (step + 1);
  return (guintptr) string - tail < step->packed_bytes; /* below tail: wraps to a large number */
}

static void
sc_step_free_string(const ScStep *step, char *string)
{
  if (!sc_step_string_packed(step, string))
    g_free(string);
}

void
sc_step_free(ScStep *step)
{
  if (step == NULL)
    return;
  sc_step_free_string(step, step->id);
  sc_step_free_string(step, step->ref);
  sc_step_free_string(step, step->comm);
  sc_step_free_string(step, step->name);
  sc_step_free_string(step, step->svalue);
  sc_step_free_string(step, step->cgroup);
  g_free(step);
}

ScStep *
sc_step_copy(const ScStep *step)
{
  ScStep *copy = g_memdup2(step, sizeof *step);
  copy->packed_bytes = 0;
  copy->id = g_strdup(step->id);
  copy->ref = g_strdup(step->ref);
  copy->comm = g_strdup(step->comm);
  copy->name = g_strdup(step->name);
  copy->svalue = g_strdup(step->svalue);
  copy->cgroup = g_strdup(step->cgroup);
  return copy;
}

static gsize
sc_step_string_size(const char *string)
{
  return string != NULL ? strlen(string) + 1 : 0;
}

/* string copied to *tail, which moves past it; NULL stays NULL. */
static char *
sc_step_pack_string(char **tail, const char *string)
{
  if (string == NULL)
    return NULL;
  gsize size = strlen(string) + 1;
  char *packed = memcpy(*tail, string, size);
  *tail += size;
  return packed;
}

ScStep *
sc_step_pack(const ScStep *step)
{
  gsize bytes = sc_step_string_size(step->id) + sc_step_string_size(step->ref) + sc_step_string_size(step->comm) +
                sc_step_string_size(step->name) + sc_step_string_size(step->svalue) +
                sc_step_string_size(step->cgroup);
  ScStep *packed = g_malloc(sizeof *packed + bytes);
  *packed = *step;
  packed->packed_bytes = bytes;
  char *tail = (char *) (packed + 1);
  packed->id = sc_step_pack_string(&tail, step->id);
  packed->ref = sc_step_pack_string(&tail, step->ref);
  packed->comm = sc_step_pack_string(&tail, step->comm);
  packed->name = sc_step_pack_string(&tail, step->name);
  packed->svalue = sc_step_pack_string(&tail, step->svalue);
  packed->cgroup = sc_step_pack_string(&tail, step->cgroup);
  return packed;
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
  g_free(process); /* its strings are inline or interned */
}

void
sc_expect_free(ScExpect *expect)
{
  if (expect == NULL)
    return;
  g_free(expect->constraint);
  g_free(expect->oom_memcg);
  g_free(expect->reason);
  g_free(expect->state);
  g_free(expect->by);
  g_free(expect->step);
  g_free(expect->errno_name);
  g_free(expect->message_contains);
  g_free(expect->cgroup);
  if (expect->counters != NULL)
    g_ptr_array_unref(expect->counters);
  g_free(expect->count);
  g_strfreev(expect->kernels);
  g_free(expect);
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
  g_strfreev(header->overrides);
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

/* Size suffixes (docs/scenario-format.md, "Sizes and units"). Three conventions meet here: the kernel's memparse()
 * (what `echo 50M > memory.max` means: K/k, M/m, G/g, T/t, P/p are powers of 1024), Docker's RAMInBytes()
 * (b, k, m, g, t, p in either case, powers of 1024) and Kubernetes' resource.Quantity (Ki, Mi, Gi, Ti, Pi binary;
 * k, M, G, T, P decimal; m is milli). A suffix is accepted with the meaning its users agree on; where they disagree
 * and nothing in an oomsim file could tell which was meant, it is refused with the reason (`reason`), never
 * guessed. The upper-case K, M, G, T keep the kernel's (and Docker's) binary meaning, as oomsim has always read
 * them: a scenario writes cgroup files, and the kernel reads memory.max="50M" as 50 MiB. Kubernetes' decimal
 * mega and giga are written MB, GB (SI, as kB, TB, PB). */
static const struct {
  const char *name;
  guint64 bytes;
  const char *reason; /* not NULL: refused, and why */
} sc_size_units[] = {
  { "", 1, NULL },
  { "B", 1, NULL },
  { "K", G_GUINT64_CONSTANT(1) << 10, NULL }, { "KiB", G_GUINT64_CONSTANT(1) << 10, NULL },
  { "Ki", G_GUINT64_CONSTANT(1) << 10, NULL },
  { "M", G_GUINT64_CONSTANT(1) << 20, NULL }, { "MiB", G_GUINT64_CONSTANT(1) << 20, NULL },
  { "Mi", G_GUINT64_CONSTANT(1) << 20, NULL },
  { "G", G_GUINT64_CONSTANT(1) << 30, NULL }, { "GiB", G_GUINT64_CONSTANT(1) << 30, NULL },
  { "Gi", G_GUINT64_CONSTANT(1) << 30, NULL }, { "g", G_GUINT64_CONSTANT(1) << 30, NULL },
  { "T", G_GUINT64_CONSTANT(1) << 40, NULL }, { "TiB", G_GUINT64_CONSTANT(1) << 40, NULL },
  { "Ti", G_GUINT64_CONSTANT(1) << 40, NULL }, { "t", G_GUINT64_CONSTANT(1) << 40, NULL },
  { "P", G_GUINT64_CONSTANT(1) << 50, NULL }, { "PiB", G_GUINT64_CONSTANT(1) << 50, NULL },
  { "Pi", G_GUINT64_CONSTANT(1) << 50, NULL }, { "p", G_GUINT64_CONSTANT(1) << 50, NULL },
  { "kB", G_GUINT64_CONSTANT(1000), NULL },
  { "MB", G_GUINT64_CONSTANT(1000000), NULL },
  { "GB", G_GUINT64_CONSTANT(1000000000), NULL },
  { "TB", G_GUINT64_CONSTANT(1000000000000), NULL },
  { "PB", G_GUINT64_CONSTANT(1000000000000000), NULL },
  { "m", 0, "\"m\" is milli (1/1000 byte) to Kubernetes but MiB to Docker and the kernel: write Mi or MiB (2^20) "
            "or MB (10^6)" },
  { "k", 0, "\"k\" is 1000 to Kubernetes but 1024 to Docker and the kernel: write Ki or KiB (1024) or kB (1000)" },
  { "b", 0, "\"b\" is bytes to Docker but bits to most readers: write the number alone, or B" },
};

/* The multiplier of a size suffix (trailing spaces already removed), or 0 if it is not one (*out_reason: why, when
 * it is a suffix refused as ambiguous). */
static guint64
sc_size_unit(const char *unit, gsize len, guint64 page_size, const char **out_reason)
{
  *out_reason = NULL;
  for (gsize i = 0; i < G_N_ELEMENTS(sc_size_units); i++) {
    const char *name = sc_size_units[i].name;
    if (name[0] != (len > 0 ? unit[0] : '\0')) /* the first byte first: a size is parsed per step of a trace */
      continue;
    gsize same = 0; /* compared in place (no strlen(), strncmp()): unit has no NUL in its first len bytes */
    while (same < len && name[same] == unit[same])
      same++;
    if (same == len && name[len] == '\0') {
      *out_reason = sc_size_units[i].reason;
      return sc_size_units[i].bytes;
    }
  }
  if ((len == 5 && strncmp(unit, "pages", 5) == 0) || (len == 4 && strncmp(unit, "page", 4) == 0))
    return page_size; /* 0 when no page size is known: refused */
  return 0;
}

const char *
sc_size_ambiguity(const char *text)
{
  if (text == NULL)
    return NULL;
  const char *s = sc_skip_spaces(text);
  while (g_ascii_isdigit(*s))
    s++;
  s = sc_skip_spaces(s);
  gsize len = strlen(s);
  while (len > 0 && g_ascii_isspace(s[len - 1]))
    len--;
  const char *reason;
  sc_size_unit(s, len, 0, &reason);
  return reason;
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

  const char *ambiguous;
  guint64 unit = sc_size_unit(p, (gsize) (end - p), page_size, &ambiguous);
  if (unit == 0) /* not a unit, or an ambiguous one (ambiguous says why: sc_size_ambiguity()) */
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

/* Counts of expectations (docs/scenario-format.md, "Counts and ranges") =================================== */

static gboolean
sc_parse_count_number(const char *text, guint64 *out)
{
  g_autofree char *digits = g_strstrip(g_strdup(text));
  const char *d = digits[0] == '+' ? digits + 1 : digits;
  return d[0] != '\0' && g_ascii_isdigit(d[0]) && g_ascii_string_to_unsigned(d, 10, 0, G_MAXINT64, out, NULL);
}

gboolean
sc_parse_count(const char *text, ScCount *out)
{
  g_autofree char *t = g_strstrip(g_strdup(text ? text : ""));
  *out = (ScCount){ .min = 0, .max = G_MAXINT64 };
  if (strcmp(t, "none") == 0) {
    out->none = TRUE;
    return TRUE;
  }
  guint64 n, m;
  const char *dots = strstr(t, "..");
  if (t[0] == '>' || t[0] == '<') {
    gboolean equal = t[1] == '=';
    if (!sc_parse_count_number(t + 1 + equal, &n))
      return FALSE;
    if (t[0] == '>') {
      if (!equal && n == G_MAXINT64)
        return FALSE;
      out->min = equal ? n : n + 1;
    } else {
      if (!equal && n == 0)
        return FALSE; /* "<0": no count */
      out->max = equal ? n : n - 1;
    }
    return TRUE;
  }
  if (dots) {
    g_autofree char *low = g_strndup(t, (gsize)(dots - t));
    if (!sc_parse_count_number(low, &n))
      return FALSE;
    out->min = n;
    if (dots[2] == '\0')
      return TRUE; /* "N..": N or more */
    if (!sc_parse_count_number(dots + 2, &m) || m < n)
      return FALSE;
    out->max = m;
    return TRUE;
  }
  if (!sc_parse_count_number(t, &n))
    return FALSE;
  out->min = out->max = n;
  return TRUE;
}

gboolean
sc_count_holds(const ScCount *count, gint64 value)
{
  if (value < 0)
    return count->none;
  return !count->none && (guint64) value >= count->min && (guint64) value <= count->max;
}

gboolean
sc_expect_applies(const ScExpect *expect, const char *profile_name)
{
  return expect->kernels == NULL || g_strv_contains((const char *const *) expect->kernels, profile_name);
}
