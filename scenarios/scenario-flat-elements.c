/* scenarios/scenario-flat-elements.c: the flat elements of oomsim.rng that come by the thousand (the steps of
 * <trace>, <process> and <cgroup>), checked by hand (issue 13).
 *
 * Why. libxml2 validates a streamed document with automata only for elements whose content compiles; an element
 * with optional attributes does not, so the reader expands every trace step into a node and runs the interpreted
 * validator on it (xmlRelaxNGValidateFullElement): about 44% of the instructions of reading a trace. These
 * elements are flat (attributes only, no content), so each one's rule is a short table.
 *
 * How it stays exactly as strict. sc_flat_element_vouches() is a sufficient condition of validity, never a
 * verdict of invalidity: it answers TRUE only for an element that RelaxNG accepts (no namespace, no content,
 * only the attributes the schema lists for that element under that parent, every required one present, each value
 * of a form the schema's type accepts: plain digits for `integer`, 0, 1, true or false for `boolean`, the exact
 * spelling of one of a `<choice>`'s values), and
 * FALSE for anything else, including valid elements it does not bother with (`pid="+7"`, `<exit pid="1"></exit>`).
 * The loader then runs libxml2's validator on that element as before, so every invalid step gets the very message
 * it got before. Where the parent is decided: the loader asks only while no error has been found, so the document
 * so far is valid and libxml2's automaton of the parent has just accepted the element's name (it asks for the
 * element's full validation), and under a given parent of this schema a name has one definition.
 * tests/test-scenario-loader.c (/scenarios/flat-elements/...) feeds every attribute of every such element, valid
 * and invalid forms, through both paths and requires the same result, and checks this table against oomsim.rng.
 */
#include "scenario-flat-elements.h"

#include <string.h>

typedef enum {
  ATTR_BOOL,   /* <data type="boolean"/>: vouched for when 0, 1, true or false */
  ATTR_ZERO_ONE,
  ATTR_TEXT,   /* <text/>, <data type="string"/>: any value */
  ATTR_INT,    /* <data type="integer"/>: vouched for when -?[0-9]{1,18} */
  ATTR_SYSCTL, /* <ref name="sysctl-name"/> */
  ATTR_CGROUP_FILE,
  ATTR_MALLOC_TOUCH,
} AttrType;

typedef struct {
  const char *name;
  AttrType type;
  gboolean required;
} FlatAttr;

#define STEP_COMMON { "id", ATTR_TEXT, FALSE }, { "at", ATTR_TEXT, FALSE }
#define STEP_PID { "pid", ATTR_INT, TRUE }
#define FLAT_ATTRS_MAX 16

/* oomsim.rng: <define name="trace">, <define name="processes"> and <define name="cgroups">, element by element. */
static const struct {
  const char *parent;
  const char *element;
  FlatAttr attrs[FLAT_ATTRS_MAX];
} flat_grammar[] = {
  { "processes", "process", { STEP_PID, { "comm", ATTR_TEXT, TRUE }, { "cgroup", ATTR_TEXT, FALSE },
                              { "oom_score_adj", ATTR_INT, FALSE }, { "uid", ATTR_INT, FALSE },
                              { "container", ATTR_TEXT, FALSE }, { "threads", ATTR_INT, FALSE },
                              { "shares-mm-with", ATTR_INT, FALSE }, { "parent", ATTR_INT, FALSE },
                              { "cap-sys-admin", ATTR_BOOL, FALSE }, { "kthread", ATTR_BOOL, FALSE },
                              { "stuck", ATTR_BOOL, FALSE }, { "oom-task-origin", ATTR_BOOL, FALSE },
                              { "vfork-child", ATTR_BOOL, FALSE }, { "base-rss", ATTR_TEXT, FALSE },
                              { "base-pgtables", ATTR_TEXT, FALSE } } },
  { "cgroups", "cgroup", { { "path", ATTR_TEXT, TRUE }, { "memory.max", ATTR_TEXT, FALSE },
                           { "memory.high", ATTR_TEXT, FALSE }, { "memory.swap.max", ATTR_TEXT, FALSE },
                           { "memory.oom.group", ATTR_ZERO_ONE, FALSE }, { "memory.limit_in_bytes", ATTR_TEXT, FALSE },
                           { "memory.memsw.limit_in_bytes", ATTR_TEXT, FALSE },
                           { "memory.oom_control", ATTR_ZERO_ONE, FALSE },
                           { "memory.use_hierarchy", ATTR_ZERO_ONE, FALSE } } },
  { "trace", "mmap", { STEP_COMMON, STEP_PID, { "size", ATTR_TEXT, TRUE } } },
  { "trace", "touch", { STEP_COMMON, STEP_PID, { "size", ATTR_TEXT, TRUE }, { "repeat", ATTR_INT, FALSE },
               { "mapping", ATTR_TEXT, FALSE } } },
  { "trace", "malloc", { STEP_COMMON, STEP_PID, { "size", ATTR_TEXT, TRUE }, { "repeat", ATTR_INT, FALSE },
                { "touch", ATTR_MALLOC_TOUCH, FALSE } } },
  { "trace", "free", { STEP_COMMON, STEP_PID, { "ref", ATTR_TEXT, TRUE } } },
  { "trace", "munmap", { STEP_COMMON, STEP_PID, { "ref", ATTR_TEXT, TRUE } } },
  { "trace", "file-read", { STEP_COMMON, STEP_PID, { "size", ATTR_TEXT, TRUE } } },
  { "trace", "shmem-write", { STEP_COMMON, STEP_PID, { "size", ATTR_TEXT, TRUE } } },
  { "trace", "fork", { STEP_COMMON, STEP_PID, { "child", ATTR_INT, TRUE }, { "comm", ATTR_TEXT, FALSE } } },
  { "trace", "exit", { STEP_COMMON, STEP_PID, { "code", ATTR_INT, FALSE } } },
  { "trace", "set", { STEP_COMMON, STEP_PID, { "oom_score_adj", ATTR_INT, TRUE } } },
  { "trace", "sysctl", { STEP_COMMON, { "name", ATTR_SYSCTL, TRUE }, { "value", ATTR_INT, TRUE } } },
  { "trace", "cgroup-set", { STEP_COMMON, { "cgroup", ATTR_TEXT, TRUE }, { "name", ATTR_CGROUP_FILE, TRUE },
                    { "value", ATTR_TEXT, TRUE } } },
  { "trace", "move", { STEP_COMMON, STEP_PID, { "cgroup", ATTR_TEXT, TRUE } } },
};

