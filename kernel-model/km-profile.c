/* kernel-model/km-profile.c: the version profiles 3.10 to 6.12, as data (docs/kernel-versions.md).
 *
 * Each field is the behaviour of that release's mm/oom_kill.c, mm/memcontrol.c, mm/util.c and fs/proc/base.c,
 * as read from the sources (docs/research/kernel-sources.md: 3.10.9, 4.19, 5.10.223, 6.1.192, 6.6.14,
 * 6.12.117; 5.4 and 5.15 are inferred from their neighbours and said to be). A profile models the late stable
 * release of its series, which is what fleets run: 5.10 and 5.15 therefore have the delayed OOM reaper that was
 * backported to them. Every field is written out for every profile, so a column of this file is a profile.
 * A version between two profiles maps to the older one.
 */
#include "km-profile.h"

#include <stdlib.h>

#define NS_PER_SEC 1000000000ull

static const KmProfile profile_3_10 = {
  .name = "3.10",
  .version = KM_KVER(3, 10),
  .summary = "RHEL 7: root bonus adj -= 30, unsigned points floored at 1, nr_ptes, first of equal scores wins, sacrifice child, no oom_reaper, no memory.oom.group, \"no killable processes\" panics",
  .uname = "3.10.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_ADJ_30,
  .badness_signed = FALSE,
  .pgtables = KM_PGTABLES_NR_PTES,
  .tie_keeps_leader = TRUE,
  .normalise_chosen_points = TRUE,
  .unkillable_checks_memcg = TRUE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_ANY_WITH_MASK,
  .sacrifice_child = TRUE,
  .has_oom_group = FALSE,
  .has_oom_group_kill_event = FALSE,
  .allocating_task_checks_cpuset = FALSE,
  .has_oom_reaper = FALSE,
  .no_killable_always_panics = TRUE,
  .sharers_skip_adj_min = TRUE,
  .sharers_kill_line = TRUE,
  .oom_group_skips_init = FALSE,
  .set_oom_adj_shares_mm = FALSE,
  .oom_reaper_delay_ns = 0,
  .overcommit_heuristic = TRUE,
  .vm_warning = KM_VM_WARN_NONE,
  .watermark_scale_factor = FALSE,
  .pcp = KM_PCP_FIXED,
  .pcp_batch_cap_kb = 512,
  .memcg_events_hierarchical = FALSE,
  .memcg_v1 = TRUE,
  .memcg_v2 = FALSE,
  .v1_use_hierarchy_default = FALSE,
  .v1_use_hierarchy_settable = TRUE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = TRUE,
  .memcg_oom_failed_forces = FALSE,
  .oom_score_2000 = FALSE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = FALSE,
  .killed_has_prefix = FALSE,
  .killed_has_uid = FALSE,
  .killed_has_pgtables_adj = FALSE,
  .killed_has_shmem = FALSE,
  .taskdump = KM_TASKDUMP_NR_PTES,
  .taskdump_has_state_line = FALSE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = TRUE,
};

static const KmProfile profile_4_19 = {
  .name = "4.19",
  .version = KM_KVER(4, 19),
  .summary = "RHEL 8 / older k8s nodes: no root bonus, pgtables_bytes, earlier of equal scores wins, sacrifice child, nodemask in the invoked line, \"Task in X killed as a result of limit of Y\", immediate oom_reaper, overcommit-0 heuristic",
  .uname = "4.19.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = FALSE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = TRUE,
  .normalise_chosen_points = TRUE,
  .unkillable_checks_memcg = TRUE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_ANY_WITH_MASK,
  .sacrifice_child = TRUE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = FALSE,
  .allocating_task_checks_cpuset = FALSE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = FALSE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 0,
  .overcommit_heuristic = TRUE,
  .vm_warning = KM_VM_WARN_NONE,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_FIXED,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = FALSE,
  .memcg_v1 = TRUE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = FALSE,
  .v1_use_hierarchy_settable = TRUE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = TRUE,
  .oom_score_2000 = FALSE,
  .invoked_has_nodemask = TRUE,
  .has_oom_kill_summary = FALSE,
  .killed_has_prefix = FALSE,
  .killed_has_uid = FALSE,
  .killed_has_pgtables_adj = FALSE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_PGTABLES,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = TRUE,
};

