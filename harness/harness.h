/* harness/harness.h: `oomsim validate`, the real-kernel validation harness (docs/validation.md).
 *
 * A scenario is replayed twice: by the simulator (sim_run) and inside QEMU on a real Debian kernel, where the
 * static agent harness/agent.c runs as /init.  The pieces, in the order they are used:
 *
 *   harness_scenario_load()   scenario file -> agent input (docs/harness-protocol.md) + what the comparison needs
 *   harness_kernel_resolve()  "6.1" | "6.12" | PATH -> vmlinuz, modules, the exact Debian package version
 *   harness_initramfs_build() agent + input + modules -> a byte-reproducible newc cpio archive
 *   harness_vm_run()          QEMU (TCG, -icount, fixed RTC) with a time limit -> both serial outputs, exit status
 *   harness_vm_parse()        the agent's report -> SimOutcome + VM measurements + raw kernel lines
 *   harness_compare()         simulated vs real outcome -> rows and a verdict
 *
 * Library code here never prints; harness_cmd_validate() (the CLI command) does.
 */
#pragma once

#include <glib.h>
#include "../sim/outcome.h"
#include "../sim/sim.h"

G_BEGIN_DECLS

#define HARNESS_ERROR (harness_error_quark())
GQuark harness_error_quark(void);

typedef enum {
  HARNESS_ERROR_SETUP,    /* kernel cache or agent missing: run make validate-setup */
  HARNESS_ERROR_SPAWN,    /* QEMU could not be started */
  HARNESS_ERROR_PROTOCOL, /* the agent's output cannot be understood */
  HARNESS_ERROR_IO,
} HarnessError;

/* --- kernels ------------------------------------------------------------------------------------------------ */

typedef struct {
  char *key;          /* "6.1", "6.12" or the path given */
  char *vmlinuz;
  char *modules_dir;  /* directory with modules.order and the .ko files; NULL: none */
  char *package;      /* "linux-image-6.1.0-56-cloud-amd64 6.1.192-2" (VERSION file), or the path */
  char *release;      /* uname -r, when known */
  char *profile;      /* simulator kernel profile to compare with ("6.1"), NULL: the scenario's */
  char *earlyoom_root; /* the cache's earlyoom/root/ (Debian's earlyoom and its libc, harness/setup.sh), NULL: none */
  char *earlyoom_package; /* its VERSION: "earlyoom 1.7-1+b1, libc6 2.36-9+deb12u14" */
} HarnessKernel;

/* cache_dir NULL: $OOMSIM_VM_CACHE or build/vm-cache. A PATH is a vmlinuz; modules are then looked for in
 * PATH's directory (modules.order next to it). */
HarnessKernel *harness_kernel_resolve(const char *spec, const char *cache_dir, GError **error);
void harness_kernel_free(HarnessKernel *kernel);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HarnessKernel, harness_kernel_free)

/* --- scenario -> agent input -------------------------------------------------------------------------------- */

typedef struct {
  char *path;
  char *name;
  guint ram_mib;            /* QEMU -m */
  int cgroup_version;
  GPtrArray *cgroups;       /* char*: the scenario's cgroup paths, in order */
  GPtrArray *step_labels;   /* char*: step index -> its id, or "#N" (N = 1-based position in the trace) */
  GArray *step_writes;      /* gboolean per step index: a write to a kernel file (sysctl, cgroup-set, set, move),
                             * whose error the model models; other steps' errors are the agent's own */
  GArray *pids;             /* int: the scenario's pids, in order */
  GPtrArray *comms;         /* char*: comm of each pid, same order */
  char *not_runnable;       /* NULL, or why the scenario cannot be reproduced in the VM (a modelled-only feature) */
  gboolean earlyoom;        /* an <earlyoom> actor: Debian's earlyoom runs in the VM and the trace is replayed on
                             * its `at=` times (docs/userspace-killers.md, "Validation") */
  GString *input;           /* the agent input */
} HarnessScenario;

/* The agent's glibc mmap threshold (mallopt(M_MMAP_THRESHOLD) in harness/agent.c): a smaller malloc comes from the
 * heap, and its free does not unmap it. */
#define HARNESS_AGENT_MMAP_THRESHOLD_BYTES (128 * 1024)

HarnessScenario *harness_scenario_load(const char *path, GError **error);
/* The same with `--set PARAM=VALUE` overrides applied (sets: NULL or empty for none), as whatif_run() applies
 * them to the simulator's side: bad addresses and values get the same messages. */
HarnessScenario *harness_scenario_load_sets(const char *path, const char *const *sets, GError **error);
void harness_scenario_free(HarnessScenario *scenario);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HarnessScenario, harness_scenario_free)

/* --- VM --------------------------------------------------------------------------------------------------- */

