/* scenarios/scenario-trace-scan.c: the steps of <trace> (and the processes of <processes>) read from the document's
 * bytes without libxml2, in their plainest form (issue 13, goal 3: XML ingest of 100 MB/s).
 *
 * Why. A trace is almost all of a large scenario, and libxml2 spends about 83 instructions a byte on it (SAX2
 * building a node per element and attribute, the reader around it), which bounds ingest at 30-40 MB/s on this
 * project's machine. A step is a flat element (`<touch pid="7" size="256KiB" mapping="h"/>`) that a few dozen lines
 * of C read exactly. A large header is mostly <process> elements, as flat; they are read the same way.
 *
 * What it vouches for. A step element written as a start tag that closes itself, whose name is a step of
 * oomsim.rng, with attributes `name="value"` or `name='value'` separated by white space (spaces, tabs, line
 * feeds), each value of printable ASCII without '<' and '&' (so the value libxml2 would give is the same bytes:
 * no character or entity reference, no white space to normalise), and accepted by scenario-flat-elements.c's
 * table (attributes known, none twice, the required ones present, values of a form the schema accepts).
 * Between steps: spaces, tabs, line feeds, and comments of printable ASCII, tabs and line feeds with no "--"
 * inside. Everything else is STOP: a carriage return, a byte from 0x80 up, a control character, an entity, CDATA,
 * a processing instruction, text, content, an unknown element or attribute, a namespace, a duplicate attribute, a
 * tag longer than the scratch buffer, the end of the input. The loader then hands the rest of the document to
 * libxml2 (scenario-loader.c, "The trace's fast path"), so what is not vouched for gets libxml2's verdict and
 * message, word for word.
 *
 * The finder. To stop libxml2 right after the <trace> start tag, the loader must know where that tag ends before
 * it hands libxml2 the bytes: sc_trace_finder_feed() follows the document's markup (tags and their quoted values,
 * comments, processing instructions, CDATA (scenario-markup.c), end tags, the depth of elements) over the bytes as
 * they go to libxml2.
 * It is a hint, never trusted alone: the loader takes over only if libxml2, having consumed exactly up to that
 * '>', stands on an empty-so-far <trace> child of the root.
 */
#include "scenario-trace-scan.h"
#include "scenario-flat-elements.h"

#include <string.h>

/* Bytes of a start tag's attributes other than quotes, '>', '/', and NUL. */
static const guint8 attr_plain_byte[256] = {
  [1 ... '!'] = 1, ['#' ... '&'] = 1, ['(' ... '.'] = 1, ['0' ... '='] = 1, ['?' ... 255] = 1,
};

enum {
  FIND_TEXT,
  FIND_LT,
  FIND_NAME,
  FIND_ATTRS,
  FIND_QUOTE_DOUBLE,
  FIND_QUOTE_SINGLE,
  FIND_SLASH,
  FIND_END_TAG,
  FIND_MARKUP, /* a comment, PI or CDATA section (scenario-markup.c) */
  FIND_DONE, /* found, or lost: reads nothing more */
};

void
sc_trace_finder_init(ScTraceFinder *finder, int depth)
{
  memset(finder, 0, sizeof *finder);
  finder->state = FIND_TEXT;
  finder->depth = depth;
}

static gboolean
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The end of a start tag at '>': TRUE if it is <processes> or <trace> under the root. */
static gboolean
finder_start_tag_end(ScTraceFinder *finder)
{
  static const char *const sections[] = { "processes", "trace" };
  for (gsize i = 0; i < G_N_ELEMENTS(sections) && finder->depth == 1 && !finder->attrs; i++)
    if (finder->name_len == strlen(sections[i]) && memcmp(finder->name, sections[i], finder->name_len) == 0) {
      finder->found = sections[i];
      return TRUE;
    }
  finder->depth++;
  return FALSE;
}

