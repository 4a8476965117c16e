/* scenarios/scenario-markup.c: comments, processing instructions and CDATA sections followed character by
 * character (scenario-markup.h). Both of oomsim's byte scanners that run ahead of libxml2 need to know where such
 * markup ends, so that a '<' inside it is not taken for a tag: the loader's prolog scanner, which refuses a DOCTYPE
 * before libxml2 could read it, and the trace finder, which stops libxml2 after the <trace> start tag. They differ
 * in what they may meet: the finder reads the body of the document, where CDATA sections may be, and gives up at
 * anything not well formed (libxml2 then reports it); the prolog scanner has no CDATA to expect and only needs the
 * end of a comment, so "--" inside one does not stop it (libxml2 reports that error itself, in its order). */
#include "scenario-markup.h"

void
sc_markup_begin(ScMarkup *markup, char opener, ScMarkupFlags flags)
{
  markup->state = opener == '?' ? SC_MARKUP_PI : SC_MARKUP_BANG;
  markup->flags = (guint8) flags;
  markup->matched = 0;
}

ScMarkupState
sc_markup_feed(ScMarkup *markup, guint32 c)
{
  switch (markup->state) {
  case SC_MARKUP_BANG:
    if (c == '-')
      markup->state = SC_MARKUP_COMMENT_OPEN;
    else if (c == '[' && (markup->flags & SC_MARKUP_FOLLOW_CDATA))
      markup->state = SC_MARKUP_CDATA_OPEN;
    else
      markup->state = SC_MARKUP_OTHER;
    break;
  case SC_MARKUP_COMMENT_OPEN:
    markup->state = c == '-' ? SC_MARKUP_COMMENT : SC_MARKUP_OTHER;
    break;
  case SC_MARKUP_COMMENT:
    if (c == '-')
      markup->state = SC_MARKUP_COMMENT_DASH;
    break;
  case SC_MARKUP_COMMENT_DASH:
    markup->state = c == '-' ? SC_MARKUP_COMMENT_DASH_DASH : SC_MARKUP_COMMENT;
    break;
  case SC_MARKUP_COMMENT_DASH_DASH:
    if (c == '>')
      markup->state = SC_MARKUP_CLOSED;
    else if (markup->flags & SC_MARKUP_STRICT_COMMENTS)
      markup->state = SC_MARKUP_OTHER; /* "--" inside a comment: not well formed */
    else
      markup->state = c == '-' ? SC_MARKUP_COMMENT_DASH_DASH : SC_MARKUP_COMMENT;
    break;
  case SC_MARKUP_CDATA_OPEN:
    if (c != (guchar) "CDATA["[markup->matched])
      markup->state = SC_MARKUP_OTHER;
    else if (++markup->matched == 6)
      markup->state = SC_MARKUP_CDATA;
    break;
  case SC_MARKUP_CDATA:
    if (c == ']')
      markup->state = SC_MARKUP_CDATA_BRACKET;
    break;
  case SC_MARKUP_CDATA_BRACKET:
    markup->state = c == ']' ? SC_MARKUP_CDATA_BRACKETS : SC_MARKUP_CDATA;
    break;
  case SC_MARKUP_CDATA_BRACKETS:
    markup->state = c == '>' ? SC_MARKUP_CLOSED : c == ']' ? SC_MARKUP_CDATA_BRACKETS : SC_MARKUP_CDATA;
    break;
  case SC_MARKUP_PI:
    if (c == '?')
      markup->state = SC_MARKUP_PI_QUESTION;
    break;
  case SC_MARKUP_PI_QUESTION:
    markup->state = c == '>' ? SC_MARKUP_CLOSED : c == '?' ? SC_MARKUP_PI_QUESTION : SC_MARKUP_PI;
    break;
  case SC_MARKUP_CLOSED:
  case SC_MARKUP_OTHER:
    break;
  }
  return markup->state;
}
