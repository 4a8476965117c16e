/* sim/events.h: what the simulator tells a report writer, one event at a time, in the order things happen.
 *
 * Events are delivered synchronously: while a writer handles one, the model (KmSystem) is in the state of that
 * moment, so a writer may read any counter it needs (the dmesg writer prints memcg usage at OOM time). Writers
 * must not change the model. Pointers in an event are valid only during the call.
 */
#pragma once

#include "../kernel-model/km-oom.h"
#include "../scenarios/scenario.h"
#include "outcome.h"

G_BEGIN_DECLS

typedef enum {
  SIM_EV_BEGIN,      /* before the first step: header, profile, machine */
  SIM_EV_STEP,       /* a step completed (detail says what it did) */
  SIM_EV_ENOMEM,     /* a step failed with ENOMEM (__vm_enough_memory) */
  SIM_EV_STEP_ERROR, /* a step failed with another error (errno_name; detail says why): a cgroup write refused */
  SIM_EV_CHARGE_FORCED, /* 4.19/5.4: a memcg OOM killed nobody and the charge went over the limit */
  SIM_EV_SEGV,       /* a touch of a mapping that is not there (its mmap failed, or it was unmapped): SIGSEGV */
  SIM_EV_SKIPPED,    /* a step of a process that is dead (or livelocked) was not run */
  SIM_EV_QUEUED,     /* a step of a blocked process waits */
  SIM_EV_BLOCKED,    /* a process sleeps in a v1 memcg with oom_kill_disable (under_oom) */
  SIM_EV_UNBLOCKED,  /* it wakes up (memory was freed or the limit raised) */
  SIM_EV_RECLAIM,    /* reclaim freed page cache / swapped anon out before an OOM could happen */
  SIM_EV_OOM,        /* out_of_memory() ran: oc says what it decided */
  SIM_EV_REAPED,     /* the OOM reaper reaped a victim */
  SIM_EV_EXIT,       /* a process ended */
  SIM_EV_PANIC,      /* the kernel panicked: nothing runs after this */
  SIM_EV_LIVELOCK,   /* a task retries a charge no OOM kill can satisfy, for ever */
  SIM_EV_WAIT,       /* the clock moved on to a pending timer (the delayed OOM reaper) */
  SIM_EV_THROTTLE,   /* memory.high: a step's returns to user over high (reclaim_high(), penalty sleeps), summed */
  SIM_EV_KUBELET,    /* the kubelet's eviction manager: a node condition changed, or it evicts a pod (detail) */
  SIM_EV_END,        /* the trace ended; survivors have exited */
} SimEventKind;

typedef struct {
  SimEventKind kind;
  guint64 time_ns;
  guint64 step_index;      /* 1-based position of the step in the trace; 0: none */
  const ScStep *step;      /* may be NULL */
  const KmTask *task;      /* the process concerned */
  const char *detail;      /* a short human sentence for the timeline */
  /* SIM_EV_OOM */
  const OomControl *oc;
  const KmMemcg *oom_memcg;
  /* SIM_EV_RECLAIM */
  KmPages reclaimed_file, reclaimed_swap;
  /* SIM_EV_REAPED: the victim's counters after reaping */
  KmPages reaped_anon_rss, reaped_file_rss, reaped_shmem_rss;
  /* SIM_EV_ENOMEM: the pages __vm_enough_memory() refused, or (oom_memcg set) the pages a system call's memcg
   * charge could not get */
  KmPages enomem_pages;
  /* SIM_EV_THROTTLE: virtual time slept in mem_cgroup_handle_over_high() during the step, and in how many sleeps */
  guint64 throttle_slept_ns;
  guint64 throttle_sleeps;
  /* SIM_EV_STEP_ERROR: "EBUSY", ... */
  const char *errno_name;
  gboolean enomem_overcommit; /* refused by __vm_enough_memory() (else by get_unmapped_area()) */
  /* SIM_EV_EXIT */
  const SimExit *exit;
  /* SIM_EV_PANIC */
  const char *panic_message;
  /* SIM_EV_BEGIN / SIM_EV_END */
  const ScenarioHeader *header;
  const SimOutcome *outcome;
  const char *scenario_file;
} SimEvent;

typedef struct {
  void (*event)(gpointer data, const KmSystem *sys, const SimEvent *ev);
  gpointer data;
} SimSink;

G_END_DECLS
