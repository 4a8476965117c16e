/* reports/html-dmesg.c: the HTML report's kernel log, each line explained on demand. The lines are the dmesg
 * writer's output (reports/dmesg.c, which mirrors the printk()s of mm/oom_kill.c dump_header(), dump_tasks(),
 * oom_kill_process() / __oom_kill_process(), mm/memcontrol.c mem_cgroup_print_oom_context() /
 * mem_cgroup_print_oom_meminfo() and lib/show_mem.c show_mem() of each profile's kernel); every line becomes a
 * <details> element whose summary is the line, byte for byte, and whose body says what the line is, which kernel
 * function prints it, what its fields mean and, for a dump_tasks() row, its figures in MiB. Without script the
 * lines are readable as they are and open on a click (or Enter); nothing is computed that the line does not say.
 *
 * The explanation is chosen from the line's text (what the kernel prints is all the reader has, too) and from the
 * block it is in: after "Memory cgroup stats for" each line is a memory.stat counter, after "Mem-Info:" a
 * show_mem() counter, and after the dump_tasks() header each row is a process, its columns named by the header.
 */
#include "html-dmesg.h"

#include <string.h>

typedef enum {
  BLOCK_NONE,
  BLOCK_MEMCG_STAT, /* mem_cgroup_print_oom_meminfo(): memory.stat of the OOM memcg */
  BLOCK_MEMINFO,    /* show_mem() of a global OOM */
  BLOCK_TASKS,      /* dump_tasks() rows */
} DmesgBlock;

typedef struct {
  const char *needle; /* found anywhere in the line (after the timestamp) */
  const char *text;
  DmesgBlock starts;  /* the block the lines after this one belong to */
} DmesgRule;