/* newc cpio: /init (agent), /oomsim.in, /modules/ *, empty dev proc sys shm; mtime 0, owner 0:0, sorted.
 * pad_bytes > 0: also /perturb, that many bytes of a fixed pattern nobody reads (a perturbation: the kernel
 * unpacks and keeps it, which shifts the VM's state before the trace, its free pages and its timer phase). */
/* extra_root: NULL, or a directory whose tree is packed as is (directories and regular files, e.g. the earlyoom
 * root of the cache: usr/bin/earlyoom and its libc). */
GBytes *harness_initramfs_build(const char *agent_path, const char *input, gsize input_len,
                                const HarnessKernel *kernel, gsize pad_bytes, const char *extra_root,
                                GError **error);

typedef enum {
  HARNESS_VM_FINISHED,   /* the agent reported and left through isa-debug-exit (QEMU status 33) */
  HARNESS_VM_PANIC,      /* pvpanic (QEMU status 1) */
  HARNESS_VM_TIMEOUT,    /* the host's time limit killed QEMU */
  HARNESS_VM_AGENT_FAILED, /* the agent gave up (status 35) */
  HARNESS_VM_OTHER,      /* any other QEMU status */
} HarnessVmStatus;

typedef struct {
  HarnessVmStatus status;
  int qemu_status;       /* exit status of QEMU, -1 when killed */
  double wall_seconds;
  char *agent_output;    /* second serial port */
  char *console_output;  /* first serial port: the kernel console */
  char *qemu_stderr;
} HarnessVmRun;

/* work_dir: where the initramfs and the serial outputs are written (kept for inspection), with run.txt naming
 * what the run depended on (initramfs checksum, kernel package and vmlinuz, RAM) and QEMU's status. reuse: when
 * run.txt there has the same key, the earlier outputs are read instead of starting QEMU (the runs are
 * deterministic); a run that hit the time limit is never reused. */
HarnessVmRun *harness_vm_run(const HarnessKernel *kernel, GBytes *initramfs, guint ram_mib, guint time_limit_s,
                             const char *work_dir, gboolean reuse, GError **error);
void harness_vm_run_free(HarnessVmRun *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HarnessVmRun, harness_vm_run_free)

/* --- the VM's outcome --------------------------------------------------------------------------------------- */

typedef struct {
  SimOutcome *outcome;
  gboolean unsupported;        /* the kernel cannot run this scenario (e.g. no cgroup v1 memory controller) */
  char *unsupported_reason;
  gboolean livelock;           /* the agent saw the kernel retry a memcg OOM with nothing to kill */
  gboolean step_timeout;
  char *kernel_release;
  /* measurements right before the trace, in kB as /proc prints them */
  guint64 mem_total_kb, mem_free_kb, min_free_kbytes;
  guint64 base_rss_kb, base_anon_kb, base_pgtables_kb; /* of the first scenario process */
  guint64 base_vm_kb;          /* its VmSize */
  guint64 committed_before_kb; /* Committed_AS before the processes started */
  guint64 committed_per_process_kb; /* what each started process added to Committed_AS (the average; a process
                                     * sharing an mm adds only its owner's 64 KiB stack for it) */
  guint64 pcp_kb;              /* free pages on the per-CPU lists, not in MemFree (sum over the zones) */
  guint64 slab_reclaimable_kb; /* SReclaimable after the processes started (MemAvailable's slab term) */
  guint64 task_kernel_kb;      /* Slab + KernelStack grown per process while the agent started the processes */
  guint64 memcg_kmem_bytes;    /* per mm: what starting the processes charged to their memcgs beyond their own
                                * anon and page tables (pgd, mm_struct, vmas, ...), stocks drained */
  guint n_zones;               /* populated zones of /proc/zoneinfo, lowest first */
  SimZone zones[3];
  GPtrArray *kernel_lines;     /* char*: the kernel's OOM records (kmsg, and the console after a panic) */
  GPtrArray *step_results;     /* char*: "LABEL RESULT" per step */
  GArray *killed_pids;         /* int: the scenario pid of every "Killed process" record (victims and the members
                                * of a memory.oom.group killed alongside), in the kernel's order */
  /* earlyoom in the VM (the outcome's actor_signals hold its signals): */
  char *earlyoom_death;        /* NULL: it ran to the end of the trace; else how it ended ("signal 9 after #3") */
  guint64 late_us;             /* the most a step with an at= time started after it ("behind" lines), in us */
  long late_step;              /* that step's index, -1: none late */
} HarnessVmResult;

HarnessVmResult *harness_vm_parse(const HarnessScenario *scenario, const HarnessVmRun *run, GError **error);
void harness_vm_result_free(HarnessVmResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HarnessVmResult, harness_vm_result_free)

/* --- comparison --------------------------------------------------------------------------------------------- */

/* Tolerances, in pages, for the figures of a Killed-process line (docs/validation.md says why). Everything else
 * is compared exactly. */
