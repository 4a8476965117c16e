/* sim/engine-userspace.h: the acting halves of earlyoom and systemd-oomd beside the engine (the choosing halves are
 * userspace/us-earlyoom.c and userspace/us-oomd.c): their polls on the virtual clock, what they read from the
 * kernel model (/proc/meminfo, /proc/PID, the cgroups) and the signals they send through the engine. The engine
 * (sim/engine.c) decides when a poll is due, beside the kubelet's eviction manager. docs/userspace-killers.md.
 */
#pragma once

#include "../userspace/us-earlyoom.h"
#include "../userspace/us-oomd.h"
#include "../userspace/us-oomd-pressure.h"
#include "engine.h"

G_BEGIN_DECLS

typedef struct {
  const UsEarlyoom *earlyoom;     /* NULL: earlyoom does not run */
  UsEarlyoom *earlyoom_owned;     /* earlyoom's defaults for `oomsim actors` */
  guint64 next_earlyoom_ns;
  gint64 earlyoom_idle_gen;       /* the engine's change count at the last poll if it signalled nothing; -1: it did */
  guint64 earlyoom_idle_sleep_ns; /* the sleep after that idle poll */
  const UsOomd *oomd;             /* NULL: systemd-oomd does not run */
  UsOomd *oomd_owned;
  guint64 next_oomd_ns;
  gint64 oomd_idle_gen;
  /* systemd-oomd's memory-pressure rule (userspace/us-oomd-pressure.c); monitored NULL: no unit asks for it */
  GArray *oomd_monitored;         /* UsOomdPressureCgroup, path order */
  GArray *oomd_candidates;        /* UsOomdCandidate kept from the previous poll; NULL: cleared */
  guint64 next_oomd_pressure_ns;
  gboolean oomd_post_action;      /* mem_pressure_post_action_delay_start != 0 */
  guint64 oomd_post_action_start_ns;
} SimUserspace;

/* The killers that run for actors (SimOptions.actors): *out NULL when neither does. Errors: a <systemd-oomd> unit
 * naming no cgroup (SCENARIO_ERROR_UNKNOWN_REF), systemd-oomd on cgroup v1 (SCENARIO_ERROR_UNSUPPORTED). */
gboolean sim_userspace_new(const ScenarioHeader *header, SimActors actors, KmSystem *sys, SimUserspace **out,
                           GError **error);
void sim_userspace_free(SimUserspace *us);
/* Idle polls up to until_ns (inclusive) with the model unchanged since (gen) would repeat: skipped. */
void sim_userspace_skip_idle(SimUserspace *us, gint64 gen, guint64 until_ns);
/* One poll each, at its due time (the engine's clock is there). */
void sim_userspace_earlyoom_poll(SimUserspace *us, SimEngine *e);
void sim_userspace_oomd_poll(SimUserspace *us, SimEngine *e);
/* systemd-oomd's memory-pressure poll (monitor_memory_pressure_contexts_handler()), every second from 0. Never
 * skipped: its reads of memory.pressure drive the kernel's averages (km_psi_show()). */
void sim_userspace_oomd_pressure_poll(SimUserspace *us, SimEngine *e);


/* What the engine offers its actors (sim/engine.c). */
KmSystem *sim_engine_system(SimEngine *e);
guint64 sim_engine_now(const SimEngine *e);
gint64 sim_engine_generation(const SimEngine *e);
void sim_engine_actor_event(SimEngine *e, SimEventKind kind, const KmTask *task, const char *detail);
/* Records in the outcome that actor sent signal to task (SimOutcome.actor_signals), before any kill; badness and
 * VmRSS as the actor logged them. */
void sim_engine_actor_signal(SimEngine *e, const char *actor, const KmTask *task, int signal, int badness,
                             long long rss_mib);
/* A signal the process does not handle: it ends at once with 128 + signal, the exit naming actor. */
void sim_engine_actor_kill(SimEngine *e, KmTask *task, int signal, const char *actor);

G_END_DECLS
