/* scenarios/scenario.h: the in-memory form of an oomsim scenario (XML, scenarios/oomsim.rng).
 *
 * The loader (scenario-loader.c) reads a scenario as a stream: the header (machine, cgroups, processes) is
 * read up front, trace steps are handed out one at a time and freed by the caller, and the expectations,
 * which follow the trace in the document, are read once the last step has been handed out.
 * Sizes are kept in bytes exactly as written; the simulator converts them to pages.
 */
#pragma once

#include <glib.h>
#include <stdbool.h>

G_BEGIN_DECLS

#define SC_SIZE_MAX G_MAXUINT64 /* the keyword "max" */

typedef struct {
  char *name;
  gint64 value;
  int line, col;
} ScSysctl;

typedef struct {
  char *name;  /* "memory.max", "memory.limit_in_bytes", ... */
  char *value; /* as written; parsed by the simulator, which knows each file's type */
  int line, col;
} ScAttr;

typedef struct {
  char *path; /* "/kubepods/pod-a"; the root is "/" and always exists */
  GPtrArray *attrs; /* ScAttr* in document order */
  int line, col;
} ScCgroup;

#define SC_TASK_COMM_LEN 16 /* TASK_COMM_LEN (scenarios/scenario-values.h has the other limits) */

/* A process of <processes> (or of the kubelet's pods). A scenario may have a million of them, kept while something
 * reads them (the text and JSON reports print them, sweeps and what-if variants rebuild the model from them; a plain
 * run without such a report frees each as its task is made: sim_engine_new_taking_processes()), so no string is allocated
 * per process: comm is inline (TASK_COMM_LEN, as task_struct keeps it) and the cgroup path and container name are
 * interned strings (g_intern_string(): never freed, one copy per distinct value; a million processes share a few
 * cgroups), issue 13. */
typedef struct {
  int pid;
  char comm[SC_TASK_COMM_LEN]; /* 1 to 15 bytes and the NUL */
  int oom_score_adj;
  guint uid;
  int threads;     /* >= 1 */
  int shares_mm_with; /* 0: own mm */
  int parent; /* 0: none (child of init) */
  int line, col;
  bool cap_sys_admin, kthread, stuck, oom_task_origin, vfork_child;
  const char *cgroup; /* interned; NULL: the root cgroup */
  const char *container; /* interned; NULL: not a container's process */
  guint64 base_rss_bytes;    /* anon pages the process holds before the trace (its own text, stack...) */
  guint64 base_pgtables_bytes;
} ScProcess; /* 88 bytes */

/* An element kept as written, attributes in document order: <kubelet> and its <pod> and <container> children,
 * which k8s/k8s-node.c interprets (the loader checks only the structure). */
typedef struct _ScElement {
  char *name;
  GPtrArray *attrs;    /* ScAttr* */
  GPtrArray *children; /* ScElement* */
  int line, col;
} ScElement;

typedef struct _K8sNode K8sNode; /* k8s/k8s-node.h: the node the kubelet element describes */
typedef struct _UsEarlyoom UsEarlyoom; /* userspace/us-earlyoom.h: <earlyoom> */
typedef struct _UsOomd UsOomd;         /* userspace/us-oomd.h: <systemd-oomd> */

typedef struct {
  char *name, *description, *kernel; /* kernel may be NULL: the default profile */
  const char *file; /* the path given to the loader, for messages */
  guint64 ram_bytes, swap_bytes, page_size, kernel_reserved_bytes;
  guint64 committed_as_bytes; /* <machine committed-as>: Committed_AS before the trace (vm_committed_as) */
  guint64 vm_ram_bytes;       /* <machine vm-ram>: the RAM oomsim validate gives QEMU; 0: ram (the model ignores it) */
  int cpus;             /* <machine cpus>: the machine's CPUs (1) */
  GPtrArray *sysctls;   /* ScSysctl* */
  int cgroup_version;   /* 1 or 2; 2 when the scenario has no <cgroups> */
  GPtrArray *cgroups;   /* ScCgroup*, parents before children as written */
  GPtrArray *processes; /* ScProcess*; empty once taken out (scenario_loader_steal_processes()) */
  K8sNode *k8s;         /* <kubelet>: the pods, their QoS classes and what was derived from them; NULL: none.
                           Its cgroups and container processes are in cgroups and processes too. */
  UsEarlyoom *earlyoom; /* <machine><earlyoom>: earlyoom runs beside the kernel; NULL: not running */
  UsOomd *oomd;         /* <machine><systemd-oomd>: systemd-oomd runs; NULL: not running */
  guint64 trace_until_ns; /* <trace until>: the virtual clock runs to it after the last step (0: the last step) */
  int line, col;        /* of <scenario> */
  char **overrides;     /* NULL, or the --set PARAM=VALUE applied to this header (whatif/overrides.c), for reports */
} ScenarioHeader;

