/* explain/explain-output.c: the explanation as text for a reader and as JSON for programs (docs/explain.md lists
 * every JSON member). Both are built whole in memory and written by the caller only when everything succeeded.
 * Order is the log's order, then the table's (the kernel's scan order): no hash order reaches the output. */
#include "explain.h"

#include <json-glib/json-glib.h>

const char *explain_task_skip_short(const ExplainTask *t)
{
  static const char *const text[KM_SKIP_N] = {
    [KM_SKIP_NONE] = "", [KM_SKIP_UNKILLABLE] = "unkillable", [KM_SKIP_OTHER_MEMCG] = "other memcg",
    [KM_SKIP_NO_MM] = "no mm", [KM_SKIP_ADJ_MIN] = "adj -1000", [KM_SKIP_OOM_SKIP] = "reaped",
    [KM_SKIP_VFORK] = "vfork", [KM_SKIP_VICTIM_ABORT] = "abort", [KM_SKIP_NOT_SCANNED] = "not scanned",
  };
  return text[t->skip];
}

static void text_list(GString *out, const char *title, GPtrArray *items)
{
  if (!items->len)
    return;
  g_string_append_printf(out, "  %s\n", title);
  for (guint i = 0; i < items->len; i++)
    g_string_append_printf(out, "    - %s\n", (char *)items->pdata[i]);
}

static void text_table(GString *out, const ExplainReport *r)
{
  g_string_append_printf(out, "  task table:  %s, %u row%s%s\n", explain_table_format_names[r->table_format],
                         r->tasks->len, r->tasks->len == 1 ? "" : "s", r->table_header_seen ? "" : " (no header)");
  if (!r->tasks->len)
    return;
  g_string_append(out, "      pid    uid        rss  swapents  pgtables    adj      points  rank  name\n");
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    g_autofree char *points = t->skip == KM_SKIP_NONE && r->era && r->era->recomputable
                              ? g_strdup_printf("%ld", t->points) : g_strdup("-");
    g_autofree char *rank = t->rank ? g_strdup_printf("%d", t->rank) : g_strdup(explain_task_skip_short(t));
    g_autofree char *adj = t->oom_score_adj != t->printed_adj ? g_strdup_printf("%d*", t->oom_score_adj)
                                                              : g_strdup_printf("%d", t->oom_score_adj);
    g_string_append_printf(out, "  %7d %6d %10" G_GINT64_FORMAT " %9" G_GINT64_FORMAT " %9" G_GINT64_FORMAT
                           " %6s %11s  %4s  %s\n", t->pid, t->uid, t->rss, t->swapents, explain_task_pgtables(r, t), adj,
                           points, rank, t->name);
  }
}

static void text_outcome(GString *out, const ExplainReport *r)
{
  switch (r->outcome) {
  case EXPLAIN_OUTCOME_KILLED:
  case EXPLAIN_OUTCOME_ALLOCATING:
    g_string_append_printf(out, "  kernel:      %s pid %d (%s)", r->outcome == EXPLAIN_OUTCOME_ALLOCATING
                           ? "killed the allocating task," : "chose", r->chosen_pid, r->chosen_comm ? r->chosen_comm : "?");
    if (r->has_printed_score)
      g_string_append_printf(out, ", printed score %ld", r->printed_score);
    for (guint i = 0; i < r->kills->len; i++) {
      const ExplainKill *k = &g_array_index(r->kills, ExplainKill, i);
      g_string_append_printf(out, "%s%d (%s)", i == 0 ? "; killed " : ", ", k->pid, k->comm ? k->comm : "?");
    }
    if (r->oom_group)
      g_string_append_printf(out, " (memory.oom.group of %s)", r->oom_group);
    if (r->reaped->len)
      g_string_append_printf(out, "; oom_reaper reaped %u", r->reaped->len);
    g_string_append_c(out, '\n');
    break;
  case EXPLAIN_OUTCOME_PANIC:
  case EXPLAIN_OUTCOME_NO_KILLABLE:
    g_string_append_printf(out, "  kernel:      %s%s%s\n", r->outcome == EXPLAIN_OUTCOME_PANIC ? "panic: " :
                           "no killable processes", r->panic_message && r->outcome == EXPLAIN_OUTCOME_PANIC
                           ? r->panic_message : "", r->panic_message && r->outcome != EXPLAIN_OUTCOME_PANIC
                           ? " (then panic)" : "");
    break;
  default:
    g_string_append(out, "  kernel:      (no outcome line in the log)\n");
  }
}

