/* scenarios/scenario-values.c: one attribute value checked the same way for the XML loader and for --set
 * (scenario-values.h). The ranges are the kernel's: sysctl bounds from kernel/sysctl.c and mm/ (extra1/extra2 of
 * each ctl_table entry), cgroup files by type (page_counter_memparse() sizes, v1's -1, 0/1 flags). */
#include "scenario-values.h"

#include <string.h>

static void value_error(GError **error, ScenarioError code, const char *format, ...) G_GNUC_PRINTF(3, 4);
static void value_error(GError **error, ScenarioError code, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *message = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error_literal(error, SCENARIO_ERROR, (int) code, message);
}

/* The common case, plain decimal digits with an optional '-' (at most 18 digits: no overflow), in range: what
 * g_ascii_string_to_signed() would return, without the copy and the general parser (a trace has one or two
 * integers per step). FALSE: anything else, for the general path below, which also words the errors. */
static gboolean int_fast(const char *text, gint64 min, gint64 max, gint64 *out)
{
  const char *p = text && text[0] == '-' ? text + 1 : text;
  if (!p || !*p)
    return FALSE;
  gint64 v = 0;
  int n = 0;
  for (; *p; p++, n++) {
    if (*p < '0' || *p > '9' || n >= 18)
      return FALSE;
    v = v * 10 + (*p - '0');
  }
  if (text[0] == '-')
    v = -v;
  if (v < min || v > max)
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean sc_value_int(const char *element, const char *name, const char *text, gint64 min, gint64 max,
                      gint64 *out, GError **error)
{
  if (int_fast(text, min, max, out))
    return TRUE;
  g_autofree char *stripped = g_strstrip(g_strdup(text ? text : ""));
  const char *digits = stripped[0] == '+' ? stripped + 1 : stripped;
  g_autoptr(GError) parse_error = NULL;
  if (g_ascii_string_to_signed(digits, 10, min, max, out, &parse_error))
    return TRUE;
  if (g_error_matches(parse_error, G_NUMBER_PARSER_ERROR, G_NUMBER_PARSER_ERROR_OUT_OF_BOUNDS))
    value_error(error, SCENARIO_ERROR_RANGE,
                "<%s> %s=\"%s\" is out of range: %" G_GINT64_FORMAT "..%" G_GINT64_FORMAT, element, name, stripped,
                min, max);
  else
    value_error(error, SCENARIO_ERROR_SCHEMA, "<%s> %s=\"%s\" is not an integer", element, name, stripped);
  return FALSE;
}

gboolean sc_value_bool(const char *element, const char *name, const char *text, gboolean *out, GError **error)
{
  g_autofree char *stripped = g_strstrip(g_strdup(text ? text : ""));
  if (strcmp(stripped, "true") == 0 || strcmp(stripped, "1") == 0)
    *out = TRUE;
  else if (strcmp(stripped, "false") == 0 || strcmp(stripped, "0") == 0)
    *out = FALSE;
  else {
    value_error(error, SCENARIO_ERROR_SCHEMA, "<%s> %s=\"%s\" is not a boolean", element, name, stripped);
    return FALSE;
  }
  return TRUE;
}

gboolean sc_value_size(const char *element, const char *name, const char *text, guint64 page_size,
                       gboolean allow_max, guint64 *out_bytes, GError **error)
{
  if (sc_parse_size(text, page_size, allow_max, out_bytes))
    return TRUE;
  text = text ? text : "";
  /* Tell an overflow from a typo: the same unit after "1" parses if only the number was too big. */
  const char *s = text;
  while (g_ascii_isspace(*s))
    s++;
  const char *unit = s;
  while (g_ascii_isdigit(*unit))
    unit++;
  g_autofree char *one = g_strconcat("1", unit, NULL);
  g_autofree char *stripped = g_strstrip(g_strdup(s));
  guint64 ignored;
  const char *ambiguous = sc_size_ambiguity(text);
  if (ambiguous && unit != s)
    value_error(error, SCENARIO_ERROR_SIZE, "<%s> %s=\"%s\": an ambiguous unit: %s", element, name, text,
                ambiguous);
  else if (unit != s && sc_parse_size(one, page_size, FALSE, &ignored))
    value_error(error, SCENARIO_ERROR_SIZE, "<%s> %s=\"%s\": size too large", element, name, text);
  else if (!allow_max && strcmp(stripped, "max") == 0)
    value_error(error, SCENARIO_ERROR_SIZE, "<%s> %s=\"max\": max is not allowed here", element, name);
  else
    value_error(error, SCENARIO_ERROR_SIZE,
                "<%s> %s=\"%s\" is not a size (bytes, K/KiB, M/MiB, G/GiB, T/TiB, pages%s)", element, name, text,
                allow_max ? " or max" : "");
  return FALSE;
}

/* The sysctls a scenario may set, with the ranges their proc handlers accept (extra1..extra2). */
static const struct {
  const char *name;
  gint64 min, max;
} sysctl_ranges[] = {
  { "vm.overcommit_memory", 0, 2 },
  { "vm.overcommit_ratio", 0, 1000000 },
  { "vm.overcommit_kbytes", 0, G_MAXINT64 },
  { "vm.panic_on_oom", 0, 2 },
  { "vm.oom_kill_allocating_task", 0, 1 },
  { "vm.admin_reserve_kbytes", 0, G_MAXINT64 },
  { "vm.user_reserve_kbytes", 0, G_MAXINT64 },
  { "vm.min_free_kbytes", 0, G_MAXINT64 },
  { "vm.swappiness", 0, 200 },
};

gboolean sc_value_sysctl(const char *element, const char *name, const char *text, gint64 *out, GError **error)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS(sysctl_ranges); i++)
    if (strcmp(name, sysctl_ranges[i].name) == 0)
      return sc_value_int(element, "value", text, sysctl_ranges[i].min, sysctl_ranges[i].max, out, error);
  value_error(error, SCENARIO_ERROR_SCHEMA, "unknown sysctl \"%s\"", name ? name : "");
  return FALSE;
}

