/* scenarios/scenario-trace-scan.h: the bytes of a scenario's <trace> and <processes> read without libxml2 (issue
 * 13): finding their start tags in the stream, then the steps (or processes) of their body in their plainest form.
 * What it cannot vouch for is left to libxml2 (scenario-trace-scan.c explains how the two stay in step). */
#pragma once

#include "scenario-markup.h"

#include <glib.h>

/* Finds the '>' of a <processes> or <trace> start tag without attributes that is a child of the root element. */
typedef struct {
  const char *found; /* "processes" or "trace": the start tag found */
  int state;
  int depth;      /* open elements before the current tag */
  char name[16];  /* the current tag's name, if short */
  guint name_len;
  gboolean attrs; /* the current start tag has something after its name */
  ScMarkup markup; /* inside a comment, PI or CDATA section */
} ScTraceFinder;

/* depth: the elements open where the finder starts (0 at the document's start, 2 inside <processes>). */
void sc_trace_finder_init(ScTraceFinder *finder, int depth);
/* Reads len more bytes of the document; the index in buf of the '>' that ends <processes> or <trace> (which one:
 * finder->found), or -1. Once found (or once it meets something it does not follow, such as a NUL byte of
 * UTF-16), it reads nothing more and says -1. */
gssize sc_trace_finder_feed(ScTraceFinder *finder, const char *buf, gsize len);

typedef enum {
  SC_TRACE_ITEM_SPACE,   /* white space: spaces, tabs, line feeds */
  SC_TRACE_ITEM_COMMENT, /* <!-- ... --> of printable ASCII, tabs and line feeds */
  SC_TRACE_ITEM_STEP,    /* a step (or <process>) vouched for: well formed, and valid by scenario-flat-elements.c */
  SC_TRACE_ITEM_END,     /* </trace> (</processes>) */
  SC_TRACE_ITEM_MORE,    /* the bytes end inside an item: read more */
  SC_TRACE_ITEM_STOP,    /* anything else: libxml2 reads from here */
} ScTraceItemKind;

#define SC_TRACE_ATTRS_MAX 16

typedef struct {
  ScTraceItemKind kind;
  gsize len;                 /* bytes of the item */
  guint newlines;            /* '\n' in those bytes */
  gsize after_last_newline;  /* offset just after the last '\n' of the item (if newlines > 0) */
  /* SC_TRACE_ITEM_STEP: the element's name and attributes, NUL-terminated copies in the caller's scratch */
  const char *name;
  guint n_attrs;
  const char *attr_names[SC_TRACE_ATTRS_MAX];
  const char *attr_values[SC_TRACE_ATTRS_MAX];
  guint64 attr_first_bytes;  /* bit (c & 63) for the first byte c of each attribute's name: most names a reader
                              * asks for and the step does not have are told absent by one test */
} ScTraceItem;

/* The item at the start of p[0..len), inside parent ("trace" or "processes"); at_eof: no byte follows p[len - 1].
 * A step is copied to scratch (STOP if it does not fit). */
ScTraceItemKind sc_trace_scan_item(const char *parent, const char *p, gsize len, gboolean at_eof, char *scratch,
                                   gsize scratch_size, ScTraceItem *item);
