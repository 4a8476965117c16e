/* whatif/overrides.c: --set PARAM=VALUE on a loaded scenario (whatif/overrides.h, docs/what-if.md).
 *
 * A variant is a view of a loaded scenario: a shallow copy of its header whose arrays hold the loaded records'
 * pointers, and a step list holding the loaded steps' pointers. Setting a value copies the one record it changes
 * (a cgroup, a process, a step) and puts the copy in the view; the loaded scenario is never modified, so any
 * number of variants can be built from it, on any number of threads. Values are checked by the loader's own
 * functions (scenarios/scenario-values.c) with the element they belong to, so `--set` refuses exactly what the
 * XML would refuse, with the same words, at the line of the element it overrides.
 */
#include "overrides.h"

#include <string.h>

#include "../scenarios/scenario-loader.h"
#include "../scenarios/scenario-values.h"

G_DEFINE_QUARK(whatif-error-quark, whatif_error)

typedef enum {
  TARGET_MACHINE,
  TARGET_SYSCTL,
  TARGET_CGROUP,
  TARGET_PROCESS,
  TARGET_STEP,
} TargetKind;

struct _WhatifParam {
  char *option;  /* "--set", "--vary": for messages */
  char *address; /* as written */
  TargetKind kind;
  char *field;   /* "ram", "vm.swappiness", "memory.max", "oom_score_adj", "size" */
  guint index;   /* cgroup or process index in the header, step index in the trace */
  WhatifValueType type;
};

struct _WhatifVariant {
  const SimScenario *sc;
  ScenarioHeader header; /* shallow: its arrays are views (no free functions) */
  GPtrArray *steps;      /* view of the loaded steps */
  GPtrArray *owned;      /* the copies made, freed with the variant (each a GDestroyNotify closure below) */
  GPtrArray *sets;       /* char*: "PARAM=VALUE" applied, in order */
};

typedef struct {
  gpointer data;
  GDestroyNotify destroy;
} Owned;

static void owned_free(gpointer data)
{
  Owned *o = data;
  o->destroy(o->data);
  g_free(o);
}

static gpointer own(WhatifVariant *v, gpointer data, GDestroyNotify destroy)
{
  Owned *o = g_new(Owned, 1);
  *o = (Owned){ data, destroy };
  g_ptr_array_add(v->owned, o);
  return data;
}

static gboolean is_owned(const WhatifVariant *v, gconstpointer data)
{
  for (guint i = 0; i < v->owned->len; i++)
    if (((const Owned *)v->owned->pdata[i])->data == data)
      return TRUE;
  return FALSE;
}

/* ---------------------------------------------------------------- addresses */

/* The fields of each target: name, and whether its values are sizes. */
typedef struct {
  const char *name;
  gboolean size;
} Field;

static const Field machine_fields[] = {
  { "ram", TRUE }, { "swap", TRUE }, { "kernel-reserved", TRUE }, { "cpus", FALSE },
};
static const Field process_fields[] = {
  { "oom_score_adj", FALSE }, { "uid", FALSE }, { "threads", FALSE }, { "cap-sys-admin", FALSE },
  { "stuck", FALSE }, { "oom-task-origin", FALSE }, { "vfork-child", FALSE }, { "base-rss", TRUE },
  { "base-pgtables", TRUE }, { "cgroup", FALSE }, { "comm", FALSE }, { "container", FALSE },
};

/* The attributes of a step that --set may change, by kind (NULL: none). */
static gboolean step_has_field(ScStepKind kind, const char *field)
{
  gboolean sized = kind == SC_STEP_MMAP || kind == SC_STEP_TOUCH || kind == SC_STEP_MALLOC ||
                   kind == SC_STEP_FILE_READ || kind == SC_STEP_SHMEM_WRITE;
  if (strcmp(field, "at") == 0)
    return TRUE;
  if (strcmp(field, "size") == 0)
    return sized;
  if (strcmp(field, "repeat") == 0)
    return kind == SC_STEP_TOUCH || kind == SC_STEP_MALLOC;
  if (strcmp(field, "oom_score_adj") == 0)
    return kind == SC_STEP_SET;
  if (strcmp(field, "code") == 0)
    return kind == SC_STEP_EXIT;
  if (strcmp(field, "value") == 0)
    return kind == SC_STEP_SYSCTL || kind == SC_STEP_CGROUP_SET;
  if (strcmp(field, "cgroup") == 0)
    return kind == SC_STEP_MOVE || kind == SC_STEP_CGROUP_SET;
  return FALSE;
}