static const char *const sysctl_names[] = { /* <define name="sysctl-name"> */
  "vm.overcommit_memory", "vm.overcommit_ratio", "vm.overcommit_kbytes", "vm.panic_on_oom",
  "vm.oom_kill_allocating_task", "vm.admin_reserve_kbytes", "vm.user_reserve_kbytes", "vm.min_free_kbytes",
  "vm.swappiness", NULL,
};
static const char *const cgroup_files[] = { /* <cgroup-set name=...> */
  "memory.max", "memory.high", "memory.swap.max", "memory.oom.group", "memory.limit_in_bytes",
  "memory.memsw.limit_in_bytes", "memory.oom_control", "memory.use_hierarchy", NULL,
};
static const char *const malloc_touch[] = { "first", "all", "none", NULL };
static const char *const booleans[] = { "0", "1", "true", "false", NULL };
static const char *const zero_one[] = { "0", "1", NULL };

static gboolean
one_of(const char *value, const char *const *values)
{
  for (; *values != NULL; values++)
    if (strcmp(value, *values) == 0)
      return TRUE;
  return FALSE;
}

/* XSD integer in its plainest form; anything else (a sign '+', white space, 19 digits or more) is left to libxml2,
 * which accepts some of it (up to 24 significant digits, xmlSchemaParseUInt()) and refuses the rest. */
static gboolean
plain_integer(const char *value)
{
  const char *c = value + (value[0] == '-');
  gsize digits = 0;
  for (; *c >= '0' && *c <= '9'; c++)
    digits++;
  return *c == '\0' && digits >= 1 && digits <= 18;
}

static gboolean
value_vouched(AttrType type, const char *value)
{
  switch (type) {
  case ATTR_BOOL:
    return one_of(value, booleans);
  case ATTR_ZERO_ONE:
    return one_of(value, zero_one);
  case ATTR_TEXT:
    return TRUE;
  case ATTR_INT:
    return plain_integer(value);
  case ATTR_SYSCTL:
    return one_of(value, sysctl_names);
  case ATTR_CGROUP_FILE:
    return one_of(value, cgroup_files);
  case ATTR_MALLOC_TOUCH:
    return one_of(value, malloc_touch);
  }
  return FALSE;
}

/* The value of an attribute parsed as one text node (what the parser makes of any value without an entity
 * reference); NULL for anything else. An empty value has no child. */
static const char *
attr_value(xmlAttrPtr attr)
{
  xmlNodePtr text = attr->children;
  if (text == NULL)
    return "";
  if (text->type != XML_TEXT_NODE || text->next != NULL || text->content == NULL)
    return NULL;
  return (const char *) text->content;
}

/* The attributes the table allows on element under parent, NULL when it has no entry. */
static const FlatAttr *
flat_attrs(const char *parent, const char *element)
{
  for (gsize i = 0; i < G_N_ELEMENTS(flat_grammar); i++)
    if (element[0] == flat_grammar[i].element[0] && strcmp(element, flat_grammar[i].element) == 0 &&
        strcmp(parent, flat_grammar[i].parent) == 0)
      return flat_grammar[i].attrs;
  return NULL;
}