/* First match wins: the more specific needles come first. */
static const DmesgRule rules[] = {
  { "invoked oom-killer:",
    "dump_header() (mm/oom_kill.c): the task whose allocation failed (current) called out_of_memory(). gfp_mask: "
    "the allocation's flags (GFP_KERNEL for a charge to a cgroup, GFP_HIGHUSER_MOVABLE for a user page; older "
    "kernels print only the number); order: it asked for 2^order pages (0: one page); oom_score_adj: the "
    "allocating task's own value, not the victim's.", BLOCK_NONE },
  { "mems_allowed=",
    "dump_header(): the cpuset of the allocating task and the NUMA nodes it may allocate from. A restricted "
    "cpuset or memory policy would make the OOM constrained to those nodes.", BLOCK_NONE },
  { "Call Trace:",
    "dump_stack(): the kernel stack of the allocating task follows, innermost call first: the path that ended in "
    "out_of_memory() (mem_cgroup_out_of_memory for a cgroup's OOM, __alloc_pages_slowpath for the machine's).",
    BLOCK_NONE },
  { "Hardware name:", "dump_stack(): the machine as its firmware names it.", BLOCK_NONE },
  { "killed as a result of limit of",
    "mem_cgroup_print_oom_context() before 5.0: the cgroup of the task about to be chosen and the cgroup whose "
    "limit was hit, which is the OOM domain: only its processes are candidates.", BLOCK_NONE },
  { "memory+swap: usage",
    "cgroup v1: the memory + swap counter of the OOM cgroup against memory.memsw.limit_in_bytes, in kB (a huge "
    "limit means unlimited), and failcnt, how many charges hit it.", BLOCK_NONE },
  { "memory: usage",
    "mem_cgroup_print_oom_meminfo(): the OOM cgroup's memory counter (memory.current) against its limit "
    "(memory.max, or memory.limit_in_bytes on v1) in kB, and failcnt, how many charges hit the limit. Usage at "
    "the limit is why this OOM happened.", BLOCK_NONE },
  { "swap: usage",
    "cgroup v2: the OOM cgroup's swap counter (memory.swap.current) against memory.swap.max, in kB. A limit of 0 "
    "means the cgroup may not swap, so reclaim cannot move its anonymous memory out.", BLOCK_NONE },
  { "kmem: usage",
    "cgroup v1: kernel memory charged to the OOM cgroup (page tables, kernel stacks, slab) in kB; on v1 it "
    "counts in memory usage too.", BLOCK_NONE },
  { "Memory cgroup stats for",
    "mem_cgroup_print_oom_meminfo(): the memory.stat file of the OOM cgroup follows (on v1 on this same line, in "
    "kB): where its memory is (anon, file, kernel, page tables...) and what reclaim did.", BLOCK_MEMCG_STAT },
  { "Mem-Info:",
    "show_mem() (lib/show_mem.c), for a global OOM: the machine's memory counters follow, in pages: anonymous and "
    "file pages on the LRU lists, free pages (free, and free_pcp on the per-CPU lists), page tables, slab.",
    BLOCK_MEMINFO },
  { "Tasks state (memory values in pages)",
    "dump_tasks() (mm/oom_kill.c): one row per process the OOM killer looked at follows, memory in pages.",
    BLOCK_NONE },
  { "[ pid ]", NULL, BLOCK_TASKS }, /* the dump_tasks() header: explained with its columns */
  { "[  pid  ]", NULL, BLOCK_TASKS },
  { " PID: ",
    "dump_stack(): the CPU the allocating task ran on, its pid and comm, whether the kernel is tainted, and the "
    "kernel release: the release tells which kernel printed the report, and so which formulas apply.", BLOCK_NONE },
  { "oom-kill:constraint=",
    "dump_oom_summary() (5.0+): one line for tools: the constraint (CONSTRAINT_MEMCG: a cgroup at its limit; "
    "CONSTRAINT_NONE: the whole machine), nodemask and cpuset, oom_memcg (the OOM domain), task_memcg (the "
    "victim's cgroup), and the victim's name, pid and uid.", BLOCK_NONE },
  { "or sacrifice child",
    "oom_kill_process() before 5.1: the process chosen by select_bad_process() and its score, the badness points "
    "normalised to thousandths of totalpages (it can pass 1000 with a positive oom_score_adj). \"Or sacrifice "
    "child\": a child with its own memory would be killed instead, if it had one.", BLOCK_NONE },
  { "are going to be killed due to memory.oom.group set",
    "mem_cgroup_print_oom_group() (5.0+): the victim's cgroup (or an ancestor up to the OOM domain) has "
    "memory.oom.group=1, so every process in it is killed with the victim (but those with oom_score_adj -1000).",
    BLOCK_NONE },
  { "Killed process",
    "__oom_kill_process(): SIGKILL was sent. total-vm is the victim's address space (VIRT); anon-rss, file-rss "
    "and shmem-rss its resident pages (RSS), in kB, at that moment; from 5.x also its UID, page tables and "
    "oom_score_adj. \"Memory cgroup out of memory\" marks a cgroup's OOM, \"Out of memory\" the whole machine's. A "
    "container runtime reports the process's end as exit code 137 (128 + SIGKILL's 9).", BLOCK_NONE },
  { "oom_reaper: reaped process",
    "oom_reap_task() (mm/oom_kill.c): the OOM reaper freed the victim's anonymous memory without waiting for it to "
    "exit (so a victim stuck in the kernel cannot block the machine); the figures are what was left.",
    BLOCK_NONE },
  { "no killable processes",
    "out_of_memory(): select_bad_process() found no candidate (every process is unkillable or has oom_score_adj "
    "-1000). A global OOM then panics (\"System is deadlocked on memory\"); a cgroup's OOM leaves the charge to "
    "fail or retry.", BLOCK_NONE },
  { "panic_on_oom is enabled",
    "check_panic_on_oom(): vm.panic_on_oom is set (1: for a global OOM only, 2: for every OOM), so the kernel "
    "panics instead of choosing a victim.", BLOCK_NONE },
  { "Kernel panic - not syncing",
    "panic(): the machine stops here; nothing runs after this line until a reboot.", BLOCK_NONE },
  { "pages RAM", "show_mem(): the machine's RAM in pages (MemTotal plus what the kernel reserved at boot).",
    BLOCK_NONE },
  { "pages reserved", "show_mem(): pages reserved at boot, never available to processes.", BLOCK_NONE },
  { "HighMem/MovableOnly", "show_mem(): pages in high memory or movable-only zones (none on a plain x86-64 VM).",
    BLOCK_NONE },
  { "total pagecache pages", "show_mem(): page cache in pages, file data reclaim could drop.", BLOCK_NONE },
  { "pages in swap cache", "show_mem(): pages both in memory and in swap.", BLOCK_NONE },
  { "Free swap", "show_mem(): swap space still free; 0 with no swap, so anonymous memory cannot be moved out.",
    BLOCK_NONE },
  { "Total swap", "show_mem(): the swap space of the machine.", BLOCK_NONE },
};