char *explain_whatif_result(const ExplainReport *r)
{
  g_autoptr(GPtrArray) order = explain_report_ranking(r);
  if (!order->len)
    return g_strdup("no process would be killable");
  if (!r->baseline_order->len)
    return NULL;
  int before = g_array_index(r->baseline_order, int, 0);
  const ExplainTask *now = order->pdata[0];
  if (before == now->pid)
    return g_strdup_printf("the victim is still pid %d (%s)", now->pid, now->name);
  return g_strdup_printf("pid %d (%s) would have died instead of pid %d", now->pid, now->name, before);
}

static void text_report(GString *out, const ExplainReport *r, guint index, guint total)
{
  g_string_append_printf(out, "\nReport %u of %u, lines %u-%u\n", index + 1, total, r->first_line, r->last_line);
  g_string_append_printf(out, "  kernel era:  %s (by %s)\n", r->era ? r->era->name : "unknown", r->era_reason);
  if (r->version)
    g_string_append_printf(out, "  release:     %s%s%s%s\n", r->version, r->arch ? " (" : "", r->arch ? r->arch : "",
                           r->arch ? ")" : "");
  if (r->has_invoker) {
    g_string_append_printf(out, "  invoked by:  %s", r->invoker_comm ? r->invoker_comm : "?");
    if (r->has_invoker_pid)
      g_string_append_printf(out, " (pid %d)", r->invoker_pid);
    g_string_append_printf(out, ", gfp_mask=%s", r->gfp_mask ? r->gfp_mask : "?");
    if (r->gfp_flags)
      g_string_append_printf(out, "(%s)", r->gfp_flags);
    g_string_append_printf(out, ", order=%d, oom_score_adj=%d\n", r->order, r->invoker_adj);
  }
  g_string_append_printf(out, "  constraint:  %s", explain_constraint_names[r->constraint]);
  if (r->oom_memcg)
    g_string_append_printf(out, ", oom_memcg %s", r->oom_memcg);
  if (r->task_memcg)
    g_string_append_printf(out, ", task_memcg %s", r->task_memcg);
  if (r->mem_limit_kb >= 0)
    g_string_append_printf(out, "; memory usage %" G_GINT64_FORMAT " kB, limit %" G_GINT64_FORMAT " kB",
                           r->mem_usage_kb, r->mem_limit_kb);
  if (r->swap_limit_kb >= 0)
    g_string_append_printf(out, ", swap limit %" G_GINT64_FORMAT " kB", r->swap_limit_kb);
  if (r->memsw_limit_kb >= 0)
    g_string_append_printf(out, ", memory+swap limit %" G_GINT64_FORMAT " kB", r->memsw_limit_kb);
  g_string_append_c(out, '\n');
  if (r->totalpages >= 0)
    g_string_append_printf(out, "  totalpages:  %ld (%s)\n", r->totalpages, r->totalpages_source);
  else
    g_string_append_printf(out, "  totalpages:  %s\n", r->totalpages_source ? r->totalpages_source : "unknown");
  text_table(out, r);
  text_outcome(out, r);
  if (r->outcome == EXPLAIN_OUTCOME_ALLOCATING) {
    g_string_append_printf(out, "  recomputed:  the allocating task is killed without a scan -> %s\n",
                           explain_verdict_names[r->verdict]);
  } else if (r->recomputed_pid) {
    const ExplainTask *mine = NULL;
    for (guint i = 0; i < r->tasks->len; i++)
      if (g_array_index(r->tasks, ExplainTask, i).pid == r->recomputed_pid)
        mine = &g_array_index(r->tasks, ExplainTask, i);
    g_string_append_printf(out, "  recomputed:  pid %d (%s), %ld points", r->recomputed_pid, mine ? mine->name : "?",
                           mine ? mine->points : 0);
  } else {
    g_string_append(out, "  recomputed:  no candidate");
  }
  if (r->outcome != EXPLAIN_OUTCOME_ALLOCATING)
    g_string_append_printf(out, " -> %s\n", explain_verdict_names[r->verdict]);
  text_list(out, "why:", r->reasons);
  g_autoptr(GPtrArray) order = explain_report_ranking(r);
  if (order->len > 1) {
    g_string_append(out, "  next victims if the kernel had to kill again:");
    for (guint i = 1; i < order->len && i < 11; i++) {
      const ExplainTask *t = order->pdata[i];
      g_string_append_printf(out, " %d (%s)%s", t->pid, t->name, i + 1 < order->len && i < 10 ? "," : "");
    }
    if (order->len > 11)
      g_string_append_printf(out, " ... (%u more)", order->len - 11);
    g_string_append_c(out, '\n');
  }
  if (r->whatif) {
    text_list(out, "what-if:", r->whatif_notes);
    g_autofree char *result = explain_whatif_result(r);
    if (result)
      g_string_append_printf(out, "  what-if result: %s\n", result);
  }
  text_list(out, "notes (what the log does not say, and what was assumed):", r->notes);
}

