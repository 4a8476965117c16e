/* harness/harness-result.c: the agent's report (docs/harness-protocol.md) -> a SimOutcome.
 *
 * The agent names processes by their scenario pid and kernel pid ("proc PID kpid K"); kernel records name the
 * kernel pid, so every kill is mapped back to the scenario pid here.  Kills come from the kernel's own
 * "Killed process" records, their constraint and OOM domain from the "oom-kill:" summary printed just before
 * (dump_oom_summary(), part of the rate-limited dump_header()).  After a panic the agent cannot report any
 * more: the records that reached the serial console after the agent's last kmsg line are read from there.
 */
#include "harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  char *constraint, *oom_memcg, *task_memcg;
  int kpid;
  gboolean decision_open; /* a summary was printed and its victim's Killed line not yet seen */
} Summary;

/* A value the report gives once (the kernel, unsupported and fatal lines, a summary's constraint=, oom_memcg= and
 * task_memcg= fields): repeated, the last one counts, and the one it replaces is freed (the agent and the kernel
 * write each once, but a garbled serial line must not leak: found by fuzz-agent-output). */
static void set_string(char **field, char *value)
{
  g_free(*field);
  *field = value;
}

static void summary_clear(Summary *s)
{
  g_clear_pointer(&s->constraint, g_free);
  g_clear_pointer(&s->oom_memcg, g_free);
  g_clear_pointer(&s->task_memcg, g_free);
  s->kpid = -1;
}

/* "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/spike,
 *  task_memcg=/spike,task=spike-B,pid=80,uid=0" (oom_memcg=... is "global_oom" for a global OOM) */
static void parse_summary(const char *text, Summary *s)
{
  summary_clear(s);
  const char *p = strstr(text, "oom-kill:");
  if (!p)
    return;
  g_auto(GStrv) fields = g_strsplit(p + strlen("oom-kill:"), ",", -1);
  for (char **f = fields; *f; f++) {
    if (g_str_has_prefix(*f, "constraint="))
      set_string(&s->constraint, g_strdup(*f + strlen("constraint=")));
    else if (g_str_has_prefix(*f, "oom_memcg="))
      set_string(&s->oom_memcg, g_strdup(*f + strlen("oom_memcg=")));
    else if (g_str_has_prefix(*f, "task_memcg="))
      set_string(&s->task_memcg, g_strdup(*f + strlen("task_memcg=")));
    else if (g_str_has_prefix(*f, "pid="))
      s->kpid = atoi(*f + 4);
  }
}

static int pid_of_kpid(GHashTable *kpids, int kpid)
{
  gpointer v;
  if (g_hash_table_lookup_extended(kpids, GINT_TO_POINTER(kpid), NULL, &v))
    return GPOINTER_TO_INT(v);
  return -kpid; /* not a scenario process: shown as a negative pid */
}

/* "Memory cgroup out of memory: Killed process 80 (spike-B) total-vm:21624kB, anon-rss:20324kB, file-rss:0kB,
 *  shmem-rss:580kB, UID:0 pgtables:68kB oom_score_adj:500": a kill added to outcome, or NULL (not such a line) */