gssize
sc_trace_finder_feed(ScTraceFinder *finder, const char *buf, gsize len)
{
  for (gsize i = 0; i < len && finder->state != FIND_DONE; i++) {
    char c = buf[i];
    if (c == '\0') { /* UTF-16 or UCS-4: not followed */
      finder->state = FIND_DONE;
      break;
    }
    if ((finder->state == FIND_NAME || finder->state == FIND_ATTRS) && (c == '>' || c == '/')) { /* a tag ends */
      if (c == '/') {
        finder->state = FIND_SLASH;
      } else if (finder_start_tag_end(finder)) {
        finder->state = FIND_DONE;
        return (gssize) i;
      } else {
        finder->state = FIND_TEXT;
      }
      continue;
    }
    switch (finder->state) {
    case FIND_TEXT: {
      const char *lt = memchr(buf + i, '<', len - i);
      if (lt == NULL)
        return -1;
      i = (gsize) (lt - buf);
      finder->state = FIND_LT;
      break;
    }
    case FIND_LT:
      finder->name_len = 0;
      finder->attrs = FALSE;
      if (c == '!' || c == '?') { /* the body may hold CDATA; anything not well formed loses the finder */
        sc_markup_begin(&finder->markup, c, SC_MARKUP_FOLLOW_CDATA | SC_MARKUP_STRICT_COMMENTS);
        finder->state = FIND_MARKUP;
      } else if (c == '/')
        finder->state = FIND_END_TAG;
      else if (is_space(c) || c == '>' || c == '<')
        finder->state = FIND_DONE; /* not well formed: libxml2 says so */
      else {
        finder->name[finder->name_len++] = c;
        finder->state = FIND_NAME;
      }
      break;
    case FIND_NAME:
      if (is_space(c)) {
        finder->state = FIND_ATTRS;
      } else if (finder->name_len < sizeof finder->name) {
        finder->name[finder->name_len++] = c;
      } else {
        finder->name_len = sizeof finder->name + 1; /* longer than any name looked for */
      }
      break;
    case FIND_ATTRS:
      while (i + 1 < len && attr_plain_byte[(guchar) c]) { /* names, '=' and blanks of the attributes */
        finder->attrs |= !is_space(c);
        c = buf[++i];
      }
      if (c == '>' || c == '/' || c == '\0') {
        i--; /* ends the tag (or the finder) above, at the next turn */
        break;
      }
      if (c == '"') {
        finder->attrs = TRUE;
        finder->state = FIND_QUOTE_DOUBLE;
      } else if (c == '\'') {
        finder->attrs = TRUE;
        finder->state = FIND_QUOTE_SINGLE;
      } else if (!is_space(c)) {
        finder->attrs = TRUE;
      }
      break;
    case FIND_QUOTE_DOUBLE:
    case FIND_QUOTE_SINGLE: {
      const char *quote = memchr(buf + i, finder->state == FIND_QUOTE_DOUBLE ? '"' : '\'', len - i);
      if (quote == NULL)
        return -1;
      i = (gsize) (quote - buf);
      finder->state = FIND_ATTRS;
      break;
    }
    case FIND_SLASH:
      if (c == '>')
        finder->state = FIND_TEXT; /* an empty element: the depth does not change */
      else
        finder->state = FIND_DONE; /* not well formed */
      break;
    case FIND_END_TAG:
      if (c == '>') {
        finder->depth--;
        finder->state = FIND_TEXT;
      }
      break;
    case FIND_MARKUP:
      switch (sc_markup_feed(&finder->markup, (guchar) c)) {
      case SC_MARKUP_CLOSED:
        finder->state = FIND_TEXT;
        break;
      case SC_MARKUP_OTHER: /* a DOCTYPE, "--" in a comment, "<!x": lost */
        finder->state = FIND_DONE;
        break;
      default:
        break;
      }
      break;
    default:
      break;
    }
  }
  return -1;
}

/* The steps ====================================================================================== */

/* An item that reaches the end of the bytes: MORE, or STOP if nothing follows. */
static ScTraceItemKind
scan_short(ScTraceItem *item, gboolean at_eof)
{
  item->kind = at_eof ? SC_TRACE_ITEM_STOP : SC_TRACE_ITEM_MORE;
  return item->kind;
}

static ScTraceItemKind
scan_stop(ScTraceItem *item)
{
  item->kind = SC_TRACE_ITEM_STOP;
  return item->kind;
}

/* A byte of a comment or an attribute value that libxml2 takes as it is: printable ASCII. */
static gboolean
is_plain(char c)
{
  return c >= 0x20 && c < 0x7f;
}

/* The bytes of names (the table's names use no others), and those of values other than the quotes. */
static const guint8 name_byte[256] = {
  ['a' ... 'z'] = 1, ['A' ... 'Z'] = 1, ['0' ... '9'] = 1, ['-'] = 1, ['_'] = 1, ['.'] = 1, [':'] = 1,
};
static const guint8 value_byte[256] = {
  [' ' ... '!'] = 1, ['#' ... '%'] = 1, ['(' ... ';'] = 1, ['=' ... '~'] = 1, /* not " & ' < */
};