/* anon-rss: the kernel's own counter lag. 6.1 (SPLIT_RSS_COUNTING): check_sync_rss_stat() does
 * `if (task->rss_stat.events++ > TASK_RSS_EVENTS_THRESH) sync_mm_rss()` with THRESH 64 at the start of a fault, and
 * sync resets events to 0; so the pages of the faults from one sync to the next, 66 of them (the syncing fault's
 * own page is counted after the sync), can be missing from the mm counter the Killed line prints. 6.12's per-CPU
 * counters are off by at most their batch (32 on one CPU). This was 64 until 2026-11-25, a miscount of the same
 * code (docs/validation.md). */
#define HARNESS_RSS_TOLERANCE_PAGES 66
#define HARNESS_PGTABLES_TOLERANCE_PAGES 2
/* With earlyoom in the VM: how late a step may start after its at= time, earlyoom's shortest sleep (main.c
 * sleep_time_ms(): 100 ms), so that its polls between two steps are still those of the model. */
#define HARNESS_SCHEDULE_SLACK_US 100000

typedef enum {
  HARNESS_AGREE,
  HARNESS_DISAGREE,
  HARNESS_NOT_RUNNABLE, /* neither agrees nor disagrees: counted apart, does not fail the run */
  HARNESS_ERROR_VERDICT, /* the harness could not produce one of the two outcomes: counted as a disagreement */
} HarnessVerdict;

typedef struct {
  char *what;        /* "victims", "constraint", "exit 2", "enomem", "panic", "oom_kill /spike", "rss 2" ... */
  char *simulated;
  char *real;
  gboolean agree;
  gboolean figure;   /* a figure (Killed-line rss), judged with a tolerance; otherwise a decision, exact */
  char *note;        /* e.g. "tolerance 64 pages" */
} HarnessRow;

/* The kernel's own jitter of the figures, in pages: how far the rss of a Killed-process line moved on this kernel
 * when only state outside the scenario changed (harness/jitter.sh; measured values in harness/figure-jitter.txt
 * and docs/validation.md, "Figure jitter"). A global OOM's point depends on per-CPU lists, kswapd's slab frees,
 * watermark boosting and scheduling; a memcg OOM's on the charge counter only. */
typedef struct {
  guint global_pages;  /* Killed lines of a global OOM (constraint CONSTRAINT_NONE, no OOM memcg) */
  guint memcg_pages;   /* Killed lines of a memcg OOM */
  char *source;        /* where the figures come from ("harness/figure-jitter.txt: measured 2026-12-05 on ..."),
                        * or NULL: none measured for this kernel, the counter lag alone is the tolerance */
} HarnessJitter;

/* harness/figure-jitter.txt (or `path`): the entries for `kernel_key` ("6.1", "6.12"); none: zeros, source NULL.
 * A malformed file is an error. */
gboolean harness_jitter_load(const char *path, const char *kernel_key, HarnessJitter *jitter, GError **error);

typedef struct {
  char *scenario;
  char *path;
  char *kernel_package;
  char *kernel_release;
  HarnessVerdict verdict;
  gboolean decisions_agree; /* every decision row agrees (exact) */
  gboolean figures_agree;   /* every figure row agrees within the counter lag plus the kernel's measured jitter */
  char *race;        /* NULL, or how the kernel's own decisions varied over perturbed runs (harness-cmd.c) */
  char *reason;      /* for NOT_RUNNABLE and ERROR */
  GPtrArray *rows;   /* HarnessRow* */
  double vm_seconds;
  GPtrArray *kernel_lines; /* char*, borrowed from nobody: owned */
} HarnessComparison;

/* base_* are the VM's measured baseline (subtracted from its shmem/file rss: the agent's own image). */
/* sim_refused: the simulator's message when it refused the scenario as unsupported by the profile (simulated
 * is then NULL). */
HarnessComparison *harness_compare(const HarnessScenario *scenario, const SimOutcome *simulated,
                                   const char *sim_refused, const HarnessVmResult *real,
                                   const HarnessJitter *jitter);
void harness_comparison_free(HarnessComparison *comparison);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HarnessComparison, harness_comparison_free)

const char *harness_verdict_name(HarnessVerdict verdict);
void harness_comparison_render_text(const HarnessComparison *comparison, GString *out);
/* JSON of a whole run: {"kernel":..., "scenarios":[...], "agree":N, "disagree":N, "not_runnable":N} */
/* sets: the --set overrides every scenario ran with (NULL: none), listed as "overrides" */
char *harness_comparisons_to_json(GPtrArray *comparisons, const HarnessKernel *kernel, const HarnessJitter *jitter,
                                  const char *const *sets);

/* --- the command -------------------------------------------------------------------------------------------- */

/* `oomsim validate FILE|DIR... [--kernel-image 6.1|6.12|PATH] [--format text|json]`; argv[0] == "validate".
 * Exit status 0 only when every runnable scenario agrees. */
int harness_cmd_validate(int argc, char **argv);

G_END_DECLS
