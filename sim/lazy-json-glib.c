/* sim/lazy-json-glib.c: json-glib loaded on first use (dlopen), so that a process that reads no JSON maps neither
 * json-glib nor GIO.
 *
 * json-glib is linked against GIO, and GIO brings libgmodule, libmount, libblkid and libselinux: linked in the
 * ordinary way, the dynamic loader maps and relocates these six objects at every start of oomsim, about 2.7M
 * instructions and some milliseconds of wall time of a `run` that never touches JSON (issue 13, goal 5; measured in
 * docs/performance.md, "Start-up and ingest"). Only `sweep`, `sweep-merge`, `explain`, the harness and the
 * tests read or build JSON trees; the reports write JSON with reports/json-stream.c. So the binary is not linked
 * with json-glib: each json-glib function oomsim calls is defined here with json-glib's own prototype (the
 * compiler checks each one against <json-glib/json-glib.h>), and forwards to the real one, found with dlsym() in
 * libjson-glib-1.0.so.0 the first time it is called. This is the technique of glibc's own lazy binding, done by
 * hand because Debian builds every library with BIND_NOW. A json-glib function used elsewhere and not listed here
 * is a link error, not a run-time surprise. If the library cannot be loaded (an installation without
 * libjson-glib-1.0-0), the process says so on standard error and exits with 127, as the dynamic loader does when
 * a library is missing at start. GObject (g_object_unref() of a JsonParser) stays linked: GLib's type system must
 * be one in the process. */
#include <dlfcn.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>

#if JSON_MAJOR_VERSION != 1
#error "lazy-json-glib.c loads libjson-glib-1.0.so.0"
#endif
#define LAZY_JSON_GLIB_SONAME "libjson-glib-1.0.so.0"

static gpointer lazy_json_glib_resolve(gpointer *slot, const char *name);

