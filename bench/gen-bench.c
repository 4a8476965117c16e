/* bench/gen-bench.c: writes the `make bench` scenario: T tasks in C cgroups and S trace steps, streamed with
 * libxml2's xmlTextWriter, from a fixed-seed generator (same arguments, same bytes).
 *
 * Each cgroup /bench/cg-N has memory.max 128 MiB and no swap; each task maps a 64 MiB heap and then touches it
 * 256 KiB (64 pages) at a time, so cgroups fill up and memcg OOM kills happen throughout the run; one step in 64
 * is a free/re-map pair, one in 1024 a fork, so the task list keeps changing.
 *
 * usage: gen-bench TASKS CGROUPS STEPS OUT.xml
 *        gen-bench mappings N OUT.xml: one process maps N mappings of 4 pages, touches each by name (mapping=),
 *        then N unnamed touches of 4 pages (each takes the first mapping with untouched pages), then unmaps all 2N
 *        (the even ones first):
 *        the many-mappings case (issue 13), quadratic if a touch walks or compares every mapping.
 *        gen-bench mappings-reclaim N OUT.xml: the same trace in a v2 cgroup whose memory.max is half of what is
 *        mapped (N * 16 KiB), with swap: from the middle of the touches on, the cgroup is at its limit and
 *        reclaims (the anon LRU to swap) every few touches, and the unmaps free swapped pages; a page-table page
 *        per mapping (docs/model.md) takes a quarter of the limit. Nobody is killed.
 */
#include <glib.h>
#include <libxml/xmlwriter.h>
#include <stdio.h>

static guint64 rng_state = 0x9e3779b97f4a7c15ull;

static guint64 next_rand(void)
{
  /* xorshift64*: deterministic, seeded above */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dull;
}

static void attr(xmlTextWriterPtr w, const char *name, const char *value)
{
  xmlTextWriterWriteAttribute(w, BAD_CAST name, BAD_CAST value);
}

static void attr_int(xmlTextWriterPtr w, const char *name, guint64 value)
{
  char buf[32];
  g_snprintf(buf, sizeof buf, "%" G_GUINT64_FORMAT, value);
  attr(w, name, buf);
}

static int gen_mappings(guint64 n, gboolean reclaim, const char *out)
{
  xmlTextWriterPtr w = xmlNewTextWriterFilename(out, 0);
  if (!w) {
    fprintf(stderr, "gen-bench: cannot write %s\n", out);
    return 2;
  }
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElement(w, BAD_CAST "scenario");
  attr(w, "name", "bench-mappings");
  xmlTextWriterStartElement(w, BAD_CAST "machine");
  attr(w, "ram", "64GiB");
  attr(w, "swap", reclaim ? "64GiB" : "0");
  xmlTextWriterEndElement(w);
  if (reclaim) {
    char max[32];
    g_snprintf(max, sizeof max, "%" G_GUINT64_FORMAT "KiB", n * 16);
    xmlTextWriterStartElement(w, BAD_CAST "cgroups");
    attr(w, "version", "2");
    xmlTextWriterStartElement(w, BAD_CAST "cgroup");
    attr(w, "path", "/maps");
    attr(w, "memory.max", max);
    xmlTextWriterEndElement(w);
    xmlTextWriterEndElement(w);
  }
  xmlTextWriterStartElement(w, BAD_CAST "processes");
  xmlTextWriterStartElement(w, BAD_CAST "process");
  attr(w, "pid", "100");
  attr(w, "comm", "many-maps");
  if (reclaim)
    attr(w, "cgroup", "/maps");
  xmlTextWriterEndElement(w);
  xmlTextWriterEndElement(w);
  xmlTextWriterStartElement(w, BAD_CAST "trace");
  /* 2N mappings: the first N touched by name, the second N by unnamed touches */
  for (int pass = 0; pass < 4; pass++) {
    for (guint64 i = 0; i < n * (pass == 0 || pass == 3 ? 2 : 1); i++) {
      char id[32]; /* the unmaps: the even mappings, then the odd ones (from the middle of the list) */
      g_snprintf(id, sizeof id, "m%" G_GUINT64_FORMAT, pass != 3 ? i : i < n ? 2 * i : 2 * (i - n) + 1);
      xmlTextWriterStartElement(w, BAD_CAST(pass == 0 ? "mmap" : pass == 3 ? "munmap" : "touch"));
      attr(w, pass == 0 ? "id" : "pid", pass == 0 ? id : "100");
      if (pass == 0)
        attr(w, "pid", "100");
      if (pass < 3)
        attr(w, "size", "16KiB");
      if (pass == 1)
        attr(w, "mapping", id);
      if (pass == 3)
        attr(w, "ref", id);
      xmlTextWriterEndElement(w);
    }
  }
  xmlTextWriterEndElement(w);
  xmlTextWriterEndElement(w);
  xmlTextWriterEndDocument(w);
  xmlFreeTextWriter(w);
  return 0;
}