/* Spaces, tabs and line feeds (a carriage return is left to libxml2, which counts lines around it its own way). */
static ScTraceItemKind
scan_space(const char *p, gsize len, ScTraceItem *item)
{
  gsize i = 0;
  for (; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n'); i++)
    if (p[i] == '\n') {
      item->newlines++;
      item->after_last_newline = i + 1;
    }
  item->len = i;
  item->kind = SC_TRACE_ITEM_SPACE;
  return item->kind;
}

static ScTraceItemKind
scan_comment(const char *p, gsize len, gboolean at_eof, ScTraceItem *item)
{
  if (len < 4)
    return scan_short(item, at_eof);
  if (memcmp(p, "<!--", 4) != 0)
    return scan_stop(item);
  for (gsize i = 4; i < len; i++) {
    if (p[i] == '-' && i + 1 < len && p[i + 1] == '-') { /* the first "--" must end the comment */
      if (i + 2 >= len)
        return scan_short(item, at_eof);
      if (p[i + 2] != '>')
        return scan_stop(item);
      item->len = i + 3;
      item->kind = SC_TRACE_ITEM_COMMENT;
      return item->kind;
    }
    if (p[i] == '\n') {
      item->newlines++;
      item->after_last_newline = i + 1;
    } else if (!is_plain(p[i]) && p[i] != '\t') {
      return scan_stop(item);
    }
  }
  return scan_short(item, at_eof);
}

/* </parent> with optional white space before '>'. */
static ScTraceItemKind
scan_end(const char *parent, const char *p, gsize len, gboolean at_eof, ScTraceItem *item)
{
  gsize i = 2, parent_len = strlen(parent);
  for (; i < len && i < 2 + parent_len; i++)
    if (p[i] != parent[i - 2])
      return scan_stop(item);
  for (; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n'); i++)
    ;
  if (i == len)
    return scan_short(item, at_eof);
  if (p[i] != '>')
    return scan_stop(item);
  item->len = i + 1;
  item->kind = SC_TRACE_ITEM_END;
  return item->kind;
}

static gsize
name_end(const char *p, gsize len, gsize i)
{
  while (i < len && name_byte[(guchar) p[i]])
    i++;
  return i;
}

static ScTraceItemKind
scan_step(const char *parent, const char *p, gsize len, gboolean at_eof, char *scratch, gsize scratch_size,
          ScTraceItem *item)
{
  gsize i = name_end(p, len, 1), used = 0;
  if (i == len)
    return scan_short(item, at_eof);
  const ScFlatElement *element = i > 1 ? sc_flat_element_lookup(parent, p + 1, i - 1) : NULL;
  if (element == NULL)
    return scan_stop(item);
  if (i > scratch_size)
    return scan_stop(item);
  memcpy(scratch, p + 1, i - 1);
  scratch[i - 1] = '\0';
  item->name = scratch;
  used = i;
  guint seen = 0;
  for (;;) {
    gsize space_start = i;
    for (; i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n'); i++)
      if (p[i] == '\n') {
        item->newlines++;
        item->after_last_newline = i + 1;
      }
    if (i == len)
      return scan_short(item, at_eof);
    if (p[i] == '/') {
      if (i + 1 == len)
        return scan_short(item, at_eof);
      if (p[i + 1] != '>')
        return scan_stop(item);
      item->len = i + 2;
      break;
    }
    /* an attribute: white space before it, name="value" */
    if (i == space_start || item->n_attrs == SC_TRACE_ATTRS_MAX)
      return scan_stop(item);
    gsize name_start = i;
    i = name_end(p, len, i);
    if (i + 2 > len)
      return scan_short(item, at_eof);
    const char *name;
    int index = i > name_start ? sc_flat_element_attr_index(element, p + name_start, i - name_start, &name) : -1;
    if (index < 0 || (seen & (1u << index)) != 0 || p[i] != '=' || (p[i + 1] != '"' && p[i + 1] != '\''))
      return scan_stop(item); /* unknown, twice (the parser's error), or not name="value" */
    seen |= 1u << index;
    char quote = p[i + 1];
    i += 2;
    gsize value_start = i;
    for (;;) {
      while (i < len && value_byte[(guchar) p[i]])
        i++;
      if (i == len)
        return scan_short(item, at_eof);
      if (p[i] == quote)
        break;
      if (p[i] != '"' && p[i] != '\'') /* '<', '&', a control character, a byte from 0x80 */
        return scan_stop(item);
      i++;
    }
    gsize value_len = i - value_start;
    if (used + value_len + 1 > scratch_size)
      return scan_stop(item);
    memcpy(scratch + used, p + value_start, value_len);
    scratch[used + value_len] = '\0';
    if (!sc_flat_element_value_vouched(element, index, scratch + used))
      return scan_stop(item);
    item->attr_names[item->n_attrs] = name;
    item->attr_values[item->n_attrs] = scratch + used;
    item->attr_first_bytes |= G_GUINT64_CONSTANT(1) << ((guchar) name[0] & 63);
    item->n_attrs++;
    used += value_len + 1;
    i++; /* the closing quote */
  }
  if (!sc_flat_element_complete(element, seen))
    return scan_stop(item);
  item->kind = SC_TRACE_ITEM_STEP;
  return item->kind;
}

ScTraceItemKind
sc_trace_scan_item(const char *parent, const char *p, gsize len, gboolean at_eof, char *scratch, gsize scratch_size,
                   ScTraceItem *item)
{
  /* only what every item says (a step's attributes are set as they are read) */
  item->len = 0;
  item->newlines = 0;
  item->after_last_newline = 0;
  item->name = NULL;
  item->n_attrs = 0;
  item->attr_first_bytes = 0;
  if (len == 0)
    return scan_short(item, at_eof);
  if (p[0] == ' ' || p[0] == '\t' || p[0] == '\n')
    return scan_space(p, len, item);
  if (p[0] != '<')
    return scan_stop(item);
  if (len < 2)
    return scan_short(item, at_eof);
  if (p[1] == '!')
    return scan_comment(p, len, at_eof, item);
  if (p[1] == '/')
    return scan_end(parent, p, len, at_eof, item);
  return scan_step(parent, p, len, at_eof, scratch, scratch_size, item);
}
