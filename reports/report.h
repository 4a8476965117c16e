/* reports/report.h: the report writers: text (a timeline for people), dmesg (the lines the profile's kernel
 * prints, in its own printk formats) and json (every event, machine-readable). docs/report-formats.md describes
 * the three formats and every JSON field.
 *
 * A writer listens to the simulator's event stream (sim/events.h) and appends to a GString; it never prints,
 * opens files or reads a clock, and its output depends only on the events and the model state it is shown.
 */
#pragma once

#include <glib.h>

#include "../sim/events.h"
#include "../sim/sim.h"

G_BEGIN_DECLS

typedef struct _ReportWriter ReportWriter;

/* A writer for format (not SIM_FORMAT_NONE) that appends to out as events arrive; out must outlive the writer.
 * The caller may take out's text away between events (sim_run() streams it to the output file): no writer reads
 * back what it wrote. */
ReportWriter *report_writer_new(SimFormat format, GString *out);
/* The text timeline's memory lines (SIM_DETAIL_NORMAL unless set); before the first event. */
void report_writer_set_detail(ReportWriter *writer, SimDetail detail);
/* The sink to pass to sim_engine_new(); valid as long as the writer. */
SimSink report_writer_sink(ReportWriter *writer);
/* Accepts NULL. */
void report_writer_free(ReportWriter *writer);
/* Whether format's writer reads the header's process list (the text report's table and the JSON report's
 * "processes" at SIM_EV_BEGIN); the others read no process of the header, so a run without such a report may let
 * the engine free the list as it builds the model (sim/pipeline.c, issue 13). */
gboolean report_format_reads_processes(SimFormat format);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ReportWriter, report_writer_free)

G_END_DECLS
