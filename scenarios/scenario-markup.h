/* scenarios/scenario-markup.h: the markup a byte scanner steps over between tags: comments, processing
 * instructions and CDATA sections (XML 1.0, productions [15] Comment, [16] PI and [20] CDSect), for the loader's
 * prolog scanner (scenario-loader.c, which looks for a DOCTYPE) and the trace finder (scenario-trace-scan.c, which
 * looks for the <trace> start tag). One state machine for both; each caller says by flags how strict it is. */
#pragma once

#include <glib.h>

typedef enum {
  SC_MARKUP_BANG,              /* "<!" read */
  SC_MARKUP_COMMENT_OPEN,      /* "<!-" */
  SC_MARKUP_COMMENT,           /* inside "<!--" */
  SC_MARKUP_COMMENT_DASH,      /* ... "-" */
  SC_MARKUP_COMMENT_DASH_DASH, /* ... "--" */
  SC_MARKUP_CDATA_OPEN,        /* "<![" and part of "CDATA[" */
  SC_MARKUP_CDATA,             /* inside "<![CDATA[" */
  SC_MARKUP_CDATA_BRACKET,     /* ... "]" */
  SC_MARKUP_CDATA_BRACKETS,    /* ... "]]" */
  SC_MARKUP_PI,                /* inside "<?" */
  SC_MARKUP_PI_QUESTION,       /* ... "?" */
  SC_MARKUP_CLOSED,            /* the '>' that ends it was the last character: text follows */
  SC_MARKUP_OTHER,             /* not a comment, PI or CDATA section as allowed (a DOCTYPE, "--" inside a strict
                                * comment, a CDATA section when not followed, "<!-x"): the caller decides */
} ScMarkupState;

typedef enum {
  SC_MARKUP_FOLLOW_CDATA = 1 << 0,    /* follow "<![CDATA[ ... ]]>" (otherwise "<![" is OTHER) */
  SC_MARKUP_STRICT_COMMENTS = 1 << 1, /* "--" inside a comment is OTHER, as XML 1.0 says (otherwise passed over,
                                       * the comment ending at the next "-->") */
} ScMarkupFlags;

typedef struct {
  ScMarkupState state;
  guint8 flags;   /* ScMarkupFlags */
  guint8 matched; /* characters of "CDATA[" matched */
} ScMarkup;

/* Starts at "<!" (opener '!') or "<?" (opener '?'). */
void sc_markup_begin(ScMarkup *markup, char opener, ScMarkupFlags flags);
/* The next character (ASCII or a code point: anything but the ASCII of the rules only moves on), the new state. */
ScMarkupState sc_markup_feed(ScMarkup *markup, guint32 c);