static const Field *find_field(const Field *fields, gsize n, const char *name)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp(fields[i].name, name) == 0)
      return &fields[i];
  return NULL;
}

static void no_match(GError **error, const ScenarioHeader *h, const WhatifParam *p, const char *format, ...)
  G_GNUC_PRINTF(4, 5);
static void no_match(GError **error, const ScenarioHeader *h, const WhatifParam *p, const char *format, ...)
{
  va_list args;
  va_start(args, format);
  g_autofree char *why = g_strdup_vprintf(format, args);
  va_end(args);
  g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_NO_MATCH, "%s:%d:%d: %s %s: %s", h->file, h->line, h->col,
              p->option, p->address, why);
}

/* "KIND[KEY].FIELD": the key and the field, or FALSE. */
static gboolean split_bracket(const char *rest, char **out_key, char **out_field)
{
  const char *close = strstr(rest, "].");
  if (rest[0] != '[' || !close || close == rest + 1 || close[2] == '\0')
    return FALSE;
  *out_key = g_strndup(rest + 1, (gsize)(close - rest - 1));
  *out_field = g_strdup(close + 2);
  return TRUE;
}

static const char *const address_forms =
  "machine.ram|swap|kernel-reserved|cpus, sysctl.vm.NAME, cgroup[PATH].FILE, process[PID].FIELD, "
  "step[ID].FIELD (docs/what-if.md)";

static gboolean resolve_cgroup(const ScenarioHeader *h, WhatifParam *p, const char *key, GError **error)
{
  for (guint i = 0; i < h->cgroups->len; i++) {
    const ScCgroup *c = h->cgroups->pdata[i];
    if (strcmp(c->path, key) != 0)
      continue;
    if (!sc_value_is_cgroup_file(p->field)) {
      no_match(error, h, p, "unknown cgroup file %s", p->field);
      return FALSE;
    }
    p->index = i;
    return TRUE;
  }
  no_match(error, h, p, "no cgroup %s in <cgroups>%s", key,
           strcmp(key, "/") == 0 ? " (the root's files cannot be set)" : "");
  return FALSE;
}

static gboolean resolve_process(const ScenarioHeader *h, WhatifParam *p, const char *key, GError **error)
{
  gint64 pid;
  if (!g_ascii_string_to_signed(key, 10, 1, SC_PID_MAX, &pid, NULL)) {
    no_match(error, h, p, "\"%s\" is not a pid", key);
    return FALSE;
  }
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *proc = h->processes->pdata[i];
    if (proc->pid != pid)
      continue;
    if (!find_field(process_fields, G_N_ELEMENTS(process_fields), p->field)) {
      no_match(error, h, p, "<process> has no attribute %s that --set can change", p->field);
      return FALSE;
    }
    p->index = i;
    return TRUE;
  }
  no_match(error, h, p, "no process with pid %s in <processes>", key);
  return FALSE;
}

static gboolean resolve_step(const SimScenario *sc, WhatifParam *p, const char *key, GError **error)
{
  const ScenarioHeader *h = sim_scenario_header(sc);
  GPtrArray *steps = sim_scenario_steps(sc);
  gint64 index = -1;
  if (key[0] == '#') {
    guint64 n;
    if (g_ascii_string_to_unsigned(key + 1, 10, 1, MAX(steps->len, 1), &n, NULL) && n <= steps->len)
      index = (gint64)n - 1;
  } else {
    for (guint i = 0; i < steps->len && index < 0; i++)
      if (g_strcmp0(((const ScStep *)steps->pdata[i])->id, key) == 0)
        index = i;
  }
  if (index < 0) {
    no_match(error, h, p, "no step %s in <trace> (a step's id, or #N for the Nth step of %u)", key,
             steps->len);
    return FALSE;
  }
  const ScStep *step = steps->pdata[index];
  if (!step_has_field(step->kind, p->field)) {
    no_match(error, h, p, "step %s is a <%s>, which has no attribute %s that --set can change", key,
             sc_step_kind_names[step->kind], p->field);
    return FALSE;
  }
  p->index = (guint)index;
  return TRUE;
}

