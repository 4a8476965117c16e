/* scenarios/scenario-expand.c: `oomsim expand FILE`.
 *
 * The scenario is first read by the streaming loader, to the end, so that an invalid one is refused with the usual
 * FILE:LINE:COL message before anything is printed. Then the same bytes are parsed once more as a tree (no DTD, no
 * network, as the loader reads them) to copy the sections that expansion does not change. The output holds no
 * <kubelet>: it is the scenario as the kernel model sees it, and runs as an ordinary scenario (without the
 * kubelet's eviction manager, which needs <kubelet>).
 */
#include "scenario-expand.h"

#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "../k8s/k8s-explain.h"
#include "scenario-loader.h"

static gboolean
read_all(const char *path, char **out_data, gsize *out_len, GError **error)
{
  g_autoptr(GError) io_error = NULL;
  if (strcmp(path, "-") == 0) {
    g_autoptr(GIOChannel) in = g_io_channel_unix_new(0);
    g_io_channel_set_encoding(in, NULL, NULL);
    if (g_io_channel_read_to_end(in, out_data, out_len, &io_error) == G_IO_STATUS_NORMAL)
      return TRUE;
  } else if (g_file_get_contents(path, out_data, out_len, &io_error)) {
    return TRUE;
  }
  scenario_set_error(error, SCENARIO_ERROR_IO, strcmp(path, "-") == 0 ? "<stdin>" : path, 0, 0, "cannot read: %s",
                     io_error->message);
  return FALSE;
}

/* The whole scenario through the loader: header, every step, the expectations. */
static ScenarioLoader *
validate(const char *data, gsize len, const char *name, GError **error)
{
  g_autoptr(ScenarioLoader) loader = scenario_loader_new_from_memory(data, len, name, error);
  if (loader == NULL)
    return NULL;
  const ScStep *step = NULL;
  while (scenario_loader_next_step_borrowed(loader, &step, error))
    ;
  if (error && *error)
    return NULL;
  g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, error);
  return expects ? g_steal_pointer(&loader) : NULL;
}

static void
append_escaped(GString *out, const char *text)
{
  g_autofree char *escaped = g_markup_escape_text(text, -1);
  g_string_append(out, escaped);
}

static void
append_attr(GString *out, const char *name, const char *value)
{
  g_string_append_printf(out, " %s=\"", name);
  append_escaped(out, value);
  g_string_append_c(out, '"');
}

static void
append_comment(GString *out, const char *indent, const char *text)
{
  g_autofree char *safe = g_strdup(text);
  for (char *p = strstr(safe, "--"); p; p = strstr(p, "--"))
    p[1] = '='; /* "--" may not occur in a comment */
  g_string_append_printf(out, "%s<!-- %s -->\n", indent, safe);
}

/* A node of the original document, as written (its own indentation is kept inside it). */
static void
append_node(GString *out, xmlDocPtr doc, xmlNodePtr node)
{
  xmlBufferPtr buf = xmlBufferCreate();
  xmlNodeDump(buf, doc, node, 1, 0);
  g_string_append_printf(out, "  %s\n", (const char *) xmlBufferContent(buf));
  xmlBufferFree(buf);
}

static void
append_cgroups(GString *out, const ScenarioHeader *header)
{
  g_string_append_printf(out, "  <cgroups version=\"%d\">\n", header->cgroup_version);
  for (guint i = 0; i < header->cgroups->len; i++) {
    const ScCgroup *c = header->cgroups->pdata[i];
    g_autofree char *why = k8s_explain_cgroup(header->k8s, c->path);
    if (why)
      append_comment(out, "    ", why);
    g_string_append(out, "    <cgroup");
    append_attr(out, "path", c->path);
    for (guint j = 0; j < c->attrs->len; j++) {
      const ScAttr *a = c->attrs->pdata[j];
      append_attr(out, a->name, a->value);
    }
    g_string_append(out, "/>\n");
  }
  g_string_append(out, "  </cgroups>\n");
}

