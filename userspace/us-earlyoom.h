/* userspace/us-earlyoom.h: earlyoom 1.7 (Debian 12's) and 1.8 as an actor beside the kernel, the choosing half:
 * its configuration (main.c: -m, -s, -M, -S, --prefer, --avoid; 1.8: --ignore, --ignore-root-user), its reading of
 * /proc/meminfo (meminfo.c parse_meminfo()), its decision to act (main.c lowmem_sig()), its adaptive sleep (main.c
 * sleep_time_ms()) and its victim (kill.c find_largest_process() and is_larger()). Pure: the simulator (sim/engine.c)
 * is the acting half, which polls on its virtual clock and sends the signal. See docs/userspace-killers.md.
 */
#pragma once

#include <glib.h>
#include <regex.h>

#include "../scenarios/scenario.h"

G_BEGIN_DECLS

typedef enum {
  US_EARLYOOM_1_7,
  US_EARLYOOM_1_8,
} UsEarlyoomVersion;

/* poll_loop_args_t after main() has merged -m with -M and -s with -S */
typedef struct _UsEarlyoom {
  UsEarlyoomVersion version;
  double mem_term_percent, mem_kill_percent;
  double swap_term_percent, swap_kill_percent;
  char *prefer, *avoid, *ignore;        /* the regexes as written; NULL: not given */
  regex_t prefer_re, avoid_re, ignore_re; /* compiled REG_EXTENDED | REG_NOSUB, as main() compiles them */
  gboolean ignore_root_user;            /* 1.8 --ignore-root-user */
  GPtrArray *argv;                      /* char*: the options as earlyoom's command line takes them, from the
                                         * attributes as written, in document order ("-m", "10", "--prefer", RE);
                                         * what `oomsim validate` starts the real earlyoom with */
  int line, col;
} UsEarlyoom;

/* meminfo_t: what parse_meminfo() returns (kB values as /proc/meminfo prints them) */
typedef struct {
  long long MemTotalKiB, SwapTotalKiB, MemAvailableKiB, SwapFreeKiB;
  long long MemTotalMiB, SwapTotalMiB, MemAvailableMiB, SwapFreeMiB;
  double MemAvailablePercent, SwapFreePercent;
} UsMeminfo;

/* procinfo_t, for one /proc/PID directory, as is_larger() reads it */
typedef struct {
  int pid;
  int oom_score;       /* /proc/PID/oom_score */
  int oom_score_adj;
  long long rss_kib;   /* VmRSS (statm's resident pages) in kB */
  guint uid;
  gboolean kthread;    /* 1.8: ppid 2 (kthreadd's child) */
  const char *comm;
} UsProcinfo;

/* The earlyoom element of <machine> (docs/scenario-format.md). mem_total_kib and swap_total_kib are the machine's
 * MemTotal and SwapTotal, which main() reads before it parses -M and -S. Errors: SCENARIO_ERROR_RANGE for a value
 * earlyoom refuses (with its own message), SCENARIO_ERROR_UNSUPPORTED for an option the version lacks. */
UsEarlyoom *us_earlyoom_new(const ScElement *element, const char *file, long long mem_total_kib,
                            long long swap_total_kib, GError **error);
void us_earlyoom_free(UsEarlyoom *cfg);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(UsEarlyoom, us_earlyoom_free)

/* The default configuration (no options: -m 10,5 -s 10,5), for `oomsim actors`. */
UsEarlyoom *us_earlyoom_new_default(void);

const char *us_earlyoom_version_name(UsEarlyoomVersion version);

/* parse_meminfo(): percentages from the kB figures */
UsMeminfo us_earlyoom_meminfo(long long mem_total_kib, long long mem_available_kib, long long swap_total_kib,
                              long long swap_free_kib);
/* lowmem_sig(): 9 (SIGKILL), 15 (SIGTERM) or 0 */
int us_earlyoom_lowmem_sig(const UsEarlyoom *cfg, const UsMeminfo *m);
/* sleep_time_ms(): 100 .. 1000 */
guint us_earlyoom_sleep_time_ms(const UsEarlyoom *cfg, const UsMeminfo *m);
/* find_largest_process() over procs in readdir order (ascending pid, as procfs lists them): the index of the
 * victim, or -1 (no victim: "Could not find a process to kill"). *out_badness: the victim's oom_score with the
 * prefer/avoid adjustments. */
int us_earlyoom_find_largest_process(const UsEarlyoom *cfg, const UsProcinfo *procs, guint n, int *out_badness);

G_END_DECLS