static gboolean is_flag_file(const char *file)
{
  return strcmp(file, "memory.oom.group") == 0 || strcmp(file, "memory.oom_control") == 0 ||
         strcmp(file, "memory.use_hierarchy") == 0;
}

/* What kind of values a resolved parameter takes (ranges step over sizes and integers only). */
static WhatifValueType value_type(const SimScenario *sc, const WhatifParam *p)
{
  const Field *f;
  switch (p->kind) {
  case TARGET_MACHINE:
    return find_field(machine_fields, G_N_ELEMENTS(machine_fields), p->field)->size ? WHATIF_VALUE_SIZE
                                                                                     : WHATIF_VALUE_INT;
  case TARGET_SYSCTL:
    return WHATIF_VALUE_INT;
  case TARGET_CGROUP:
    return is_flag_file(p->field) ? WHATIF_VALUE_INT : WHATIF_VALUE_SIZE;
  case TARGET_PROCESS:
    f = find_field(process_fields, G_N_ELEMENTS(process_fields), p->field);
    if (f->size)
      return WHATIF_VALUE_SIZE;
    return strcmp(f->name, "oom_score_adj") == 0 || strcmp(f->name, "uid") == 0 || strcmp(f->name, "threads") == 0
             ? WHATIF_VALUE_INT
             : WHATIF_VALUE_TEXT;
  case TARGET_STEP: {
    const ScStep *step = sim_scenario_steps(sc)->pdata[p->index];
    if (strcmp(p->field, "size") == 0)
      return WHATIF_VALUE_SIZE;
    if (strcmp(p->field, "value") == 0)
      return step->kind == SC_STEP_SYSCTL || is_flag_file(step->name) ? WHATIF_VALUE_INT : WHATIF_VALUE_SIZE;
    return strcmp(p->field, "at") == 0 || strcmp(p->field, "cgroup") == 0 ? WHATIF_VALUE_TEXT : WHATIF_VALUE_INT;
  }
  }
  return WHATIF_VALUE_TEXT;
}

WhatifParam *whatif_param_resolve(const SimScenario *sc, const char *option, const char *address, GError **error)
{
  const ScenarioHeader *h = sim_scenario_header(sc);
  g_autoptr(WhatifParam) p = g_new0(WhatifParam, 1);
  p->option = g_strdup(option);
  p->address = g_strdup(address);
  g_autofree char *key = NULL;
  gboolean ok;
  if (g_str_has_prefix(address, "machine.")) {
    p->kind = TARGET_MACHINE;
    p->field = g_strdup(address + strlen("machine."));
    ok = find_field(machine_fields, G_N_ELEMENTS(machine_fields), p->field) != NULL;
    if (!ok) {
      no_match(error, h, p, "<machine> has no attribute %s that --set can change (ram, swap, "
               "kernel-reserved, cpus)", p->field);
      return NULL;
    }
  } else if (g_str_has_prefix(address, "sysctl.")) {
    p->kind = TARGET_SYSCTL;
    p->field = g_strdup(address + strlen("sysctl."));
    if (!sc_value_is_sysctl(p->field)) {
      no_match(error, h, p, "unknown sysctl \"%s\"", p->field);
      return NULL;
    }
  } else if (g_str_has_prefix(address, "cgroup") && split_bracket(address + 6, &key, &p->field)) {
    p->kind = TARGET_CGROUP;
    if (!resolve_cgroup(h, p, key, error))
      return NULL;
  } else if (g_str_has_prefix(address, "process") && split_bracket(address + 7, &key, &p->field)) {
    p->kind = TARGET_PROCESS;
    if (!resolve_process(h, p, key, error))
      return NULL;
  } else if (g_str_has_prefix(address, "step") && split_bracket(address + 4, &key, &p->field)) {
    p->kind = TARGET_STEP;
    if (!resolve_step(sc, p, key, error))
      return NULL;
  } else {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: %s %s: not an address: %s", h->file, h->line,
                h->col, option, address, address_forms);
    return NULL;
  }
  p->type = value_type(sc, p);
  return g_steal_pointer(&p);
}