static void json_str(JsonBuilder *b, const char *key, const char *value)
{
  json_builder_set_member_name(b, key);
  if (value)
    json_builder_add_string_value(b, value);
  else
    json_builder_add_null_value(b);
}

static void json_int(JsonBuilder *b, const char *key, gint64 value)
{
  json_builder_set_member_name(b, key);
  json_builder_add_int_value(b, value);
}

static void json_strings(JsonBuilder *b, const char *key, GPtrArray *items)
{
  json_builder_set_member_name(b, key);
  json_builder_begin_array(b);
  for (guint i = 0; i < items->len; i++)
    json_builder_add_string_value(b, items->pdata[i]);
  json_builder_end_array(b);
}

static void json_tasks(JsonBuilder *b, const ExplainReport *r)
{
  json_builder_set_member_name(b, "tasks");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->tasks->len; i++) {
    const ExplainTask *t = &g_array_index(r->tasks, ExplainTask, i);
    json_builder_begin_object(b);
    json_int(b, "pid", t->pid);
    json_int(b, "uid", t->uid);
    json_int(b, "tgid", t->tgid);
    json_int(b, "total_vm", t->total_vm);
    json_int(b, "rss", t->rss);
    if (r->table_format == EXPLAIN_TABLE_RSS_SPLIT) {
      json_int(b, "rss_anon", t->rss_anon);
      json_int(b, "rss_file", t->rss_file);
      json_int(b, "rss_shmem", t->rss_shmem);
    }
    json_int(b, "swapents", t->swapents);
    json_int(b, "pgtables_pages", explain_task_pgtables(r, t));
    json_int(b, "oom_score_adj", t->oom_score_adj);
    json_int(b, "printed_oom_score_adj", t->printed_adj);
    json_str(b, "name", t->name);
    json_int(b, "line", t->line);
    json_str(b, "skip", t->skip == KM_SKIP_NONE ? NULL : km_skip_reason_text[t->skip]);
    json_builder_set_member_name(b, "points");
    if (t->skip == KM_SKIP_NONE && r->era && r->era->recomputable)
      json_builder_add_int_value(b, t->points);
    else
      json_builder_add_null_value(b);
    json_int(b, "rank", t->rank);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
}