static const KmProfile profile_5_4 = {
  .name = "5.4",
  .version = KM_KVER(5, 4),
  .summary = "Ubuntu 20.04: oom-kill: summary line, Killed line with UID, pgtables, oom_score_adj; no child sacrifice; later of equal scores wins; overcommit 0 is pages > RAM + swap; hierarchical memory.events (profile inferred, sources not read)",
  .uname = "5.4.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = FALSE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = FALSE,
  .normalise_chosen_points = TRUE,
  .unkillable_checks_memcg = FALSE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_GLOBAL_WITH_MASK,
  .sacrifice_child = FALSE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = FALSE,
  .allocating_task_checks_cpuset = TRUE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = TRUE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 0,
  .overcommit_heuristic = FALSE,
  .vm_warning = KM_VM_WARN_NONE,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_FIXED,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = TRUE,
  .memcg_v1 = TRUE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = FALSE,
  .v1_use_hierarchy_settable = TRUE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = TRUE,
  .oom_score_2000 = FALSE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = TRUE,
  .killed_has_prefix = TRUE,
  .killed_has_uid = TRUE,
  .killed_has_pgtables_adj = TRUE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_PGTABLES,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = FALSE,
};

static const KmProfile profile_5_10 = {
  .name = "5.10",
  .version = KM_KVER(5, 10),
  .summary = "Debian 11: signed points (a negative score is still a candidate), no normalisation, oom_score 0..2000, oom_reaper delayed 2 s (5.10.y stable)",
  .uname = "5.10.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = TRUE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = FALSE,
  .normalise_chosen_points = FALSE,
  .unkillable_checks_memcg = FALSE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_GLOBAL_WITH_MASK,
  .sacrifice_child = FALSE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = FALSE,
  .allocating_task_checks_cpuset = TRUE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = TRUE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 2 * NS_PER_SEC,
  .overcommit_heuristic = FALSE,
  .vm_warning = KM_VM_WARN_NONE,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_FIXED,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = TRUE,
  .memcg_v1 = TRUE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = FALSE,
  .v1_use_hierarchy_settable = TRUE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = FALSE,
  .oom_score_2000 = TRUE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = TRUE,
  .killed_has_prefix = TRUE,
  .killed_has_uid = TRUE,
  .killed_has_pgtables_adj = TRUE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_PGTABLES,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = FALSE,
};

static const KmProfile profile_5_15 = {
  .name = "5.15",
  .version = KM_KVER(5, 15),
  .summary = "Ubuntu 22.04: v1 use_hierarchy always 1 (5.11); otherwise as 5.10 (profile inferred, sources not read)",
  .uname = "5.15.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = TRUE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = FALSE,
  .normalise_chosen_points = FALSE,
  .unkillable_checks_memcg = FALSE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_GLOBAL_WITH_MASK,
  .sacrifice_child = FALSE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = FALSE,
  .allocating_task_checks_cpuset = TRUE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = TRUE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 2 * NS_PER_SEC,
  .overcommit_heuristic = FALSE,
  .vm_warning = KM_VM_WARN_NONE,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_FREE_FACTOR,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = TRUE,
  .memcg_v1 = TRUE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = TRUE,
  .v1_use_hierarchy_settable = FALSE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = FALSE,
  .oom_score_2000 = TRUE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = TRUE,
  .killed_has_prefix = TRUE,
  .killed_has_uid = TRUE,
  .killed_has_pgtables_adj = TRUE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_PGTABLES,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = FALSE,
};

static const KmProfile profile_6_1 = {
  .name = "6.1",
  .version = KM_KVER(6, 1),
  .summary = "Debian 12 (default): memory.events oom_group_kill (5.16), the __vm_enough_memory warning (\"no enough memory\")",
  .uname = "6.1.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = TRUE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = FALSE,
  .normalise_chosen_points = FALSE,
  .unkillable_checks_memcg = FALSE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_GLOBAL_WITH_MASK,
  .sacrifice_child = FALSE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = TRUE,
  .allocating_task_checks_cpuset = TRUE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = TRUE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 2 * NS_PER_SEC,
  .overcommit_heuristic = FALSE,
  .vm_warning = KM_VM_WARN_NO_ENOUGH,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_FREE_FACTOR,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = TRUE,
  .memcg_v1 = TRUE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = TRUE,
  .v1_use_hierarchy_settable = FALSE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = FALSE,
  .oom_score_2000 = TRUE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = TRUE,
  .killed_has_prefix = TRUE,
  .killed_has_uid = TRUE,
  .killed_has_pgtables_adj = TRUE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_PGTABLES,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = FALSE,
};

static const KmProfile profile_6_6 = {
  .name = "6.6",
  .version = KM_KVER(6, 6),
  .summary = "LTS 6.6: the __GFP_FS bail-out no longer needs a gfp_mask",
  .uname = "6.6.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = TRUE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = FALSE,
  .normalise_chosen_points = FALSE,
  .unkillable_checks_memcg = FALSE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_GLOBAL,
  .sacrifice_child = FALSE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = TRUE,
  .allocating_task_checks_cpuset = TRUE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = TRUE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 2 * NS_PER_SEC,
  .overcommit_heuristic = FALSE,
  .vm_warning = KM_VM_WARN_NO_ENOUGH,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_FREE_FACTOR,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = TRUE,
  .memcg_v1 = TRUE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = TRUE,
  .v1_use_hierarchy_settable = FALSE,
  .lru_gen = FALSE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = FALSE,
  .oom_score_2000 = TRUE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = TRUE,
  .killed_has_prefix = TRUE,
  .killed_has_uid = TRUE,
  .killed_has_pgtables_adj = TRUE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_PGTABLES,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = FALSE,
  .memcg_v1_task_in_line = FALSE,
};