void whatif_param_free(WhatifParam *p)
{
  if (!p)
    return;
  g_free(p->option);
  g_free(p->address);
  g_free(p->field);
  g_free(p);
}

const char *whatif_param_address(const WhatifParam *p)
{
  return p->address;
}

WhatifValueType whatif_param_type(const WhatifParam *p)
{
  return p->type;
}

gboolean whatif_split_assignment(const char *text, char **out_param, char **out_value, GError **error)
{
  const char *eq = strchr(text, '=');
  if (!eq || eq == text || eq[1] == '\0') {
    g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "\"%s\" is not PARAM=VALUE", text);
    return FALSE;
  }
  *out_param = g_strndup(text, (gsize)(eq - text));
  *out_value = g_strdup(eq + 1);
  return TRUE;
}

/* ---------------------------------------------------------------- variants */

/* A new array of the same pointers (copied at once, with no zero-filling first: a sweep makes one view of a
 * 10,000-step trace per variant). g_ptr_array_extend() without a copy function is one memcpy; it reads `array` only. */
static GPtrArray *view_of(const GPtrArray *array)
{
  GPtrArray *view = g_ptr_array_sized_new(array->len + 1);
  g_ptr_array_extend(view, (GPtrArray *)array, NULL, NULL);
  return view;
}

WhatifVariant *whatif_variant_new(const SimScenario *sc)
{
  WhatifVariant *v = g_new0(WhatifVariant, 1);
  v->sc = sc;
  v->header = *sim_scenario_header(sc);
  v->header.sysctls = view_of(v->header.sysctls);
  v->header.cgroups = view_of(v->header.cgroups);
  v->header.processes = view_of(v->header.processes);
  v->header.overrides = NULL;
  v->steps = view_of(sim_scenario_steps(sc));
  v->owned = g_ptr_array_new_with_free_func(owned_free);
  v->sets = g_ptr_array_new_with_free_func(g_free);
  return v;
}

void whatif_variant_free(WhatifVariant *v)
{
  if (!v)
    return;
  g_ptr_array_unref(v->header.sysctls);
  g_ptr_array_unref(v->header.cgroups);
  g_ptr_array_unref(v->header.processes);
  g_strfreev(v->header.overrides);
  g_ptr_array_unref(v->steps);
  g_ptr_array_unref(v->owned);
  g_ptr_array_unref(v->sets);
  g_free(v);
}

const ScenarioHeader *whatif_variant_header(const WhatifVariant *v)
{
  return &v->header;
}

GPtrArray *whatif_variant_steps(const WhatifVariant *v)
{
  return v->steps;
}

/* The variant's own copy of the cgroup at index (copied on the first write). */
static ScCgroup *cgroup_for_write(WhatifVariant *v, guint index)
{
  ScCgroup *c = v->header.cgroups->pdata[index];
  if (is_owned(v, c))
    return c;
  ScCgroup *copy = g_memdup2(c, sizeof *c);
  copy->path = g_strdup(c->path);
  copy->attrs = g_ptr_array_new_with_free_func((GDestroyNotify)sc_attr_free);
  for (guint i = 0; i < c->attrs->len; i++) {
    const ScAttr *a = c->attrs->pdata[i];
    ScAttr *ac = g_memdup2(a, sizeof *a);
    ac->name = g_strdup(a->name);
    ac->value = g_strdup(a->value);
    g_ptr_array_add(copy->attrs, ac);
  }
  v->header.cgroups->pdata[index] = own(v, copy, (GDestroyNotify)sc_cgroup_free);
  return copy;
}

static ScProcess *process_for_write(WhatifVariant *v, guint index)
{
  ScProcess *p = v->header.processes->pdata[index];
  if (is_owned(v, p))
    return p;
  ScProcess *copy = g_memdup2(p, sizeof *p); /* its strings are inline or interned (scenarios/scenario.h) */
  v->header.processes->pdata[index] = own(v, copy, (GDestroyNotify)sc_process_free);
  return copy;
}

static ScStep *step_for_write(WhatifVariant *v, guint index)
{
  ScStep *s = v->steps->pdata[index];
  if (is_owned(v, s))
    return s;
  ScStep *copy = sc_step_copy(s);
  v->steps->pdata[index] = own(v, copy, (GDestroyNotify)sc_step_free);
  return copy;
}