int main(int argc, char **argv)
{
  if (argc == 4 && (g_strcmp0(argv[1], "mappings") == 0 || g_strcmp0(argv[1], "mappings-reclaim") == 0))
    return gen_mappings(g_ascii_strtoull(argv[2], NULL, 10), g_strcmp0(argv[1], "mappings-reclaim") == 0, argv[3]);
  if (argc != 5) {
    fprintf(stderr, "usage: gen-bench TASKS CGROUPS STEPS OUT.xml\n       gen-bench mappings|mappings-reclaim N OUT.xml\n");
    return 2;
  }
  guint64 tasks = g_ascii_strtoull(argv[1], NULL, 10);
  guint64 cgroups = g_ascii_strtoull(argv[2], NULL, 10);
  guint64 steps = g_ascii_strtoull(argv[3], NULL, 10);
  if (!tasks || !cgroups || !steps) {
    fprintf(stderr, "gen-bench: TASKS, CGROUPS and STEPS must be positive\n");
    return 2;
  }
  xmlTextWriterPtr w = xmlNewTextWriterFilename(argv[4], 0);
  if (!w) {
    fprintf(stderr, "gen-bench: cannot write %s\n", argv[4]);
    return 2;
  }
  xmlTextWriterSetIndent(w, 1);
  xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL);
  xmlTextWriterStartElement(w, BAD_CAST "scenario");
  attr(w, "name", "bench");
  xmlTextWriterStartElement(w, BAD_CAST "machine");
  attr(w, "ram", "1TiB");
  attr(w, "swap", "0");
  xmlTextWriterEndElement(w);

  xmlTextWriterStartElement(w, BAD_CAST "cgroups");
  attr(w, "version", "2");
  xmlTextWriterStartElement(w, BAD_CAST "cgroup");
  attr(w, "path", "/bench");
  xmlTextWriterEndElement(w);
  for (guint64 c = 0; c < cgroups; c++) {
    char path[64];
    g_snprintf(path, sizeof path, "/bench/cg-%" G_GUINT64_FORMAT, c);
    xmlTextWriterStartElement(w, BAD_CAST "cgroup");
    attr(w, "path", path);
    attr(w, "memory.max", "128MiB");
    attr(w, "memory.swap.max", "0");
    xmlTextWriterEndElement(w);
  }
  xmlTextWriterEndElement(w);

  xmlTextWriterStartElement(w, BAD_CAST "processes");
  for (guint64 t = 0; t < tasks; t++) {
    char path[64], comm[16];
    g_snprintf(path, sizeof path, "/bench/cg-%" G_GUINT64_FORMAT, t % cgroups);
    g_snprintf(comm, sizeof comm, "w%" G_GUINT64_FORMAT, t);
    xmlTextWriterStartElement(w, BAD_CAST "process");
    attr_int(w, "pid", 1000 + t);
    attr(w, "comm", comm);
    attr(w, "cgroup", path);
    attr_int(w, "oom_score_adj", (next_rand() % 2001) > 1800 ? 500 : 0);
    xmlTextWriterEndElement(w);
  }
  xmlTextWriterEndElement(w);

  xmlTextWriterStartElement(w, BAD_CAST "trace");
  guint64 next_pid = 1000 + tasks;
  guint64 *heap_gen = g_new0(guint64, tasks);
  for (guint64 s = 0; s < steps; s++) {
    guint64 t = next_rand() % tasks;
    guint64 pid = 1000 + t;
    char id[48];
    if (s < tasks) {
      /* the first TASKS steps map each heap */
      t = s;
      g_snprintf(id, sizeof id, "h%" G_GUINT64_FORMAT "-0", t);
      xmlTextWriterStartElement(w, BAD_CAST "mmap");
      attr(w, "id", id);
      attr_int(w, "pid", 1000 + t);
      attr(w, "size", "64MiB");
    } else if (s % 1024 == 0) {
      xmlTextWriterStartElement(w, BAD_CAST "fork");
      attr_int(w, "pid", pid);
      attr_int(w, "child", next_pid++);
    } else if (s % 64 == 0) {
      g_snprintf(id, sizeof id, "h%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, t, heap_gen[t]);
      xmlTextWriterStartElement(w, BAD_CAST "munmap");
      attr_int(w, "pid", pid);
      attr(w, "ref", id);
      xmlTextWriterEndElement(w);
      heap_gen[t]++;
      g_snprintf(id, sizeof id, "h%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, t, heap_gen[t]);
      xmlTextWriterStartElement(w, BAD_CAST "mmap");
      attr(w, "id", id);
      attr_int(w, "pid", pid);
      attr(w, "size", "64MiB");
      s++;
    } else {
      g_snprintf(id, sizeof id, "h%" G_GUINT64_FORMAT "-%" G_GUINT64_FORMAT, t, heap_gen[t]);
      xmlTextWriterStartElement(w, BAD_CAST "touch");
      attr_int(w, "pid", pid);
      attr(w, "size", "256KiB");
      attr(w, "mapping", id);
    }
    xmlTextWriterEndElement(w);
  }
  xmlTextWriterEndElement(w);
  xmlTextWriterEndElement(w);
  xmlTextWriterEndDocument(w);
  xmlFreeTextWriter(w);
  g_free(heap_gen);
  return 0;
}