static const KmProfile profile_6_12 = {
  .name = "6.12",
  .version = KM_KVER(6, 12),
  .summary = "LTS 6.12: rss_anon/rss_file/rss_shmem columns in the task dump, memcg stats one record per line, no cgroup v1 memory controller (CONFIG_MEMCG_V1 off)",
  .uname = "6.12.0-oomsim",
  .root_bonus = KM_ROOT_BONUS_NONE,
  .badness_signed = TRUE,
  .pgtables = KM_PGTABLES_BYTES,
  .tie_keeps_leader = FALSE,
  .normalise_chosen_points = FALSE,
  .unkillable_checks_memcg = FALSE,
  .gfp_fs_bail = KM_GFP_FS_BAIL_GLOBAL,
  .sacrifice_child = FALSE,
  .has_oom_group = TRUE,
  .has_oom_group_kill_event = TRUE,
  .allocating_task_checks_cpuset = TRUE,
  .has_oom_reaper = TRUE,
  .no_killable_always_panics = FALSE,
  .sharers_skip_adj_min = FALSE,
  .sharers_kill_line = FALSE,
  .oom_group_skips_init = TRUE,
  .set_oom_adj_shares_mm = TRUE,
  .oom_reaper_delay_ns = 2 * NS_PER_SEC,
  .overcommit_heuristic = FALSE,
  .vm_warning = KM_VM_WARN_BYTES,
  .watermark_scale_factor = TRUE,
  .pcp = KM_PCP_AUTOTUNE,
  .pcp_batch_cap_kb = 1024,
  .memcg_events_hierarchical = TRUE,
  .memcg_v1 = FALSE,
  .memcg_v2 = TRUE,
  .v1_use_hierarchy_default = TRUE,
  .v1_use_hierarchy_settable = FALSE,
  .lru_gen = TRUE,
  .memcg_oom_user_fault_only = FALSE,
  .memcg_oom_failed_forces = FALSE,
  .oom_score_2000 = TRUE,
  .invoked_has_nodemask = FALSE,
  .has_oom_kill_summary = TRUE,
  .killed_has_prefix = TRUE,
  .killed_has_uid = TRUE,
  .killed_has_pgtables_adj = TRUE,
  .killed_has_shmem = TRUE,
  .taskdump = KM_TASKDUMP_RSS_SPLIT,
  .taskdump_has_state_line = TRUE,
  .memcg_stats_one_record_per_line = TRUE,
  .memcg_v1_task_in_line = FALSE,
};

static const KmProfile *const all_profiles[] = {
  &profile_3_10, &profile_4_19, &profile_5_4, &profile_5_10, &profile_5_15, &profile_6_1, &profile_6_6, &profile_6_12, NULL,
};

const KmProfile *const *km_profiles(void)
{
  return all_profiles;
}

const KmProfile *km_profile_default(void)
{
  return &profile_6_1;
}

/* "X.Y", "X.Y.Z", "X.Y.Z-anything", "X.Y-rc1": major and minor, anything after ignored. */
static gboolean parse_version(const char *text, int *out_version)
{
  char *end = NULL;
  if (!g_ascii_isdigit(text[0]))
    return FALSE;
  guint64 major = g_ascii_strtoull(text, &end, 10);
  if (*end != '.' || !g_ascii_isdigit(end[1]) || major > 99)
    return FALSE;
  const char *minor_text = end + 1;
  guint64 minor = g_ascii_strtoull(minor_text, &end, 10);
  if (minor > 999)
    return FALSE;
  if (*end != '\0' && *end != '.' && *end != '-' && *end != '+')
    return FALSE;
  *out_version = KM_KVER((int)major, (int)minor);
  return TRUE;
}

const KmProfile *km_profile_lookup(const char *version)
{
  int wanted;

  /* programming error only: sim_run() and the harness look up only a version they have (never NULL) */
  g_return_val_if_fail(version != NULL, NULL);
  for (const KmProfile *const *p = all_profiles; *p; p++)
    if (g_strcmp0((*p)->name, version) == 0)
      return *p;
  if (!parse_version(version, &wanted))
    return NULL;
  for (const KmProfile *const *p = all_profiles; *p; p++)
    if ((*p)->version == wanted)
      return *p;
  return NULL;
}

char *km_profile_names(void)
{
  GString *names = g_string_new(NULL);
  for (const KmProfile *const *p = all_profiles; *p; p++)
    g_string_append_printf(names, "%s%s", names->len ? ", " : "", (*p)->name);
  return g_string_free(names, FALSE);
}