/* The error of a value check, located at the element it overrides, prefixed by the --set it came from. */
static gboolean value_failed(const WhatifVariant *v, const WhatifParam *p, const char *value, int line, int col,
                             GError *value_error, GError **error)
{
  scenario_set_error(error, (ScenarioError)value_error->code, v->header.file, line, col, "%s %s=%s: %s",
                     p->option, p->address, value, value_error->message);
  g_error_free(value_error);
  return FALSE;
}

static gboolean set_machine(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  ScenarioHeader *h = &v->header;
  GError *local = NULL;
  if (strcmp(p->field, "cpus") == 0) {
    gint64 cpus;
    if (!sc_value_int("machine", "cpus", value, 1, SC_CPUS_MAX, &cpus, &local))
      return value_failed(v, p, value, h->line, h->col, local, error);
    h->cpus = (int)cpus;
    return TRUE;
  }
  guint64 bytes;
  if (!sc_value_size("machine", p->field, value, h->page_size, FALSE, &bytes, &local))
    return value_failed(v, p, value, h->line, h->col, local, error);
  if (strcmp(p->field, "kernel-reserved") == 0) {
    h->kernel_reserved_bytes = bytes;
    return TRUE;
  }
  if (bytes > SC_MACHINE_BYTES_MAX) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, h->file, h->line, h->col,
                       "%s %s=%s: %s is more than 4 PiB (2^52 bytes, MAX_PHYSMEM_BITS of x86-64 with 5-level "
                       "paging), the most the model takes", p->option, p->address, value, p->field);
    return FALSE;
  }
  if (strcmp(p->field, "ram") == 0)
    h->ram_bytes = bytes;
  else
    h->swap_bytes = bytes;
  return TRUE;
}

static gboolean set_sysctl(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  GError *local = NULL;
  gint64 n;
  guint i;
  for (i = 0; i < v->header.sysctls->len; i++)
    if (strcmp(((const ScSysctl *)v->header.sysctls->pdata[i])->name, p->field) == 0)
      break;
  const ScSysctl *old = i < v->header.sysctls->len ? v->header.sysctls->pdata[i] : NULL;
  int line = old ? old->line : v->header.line, col = old ? old->col : v->header.col;
  if (!sc_value_sysctl("sysctl", p->field, value, &n, &local))
    return value_failed(v, p, value, line, col, local, error);
  ScSysctl *s = g_new0(ScSysctl, 1);
  *s = (ScSysctl){ .name = g_strdup(p->field), .value = n, .line = line, .col = col };
  own(v, s, (GDestroyNotify)sc_sysctl_free);
  if (old)
    v->header.sysctls->pdata[i] = s;
  else
    g_ptr_array_add(v->header.sysctls, s);
  return TRUE;
}

static gboolean set_cgroup(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  const ScCgroup *c = v->header.cgroups->pdata[p->index];
  GError *local = NULL;
  if (!sc_value_cgroup_file("cgroup", v->header.cgroup_version, p->field, value, v->header.page_size, &local))
    return value_failed(v, p, value, c->line, c->col, local, error);
  ScCgroup *w = cgroup_for_write(v, p->index);
  for (guint i = 0; i < w->attrs->len; i++) {
    ScAttr *a = w->attrs->pdata[i];
    if (strcmp(a->name, p->field) == 0) {
      g_free(a->value);
      a->value = g_strdup(value);
      return TRUE;
    }
  }
  ScAttr *a = g_new0(ScAttr, 1);
  *a = (ScAttr){ .name = g_strdup(p->field), .value = g_strdup(value), .line = c->line, .col = c->col };
  g_ptr_array_add(w->attrs, a);
  return TRUE;
}

/* A cgroup a process may be in or move to: "/" or one of <cgroups>. */
static gboolean cgroup_exists(const ScenarioHeader *h, const char *path, gboolean allow_root)
{
  if (allow_root && strcmp(path, "/") == 0)
    return TRUE;
  for (guint i = 0; i < h->cgroups->len; i++)
    if (strcmp(((const ScCgroup *)h->cgroups->pdata[i])->path, path) == 0)
      return TRUE;
  return FALSE;
}