static SimKill *parse_killed(SimOutcome *outcome, const char *text, const Summary *s, GHashTable *kpids)
{
  const char *k = strstr(text, "Killed process ");
  if (!k)
    return NULL;
  int kpid = 0;
  char comm[64] = "";
  unsigned long long vm = 0, anon = 0, file = 0, shmem = 0, pgt = 0;
  unsigned uid = 0;
  int adj = 0;
  if (sscanf(k, "Killed process %d (%63[^)]) total-vm:%llukB, anon-rss:%llukB, file-rss:%llukB, shmem-rss:%llukB, "
                "UID:%u pgtables:%llukB oom_score_adj:%d",
             &kpid, comm, &vm, &anon, &file, &shmem, &uid, &pgt, &adj) < 2)
    return NULL;
  /* the 63-byte cap can cut a character of the (already valid UTF-8) output in two: keep the whole ones (a kernel's
   * comm has at most 15 bytes; found by the agent-output fuzz target) */
  const char *valid_end = NULL;
  if (!g_utf8_validate(comm, -1, &valid_end))
    comm[valid_end - comm] = '\0';
  SimKill *kill = sim_outcome_add_kill(outcome);
  kill->pid = pid_of_kpid(kpids, kpid);
  kill->comm = sim_outcome_intern(outcome, comm);
  kill->allocating_task = strstr(text, "(oom_kill_allocating_task)") != NULL;
  if (s->kpid == kpid) {
    kill->constraint = sim_outcome_intern(outcome, s->constraint);
    if (s->oom_memcg && strcmp(s->oom_memcg, "global_oom") != 0)
      kill->oom_memcg = sim_outcome_intern(outcome, s->oom_memcg);
    kill->task_memcg = sim_outcome_intern(outcome, s->task_memcg);
  }
  kill->total_vm_kb = vm;
  kill->anon_rss_kb = anon;
  kill->file_rss_kb = file;
  kill->shmem_rss_kb = shmem;
  kill->pgtables_kb = pgt;
  kill->oom_score_adj = adj;
  return kill;
}

typedef struct {
  int pid, status, signal;
  long step;
  guint order; /* position of its kill, or G_MAXUINT */
  guint seq;
} Death;

