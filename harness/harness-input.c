/* harness/harness-input.c: a scenario, read through the streaming loader, translated into the agent's input
 * (docs/harness-protocol.md).
 *
 * The translation is line for line: each trace step becomes one "step N PID KIND ..." line, N being the step's
 * 0-based position, which is also the handle the agent gives a mapping (mmap, malloc), so that free, munmap and
 * touch refer to mappings by the position of the step that made them.  Sizes go over in bytes.  A few scenario
 * features exist only in the model (kernel threads, stuck tasks, oom_task_origin, vfork children, page sizes other
 * than 4 KiB), and processes sharing an mm can only be reproduced with the owner's oom_score_adj and credentials:
 * such a scenario is marked not runnable, with the reason.
 */
#include "harness.h"

#include <string.h>

#include "../scenarios/scenario-loader.h"
#include "../userspace/us-earlyoom.h"
#include "../whatif/overrides.h"


/* The agent's token format: no spaces, '%' escapes (%20 for a space). */
static void append_token(GString *out, const char *token)
{
  g_string_append_c(out, ' ');
  if (!token || !*token) {
    g_string_append(out, "%00"); /* the agent reads an empty token */
    return;
  }
  for (const char *c = token; *c; c++) {
    if (*c == ' ' || *c == '%' || (guchar)*c < 0x21 || (guchar)*c == 0x7f)
      g_string_append_printf(out, "%%%02X", (guchar)*c);
    else
      g_string_append_c(out, *c);
  }
}

static void append_u64(GString *out, guint64 value)
{
  g_string_append_printf(out, " %" G_GUINT64_FORMAT, value);
}

static void append_int(GString *out, gint64 value)
{
  g_string_append_printf(out, " %" G_GINT64_FORMAT, value);
}

/* cgroup files whose value is a size: the scenario may write "64M", the kernel wants bytes (or "max"). */
static const char *const size_files[] = {
    "memory.max", "memory.high", "memory.low", "memory.min", "memory.swap.max", "memory.swap.high",
    "memory.limit_in_bytes", "memory.memsw.limit_in_bytes", "memory.soft_limit_in_bytes", NULL,
};

static char *cgroup_value(const char *file, const char *value, guint64 page_size, int cgroup_version)
{
  if (g_strv_contains(size_files, file)) {
    guint64 bytes;
    if (sc_parse_size(value, page_size, TRUE, &bytes)) {
      if (bytes == SC_SIZE_MAX)
        return g_strdup(cgroup_version == 1 ? "-1" : "max");
      return g_strdup_printf("%" G_GUINT64_FORMAT, bytes);
    }
  }
  return g_strdup(value);
}

static gint harness_int_compare(gconstpointer a, gconstpointer b)
{
  int x = *(const int *)a, y = *(const int *)b;
  return (x > y) - (x < y);
}