gboolean sc_value_is_sysctl(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(sysctl_ranges); i++)
    if (g_strcmp0(name, sysctl_ranges[i].name) == 0)
      return TRUE;
  return FALSE;
}

typedef enum {
  CG_FILE_SIZE,     /* a size or "max" */
  CG_FILE_V1_LIMIT, /* a size, "max" or -1 (unlimited) */
  CG_FILE_BOOL,     /* 0 or 1 */
} CgroupFileType;

static const struct {
  const char *name;
  int version;
  CgroupFileType type;
} cgroup_files[] = {
  { "memory.max", 2, CG_FILE_SIZE },
  { "memory.high", 2, CG_FILE_SIZE },
  { "memory.swap.max", 2, CG_FILE_SIZE },
  { "memory.oom.group", 2, CG_FILE_BOOL },
  { "memory.limit_in_bytes", 1, CG_FILE_V1_LIMIT },
  { "memory.memsw.limit_in_bytes", 1, CG_FILE_V1_LIMIT },
  { "memory.oom_control", 1, CG_FILE_BOOL },
  { "memory.use_hierarchy", 1, CG_FILE_BOOL },
};

gboolean sc_value_is_cgroup_file(const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS(cgroup_files); i++)
    if (g_strcmp0(name, cgroup_files[i].name) == 0)
      return TRUE;
  return FALSE;
}

gboolean sc_value_cgroup_file(const char *element, int version, const char *name, const char *value,
                              guint64 page_size, GError **error)
{
  for (gsize i = 0; i < G_N_ELEMENTS(cgroup_files); i++) {
    if (strcmp(name, cgroup_files[i].name) != 0)
      continue;
    if (cgroup_files[i].version != version) {
      value_error(error, SCENARIO_ERROR_SCHEMA, "%s is a cgroup v%d file, but <cgroups version=\"%d\">", name,
                  cgroup_files[i].version, version);
      return FALSE;
    }
    g_autofree char *stripped = g_strstrip(g_strdup(value));
    guint64 bytes;
    switch (cgroup_files[i].type) {
    case CG_FILE_V1_LIMIT:
      if (strcmp(stripped, "-1") == 0)
        return TRUE;
      return sc_value_size(element, name, value, page_size, TRUE, &bytes, error);
    case CG_FILE_SIZE:
      return sc_value_size(element, name, value, page_size, TRUE, &bytes, error);
    case CG_FILE_BOOL:
      if (strcmp(stripped, "0") == 0 || strcmp(stripped, "1") == 0)
        return TRUE;
      value_error(error, SCENARIO_ERROR_RANGE, "%s=\"%s\": must be 0 or 1", name, value);
      return FALSE;
    }
  }
  value_error(error, SCENARIO_ERROR_SCHEMA, "unknown cgroup file %s", name);
  return FALSE;
}