static gint death_cmp(gconstpointer a, gconstpointer b)
{
  const Death *x = a, *y = b;
  if (x->step != y->step)
    return x->step < y->step ? -1 : 1;
  if (x->order != y->order)
    return x->order < y->order ? -1 : 1;
  return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static guint64 field_u64(char **tok, guint n, const char *key)
{
  for (guint i = 0; i + 1 < n; i++)
    if (strcmp(tok[i], key) == 0)
      return g_ascii_strtoull(tok[i + 1], NULL, 10);
  return 0;
}

static gint64 field_i64(char **tok, guint n, const char *key)
{
  for (guint i = 0; i + 1 < n; i++)
    if (strcmp(tok[i], key) == 0)
      return g_ascii_strtoll(tok[i + 1], NULL, 10);
  return -1;
}

/* the scenario's name for the agent's 0-based step number (its id, or "#N") */
static const char *step_label(const HarnessScenario *scenario, const char *number)
{
  guint idx = (guint)atoi(number);
  return idx < scenario->step_labels->len ? g_ptr_array_index(scenario->step_labels, idx) : number;
}

static gboolean step_is_write(const HarnessScenario *scenario, const char *number)
{
  guint idx = (guint)atoi(number);
  return scenario->step_writes && idx < scenario->step_writes->len &&
         g_array_index(scenario->step_writes, gboolean, idx);
}

/* handle one kernel record (from kmsg or the console) */
static void kernel_record(HarnessVmResult *r, Summary *s, GHashTable *kpids, const char *text)
{
  if (strstr(text, "oom-kill:")) {
    parse_summary(text, s);
    s->decision_open = TRUE;
  } else if (strstr(text, "Killed process ")) {
    int kpid = 0;
    if (sscanf(strstr(text, "Killed process "), "Killed process %d", &kpid) == 1) {
      int pid = pid_of_kpid(kpids, kpid);
      g_array_append_val(r->killed_pids, pid);
    }
    /* One SimKill per OOM kill decision (sim/outcome.h): the victim's Killed line follows the decision's
     * oom-kill: summary; the lines of memory.oom.group members after it are kills, not decisions. */
    if (!s->decision_open)
      return;
    s->decision_open = FALSE;
    parse_killed(r->outcome, text, s, kpids);
  } else if (strstr(text, "no killable processes"))
    r->outcome->no_killable = TRUE;
}

/* After a panic: records on the console later than the last one the agent saw. Console lines look like
 * "[   22.348325] Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled". */
static void console_after_panic(HarnessVmResult *r, Summary *s, GHashTable *kpids, const char *console,
                                double last_ts)
{
  g_auto(GStrv) lines = g_strsplit(console, "\n", -1);
  for (char **l = lines; *l; l++) {
    g_strchomp(*l);
    const char *line = *l;
    if (line[0] != '[')
      continue;
    char *end = NULL;
    double ts = g_ascii_strtod(line + 1, &end);
    if (!end || *end != ']' || ts <= last_ts)
      continue;
    const char *text = end + 1;
    while (*text == ' ')
      text++;
    if (g_str_has_prefix(text, "Kernel panic - not syncing: ")) {
      g_free(r->outcome->panic_message);
      r->outcome->panic_message = g_strdup(text + strlen("Kernel panic - not syncing: "));
      g_ptr_array_add(r->kernel_lines, g_strdup(line));
      break;
    }
    if (strstr(text, "oom-kill:") || strstr(text, "Killed process ") || strstr(text, "no killable processes") ||
        strstr(text, "invoked oom-killer")) {
      g_ptr_array_add(r->kernel_lines, g_strdup(line));
      kernel_record(r, s, kpids, text);
    }
  }
}

/* The agent's %XX escapes (docs/harness-protocol.md, "Tokens"), undone in place: the result may be any bytes. */
static void unescape_token(char *s)
{
  char *w = s;
  for (const char *r = s; *r; r++) {
    if (r[0] == '%' && g_ascii_isxdigit(r[1]) && g_ascii_isxdigit(r[2])) {
      *w++ = (char)(g_ascii_xdigit_value(r[1]) * 16 + g_ascii_xdigit_value(r[2]));
      r += 2;
    } else {
      *w++ = *r;
    }
  }
  *w = 0;
}

/* One line of earlyoom's log (kill.c kill_process(), kill_wait()): "sending SIGTERM to process KPID uid ..." is a
 * signal; "escalating to SIGKILL after 0.1 seconds" a second one, SIGKILL, to the same process. */
static void earlyoom_log_line(HarnessVmResult *r, GHashTable *kpids, const char *text)
{
  char signame[16];
  int kpid;
  const char *sending = strstr(text, "sending ");
  SimActorSignal *a = NULL;
  if (sending && sscanf(sending, "sending %15s to process %d", signame, &kpid) == 2 && kpid > 0 &&
      (strcmp(signame, "SIGTERM") == 0 || strcmp(signame, "SIGKILL") == 0)) {
    a = g_new0(SimActorSignal, 1);
    gpointer pid = g_hash_table_lookup(kpids, GINT_TO_POINTER(kpid));
    a->pid = pid ? GPOINTER_TO_INT(pid) : -kpid; /* not a scenario process: its kernel pid, negated */
    a->signal = strcmp(signame, "SIGTERM") == 0 ? 15 : 9;
    a->badness = -1;
    const char *fig = strstr(sending, "\": badness ");
    if (!fig || sscanf(fig, "\": badness %d, VmRSS %lld MiB", &a->badness, &a->rss_mib) != 2)
      a->badness = -1;
  } else if (strstr(text, "escalating to SIGKILL") && r->outcome->actor_signals->len) {
    const SimActorSignal *last = g_ptr_array_index(r->outcome->actor_signals, r->outcome->actor_signals->len - 1);
    a = g_new0(SimActorSignal, 1);
    a->pid = last->pid;
    a->signal = 9;
    a->badness = -1;
  }
  if (a) {
    a->actor = g_strdup("earlyoom");
    a->steps_done = G_MAXUINT64; /* set from its death below */
    g_ptr_array_add(r->outcome->actor_signals, a);
  }
}

static const char *exit_reason(int status, int sig, gboolean oom_killed)
{
  if (sig == 0 || sig == 11)
    return status == 0 ? "Completed" : "Error"; /* SIGSEGV: "Error", as the model and Kubernetes say */
  return oom_killed ? "OOMKilled" : "Killed";
}

static void memcg_events_free(gpointer data)
{
  SimMemcgEvents *e = data;
  g_free(e->cgroup);
  g_free(e);
}

HarnessVmResult *harness_vm_parse(const HarnessScenario *scenario, const HarnessVmRun *run, GError **error)
{
  g_autoptr(HarnessVmResult) r = g_new0(HarnessVmResult, 1);
  r->outcome = sim_outcome_new();
  r->kernel_lines = g_ptr_array_new_with_free_func(g_free);
  r->step_results = g_ptr_array_new_with_free_func(g_free);
  r->killed_pids = g_array_new(FALSE, FALSE, sizeof(int));
  r->late_step = -1;
  g_autoptr(GHashTable) kpids = g_hash_table_new(g_direct_hash, g_direct_equal);
  /* path -> SimMemcgEvents*, keyed by the event's own cgroup string */
  g_autoptr(GHashTable) events = g_hash_table_new_full(g_str_hash, g_str_equal, NULL, memcg_events_free);
  g_autoptr(GArray) deaths = g_array_new(FALSE, FALSE, sizeof(Death));
  Summary s = { .kpid = -1 };
  gboolean seen_header = FALSE, finished = FALSE, have_base = FALSE;
  guint64 pending_late_us = 0;
  guint64 kernel_before = 0, started = 0;
  double last_ts = -1;
  g_autofree char *fatal = NULL;

  /* The serial outputs are read as text: bytes that are not UTF-8 (a comm may be any bytes, a serial line can be
   * garbled) become U+FFFD first, so that what is kept, printed and written to JSON is UTF-8 (found by
   * fuzz-agent-output: the comparison's JSON was not). */
  g_autofree char *agent_output = g_utf8_make_valid(run->agent_output, -1);
  g_autofree char *console_output = g_utf8_make_valid(run->console_output ? run->console_output : "", -1);
  g_auto(GStrv) lines = g_strsplit(agent_output, "\n", -1);
  for (char **l = lines; *l; l++) {
    g_strchomp(*l);
    if (!**l)
      continue;
    g_auto(GStrv) tok = g_strsplit(*l, " ", -1);
    guint n = g_strv_length(tok);
    const char *what = tok[0];
    if (strcmp(what, "oomsim-agent") == 0) {
      seen_header = TRUE;
    } else if (strcmp(what, "kernel") == 0 && n >= 2) {
      set_string(&r->kernel_release, g_strdup(tok[1]));
    } else if (strcmp(what, "min_free_kbytes") == 0 && n >= 2) {
      r->min_free_kbytes = g_ascii_strtoull(tok[1], NULL, 10);
    } else if (strcmp(what, "meminfo-before-procs") == 0) {
      r->mem_total_kb = field_u64(tok, n, "MemTotal");
      r->mem_free_kb = field_u64(tok, n, "MemFree");
      kernel_before = field_u64(tok, n, "Slab") + field_u64(tok, n, "KernelStack");
      r->committed_before_kb = field_u64(tok, n, "Committed_AS");
    } else if (strcmp(what, "meminfo") == 0 && started > 0) {
      r->slab_reclaimable_kb = field_u64(tok, n, "SReclaimable");
      /* the kernel memory each started process took: task_struct, kernel stack, mm, vmas, files, ... */
      guint64 kernel_after = field_u64(tok, n, "Slab") + field_u64(tok, n, "KernelStack");
      if (kernel_after > kernel_before)
        r->task_kernel_kb = (kernel_after - kernel_before) / started;
      /* the VM_ACCOUNT mappings exec made for each process (data, bss, heap, stack): Committed_AS is an exact sum
       * in /proc/meminfo (vm_memory_committed()) */
      guint64 committed_after = field_u64(tok, n, "Committed_AS");
      if (committed_after > r->committed_before_kb)
        r->committed_per_process_kb = (committed_after - r->committed_before_kb) / started;
    } else if (strcmp(what, "zone") == 0 && n >= 2) {
      static const char *const names[] = { "DMA", "DMA32", "Normal", "Movable" };
      const char *name = NULL;
      for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (strcmp(tok[1], names[i]) == 0)
          name = names[i];
      if (name && r->n_zones < G_N_ELEMENTS(r->zones)) {
        r->zones[r->n_zones].name = name;
        r->zones[r->n_zones].managed = field_u64(tok, n, "managed");
        r->zones[r->n_zones].min = field_u64(tok, n, "min");
        r->zones[r->n_zones].high = field_u64(tok, n, "high");
        r->zones[r->n_zones].lowmem_reserve = field_u64(tok, n, "reserve");
        r->n_zones++;
      }
      r->pcp_kb += field_u64(tok, n, "pcp") * 4;
    } else if (strcmp(what, "memcg-base") == 0) {
      /* "charged" is a difference of counters: negative if the cgroups held less after than before */
      gint64 charged = field_i64(tok, n, "charged");
      guint64 user = field_u64(tok, n, "user"), mms = field_u64(tok, n, "mms");
      if (mms > 0 && charged > 0 && (guint64)charged > user)
        r->memcg_kmem_bytes = ((guint64)charged - user) * 1024 / mms;
    } else if (strcmp(what, "proc") == 0 && n >= 4) {
      started++;
      g_hash_table_insert(kpids, GINT_TO_POINTER(atoi(tok[3])), GINT_TO_POINTER(atoi(tok[1])));
    } else if (strcmp(what, "base") == 0 && !have_base) {
      have_base = TRUE;
      r->base_rss_kb = field_u64(tok, n, "rss");
      r->base_anon_kb = field_u64(tok, n, "anon");
      r->base_pgtables_kb = field_u64(tok, n, "pgtables");
      r->base_vm_kb = field_u64(tok, n, "vm");
    } else if (strcmp(what, "step") == 0 && n >= 3) {
      /* a step of a dead process runs nothing: its lateness (the agent reaping the victim of the step before,
       * whose exit takes guest time) changes nothing */
      if (pending_late_us > r->late_us && strcmp(tok[2], "not-run") != 0) {
        r->late_us = pending_late_us;
        r->late_step = atol(tok[1]);
      }
      pending_late_us = 0;
      const char *label = step_label(scenario, tok[1]);
      g_autofree char *rest = g_strjoinv(" ", tok + 2);
      g_ptr_array_add(r->step_results, g_strdup_printf("%s %s", label, rest));
      if (strcmp(tok[2], "enomem") == 0)
        g_ptr_array_add(r->outcome->enomem_steps, g_strdup(label));
      else if (strcmp(tok[2], "livelock") == 0)
        r->livelock = TRUE;
      else if (strcmp(tok[2], "timeout") == 0)
        r->step_timeout = TRUE;
      else if (strcmp(tok[2], "error") == 0 && n >= 4 && g_regex_match_simple("^E[A-Z0-9]+$", tok[3], 0, 0) &&
               step_is_write(scenario, tok[1]))
        /* a write the kernel refused (EBUSY from a v1 limit, a cgroup.procs write, ...): an errno name. A memory
         * step's error is the agent's own bookkeeping (EBADF for the munmap of a mapping whose mmap failed, which
         * the kernel's munmap() would accept), not compared (found by make differential: seed 1, #90, #122) */
        g_ptr_array_add(r->outcome->step_errors, g_strdup_printf("%s %s", label, tok[3]));
    } else if (strcmp(what, "late") == 0 && n >= 3) {
      const char *label = step_label(scenario, tok[1]);
      g_autofree char *rest = g_strjoinv(" ", tok + 2);
      g_ptr_array_add(r->step_results, g_strdup_printf("%s late: %s", label, rest));
      if (strcmp(tok[2], "enomem") == 0)
        g_ptr_array_add(r->outcome->enomem_steps, g_strdup(label));
    } else if (strcmp(what, "kmsg") == 0 && n >= 4) {
      last_ts = g_ascii_strtod(tok[2], NULL);
      g_autofree char *text = g_strjoinv(" ", tok + 3);
      g_ptr_array_add(r->kernel_lines, g_strdup_printf("[%12s] %s", tok[2], text));
      kernel_record(r, &s, kpids, text);
    } else if (strcmp(what, "death") == 0 && n >= 6) {
      Death d = {0};
      d.pid = atoi(tok[1]);
      d.signal = strcmp(tok[2], "signal") == 0 ? atoi(tok[3]) : 0;
      d.status = d.signal ? 128 + d.signal : atoi(tok[3]);
      d.step = strcmp(tok[5], "end") == 0 ? G_MAXLONG : atol(tok[5]); /* "end": a survivor's exit 0 */
      d.order = G_MAXUINT;
      d.seq = deaths->len;
      for (guint i = 0; i < r->outcome->kills->len; i++) {
        const SimKill *k = g_ptr_array_index(r->outcome->kills, i);
        if (k->pid == d.pid)
          d.order = i;
      }
      g_array_append_val(deaths, d);
    } else if (strcmp(what, "events") == 0 && n >= 2) {
      SimMemcgEvents *e = g_new0(SimMemcgEvents, 1);
      e->cgroup = g_strdup(tok[1]);
      e->low = field_i64(tok, n, "low");
      e->high = field_i64(tok, n, "high");
      e->max = field_i64(tok, n, "max");
      e->oom = field_i64(tok, n, "oom");
      e->oom_kill = field_i64(tok, n, "oom_kill");
      e->oom_group_kill = field_i64(tok, n, "oom_group_kill");
      g_hash_table_replace(events, e->cgroup, e);
    } else if (strcmp(what, "blocked") == 0 && n >= 2) {
      g_ptr_array_add(r->outcome->blocked_pids, GINT_TO_POINTER(atoi(tok[1])));
    } else if (strcmp(what, "unsupported") == 0) {
      r->unsupported = TRUE;
      set_string(&r->unsupported_reason, g_strjoinv(" ", tok + 1));
    } else if (strcmp(what, "earlyoom-log") == 0 && n >= 2) {
      g_autofree char *escaped = g_strjoinv(" ", tok + 1);
      unescape_token(escaped);
      /* an escape may stand for any byte: the line is made valid UTF-8 again, as the whole output was (found by
       * make fuzz-smoke: "%a2" in a line made validate's JSON invalid) */
      g_autofree char *text = g_utf8_make_valid(escaped, -1);
      g_ptr_array_add(r->kernel_lines, g_strdup_printf("earlyoom: %s", text));
      earlyoom_log_line(r, kpids, text);
    } else if (strcmp(what, "behind") == 0 && n >= 2) {
      pending_late_us = g_ascii_strtoull(tok[1], NULL, 10); /* the next step line names the step */
    } else if (strcmp(what, "earlyoom-death") == 0 && n >= 5) {
      g_autofree char *how = g_strjoinv(" ", tok + 1);
      set_string(&r->earlyoom_death, g_steal_pointer(&how));
    } else if (strcmp(what, "finish") == 0) {
      finished = TRUE;
    } else if (strcmp(what, "fatal") == 0) {
      set_string(&fatal, g_strjoinv(" ", tok + 1));
    }
  }

  if (fatal || run->status == HARNESS_VM_AGENT_FAILED) {
    g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_PROTOCOL, "the agent failed: %s",
                fatal ? fatal : "(no message)");
    summary_clear(&s);
    return NULL;
  }
  if (!seen_header) {
    g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_PROTOCOL,
                "no report from the agent (QEMU status %d%s)", run->qemu_status,
                run->status == HARNESS_VM_TIMEOUT ? ", time limit" : "");
    summary_clear(&s);
    return NULL;
  }
  if (run->status == HARNESS_VM_PANIC) {
    r->outcome->panicked = TRUE;
    console_after_panic(r, &s, kpids, console_output, last_ts);
  } else if (run->status == HARNESS_VM_TIMEOUT || r->livelock || r->step_timeout) {
    r->outcome->unresolved = TRUE;
  } else if (!finished && !r->unsupported) {
    g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_PROTOCOL, "the agent's report ends early (QEMU status %d)",
                run->qemu_status);
    summary_clear(&s);
    return NULL;
  }
  summary_clear(&s);

  /* A process the kernel killed got SIGKILL; when the run ended before the agent could watch it die (a panic
   * stopped the agent, or the run ended as a livelock or a timeout while the agent waited on another process),
   * its exit is 128 + 9 as for any victim (the model, whose exits are atomic, says the same), after the deaths the
   * agent saw, in the order of the kills: the victims' and the memory.oom.group members' killed alongside them,
   * each with its own "Killed process" record (found by make differential: seed 1, #0 and #20 on 6.1; #145 and
   * #200 on 6.12, the member of the group). */
  if (r->outcome->panicked || r->outcome->unresolved) {
    for (guint j = 0; j < r->killed_pids->len; j++) {
      int pid = g_array_index(r->killed_pids, int, j);
      gboolean seen = FALSE;
      for (guint i = 0; i < deaths->len && !seen; i++)
        seen = g_array_index(deaths, Death, i).pid == pid;
      if (!seen) {
        Death d = {.pid = pid, .status = 128 + 9, .signal = 9, .step = G_MAXLONG, .order = G_MAXUINT,
                   .seq = deaths->len};
        g_array_append_val(deaths, d);
      }
    }
  }

  /* deaths: by step, then in the order of the kills that caused them */
  for (guint i = 0; i < deaths->len; i++) {
    Death *d = &g_array_index(deaths, Death, i);
    for (guint j = 0; j < r->outcome->kills->len; j++) {
      const SimKill *k = g_ptr_array_index(r->outcome->kills, j);
      if (k->pid == d->pid && d->order == G_MAXUINT)
        d->order = j;
    }
  }
  g_array_sort(deaths, death_cmp);
  /* earlyoom's signals: when their process died, in steps run (death after step N: N + 1; at the end: all) */
  for (guint i = 0; i < r->outcome->actor_signals->len; i++) {
    SimActorSignal *a = g_ptr_array_index(r->outcome->actor_signals, i);
    for (guint j = 0; j < deaths->len; j++) {
      const Death *d = &g_array_index(deaths, Death, j);
      if (d->pid == a->pid)
        a->steps_done = d->step == G_MAXLONG ? scenario->step_labels->len : (guint64)d->step + 1;
    }
  }
  for (guint i = 0; i < deaths->len; i++) {
    const Death *d = &g_array_index(deaths, Death, i);
    SimExit *e = sim_outcome_add_exit(r->outcome);
    e->pid = d->pid;
    e->status = d->status;
    e->signal = d->signal;
    e->reason = sim_outcome_intern(r->outcome, exit_reason(d->status, d->signal, d->order != G_MAXUINT && d->signal == 9));
  }

  /* memory.events in the scenario's cgroup order; -1 where the VM has no such file (the v2 root) */
  for (guint i = 0; i < scenario->cgroups->len; i++) {
    const char *path = g_ptr_array_index(scenario->cgroups, i);
    SimMemcgEvents *e = g_hash_table_lookup(events, path);
    if (e) {
      g_hash_table_steal(events, path);
    } else {
      e = g_new0(SimMemcgEvents, 1);
      e->cgroup = g_strdup(path);
      e->low = e->high = e->max = e->oom = e->oom_kill = e->oom_group_kill = -1;
    }
    g_ptr_array_add(r->outcome->memcg_events, e);
  }
  return g_steal_pointer(&r);
}

void harness_vm_result_free(HarnessVmResult *r)
{
  if (!r)
    return;
  sim_outcome_free(r->outcome);
  g_free(r->unsupported_reason);
  g_free(r->kernel_release);
  if (r->kernel_lines)
    g_ptr_array_unref(r->kernel_lines);
  if (r->step_results)
    g_ptr_array_unref(r->step_results);
  if (r->killed_pids)
    g_array_unref(r->killed_pids);
  g_free(r->earlyoom_death);
  g_free(r);
}