/* memory.stat counters worth a sentence; the others are named generically */
static const struct {
  const char *name, *text;
} stat_names[] = {
  { "anon", "anonymous memory (heap, stacks, private mappings), in bytes: what swap could take, if there were any" },
  { "file", "page cache (file data), in bytes: reclaim drops clean file pages before anything else" },
  { "kernel", "kernel memory charged to the cgroup (page tables, stacks, slab), in bytes" },
  { "pagetables", "page tables of the cgroup's processes, in bytes (counted in their badness too)" },
  { "shmem", "shared memory and tmpfs pages, in bytes: anonymous for reclaim, so only swap can move them out" },
  { "swapcached", "pages both in memory and in swap, in bytes" },
  { "inactive_anon", "anonymous memory on the inactive LRU list, the first reclaim would swap out" },
  { "active_anon", "anonymous memory on the active LRU list" },
  { "inactive_file", "page cache on the inactive LRU list, the first reclaim would drop" },
  { "active_file", "page cache on the active LRU list" },
  { "pgscan", "pages reclaim scanned" },
  { "pgsteal", "pages reclaim freed" },
  { "pgfault", "page faults" },
};

static const char *stat_text(const char *name, gsize len)
{
  for (guint i = 0; i < G_N_ELEMENTS(stat_names); i++)
    if (strlen(stat_names[i].name) == len && strncmp(stat_names[i].name, name, len) == 0)
      return stat_names[i].text;
  return NULL;
}

static void esc_n(GString *out, const char *text, gssize len)
{
  g_autofree char *e = g_markup_escape_text(text, len);
  g_string_append(out, e);
}

/* The words of a dump_tasks() line (the header or a row), the brackets around the pid taken as spaces;
 * NULL-terminated. */
static GStrv task_words(const char *body)
{
  g_autofree char *flat = g_strdup(body);
  g_strdelimit(flat, "[]", ' ');
  g_auto(GStrv) fields = g_strsplit_set(g_strstrip(flat), " ", -1);
  GPtrArray *words = g_ptr_array_new();
  for (guint i = 0; fields[i]; i++)
    if (fields[i][0])
      g_ptr_array_add(words, g_strdup(fields[i]));
  g_ptr_array_add(words, NULL);
  return (GStrv)g_ptr_array_free(words, FALSE);
}

/* A dump_tasks() row: the header's column names paired with the row's fields. */
static void explain_task_row(GString *out, const char *body, char **columns, guint page_size)
{
  g_auto(GStrv) values = task_words(body);
  g_string_append(out, "dump_tasks(): one process the OOM killer looked at. ");
  for (guint i = 0; columns[i] && values[i]; i++) {
    const char *col = columns[i], *val = values[i];
    char *end = NULL;
    guint64 n = g_ascii_strtoull(val, &end, 10);
    gboolean number = end && *end == '\0' && end != val;
    if (strcmp(col, "total_vm") == 0 && number)
      g_string_append_printf(out, "total_vm %s pages = %.1f MiB of address space (VIRT, not what is scored); ", val,
                             (double)n * page_size / 1048576.0);
    else if (strcmp(col, "rss") == 0 && number)
      g_string_append_printf(out, "rss %s pages = %.1f MiB resident (RSS, scored); ", val,
                             (double)n * page_size / 1048576.0);
    else if (strcmp(col, "pgtables_bytes") == 0 && number)
      g_string_append_printf(out, "pgtables_bytes %s = %" G_GUINT64_FORMAT " pages of page tables (scored); ", val,
                             n / page_size);
    else if (strcmp(col, "nr_ptes") == 0)
      g_string_append_printf(out, "nr_ptes %s pages of page tables (scored); ", val);
    else if (strcmp(col, "nr_pmds") == 0) /* 4.0-4.14: oom_badness() adds mm_nr_pmds() too */
      g_string_append_printf(out, "nr_pmds %s pages of PMD page tables (scored); ", val);
    else if (strcmp(col, "swapents") == 0)
      g_string_append_printf(out, "swapents %s pages in swap (scored); ", val);
    else if (strcmp(col, "oom_score_adj") == 0)
      g_string_append_printf(out, "oom_score_adj %s (-1000: never chosen); ", val);
    else if (strcmp(col, "name") == 0) {
      g_string_append(out, "name ");
      esc_n(out, val, -1);
      g_string_append(out, " (comm, at most 15 characters); ");
    } else if (strcmp(col, "pid") == 0 || strcmp(col, "uid") == 0 || strcmp(col, "tgid") == 0) {
      g_string_append_printf(out, "%s %s; ", col, val);
    } else {
      esc_n(out, col, -1);
      g_string_append_c(out, ' ');
      esc_n(out, val, -1);
      g_string_append(out, "; ");
    }
  }
  if (out->len >= 2 && strcmp(out->str + out->len - 2, "; ") == 0)
    g_string_truncate(out, out->len - 2);
  g_string_append(out, ".");
}

