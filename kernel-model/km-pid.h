/* kernel-model/km-pid.h: kernel/pid.c find_pid_ns() / alloc_pid(), kernel 6.1: the pid namespace maps a pid number
 * to its task through an IDR (a radix tree, lib/idr.c), which allocates its nodes only where pids are.
 *
 * The model's table is that radix tree cut to two levels: a top array of PID_MAX_LIMIT / 1024 + 1 slots (32 KiB)
 * and leaves of 1,024 task pointers (8 KiB) made by the first pid that falls in them. A scenario's few pids take a
 * leaf or two; a million consecutive pids take 8 bytes each (a GHashTable took about 27 at 100,000 and 40 at a
 * million: issue 13). Look-ups are two indexings, no hashing; iteration is in pid order. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

struct _KmTask;

#define KM_PID_MAX_LIMIT 4194304 /* include/linux/threads.h PID_MAX_LIMIT on 64-bit: pids are 1 .. this */
#define KM_PID_LEAF_BITS 10
#define KM_PID_LEAF_SIZE (1 << KM_PID_LEAF_BITS)
#define KM_PID_LEAVES ((KM_PID_MAX_LIMIT >> KM_PID_LEAF_BITS) + 1)

typedef struct {
  struct _KmTask **leaves[KM_PID_LEAVES]; /* leaves[pid >> 10][pid & 1023]; NULL: no pid in that range yet */
} KmPidTable;

KmPidTable *km_pid_table_new(void);
/* Frees the table, not the tasks. */
void km_pid_table_free(KmPidTable *table);
/* Sets pid's task (alloc_pid()); a pid handed out again after release_task() replaces the dead task, which
 * km_task_create() keeps in KmSystem.released_tasks. pid must be in
 * 1 .. KM_PID_MAX_LIMIT (the loader and the VM harness keep them there). */
void km_pid_table_insert(KmPidTable *table, int pid, struct _KmTask *task);
/* find_task_by_pid_ns(): NULL for a pid no task has, or out of range. */
struct _KmTask *km_pid_table_lookup(const KmPidTable *table, int pid);
/* Every task in the table, in pid order. */
void km_pid_table_foreach(const KmPidTable *table, GFunc func, gpointer user_data);

G_END_DECLS
