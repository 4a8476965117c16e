/* reports/html-page.h: what the HTML pages share (html-page.c): the run report (reports/html.c) and explain's page
 * of a real kernel report (explain/explain-html.c) have the same style sheet, glossary, escaping and badness bars. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

void html_esc(GString *out, const char *text);
void html_escf(GString *out, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A glossary link: <a class="term" href="#g-ID">text</a>; ID must be one of the glossary's (html_page_end()). */
void html_term(GString *out, const char *id, const char *text);

/* before, the glossary link, after: a sentence around one term (before and after are escaped) */
void html_with_term(GString *out, const char *before, const char *id, const char *text, const char *after);

/* "<!DOCTYPE html>...<main>\n<h1>TITLE</h1>\n": the head with the inline style sheet; nothing from the network. */
void html_page_begin(GString *out, const char *title);
/* The glossary section and the end of the page. */
void html_page_end(GString *out);

/* The terms oom_badness() adds up, in the order the bars stack them. MEM_1000 and CEILING are 2.6.36-3.9's
 * (its oom_badness() scales the memory to thousandths of totalpages and clamps the sum to 1..1000). */
typedef enum {
  HTML_TERM_RSS,
  HTML_TERM_SWAP,
  HTML_TERM_PT,
  HTML_TERM_ADJ,
  HTML_TERM_ROOT,
  HTML_TERM_FLOOR,
  HTML_TERM_MEM_1000,
  HTML_TERM_CEILING,
  HTML_TERM_N,
} HtmlTerm;
#define HTML_TERMS_PAGES ((1u << HTML_TERM_RSS) | (1u << HTML_TERM_SWAP) | (1u << HTML_TERM_PT) | \
                          (1u << HTML_TERM_ADJ) | (1u << HTML_TERM_ROOT) | (1u << HTML_TERM_FLOOR))
#define HTML_TERMS_1000 ((1u << HTML_TERM_MEM_1000) | (1u << HTML_TERM_ROOT) | (1u << HTML_TERM_ADJ) | \
                         (1u << HTML_TERM_FLOOR) | (1u << HTML_TERM_CEILING))
extern const char *const html_term_class[HTML_TERM_N];
extern const char *const html_term_name[HTML_TERM_N];

/* One bar: a scored candidate's terms (their sum is `points`), or a row the scan did not score, drawn as the
 * memory it holds (`held` pages) with the reason. */
typedef struct {
  int pid;
  const char *comm;
  gboolean scored;
  glong terms[HTML_TERM_N];
  glong points;
  glong held;
  const char *unscored_reason;
  gboolean victim;          /* highlighted: the kernel's victim */
  const char *killed_too;   /* killed with the victim (an oom.group member...), or NULL */
  const char *mark;         /* a word after the name ("recomputed pick"), or NULL */
} HtmlBarRow;

/* The key of the bars: the terms of `mask`, the tick of the points and the unscored bar. */
void html_badness_legend(GString *out, guint mask);
/* An inline SVG with one bar per row (<g class="bar [victim] [unscored]" data-pid="PID">). points_unsigned: the
 * profile's oom_badness() returns an unsigned long (before 5.9). */
void html_badness_bars(GString *out, const HtmlBarRow *rows, guint n, gboolean points_unsigned);

G_END_DECLS