static gboolean set_process_text(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  const ScProcess *old = v->header.processes->pdata[p->index];
  if (strcmp(p->field, "cgroup") == 0 && !cgroup_exists(&v->header, value, TRUE)) {
    scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, v->header.file, old->line, old->col,
                       "%s %s=%s: process cgroup: no cgroup %s in <cgroups>", p->option, p->address, value, value);
    return FALSE;
  }
  if (strcmp(p->field, "comm") == 0 && (strlen(value) < 1 || strlen(value) >= SC_TASK_COMM_LEN)) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, v->header.file, old->line, old->col,
                       "%s %s=%s: comm \"%s\" has %" G_GSIZE_FORMAT " bytes; it must have 1 to %d (TASK_COMM_LEN "
                       "%d)", p->option, p->address, value, value, strlen(value), SC_TASK_COMM_LEN - 1, SC_TASK_COMM_LEN);
    return FALSE;
  }
  ScProcess *w = process_for_write(v, p->index);
  if (strcmp(p->field, "comm") == 0)
    g_strlcpy(w->comm, value, sizeof w->comm); /* it fits (above) */
  else if (strcmp(p->field, "cgroup") == 0)
    w->cgroup = strcmp(value, "/") == 0 ? NULL : g_intern_string(value); /* NULL: root */
  else
    w->container = g_intern_string(value);
  return TRUE;
}

static gboolean set_process(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  const ScProcess *old = v->header.processes->pdata[p->index];
  const char *f = p->field;
  GError *local = NULL;
  gint64 n = 0;
  gboolean flag = FALSE;
  guint64 bytes = 0;
  gboolean ok;
  if (strcmp(f, "cgroup") == 0 || strcmp(f, "comm") == 0 || strcmp(f, "container") == 0)
    return set_process_text(v, p, value, error);
  if (strcmp(f, "oom_score_adj") == 0)
    ok = sc_value_int("process", f, value, -1000, 1000, &n, &local);
  else if (strcmp(f, "uid") == 0)
    ok = sc_value_int("process", f, value, 0, G_MAXUINT32 - 1, &n, &local);
  else if (strcmp(f, "threads") == 0)
    ok = sc_value_int("process", f, value, 1, SC_PID_MAX, &n, &local);
  else if (strcmp(f, "base-rss") == 0 || strcmp(f, "base-pgtables") == 0)
    ok = sc_value_size("process", f, value, v->header.page_size, FALSE, &bytes, &local);
  else
    ok = sc_value_bool("process", f, value, &flag, &local);
  if (!ok)
    return value_failed(v, p, value, old->line, old->col, local, error);
  ScProcess *w = process_for_write(v, p->index);
  if (strcmp(f, "oom_score_adj") == 0)
    w->oom_score_adj = (int)n;
  else if (strcmp(f, "uid") == 0)
    w->uid = (guint)n;
  else if (strcmp(f, "threads") == 0)
    w->threads = (int)n;
  else if (strcmp(f, "base-rss") == 0)
    w->base_rss_bytes = bytes;
  else if (strcmp(f, "base-pgtables") == 0)
    w->base_pgtables_bytes = bytes;
  else if (strcmp(f, "cap-sys-admin") == 0)
    w->cap_sys_admin = flag;
  else if (strcmp(f, "stuck") == 0)
    w->stuck = flag;
  else if (strcmp(f, "oom-task-origin") == 0)
    w->oom_task_origin = flag;
  else
    w->vfork_child = flag;
  return TRUE;
}

static gboolean set_step_at(WhatifVariant *v, const WhatifParam *p, const ScStep *old, const char *value,
                            GError **error)
{
  guint64 ns;
  if (!sc_parse_duration(value, &ns)) {
    g_autofree char *stripped = g_strstrip(g_strdup(value));
    gboolean digits = g_ascii_isdigit(stripped[0]);
    scenario_set_error(error, digits ? SCENARIO_ERROR_RANGE : SCENARIO_ERROR_SCHEMA, v->header.file, old->line,
                       old->col, "%s %s=%s: <%s> at=\"%s\": %s", p->option, p->address, value, sc_step_kind_names[old->kind],
                       value, digits ? "duration too large or without a unit (ns, us, ms, s)" : "not a duration");
    return FALSE;
  }
  ScStep *w = step_for_write(v, p->index);
  w->has_at = TRUE;
  w->at_ns = ns;
  return TRUE;
}