typedef enum {
  SC_STEP_MMAP,
  SC_STEP_TOUCH,
  SC_STEP_MALLOC,
  SC_STEP_FREE,
  SC_STEP_MUNMAP,
  SC_STEP_FILE_READ,
  SC_STEP_SHMEM_WRITE,
  SC_STEP_FORK,
  SC_STEP_EXIT,
  SC_STEP_SET,
  SC_STEP_SYSCTL,
  SC_STEP_CGROUP_SET,
  SC_STEP_MOVE,
  SC_STEP_N_KINDS
} ScStepKind;

extern const char *const sc_step_kind_names[SC_STEP_N_KINDS];

typedef struct {
  ScStepKind kind;
  char *id;          /* may be NULL */
  int pid;
  gboolean has_at;
  guint64 at_ns;
  guint64 size_bytes;  /* mmap, touch, malloc, file-read, shmem-write */
  guint repeat;        /* touch, malloc: >= 1 */
  char *ref;           /* free, munmap: the id of the mmap/malloc step; touch: optional mapping id */
  gboolean touch_all;  /* malloc touch="all" */
  gboolean touch_none; /* malloc touch="none": not even the first page */
  int child_pid;       /* fork */
  char *comm;          /* fork: child's comm (default: parent's) */
  int code;            /* exit */
  int oom_score_adj;   /* set */
  char *name;          /* sysctl name, cgroup-set file name */
  gint64 value;        /* sysctl value */
  char *svalue;        /* cgroup-set value */
  char *cgroup;        /* cgroup-set, move target */
  guint64 index;       /* 1-based position in the trace: set by the loader (and by the simulator when the step
                        * arrives) */
  guint64 ref_index;   /* the index of the mmap or malloc step that ref names: set by the loader, which checks
                        * that ref names an earlier mmap or malloc (and once more after loading, sim/pipeline.c) */
  /* The compiled trace (sim/pipeline.c, compile_steps()): pid, child_pid and cgroup as slots, 1-based numbers the
   * engine indexes arrays with (header processes in order, then fork children in trace order; header cgroups in
   * order); 0: not resolved, the engine looks the pid or path up */
  guint pid_slot, child_slot, cgroup_slot;
  int line, col;
  /* sc_step_pack(): the strings above that lie in the packed_bytes after the struct, in its own allocation, are
   * not allocated apart (sc_step_free() frees the others); 0 for a step built field by field */
  gsize packed_bytes;
} ScStep;

typedef enum {
  SC_EXPECT_OOM_KILL,
  SC_EXPECT_EXIT,
  SC_EXPECT_ENOMEM,
  SC_EXPECT_PANIC,
  SC_EXPECT_MEMORY_EVENTS,
  SC_EXPECT_BLOCKED,
  SC_EXPECT_SURVIVES,
  SC_EXPECT_LIVELOCK, /* the process retries a charge no OOM kill can satisfy, for ever */
  SC_EXPECT_LOG,      /* the profile's dmesg output contains a line with this text (message_contains) */
  SC_EXPECT_STEP_ERROR, /* the step failed with errno_name (a cgroup write refused with EBUSY), or with any error */
  SC_EXPECT_OOM_KILLS,  /* the number of OOM kill decisions is in a range (count) */
  SC_EXPECT_SUCCEEDS,   /* the step ran to its end without an error */
  SC_EXPECT_REFUSED,    /* the kernel refuses the scenario (SCENARIO_ERROR_UNSUPPORTED): nothing runs (oomsim check) */
  SC_EXPECT_CONTAINER_STATE, /* a <kubelet> container's state when the trace ends, as kubectl describe pod shows it */
  SC_EXPECT_N_KINDS
} ScExpectKind;

extern const char *const sc_expect_kind_names[SC_EXPECT_N_KINDS];

typedef struct {
  ScExpectKind kind;
  int pid;                /* 0: oom-kill of any victim */
  char *constraint;       /* oom-kill: optional */
  char *oom_memcg;        /* oom-kill: optional */
  gboolean has_status;
  int status;             /* exit */
  char *reason;           /* exit: optional */
  char *by;               /* exit: optional, the actor that killed it ("kernel", "earlyoom", ...; "none") */
  char *step;             /* enomem, step-error: step id */
  char *errno_name;       /* step-error: "EBUSY"; NULL: any error (ENOMEM included) */
  char *message_contains; /* panic, log, refused */
  char *cgroup;           /* memory-events */
  GPtrArray *counters;    /* memory-events: ScAttr* (name = counter, value = decimal, or "none": the counter
                             does not exist on this kernel or cgroup version), or a range (sc_parse_count) */
  char *count;            /* oom-kills: a range (sc_parse_count); container-state: restart-count (NULL: any) */
  char *state;            /* container-state: "Running", "Waiting", "Terminated" (NULL: any) */
  gboolean ever;          /* blocked: when="ever" (at some time), else at the end */
  GStrv kernels;          /* the profiles of the enclosing <expect kernel="...">; NULL: every profile */
  int line, col;
} ScExpect;

