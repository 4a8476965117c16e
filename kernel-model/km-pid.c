/* kernel-model/km-pid.c: kernel/pid.c find_pid_ns() / alloc_pid(), kernel 6.1: pid -> task as a two-level radix
 * table (km-pid.h explains the cut from the kernel's IDR). */
#include "km-pid.h"

KmPidTable *km_pid_table_new(void)
{
  return g_new0(KmPidTable, 1);
}

void km_pid_table_free(KmPidTable *table)
{
  if (!table)
    return;
  for (guint i = 0; i < KM_PID_LEAVES; i++)
    g_free(table->leaves[i]);
  g_free(table);
}

void km_pid_table_insert(KmPidTable *table, int pid, struct _KmTask *task)
{
  /* programming error only: the loader refuses pids outside 1 .. PID_MAX_LIMIT (scenario-format.md, "Limits") */
  g_return_if_fail(pid >= 1 && pid <= KM_PID_MAX_LIMIT);
  guint top = (guint)pid >> KM_PID_LEAF_BITS;
  if (!table->leaves[top])
    table->leaves[top] = g_new0(struct _KmTask *, KM_PID_LEAF_SIZE);
  table->leaves[top][(guint)pid & (KM_PID_LEAF_SIZE - 1)] = task;
}

struct _KmTask *km_pid_table_lookup(const KmPidTable *table, int pid)
{
  if (pid < 1 || pid > KM_PID_MAX_LIMIT)
    return NULL;
  struct _KmTask **leaf = table->leaves[(guint)pid >> KM_PID_LEAF_BITS];
  return leaf ? leaf[(guint)pid & (KM_PID_LEAF_SIZE - 1)] : NULL;
}

void km_pid_table_foreach(const KmPidTable *table, GFunc func, gpointer user_data)
{
  for (guint i = 0; i < KM_PID_LEAVES; i++)
    for (guint j = 0; table->leaves[i] && j < KM_PID_LEAF_SIZE; j++)
      if (table->leaves[i][j])
        func(table->leaves[i][j], user_data);
}