static gboolean set_step(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  const ScStep *old = v->steps->pdata[p->index];
  const char *element = sc_step_kind_names[old->kind];
  const char *f = p->field;
  GError *local = NULL;
  gint64 n = 0;
  guint64 bytes = 0;
  gboolean ok = TRUE;
  if (strcmp(f, "at") == 0)
    return set_step_at(v, p, old, value, error);
  if (strcmp(f, "cgroup") == 0) {
    if (!cgroup_exists(&v->header, value, old->kind == SC_STEP_MOVE)) {
      scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, v->header.file, old->line, old->col,
                         "%s %s=%s: %s: no cgroup %s in <cgroups>", p->option, p->address, value, element, value);
      return FALSE;
    }
    ScStep *w = step_for_write(v, p->index);
    g_free(w->cgroup);
    w->cgroup = g_strdup(value);
    w->cgroup_slot = 0; /* compiled for the old path: the engine looks the new one up (sim/pipeline.c) */
    return TRUE;
  }
  if (strcmp(f, "size") == 0) {
    ok = sc_value_size(element, "size", value, v->header.page_size, FALSE, &bytes, &local);
    if (ok && bytes > SC_TASK_SIZE) {
      scenario_set_error(error, SCENARIO_ERROR_RANGE, v->header.file, old->line, old->col,
                         "%s %s=%s: <%s> size=%" G_GUINT64_FORMAT " bytes is more than the x86-64 user address "
                         "space (TASK_SIZE, 128 TiB less a page, %" G_GUINT64_FORMAT " bytes): mmap(2) fails with "
                         "ENOMEM", p->option, p->address, value, element, bytes, SC_TASK_SIZE);
      return FALSE;
    }
  } else if (strcmp(f, "repeat") == 0)
    ok = sc_value_int(element, f, value, 1, SC_REPEAT_MAX, &n, &local);
  else if (strcmp(f, "oom_score_adj") == 0)
    ok = sc_value_int(element, f, value, -1000, 1000, &n, &local);
  else if (strcmp(f, "code") == 0)
    ok = sc_value_int(element, f, value, 0, 255, &n, &local);
  else if (old->kind == SC_STEP_SYSCTL)
    ok = sc_value_sysctl(element, old->name, value, &n, &local);
  else /* cgroup-set value */
    ok = sc_value_cgroup_file(element, v->header.cgroup_version, old->name, value, v->header.page_size, &local);
  if (!ok)
    return value_failed(v, p, value, old->line, old->col, local, error);
  ScStep *w = step_for_write(v, p->index);
  if (strcmp(f, "size") == 0)
    w->size_bytes = bytes;
  else if (strcmp(f, "repeat") == 0)
    w->repeat = (guint)n;
  else if (strcmp(f, "oom_score_adj") == 0)
    w->oom_score_adj = (int)n;
  else if (strcmp(f, "code") == 0)
    w->code = (int)n;
  else if (old->kind == SC_STEP_SYSCTL)
    w->value = n;
  else {
    g_free(w->svalue);
    w->svalue = g_strdup(value);
  }
  return TRUE;
}

gboolean whatif_variant_set(WhatifVariant *v, const WhatifParam *p, const char *value, GError **error)
{
  gboolean ok = FALSE;
  switch (p->kind) {
  case TARGET_MACHINE:
    ok = set_machine(v, p, value, error);
    break;
  case TARGET_SYSCTL:
    ok = set_sysctl(v, p, value, error);
    break;
  case TARGET_CGROUP:
    ok = set_cgroup(v, p, value, error);
    break;
  case TARGET_PROCESS:
    ok = set_process(v, p, value, error);
    break;
  case TARGET_STEP:
    ok = set_step(v, p, value, error);
    break;
  }
  if (ok)
    g_ptr_array_add(v->sets, g_strdup_printf("%s=%s", p->address, value));
  return ok;
}