/* One attribute: TRUE when the table lists it and vouches for its value; its bit is set in *seen. */
static gboolean
flat_attr_vouched(const FlatAttr *attrs, const char *name, const char *value, guint *seen)
{
  guint i = 0;
  while (i < FLAT_ATTRS_MAX && attrs[i].name != NULL &&
         (name[0] != attrs[i].name[0] || strcmp(name, attrs[i].name) != 0))
    i++;
  if (i == FLAT_ATTRS_MAX || attrs[i].name == NULL || !value_vouched(attrs[i].type, value))
    return FALSE;
  *seen |= 1u << i;
  return TRUE;
}

static gboolean
flat_required_seen(const FlatAttr *attrs, guint seen)
{
  for (guint i = 0; i < FLAT_ATTRS_MAX && attrs[i].name != NULL; i++)
    if (attrs[i].required && (seen & (1u << i)) == 0)
      return FALSE;
  return TRUE;
}

gboolean
sc_flat_element_vouches(xmlNodePtr node)
{
  if (node == NULL || node->type != XML_ELEMENT_NODE || node->ns != NULL || node->children != NULL ||
      node->parent == NULL || node->parent->type != XML_ELEMENT_NODE)
    return FALSE;
  const FlatAttr *attrs = flat_attrs((const char *) node->parent->name, (const char *) node->name);
  if (attrs == NULL)
    return FALSE;
  guint seen = 0; /* bit i: attrs[i] is present */
  for (xmlAttrPtr attr = node->properties; attr != NULL; attr = attr->next) {
    const char *value = attr_value(attr);
    if (attr->ns != NULL || value == NULL || !flat_attr_vouched(attrs, (const char *) attr->name, value, &seen))
      return FALSE;
  }
  return flat_required_seen(attrs, seen);
}

/* name[0..len) is the table's name (NUL-terminated). */
static gboolean
same_name(const char *table_name, const char *name, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (table_name[i] != name[i]) /* also stops at the table name's NUL */
      return FALSE;
  return table_name[len] == '\0';
}

/* The scanner's interface: the element by its name's bytes, then each attribute by its name's bytes. */
const ScFlatElement *
sc_flat_element_lookup(const char *parent, const char *name, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS(flat_grammar); i++)
    if (same_name(flat_grammar[i].element, name, len) && strcmp(parent, flat_grammar[i].parent) == 0)
      return (const ScFlatElement *) flat_grammar[i].attrs;
  return NULL;
}

int
sc_flat_element_attr_index(const ScFlatElement *element, const char *name, gsize len, const char **out_name)
{
  const FlatAttr *attrs = (const FlatAttr *) element;
  for (int i = 0; i < FLAT_ATTRS_MAX && attrs[i].name != NULL; i++)
    if (same_name(attrs[i].name, name, len)) {
      *out_name = attrs[i].name;
      return i;
    }
  return -1;
}

gboolean
sc_flat_element_value_vouched(const ScFlatElement *element, int index, const char *value)
{
  return value_vouched(((const FlatAttr *) element)[index].type, value);
}

gboolean
sc_flat_element_complete(const ScFlatElement *element, guint seen)
{
  return flat_required_seen((const FlatAttr *) element, seen);
}

gboolean
sc_flat_element_attribute(const char *parent, const char *element, guint index, const char **out_name, gboolean *out_required,
                          const char **out_type, const char *const **out_values)
{
  for (gsize i = 0; i < G_N_ELEMENTS(flat_grammar); i++) {
    if (strcmp(element, flat_grammar[i].element) != 0 || strcmp(parent, flat_grammar[i].parent) != 0)
      continue;
    if (index >= FLAT_ATTRS_MAX || flat_grammar[i].attrs[index].name == NULL)
      return FALSE;
    *out_name = flat_grammar[i].attrs[index].name;
    *out_required = flat_grammar[i].attrs[index].required;
    *out_type = flat_grammar[i].attrs[index].type == ATTR_INT    ? "integer"
                : flat_grammar[i].attrs[index].type == ATTR_BOOL ? "boolean"
                : flat_grammar[i].attrs[index].type == ATTR_TEXT ? "text"
                                                                 : "choice";
    switch (flat_grammar[i].attrs[index].type) {
    case ATTR_BOOL:
      *out_values = booleans;
      break;
    case ATTR_ZERO_ONE:
      *out_values = zero_one;
      break;
    case ATTR_SYSCTL:
      *out_values = sysctl_names;
      break;
    case ATTR_CGROUP_FILE:
      *out_values = cgroup_files;
      break;
    case ATTR_MALLOC_TOUCH:
      *out_values = malloc_touch;
      break;
    default:
      *out_values = NULL;
    }
    return TRUE;
  }
  return FALSE;
}
