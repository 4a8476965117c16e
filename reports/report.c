/* reports/report.c: ReportWriter, the one entry point the application layer uses: it picks the format's
 * writer and hands it every event of the simulator. */
#include "report-private.h"

struct _ReportWriter {
  SimFormat format;
  ReportText *text;
  ReportDmesg *dmesg;
  ReportJson *json;
  ReportHtml *html;
};

static void writer_event(gpointer data, const KmSystem *sys, const SimEvent *ev)
{
  ReportWriter *writer = data;
  switch (writer->format) {
  case SIM_FORMAT_TEXT:
    report_text_event(writer->text, sys, ev);
    break;
  case SIM_FORMAT_DMESG:
    report_dmesg_event(writer->dmesg, sys, ev);
    break;
  case SIM_FORMAT_JSON:
    report_json_event(writer->json, sys, ev);
    break;
  case SIM_FORMAT_HTML:
    report_html_event(writer->html, sys, ev);
    break;
  case SIM_FORMAT_NONE:
  default:
    break;
  }
}

gboolean report_format_reads_processes(SimFormat format)
{
  return format == SIM_FORMAT_TEXT || format == SIM_FORMAT_JSON; /* print_processes(), add_processes() */
}

ReportWriter *report_writer_new(SimFormat format, GString *out)
{
  /* programming error only: sim_run() always passes its report buffer */
  g_return_val_if_fail(out != NULL, NULL);
  ReportWriter *writer = g_new0(ReportWriter, 1);
  writer->format = format;
  switch (format) {
  case SIM_FORMAT_TEXT:
    writer->text = report_text_new(out);
    break;
  case SIM_FORMAT_DMESG:
    writer->dmesg = report_dmesg_new(out);
    break;
  case SIM_FORMAT_JSON:
    writer->json = report_json_new(out);
    break;
  case SIM_FORMAT_HTML:
    writer->html = report_html_new(out);
    break;
  case SIM_FORMAT_NONE:
  default:
    break;
  }
  return writer;
}

void report_writer_set_detail(ReportWriter *writer, SimDetail detail)
{
  if (writer && writer->text)
    report_text_set_detail(writer->text, detail);
}

SimSink report_writer_sink(ReportWriter *writer)
{
  SimSink sink = { writer ? writer_event : NULL, writer };
  return sink;
}

void report_writer_free(ReportWriter *writer)
{
  if (!writer)
    return;
  report_text_free(writer->text);
  report_dmesg_free(writer->dmesg);
  report_json_free(writer->json);
  report_html_free(writer->html);
  g_free(writer);
}