/* The loader's checks across values (loader_read_machine(), loader_check_base_memory()), on the variant. */
gboolean whatif_variant_check(WhatifVariant *v, GError **error)
{
  const ScenarioHeader *h = &v->header;
  g_autofree char *sets = NULL;
  {
    g_ptr_array_add(v->sets, NULL);
    sets = g_strjoinv(" ", (char **)v->sets->pdata);
    g_ptr_array_remove_index(v->sets, v->sets->len - 1);
  }
  if (h->ram_bytes < h->page_size) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, h->file, h->line, h->col, "--set %s: ram must be at least one page",
                       sets);
    return FALSE;
  }
  if (h->kernel_reserved_bytes >= h->ram_bytes) {
    scenario_set_error(error, SCENARIO_ERROR_RANGE, h->file, h->line, h->col,
                       "--set %s: kernel-reserved must be less than ram", sets);
    return FALSE;
  }
  guint64 room = h->ram_bytes - h->kernel_reserved_bytes, total = 0;
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *p = h->processes->pdata[i];
    if (p->shares_mm_with != 0)
      continue;
    if (p->kthread && (p->base_rss_bytes || p->base_pgtables_bytes)) {
      scenario_set_error(error, SCENARIO_ERROR_UNKNOWN_REF, h->file, p->line, p->col,
                         "--set %s: pid %d is a kernel thread (kthread=\"1\"): a kernel thread has no mm: it cannot "
                         "hold base-rss or base-pgtables", sets, p->pid);
      return FALSE;
    }
    guint64 base = p->base_rss_bytes + p->base_pgtables_bytes;
    if (base < p->base_rss_bytes || base > room || total > room - base) {
      scenario_set_error(error, SCENARIO_ERROR_RANGE, h->file, p->line, p->col,
                         "--set %s: pid %d: base-rss and base-pgtables of the processes come to more than ram less "
                         "kernel-reserved (%" G_GUINT64_FORMAT " bytes): they are all resident before the trace "
                         "starts", sets, p->pid, room);
      return FALSE;
    }
    total += base;
  }
  return TRUE;
}

gboolean whatif_variant_apply_sets(WhatifVariant *v, const char *const *sets, GError **error)
{
  for (guint i = 0; sets && sets[i]; i++) {
    g_autofree char *param = NULL, *value = NULL;
    g_autoptr(GError) syntax = NULL;
    if (!whatif_split_assignment(sets[i], &param, &value, &syntax)) {
      const ScenarioHeader *h = sim_scenario_header(v->sc);
      g_set_error(error, WHATIF_ERROR, WHATIF_ERROR_SYNTAX, "%s:%d:%d: --set %s", h->file, h->line, h->col,
                  syntax->message);
      return FALSE;
    }
    g_autoptr(WhatifParam) p = whatif_param_resolve(v->sc, "--set", param, error);
    if (!p || !whatif_variant_set(v, p, value, error))
      return FALSE;
  }
  return TRUE;
}

WhatifVariant *whatif_variant_from_sets(const SimScenario *sc, const char *const *sets, GError **error)
{
  g_autoptr(WhatifVariant) v = whatif_variant_new(sc);
  if (!whatif_variant_apply_sets(v, sets, error))
    return NULL;
  if (v->sets->len > 0) {
    if (!whatif_variant_check(v, error))
      return NULL;
    g_ptr_array_add(v->sets, NULL);
    v->header.overrides = g_strdupv((char **)v->sets->pdata);
    g_ptr_array_remove_index(v->sets, v->sets->len - 1);
  }
  return g_steal_pointer(&v);
}

gboolean whatif_run(const char *path, const char *const *sets, const SimOptions *opts, SimOutcome **out_outcome,
                    GString **out_report, GPtrArray **out_expects, char **out_profile_name, GError **error)
{
  if (!sets || !sets[0]) /* nothing to override: the streaming pipeline, whose memory does not grow with the trace */
    return sim_run(path, opts, out_outcome, out_report, out_expects, out_profile_name, error);
  g_autoptr(SimScenario) sc = sim_scenario_load(path, error);
  if (!sc)
    return FALSE;
  g_autoptr(WhatifVariant) v = whatif_variant_from_sets(sc, sets, error);
  if (!v || !sim_replay(&v->header, v->steps, opts, out_outcome, out_report, out_profile_name, error))
    return FALSE;
  if (out_expects)
    *out_expects = g_ptr_array_ref(sim_scenario_expects(sc));
  return TRUE;
}