static void header_to_input(HarnessScenario *hs, const ScenarioHeader *h, GHashTable *forked, GString *out)
{
  g_string_append(out, "oomsim-agent-input 1\n");
  g_string_append(out, "name");
  append_token(out, h->name);
  g_string_append_printf(out, "\ncgroup-version %d\n", h->cgroup_version);
  if (h->swap_bytes)
    g_string_append_printf(out, "swap %" G_GUINT64_FORMAT "\n", h->swap_bytes / 4096 * 4096);
  for (guint i = 0; i < h->sysctls->len; i++) {
    const ScSysctl *s = g_ptr_array_index(h->sysctls, i);
    g_string_append(out, "sysctl");
    append_token(out, s->name);
    append_int(out, s->value);
    g_string_append_c(out, '\n');
  }
  if (hs->earlyoom) {
    /* Debian's earlyoom, started by the agent before the processes with the scenario's options as written */
    g_string_append(out, "earlyoom");
    for (guint i = 0; i < h->earlyoom->argv->len; i++)
      append_token(out, g_ptr_array_index(h->earlyoom->argv, i));
    g_string_append_c(out, '\n');
  }
  for (guint i = 0; i < h->cgroups->len; i++) {
    const ScCgroup *c = g_ptr_array_index(h->cgroups, i);
    if (strcmp(c->path, "/") != 0) {
      g_string_append(out, "cgroup");
      append_token(out, c->path);
      g_string_append_c(out, '\n');
    }
    g_ptr_array_add(hs->cgroups, g_strdup(c->path));
  }
  for (guint i = 0; i < h->cgroups->len; i++) {
    const ScCgroup *c = g_ptr_array_index(h->cgroups, i);
    for (guint j = 0; j < c->attrs->len; j++) {
      const ScAttr *a = g_ptr_array_index(c->attrs, j);
      g_autofree char *value = cgroup_value(a->name, a->value, h->page_size, h->cgroup_version);
      g_string_append(out, "cgattr");
      append_token(out, c->path);
      append_token(out, a->name);
      append_token(out, value);
      g_string_append_c(out, '\n');
    }
  }
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *p = g_ptr_array_index(h->processes, i);
    g_string_append_printf(out, "proc %d", p->pid);
    append_token(out, p->comm);
    append_token(out, p->cgroup ? p->cgroup : "/");
    g_string_append_printf(out, " %d %u %d %d%s", p->oom_score_adj, p->uid, p->cap_sys_admin ? 1 : 0,
                           MAX(p->threads, 1),
                           g_hash_table_contains(forked, GINT_TO_POINTER(p->pid)) ? " forked" : "");
    if (p->shares_mm_with)
      g_string_append_printf(out, " shares-mm %d", p->shares_mm_with);
    g_string_append_c(out, '\n');
    g_array_append_val(hs->pids, p->pid);
    g_ptr_array_add(hs->comms, g_strdup(p->comm));
  }
}

static const char *process_not_runnable(const ScProcess *p)
{
  if (p->kthread)
    return "a kernel thread";
  if (p->stuck)
    return "a stuck task";
  if (p->oom_task_origin)
    return "oom_task_origin";
  if (p->vfork_child)
    return "a vfork child";
  return NULL;
}

/* A process sharing another's mm is cloned by that process at the start (clone(CLONE_VM), see agent.c), so it
 * has the other's credentials and oom_score_adj: the kernel keeps one oom_score_adj for all processes of an mm
 * (__set_oom_adj() copies every write to the others), so a scenario giving them different values describes
 * something no kernel state matches. */
static const char *sharer_not_runnable(const ScenarioHeader *h, const ScProcess *p, GHashTable *forked)
{
  const ScProcess *owner = NULL;
  for (guint i = 0; i < h->processes->len && !owner; i++) {
    const ScProcess *o = g_ptr_array_index(h->processes, i);
    if (o->pid == p->shares_mm_with)
      owner = o;
    else if (o == p)
      break; /* the owner must come first: it is started first and clones this one */
  }
  if (!owner)
    return "a process sharing the mm of one defined after it";
  if (owner->shares_mm_with)
    return "a process sharing the mm of another sharer";
  if (g_hash_table_contains(forked, GINT_TO_POINTER(p->pid)) ||
      g_hash_table_contains(forked, GINT_TO_POINTER(owner->pid)))
    return "an mm sharer created by a fork step";
  if (p->oom_score_adj != owner->oom_score_adj)
    return "an mm sharer with an oom_score_adj other than its owner's (the kernel keeps one per mm)";
  if (p->uid != owner->uid || p->cap_sys_admin != owner->cap_sys_admin)
    return "an mm sharer with credentials other than its owner's";
  if (p->threads > 1)
    return "an mm sharer with threads";
  return NULL;
}