static void *
lazy_json_glib_open(void)
{
  static gsize handle; /* the dlopen() handle, loaded once; never closed */
  if (g_once_init_enter(&handle)) {
    void *h = dlopen(LAZY_JSON_GLIB_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (h == NULL) {
      g_printerr("oomsim: cannot load " LAZY_JSON_GLIB_SONAME ": %s\n", dlerror());
      exit(127);
    }
    g_once_init_leave(&handle, (gsize) h);
  }
  return (void *) handle;
}

/* The function NAME of json-glib, looked up once and kept in *SLOT (atomically: sweep's threads share it). */
static gpointer
lazy_json_glib_resolve(gpointer *slot, const char *name)
{
  gpointer fn = g_atomic_pointer_get(slot);
  if (fn == NULL) {
    fn = dlsym(lazy_json_glib_open(), name);
    if (fn == NULL) {
      g_printerr("oomsim: " LAZY_JSON_GLIB_SONAME " has no %s: %s\n", name, dlerror());
      exit(127);
    }
    g_atomic_pointer_set(slot, fn);
  }
  return fn;
}

#define LAZY_JSON(ret, name, params, args)                                                                    \
  ret name params                                                                                             \
  {                                                                                                           \
    static gpointer fn;                                                                                       \
    return ((__typeof__(&name)) lazy_json_glib_resolve(&fn, #name)) args;                                     \
  }
#define LAZY_JSON_VOID(name, params, args)                                                                    \
  void name params                                                                                            \
  {                                                                                                           \
    static gpointer fn;                                                                                       \
    ((__typeof__(&name)) lazy_json_glib_resolve(&fn, #name)) args;                                            \
  }

/* Every json-glib function oomsim, its tests and its fuzz targets call, in alphabetical order. */
LAZY_JSON(JsonNode *, json_array_get_element, (JsonArray *array, guint index_), (array, index_))
LAZY_JSON(gint64, json_array_get_int_element, (JsonArray *array, guint index_), (array, index_))
LAZY_JSON(guint, json_array_get_length, (JsonArray *array), (array))
LAZY_JSON(const gchar *, json_array_get_string_element, (JsonArray *array, guint index_), (array, index_))
LAZY_JSON(JsonBuilder *, json_builder_add_boolean_value, (JsonBuilder *builder, gboolean value), (builder, value))
LAZY_JSON(JsonBuilder *, json_builder_add_double_value, (JsonBuilder *builder, gdouble value), (builder, value))
LAZY_JSON(JsonBuilder *, json_builder_add_int_value, (JsonBuilder *builder, gint64 value), (builder, value))
LAZY_JSON(JsonBuilder *, json_builder_add_null_value, (JsonBuilder *builder), (builder))
LAZY_JSON(JsonBuilder *, json_builder_add_string_value, (JsonBuilder *builder, const gchar *value), (builder, value))
LAZY_JSON(JsonBuilder *, json_builder_begin_array, (JsonBuilder *builder), (builder))
LAZY_JSON(JsonBuilder *, json_builder_begin_object, (JsonBuilder *builder), (builder))
LAZY_JSON(JsonBuilder *, json_builder_end_array, (JsonBuilder *builder), (builder))
LAZY_JSON(JsonBuilder *, json_builder_end_object, (JsonBuilder *builder), (builder))
LAZY_JSON(JsonNode *, json_builder_get_root, (JsonBuilder *builder), (builder))
LAZY_JSON(JsonBuilder *, json_builder_new, (void), ())
LAZY_JSON(JsonBuilder *, json_builder_set_member_name, (JsonBuilder *builder, const gchar *member_name), (builder, member_name))
LAZY_JSON(JsonNode *, json_from_string, (const char *str, GError **error), (str, error))
LAZY_JSON(JsonGenerator *, json_generator_new, (void), ())
LAZY_JSON_VOID(json_generator_set_indent, (JsonGenerator *generator, guint indent_level), (generator, indent_level))
LAZY_JSON_VOID(json_generator_set_pretty, (JsonGenerator *generator, gboolean is_pretty), (generator, is_pretty))
LAZY_JSON_VOID(json_generator_set_root, (JsonGenerator *generator, JsonNode *node), (generator, node))
LAZY_JSON(gchar *, json_generator_to_data, (JsonGenerator *generator, gsize *length), (generator, length))
LAZY_JSON(JsonNode *, json_node_alloc, (void), ())
LAZY_JSON(JsonNode *, json_node_copy, (JsonNode *node), (node))
LAZY_JSON(JsonArray *, json_node_get_array, (JsonNode *node), (node))
LAZY_JSON(gint64, json_node_get_int, (JsonNode *node), (node))
LAZY_JSON(JsonNodeType, json_node_get_node_type, (JsonNode *node), (node))
LAZY_JSON(JsonObject *, json_node_get_object, (JsonNode *node), (node))
LAZY_JSON(const gchar *, json_node_get_string, (JsonNode *node), (node))
LAZY_JSON(GType, json_node_get_value_type, (JsonNode *node), (node))
LAZY_JSON(JsonNode *, json_node_init_string, (JsonNode *node, const char *value), (node, value))
LAZY_JSON(JsonNode *, json_node_new, (JsonNodeType type), (type))
LAZY_JSON_VOID(json_node_set_object, (JsonNode *node, JsonObject *object), (node, object))
LAZY_JSON_VOID(json_node_unref, (JsonNode *node), (node))
LAZY_JSON(JsonArray *, json_object_get_array_member, (JsonObject *object, const gchar *member_name), (object, member_name))
LAZY_JSON(gint64, json_object_get_int_member, (JsonObject *object, const gchar *member_name), (object, member_name))
LAZY_JSON(JsonNode *, json_object_get_member, (JsonObject *object, const gchar *member_name), (object, member_name))
LAZY_JSON(GList *, json_object_get_members, (JsonObject *object), (object))
LAZY_JSON(const gchar *, json_object_get_string_member, (JsonObject *object, const gchar *member_name), (object, member_name))
LAZY_JSON(gboolean, json_object_has_member, (JsonObject *object, const gchar *member_name), (object, member_name))
LAZY_JSON(JsonObject *, json_object_new, (void), ())
LAZY_JSON(JsonObject *, json_object_ref, (JsonObject *object), (object))
LAZY_JSON_VOID(json_object_set_member, (JsonObject *object, const gchar *member_name, JsonNode *node), (object, member_name, node))
LAZY_JSON_VOID(json_object_unref, (JsonObject *object), (object))
LAZY_JSON(JsonNode *, json_parser_get_root, (JsonParser *parser), (parser))
LAZY_JSON(gboolean, json_parser_load_from_data, (JsonParser *parser, const gchar *data, gssize length, GError **error), (parser, data, length, error))
LAZY_JSON(JsonParser *, json_parser_new, (void), ())
LAZY_JSON(char *, json_to_string, (JsonNode *node, gboolean pretty), (node, pretty))