/* A count an expectation accepts: "N", "none" (the counter does not exist), ">N", ">=N", "<N", "<=N", "N..M",
 * "N.." (white space around the number allowed, a leading + too). */
typedef struct {
  gboolean none;
  guint64 min, max;
} ScCount;

/* FALSE for anything else, and for a range no count is in ("<0", "3..2"). */
gboolean sc_parse_count(const char *text, ScCount *out_count);
/* Whether value (-1: the counter does not exist) is one the count accepts. */
gboolean sc_count_holds(const ScCount *count, gint64 value);
/* Whether the expectation applies to the profile that ran. */
gboolean sc_expect_applies(const ScExpect *expect, const char *profile_name);

void sc_step_free(ScStep *step);
/* A deep copy (the engine owns and frees the steps it is given; a loaded scenario is replayed many times): its
 * strings allocated one by one, so that a field can be replaced (g_free() then g_strdup(), whatif/overrides.c). */
ScStep *sc_step_copy(const ScStep *step);
/* A copy in one allocation, its strings after the struct (the loader's steps, one per trace step: issue 13); not
 * for a step whose strings are then replaced (sc_step_copy()). */
ScStep *sc_step_pack(const ScStep *step);
void sc_expect_free(ScExpect *expect);
void sc_attr_free(ScAttr *attr);
void sc_sysctl_free(ScSysctl *sysctl);
void sc_cgroup_free(ScCgroup *cgroup); /* its attrs array frees its ScAttr* */
void sc_process_free(ScProcess *process);
void scenario_header_free(ScenarioHeader *header);
void sc_element_free(ScElement *element);
/* The value of attribute name, or NULL. */
const ScAttr *sc_element_attr(const ScElement *element, const char *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScStep, sc_step_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScAttr, sc_attr_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScSysctl, sc_sysctl_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScCgroup, sc_cgroup_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScProcess, sc_process_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScenarioHeader, scenario_header_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ScElement, sc_element_free)

/* Error domain of everything that reads scenarios. Tests assert these codes exactly. */
#define SCENARIO_ERROR (scenario_error_quark())
GQuark scenario_error_quark(void);

typedef enum {
  SCENARIO_ERROR_IO,          /* cannot open or read the file */
  SCENARIO_ERROR_XML,         /* not well-formed XML */
  SCENARIO_ERROR_DTD,         /* a DOCTYPE, external entity or entity reference */
  SCENARIO_ERROR_SCHEMA,      /* valid XML, invalid against oomsim.rng */
  SCENARIO_ERROR_SIZE,        /* a size that does not parse or overflows */
  SCENARIO_ERROR_RANGE,       /* a number outside its range (sysctl, oom_score_adj, pid...) */
  SCENARIO_ERROR_DUPLICATE,   /* a pid, cgroup path or step id defined twice */
  SCENARIO_ERROR_UNKNOWN_REF, /* a pid, cgroup or step id that does not exist */
  SCENARIO_ERROR_UNSUPPORTED, /* a feature the chosen kernel profile does not have, or a set-up its kernel refuses */
  SCENARIO_ERROR_KERNEL,      /* an unknown kernel version string */
  SCENARIO_ERROR_LIMIT,       /* the run would exceed a resource bound (--max-steps, --max-work): sim/engine.c */
} ScenarioError;

/* Sizes: bytes, or a number with K/Ki/KiB, M/Mi/MiB, G/Gi/GiB/g, T/Ti/TiB/t, P/Pi/PiB/p (powers of 1024), kB, MB,
 * GB, TB, PB (powers of 1000), "N pages" / "Npages" (needs page_size), or "max" (SC_SIZE_MAX, only where
 * allow_max). FALSE on a bad, ambiguous or overflowing size. */
gboolean sc_parse_size(const char *text, guint64 page_size, gboolean allow_max, guint64 *out_bytes);
/* Why text's unit is refused as ambiguous ("50m": milli to Kubernetes, MiB to Docker), or NULL. */
const char *sc_size_ambiguity(const char *text);
/* "10s", "250ms", "5us", "100ns", "0": nanoseconds. */
gboolean sc_parse_duration(const char *text, guint64 *out_ns);

G_END_DECLS