static const char *agent_step_name(ScStepKind kind)
{
  static const char *const names[SC_STEP_N_KINDS] = {
      [SC_STEP_MMAP] = "mmap",           [SC_STEP_TOUCH] = "touch",   [SC_STEP_MALLOC] = "malloc",
      [SC_STEP_FREE] = "free",           [SC_STEP_MUNMAP] = "munmap", [SC_STEP_FILE_READ] = "file-read",
      [SC_STEP_SHMEM_WRITE] = "shmem-write", [SC_STEP_FORK] = "fork", [SC_STEP_EXIT] = "exit",
      [SC_STEP_SET] = "set",             [SC_STEP_SYSCTL] = "sysctl", [SC_STEP_CGROUP_SET] = "cgroup-set",
      [SC_STEP_MOVE] = "move",
  };
  return kind < SC_STEP_N_KINDS ? names[kind] : "?";
}

typedef struct {
  GHashTable *index_of_id; /* step id -> GINT_TO_POINTER(index + 1) */
  GHashTable *comm_of_pid; /* pid -> comm (borrowed from the header, or a fork step's owned copy) */
  guint64 file_cursor;     /* next byte of the page-cache device to read */
  GString *steps;
} StepState;

/* A step reference (mapping id) -> the index of the step that made it, or -1. */
static gint64 ref_index(StepState *st, const char *ref)
{
  gpointer v = ref ? g_hash_table_lookup(st->index_of_id, ref) : NULL;
  return v ? GPOINTER_TO_INT(v) - 1 : -1;
}

static gboolean step_to_input(HarnessScenario *hs, StepState *st, guint index, const ScStep *s, GError **error)
{
  GString *out = st->steps;
  const char *kind = agent_step_name(s->kind);
  /* with earlyoom in the VM the trace runs on its clock: the agent waits for the step's time (docs/harness-protocol.md) */
  if (hs->earlyoom && s->has_at)
    g_string_append_printf(out, "at %" G_GUINT64_FORMAT "\n", s->at_ns);
  g_string_append_printf(out, "step %u %d %s", index, s->pid, kind);
  switch (s->kind) {
  case SC_STEP_MMAP:
    append_u64(out, s->size_bytes);
    break;
  case SC_STEP_TOUCH:
    if (s->ref) {
      gint64 r = ref_index(st, s->ref);
      if (r < 0)
        goto bad_ref;
      append_int(out, r);
    } else {
      g_string_append(out, " -");
    }
    append_u64(out, s->size_bytes);
    append_u64(out, MAX(s->repeat, 1));
    break;
  case SC_STEP_MALLOC:
    append_u64(out, s->size_bytes);
    append_u64(out, MAX(s->repeat, 1));
    g_string_append(out, s->touch_all ? " all" : s->touch_none ? " none" : " first");
    break;
  case SC_STEP_FREE:
  case SC_STEP_MUNMAP: {
    gint64 r = ref_index(st, s->ref);
    if (r < 0)
      goto bad_ref;
    append_int(out, r);
    break;
  }
  case SC_STEP_FILE_READ: {
    guint64 size = (s->size_bytes + 4095) / 4096 * 4096;
    append_u64(out, st->file_cursor);
    append_u64(out, size);
    st->file_cursor += size;
    break;
  }
  case SC_STEP_SHMEM_WRITE:
    append_int(out, s->pid);
    append_u64(out, s->size_bytes);
    break;
  case SC_STEP_FORK: {
    const char *comm = s->comm ? s->comm : g_hash_table_lookup(st->comm_of_pid, GINT_TO_POINTER(s->pid));
    append_int(out, s->child_pid);
    append_token(out, comm ? comm : "child");
    break;
  }
  case SC_STEP_EXIT:
    append_int(out, s->code);
    break;
  case SC_STEP_SET:
    append_int(out, s->oom_score_adj);
    break;
  case SC_STEP_SYSCTL:
    append_token(out, s->name);
    append_int(out, s->value);
    break;
  case SC_STEP_CGROUP_SET: {
    g_autofree char *value = cgroup_value(s->name, s->svalue, 4096, hs->cgroup_version);
    append_token(out, s->cgroup);
    append_token(out, s->name);
    append_token(out, value);
    break;
  }
  case SC_STEP_MOVE:
    append_token(out, s->cgroup);
    break;
  case SC_STEP_N_KINDS:
  default:
    g_assert_not_reached();
  }
  g_string_append_c(out, '\n');
  if (s->id)
    g_hash_table_insert(st->index_of_id, g_strdup(s->id), GINT_TO_POINTER((int)index + 1));
  return TRUE;

bad_ref:
  g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_PROTOCOL, "%s:%d:%d: step refers to unknown id \"%s\"",
              hs->path, s->line, s->col, s->ref ? s->ref : "");
  return FALSE;
}