static void json_report(JsonBuilder *b, const ExplainReport *r)
{
  json_builder_begin_object(b);
  json_int(b, "first_line", r->first_line);
  json_int(b, "last_line", r->last_line);
  json_str(b, "release", r->version);
  json_str(b, "arch", r->arch);
  json_str(b, "era", r->era ? r->era->name : NULL);
  json_str(b, "era_reason", r->era_reason);
  json_str(b, "invoker", r->invoker_comm);
  json_int(b, "invoker_pid", r->has_invoker_pid ? r->invoker_pid : 0);
  json_str(b, "gfp_mask", r->gfp_mask);
  json_str(b, "gfp_flags", r->gfp_flags);
  json_int(b, "order", r->order);
  json_str(b, "constraint", explain_constraint_names[r->constraint]);
  json_str(b, "oom_memcg", r->oom_memcg);
  json_str(b, "task_memcg", r->task_memcg);
  json_int(b, "memory_limit_kb", r->mem_limit_kb);
  json_int(b, "memory_usage_kb", r->mem_usage_kb);
  json_int(b, "swap_limit_kb", r->swap_limit_kb);
  json_int(b, "memsw_limit_kb", r->memsw_limit_kb);
  json_int(b, "page_size", r->page_size);
  json_int(b, "totalpages", r->totalpages);
  json_str(b, "totalpages_source", r->totalpages_source);
  json_str(b, "table_format", explain_table_format_names[r->table_format]);
  json_tasks(b, r);
  json_str(b, "outcome", explain_outcome_names[r->outcome]);
  json_int(b, "chosen_pid", r->chosen_pid);
  json_str(b, "chosen_comm", r->chosen_comm);
  json_builder_set_member_name(b, "printed_score");
  if (r->has_printed_score)
    json_builder_add_int_value(b, r->printed_score);
  else
    json_builder_add_null_value(b);
  json_str(b, "panic", r->panic_message);
  json_str(b, "oom_group", r->oom_group);
  json_builder_set_member_name(b, "killed");
  json_builder_begin_array(b);
  for (guint i = 0; i < r->kills->len; i++) {
    const ExplainKill *k = &g_array_index(r->kills, ExplainKill, i);
    json_builder_begin_object(b);
    json_int(b, "pid", k->pid);
    json_str(b, "comm", k->comm);
    json_int(b, "anon_rss_kb", k->anon_rss_kb);
    json_int(b, "line", k->line);
    json_builder_end_object(b);
  }
  json_builder_end_array(b);
  json_int(b, "recomputed_pid", r->recomputed_pid);
  json_builder_set_member_name(b, "recomputed_score");
  if (r->recomputed_score >= 0)
    json_builder_add_int_value(b, r->recomputed_score);
  else
    json_builder_add_null_value(b);
  json_str(b, "verdict", explain_verdict_names[r->verdict]);
  json_strings(b, "reasons", r->reasons);
  g_autoptr(GPtrArray) order = explain_report_ranking(r);
  json_builder_set_member_name(b, "kill_order");
  json_builder_begin_array(b);
  for (guint i = 0; i < order->len; i++)
    json_builder_add_int_value(b, ((ExplainTask *)order->pdata[i])->pid);
  json_builder_end_array(b);
  if (r->whatif) {
    json_strings(b, "whatif", r->whatif_notes);
    json_builder_set_member_name(b, "baseline_kill_order");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->baseline_order->len; i++)
      json_builder_add_int_value(b, g_array_index(r->baseline_order, int, i));
    json_builder_end_array(b);
  }
  json_strings(b, "notes", r->notes);
  json_builder_end_object(b);
}

GString *explain_format(const char *source, GPtrArray *reports, ExplainFormat format)
{
  if (format == EXPLAIN_FORMAT_HTML)
    return explain_format_html(source, reports);
  if (format == EXPLAIN_FORMAT_JSON) {
    /* one JsonBuilder per report, written out and freed before the next: a log of many large tables never holds
     * the node trees of all of them at once (json-glib has no streaming writer) */
    GString *out = g_string_new("{\n  \"source\" : ");
    g_autoptr(JsonNode) src = json_node_init_string(json_node_alloc(), source);
    g_autofree char *src_text = json_to_string(src, FALSE);
    g_string_append_printf(out, "%s,\n  \"reports\" : [", src_text);
    for (guint i = 0; i < reports->len; i++) {
      g_autoptr(JsonBuilder) b = json_builder_new();
      json_report(b, reports->pdata[i]);
      g_autoptr(JsonGenerator) gen = json_generator_new();
      g_autoptr(JsonNode) root = json_builder_get_root(b);
      json_generator_set_root(gen, root);
      json_generator_set_pretty(gen, TRUE);
      g_autofree char *text = json_generator_to_data(gen, NULL);
      g_string_append(out, i ? ",\n" : "\n");
      g_string_append(out, text);
    }
    g_string_append(out, "\n  ]\n}\n");
    return out;
  }
  GString *out = g_string_new(NULL);
  g_string_append_printf(out, "oomsim explain: %s: %u OOM report%s\n", source, reports->len, reports->len == 1 ? "" : "s");
  for (guint i = 0; i < reports->len; i++)
    text_report(out, reports->pdata[i], i, reports->len);
  return out;
}