static void explain_line(GString *out, const char *body, DmesgBlock *block, GStrv *columns, guint page_size)
{
  for (guint r = 0; r < G_N_ELEMENTS(rules); r++) {
    if (!strstr(body, rules[r].needle))
      continue;
    *block = rules[r].starts;
    if (rules[r].text) {
      g_string_append(out, rules[r].text);
      return;
    }
    /* the dump_tasks() header: remember its columns for the rows */
    g_strfreev(*columns);
    *columns = task_words(body);
    g_string_append(out, "dump_tasks(): the columns of the rows below: pid, uid, tgid, total_vm (the address "
                         "space, VIRT), rss (resident pages), page tables (nr_ptes in pages before 4.15, with "
                         "nr_pmds from 4.0, pgtables_bytes after), swapents (pages in swap), oom_score_adj and name. The badness is "
                         "rss + page tables + swapents + the oom_score_adj term: total_vm is not in it.");
    return;
  }
  const char *p = body;
  while (*p == ' ')
    p++;
  if (*block == BLOCK_TASKS && *p == '[' && *columns) {
    explain_task_row(out, body, *columns, page_size);
    return;
  }
  if (*block == BLOCK_MEMCG_STAT) {
    gsize len = strcspn(p, " ");
    const char *text = stat_text(p, len);
    g_string_append(out, "memory.stat of the OOM cgroup: ");
    esc_n(out, p, (gssize)len);
    g_string_append(out, ", ");
    g_string_append(out, text ? text : "one of its counters (bytes, or a count of events)");
    g_string_append(out, ".");
    return;
  }
  if (*block == BLOCK_MEMINFO && strstr(p, "kB") && (strncmp(p, "Node ", 5) == 0 || strncmp(p, "lowmem", 6) == 0)) {
    g_string_append(out, "show_mem(): a node's or a zone's counters, in kB: free memory against the zone's min, low "
                         "and high watermarks, the LRU lists, and the free blocks of each order.");
    return;
  }
  if (*block == BLOCK_MEMINFO) {
    g_string_append(out, "show_mem(): counters of the whole machine, in pages (free: free pages in the buddy "
                         "allocator; free_pcp: on the per-CPU lists; the LRU lists of anonymous and file pages).");
    return;
  }
  if (strstr(p, "+0x")) {
    g_string_append(out, "A frame of the call trace: a kernel function the allocating task was in, with its offset "
                         "and size (\"?\" marks a frame the unwinder is not sure of).");
    return;
  }
  g_string_append(out, "A line of the OOM report that has no explanation of its own here (the lines of "
                       "mm/oom_kill.c, mm/memcontrol.c and lib/show_mem.c are explained; per-zone counters, "
                       "registers and lines of other subsystems are not).");
}

/* One line: the summary is the line as given, the explanation is of `body` (the message without timestamp). */
static void one_line(GString *out, const char *line, const char *body, guint number, DmesgBlock *block, GStrv *columns,
                     guint page_size)
{
  g_string_append(out, "<details><summary>");
  if (number)
    g_string_append_printf(out, "<span class=\"lno\">%u</span> ", number);
  g_string_append(out, "<code>");
  esc_n(out, line, -1);
  g_string_append(out, "</code></summary><p>");
  explain_line(out, body, block, columns, page_size);
  g_string_append(out, "</p></details>\n");
}

void report_html_dmesg_lines(GString *out, const char *log, guint page_size)
{
  g_auto(GStrv) lines = g_strsplit(log, "\n", -1);
  g_auto(GStrv) columns = NULL;
  DmesgBlock block = BLOCK_NONE;
  g_string_append(out, "<div class=\"klog\">\n");
  for (guint i = 0; lines[i]; i++) {
    if (!lines[i][0] && !lines[i + 1])
      break; /* the log's final newline */
    /* the printk timestamp "[    1.000000] " is not part of the message */
    const char *body = lines[i];
    if (body[0] == '[') {
      const char *close = strstr(body, "] ");
      if (close)
        body = close + 2;
    }
    one_line(out, lines[i], body, 0, &block, &columns, page_size);
  }
  g_string_append(out, "</div>\n");
}

void report_html_dmesg_line_list(GString *out, const char *const *lines, const guint *numbers, guint n,
                                 guint page_size)
{
  g_auto(GStrv) columns = NULL;
  DmesgBlock block = BLOCK_NONE;
  g_string_append(out, "<div class=\"klog\">\n");
  for (guint i = 0; i < n; i++)
    one_line(out, lines[i], lines[i], numbers ? numbers[i] : 0, &block, &columns, page_size);
  g_string_append(out, "</div>\n");
}