HarnessScenario *harness_scenario_load(const char *path, GError **error)
{
  return harness_scenario_load_sets(path, NULL, error);
}

HarnessScenario *harness_scenario_load_sets(const char *path, const char *const *sets, GError **error)
{
  /* programming error only: the paths come from the command line's file list, never NULL */
  g_return_val_if_fail(path != NULL, NULL);
  /* without --set the steps stream from the loader; with it they come from the what-if variant, the same
   * values the simulator replays (whatif_run()) */
  g_autoptr(ScenarioLoader) loader = NULL;
  g_autoptr(SimScenario) loaded = NULL;
  g_autoptr(WhatifVariant) variant = NULL;
  GPtrArray *variant_steps = NULL;
  const ScenarioHeader *h;
  if (sets && sets[0]) {
    loaded = sim_scenario_load(path, error);
    if (!loaded)
      return NULL;
    variant = whatif_variant_from_sets(loaded, sets, error);
    if (!variant)
      return NULL;
    h = whatif_variant_header(variant);
    variant_steps = whatif_variant_steps(variant);
  } else {
    loader = scenario_loader_new(path, error);
    if (!loader)
      return NULL;
    h = scenario_loader_get_header(loader);
  }

  g_autoptr(HarnessScenario) hs = g_new0(HarnessScenario, 1);
  hs->path = g_strdup(path);
  hs->name = g_strdup(h->name ? h->name : path);
  hs->cgroups = g_ptr_array_new_with_free_func(g_free);
  hs->step_labels = g_ptr_array_new_with_free_func(g_free);
  hs->step_writes = g_array_new(FALSE, TRUE, sizeof(gboolean));
  hs->pids = g_array_new(FALSE, FALSE, sizeof(int));
  hs->comms = g_ptr_array_new_with_free_func(g_free);
  hs->cgroup_version = h->cgroup_version;
  /* the VM's RAM: <machine vm-ram> when the scenario gives ram as the VM's MemTotal, else ram */
  guint64 vm_ram = h->vm_ram_bytes ? h->vm_ram_bytes : h->ram_bytes;
  hs->ram_mib = (guint)((vm_ram + (1 << 20) - 1) >> 20);

  if (h->page_size && h->page_size != 4096)
    hs->not_runnable = g_strdup_printf("page size %" G_GUINT64_FORMAT " (the VM has 4096)", h->page_size);
  /* one vCPU keeps the VM deterministic */
  if (h->cpus > 1 && !hs->not_runnable)
    hs->not_runnable = g_strdup_printf("%d CPUs (the VM has one, for determinism)", h->cpus);
  for (guint i = 0; i < h->processes->len && !hs->not_runnable; i++) {
    const ScProcess *p = g_ptr_array_index(h->processes, i);
    const char *why = process_not_runnable(p);
    if (why)
      hs->not_runnable = g_strdup_printf("process %d is %s, which only the model has", p->pid, why);
  }
  /* The actors beside the kernel: earlyoom 1.7 is Debian 12's package and runs in the VM; the others cannot. */
  if (h->k8s && !hs->not_runnable)
    hs->not_runnable = g_strdup("a <kubelet>: the kubelet cannot run in the VM (its model is tested against the "
                                "kubelet's own unit tests, docs/kubernetes.md)");
  if (h->oomd && !hs->not_runnable)
    hs->not_runnable = g_strdup("a <systemd-oomd>: systemd-oomd needs systemd as PID 1, which the VM's agent is not");
  if (h->earlyoom && h->earlyoom->version != US_EARLYOOM_1_7 && !hs->not_runnable)
    hs->not_runnable = g_strdup_printf("earlyoom %s: the VM runs Debian 12's earlyoom, 1.7",
                                       us_earlyoom_version_name(h->earlyoom->version));
  hs->earlyoom = h->earlyoom != NULL;
  if (hs->ram_mib < 96 && !hs->not_runnable)
    hs->not_runnable = g_strdup_printf("%u MiB of RAM is too little to boot the VM", hs->ram_mib);

  /* steps first (fork children must be known before the process lines), then the header in front */
  StepState st = {0};
  st.index_of_id = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  st.comm_of_pid = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
  st.steps = g_string_new(NULL);
  g_autoptr(GHashTable) forked = g_hash_table_new(g_direct_hash, g_direct_equal);
  g_autoptr(GHashTable) non_root = g_hash_table_new(g_direct_hash, g_direct_equal); /* pids with uid != 0 */
  /* malloc id -> its size; "freed" once freed: a touch after a free (see below) */
  g_autoptr(GHashTable) small_mallocs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) freed_small_mallocs = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; i < h->processes->len; i++) {
    const ScProcess *p = g_ptr_array_index(h->processes, i);
    g_hash_table_insert(st.comm_of_pid, GINT_TO_POINTER(p->pid), g_strdup(p->comm));
    if (p->uid != 0)
      g_hash_table_add(non_root, GINT_TO_POINTER(p->pid));
  }
  gboolean ok = TRUE;
  guint index = 0;
  for (;;) {
    g_autoptr(ScStep) owned = NULL; /* a step from the loader; a variant's steps stay the variant's */
    const ScStep *step;
    if (variant) {
      if (index >= variant_steps->len)
        break;
      step = g_ptr_array_index(variant_steps, index);
    } else {
      if (!scenario_loader_next_step(loader, &owned, error)) {
        ok = error == NULL || *error == NULL;
        break;
      }
      step = owned;
    }
    g_ptr_array_add(hs->step_labels, step->id ? g_strdup(step->id) : g_strdup_printf("#%u", index + 1));
    gboolean write = step->kind == SC_STEP_SYSCTL || step->kind == SC_STEP_CGROUP_SET || step->kind == SC_STEP_SET ||
                     step->kind == SC_STEP_MOVE;
    g_array_append_val(hs->step_writes, write);
    if (step->kind == SC_STEP_FORK) {
      g_hash_table_add(forked, GINT_TO_POINTER(step->child_pid));
      const char *comm =
          step->comm ? step->comm : g_hash_table_lookup(st.comm_of_pid, GINT_TO_POINTER(step->pid));
      g_hash_table_insert(st.comm_of_pid, GINT_TO_POINTER(step->child_pid), g_strdup(comm ? comm : "child"));
      if (g_hash_table_contains(non_root, GINT_TO_POINTER(step->pid)))
        g_hash_table_add(non_root, GINT_TO_POINTER(step->child_pid));
    }
    /* the agent makes page cache by reading a zram block device, which only root may open (found by make
     * differential: EACCES for a uid 65534 worker) */
    if (step->kind == SC_STEP_FILE_READ && !hs->not_runnable &&
        g_hash_table_contains(non_root, GINT_TO_POINTER(step->pid)))
      hs->not_runnable = g_strdup_printf("process %d is not root and reads a file: the VM's page cache is a zram "
                                         "block device only root may open", step->pid);
    /* a touch of a malloc's memory after its free: the model, for which every malloc is an mmap, gives SIGSEGV;
     * the agent's glibc serves a request below its mmap threshold (fixed at 128 KiB, docs/harness-protocol.md)
     * from its heap, where the write after free succeeds and corrupts the heap instead (from the threshold on,
     * glibc munmaps the chunk at free and the kernel answers, as for munmap) */
    if (step->kind == SC_STEP_MALLOC && step->id && step->size_bytes < HARNESS_AGENT_MMAP_THRESHOLD_BYTES)
      g_hash_table_add(small_mallocs, g_strdup(step->id));
    if (step->kind == SC_STEP_FREE && step->ref && g_hash_table_contains(small_mallocs, step->ref))
      g_hash_table_add(freed_small_mallocs, g_strdup(step->ref));
    if (step->kind == SC_STEP_TOUCH && step->ref && !hs->not_runnable &&
        g_hash_table_contains(freed_small_mallocs, step->ref))
      hs->not_runnable = g_strdup_printf("process %d touches malloc \"%s\" after its free: below glibc's mmap "
                                         "threshold that chunk stays on the heap, where the model (every malloc an "
                                         "mmap) gives SIGSEGV", step->pid, step->ref);
    if (!step_to_input(hs, &st, index, step, error)) {
      ok = FALSE;
      break;
    }
    index++;
  }
  if (ok && loader) {
    GPtrArray *expects = scenario_loader_finish(loader, error);
    if (!expects)
      ok = FALSE;
    else
      g_ptr_array_unref(expects);
  }
  for (guint i = 0; ok && i < h->processes->len && !hs->not_runnable; i++) {
    const ScProcess *p = g_ptr_array_index(h->processes, i);
    const char *why = p->shares_mm_with ? sharer_not_runnable(h, p, forked) : NULL;
    if (why)
      hs->not_runnable = g_strdup_printf("process %d is %s, which the VM cannot reproduce", p->pid, why);
  }
  if (ok) {
    hs->input = g_string_new(NULL);
    header_to_input(hs, h, forked, hs->input);
    /* fork children that are not in <processes>: started by their fork step */
    GHashTableIter it;
    gpointer key;
    g_autoptr(GArray) extra = g_array_new(FALSE, FALSE, sizeof(int));
    g_hash_table_iter_init(&it, forked);
    while (g_hash_table_iter_next(&it, &key, NULL)) {
      int pid = GPOINTER_TO_INT(key);
      gboolean listed = FALSE;
      for (guint i = 0; i < hs->pids->len; i++)
        listed = listed || g_array_index(hs->pids, int, i) == pid;
      if (!listed)
        g_array_append_val(extra, pid);
    }
    g_array_sort(extra, harness_int_compare);
    for (guint i = 0; i < extra->len; i++) {
      int pid = g_array_index(extra, int, i);
      const char *comm = g_hash_table_lookup(st.comm_of_pid, GINT_TO_POINTER(pid));
      g_string_append_printf(hs->input, "proc %d", pid);
      append_token(hs->input, comm);
      /* "-": cgroup and oom_score_adj inherited from the parent by the fork itself */
      g_string_append(hs->input, " - - 0 1 1 forked\n");
      g_array_append_val(hs->pids, pid);
      g_ptr_array_add(hs->comms, g_strdup(comm));
    }
    if (st.file_cursor)
      g_string_append_printf(hs->input, "file-cache %" G_GUINT64_FORMAT "\n", st.file_cursor);
    g_string_append_len(hs->input, st.steps->str, (gssize)st.steps->len);
    g_string_append(hs->input, "end\n");
  }
  g_hash_table_unref(st.index_of_id);
  g_hash_table_unref(st.comm_of_pid);
  g_string_free(st.steps, TRUE);
  if (!ok)
    return NULL;
  return g_steal_pointer(&hs);
}

void harness_scenario_free(HarnessScenario *hs)
{
  if (!hs)
    return;
  g_free(hs->path);
  g_free(hs->name);
  if (hs->cgroups)
    g_ptr_array_unref(hs->cgroups);
  if (hs->step_labels)
    g_ptr_array_unref(hs->step_labels);
  if (hs->step_writes)
    g_array_unref(hs->step_writes);
  if (hs->pids)
    g_array_unref(hs->pids);
  if (hs->comms)
    g_ptr_array_unref(hs->comms);
  g_free(hs->not_runnable);
  if (hs->input)
    g_string_free(hs->input, TRUE);
  g_free(hs);
}