static void
append_int_attr(GString *out, const char *name, gint64 value)
{
  g_autofree char *text = g_strdup_printf("%" G_GINT64_FORMAT, value);
  append_attr(out, name, text);
}

static void
append_process(GString *out, const ScenarioHeader *header, const ScProcess *p)
{
  g_autofree char *why = k8s_explain_process(header->k8s, p->pid);
  if (why)
    append_comment(out, "    ", why);
  g_string_append(out, "    <process");
  append_int_attr(out, "pid", p->pid);
  append_attr(out, "comm", p->comm);
  append_attr(out, "cgroup", p->cgroup ? p->cgroup : "/");
  append_int_attr(out, "oom_score_adj", p->oom_score_adj);
  append_int_attr(out, "uid", p->uid);
  if (p->container)
    append_attr(out, "container", p->container);
  if (p->threads != 1)
    append_int_attr(out, "threads", p->threads);
  if (p->shares_mm_with)
    append_int_attr(out, "shares-mm-with", p->shares_mm_with);
  if (p->parent)
    append_int_attr(out, "parent", p->parent);
  append_attr(out, "cap-sys-admin", p->cap_sys_admin ? "true" : "false");
  const struct {
    const char *name;
    gboolean on;
  } flags[] = { { "kthread", p->kthread }, { "stuck", p->stuck }, { "oom-task-origin", p->oom_task_origin },
                { "vfork-child", p->vfork_child } };
  for (gsize i = 0; i < G_N_ELEMENTS(flags); i++)
    if (flags[i].on)
      append_attr(out, flags[i].name, "true");
  if (p->base_rss_bytes)
    append_int_attr(out, "base-rss", (gint64) p->base_rss_bytes);
  if (p->base_pgtables_bytes)
    append_int_attr(out, "base-pgtables", (gint64) p->base_pgtables_bytes);
  g_string_append(out, "/>\n");
}

GString *
scenario_expand(const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;
  const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
  if (!read_all(path, &data, &len, error))
    return NULL;
  g_autoptr(ScenarioLoader) loader = validate(data, len, name, error);
  if (loader == NULL)
    return NULL;
  const ScenarioHeader *header = scenario_loader_get_header(loader);

  xmlDocPtr doc = xmlReadMemory(data, (int) len, NULL, NULL, XML_PARSE_NONET | XML_PARSE_BIG_LINES);
  if (doc == NULL) { /* the loader read it: only an internal failure gets here */
    scenario_set_error(error, SCENARIO_ERROR_XML, name, 0, 0, "cannot parse the document a second time");
    return NULL;
  }
  GString *out = g_string_new("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  g_autofree char *node_text = k8s_explain_node(header->k8s);
  g_string_append_printf(out, "<!-- oomsim expand %s", name);
  if (node_text)
    g_string_append_printf(out, ":\n     %s", node_text);
  g_string_append(out, " -->\n<scenario");
  append_attr(out, "name", header->name);
  if (header->kernel)
    append_attr(out, "kernel", header->kernel);
  g_string_append(out, ">\n");
  xmlNodePtr root = xmlDocGetRootElement(doc);
  for (xmlNodePtr n = root->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && (xmlStrEqual(n->name, BAD_CAST "description") ||
                                        xmlStrEqual(n->name, BAD_CAST "machine")))
      append_node(out, doc, n);
  append_cgroups(out, header);
  g_string_append(out, "  <processes>\n");
  for (guint i = 0; i < header->processes->len; i++)
    append_process(out, header, header->processes->pdata[i]);
  g_string_append(out, "  </processes>\n");
  for (xmlNodePtr n = root->children; n; n = n->next)
    if (n->type == XML_ELEMENT_NODE && (xmlStrEqual(n->name, BAD_CAST "trace") ||
                                        xmlStrEqual(n->name, BAD_CAST "expect")))
      append_node(out, doc, n);
  g_string_append(out, "</scenario>\n");
  xmlFreeDoc(doc);
  return out;
}
