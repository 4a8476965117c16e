/* harness/harness-vm.c: kernels from the set-up cache, the initramfs, and one QEMU run.
 *
 * The initramfs is written here in the cpio "newc" format rather than with cpio(1): inode numbers count from 1,
 * every mtime is 0, owner 0:0, names sorted, no compression (the kernel unpacks a plain cpio), so the same
 * agent, input and modules always give the same bytes.  QEMU runs in the deterministic mode measured in
 * shared/vm-harness-facts.md: TCG, one vCPU, -icount shift=4,sleep=off, a fixed RTC, nokaslr norandmaps.
 * Then the whole serial output is a function of the initramfs, the kernel and the RAM size.
 */
#include "harness.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <unistd.h>
#include <signal.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>

G_DEFINE_QUARK(harness-error-quark, harness_error)

/* --- kernels ------------------------------------------------------------------------------------------------ */

static char *read_trimmed(const char *path)
{
  char *text = NULL;
  if (!g_file_get_contents(path, &text, NULL, NULL))
    return NULL;
  g_strstrip(text);
  return text;
}

HarnessKernel *harness_kernel_resolve(const char *spec, const char *cache_dir, GError **error)
{
  /* programming error only: validate passes --kernel-image or its default "6.1", never NULL */
  g_return_val_if_fail(spec != NULL, NULL);
  g_autoptr(HarnessKernel) k = g_new0(HarnessKernel, 1);
  k->key = g_strdup(spec);
  const char *cache = cache_dir ? cache_dir : g_getenv("OOMSIM_VM_CACHE");
  if (!cache || !*cache)
    cache = "build/vm-cache";
  /* Debian's earlyoom for the scenarios with an <earlyoom> actor, whatever the kernel */
  g_autofree char *eo_root = g_build_filename(cache, "earlyoom", "root", NULL);
  g_autofree char *eo_version = g_build_filename(cache, "earlyoom", "VERSION", NULL);
  k->earlyoom_package = read_trimmed(eo_version);
  if (k->earlyoom_package && g_file_test(eo_root, G_FILE_TEST_IS_DIR))
    k->earlyoom_root = g_steal_pointer(&eo_root);
  if (strcmp(spec, "6.1") == 0 || strcmp(spec, "6.12") == 0) {
    g_autofree char *dir = g_build_filename(cache, spec, NULL);
    k->vmlinuz = g_build_filename(dir, "vmlinuz", NULL);
    k->modules_dir = g_build_filename(dir, "modules", NULL);
    g_autofree char *version = g_build_filename(dir, "VERSION", NULL);
    g_autofree char *release = g_build_filename(dir, "RELEASE", NULL);
    k->package = read_trimmed(version);
    k->release = read_trimmed(release);
    k->profile = g_strdup(spec);
    if (!g_file_test(k->vmlinuz, G_FILE_TEST_IS_REGULAR) || !k->package) {
      g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_SETUP,
                  "kernel %s is not in %s: run `make validate-setup` (harness/setup.sh)", spec, cache);
      return NULL;
    }
  } else {
    if (!g_file_test(spec, G_FILE_TEST_IS_REGULAR)) {
      g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_SETUP,
                  "--kernel-image: %s is neither 6.1, 6.12 nor a kernel image file", spec);
      return NULL;
    }
    g_autofree char *dir = g_path_get_dirname(spec);
    k->vmlinuz = g_strdup(spec);
    g_autofree char *modules = g_build_filename(dir, "modules", NULL);
    if (g_file_test(modules, G_FILE_TEST_IS_DIR))
      k->modules_dir = g_steal_pointer(&modules);
    g_autofree char *version = g_build_filename(dir, "VERSION", NULL);
    g_autofree char *release = g_build_filename(dir, "RELEASE", NULL);
    k->package = read_trimmed(version);
    if (!k->package)
      k->package = g_strdup(spec);
    k->release = read_trimmed(release);
    /* the simulator profile: major.minor of the release, when there is one */
    if (k->release) {
      int major = 0, minor = 0;
      if (sscanf(k->release, "%d.%d", &major, &minor) == 2)
        k->profile = g_strdup_printf("%d.%d", major, minor);
    }
  }
  return g_steal_pointer(&k);
}

void harness_kernel_free(HarnessKernel *k)
{
  if (!k)
    return;
  g_free(k->key);
  g_free(k->vmlinuz);
  g_free(k->modules_dir);
  g_free(k->package);
  g_free(k->release);
  g_free(k->profile);
  g_free(k->earlyoom_root);
  g_free(k->earlyoom_package);
  g_free(k);
}

/* --- initramfs -------------------------------------------------------------------------------------------- */

typedef struct {
  char *name;
  guint32 mode;
  guint32 rdev_major, rdev_minor;
  GBytes *data; /* NULL for directories and device nodes */
} CpioEntry;

static void cpio_entry_free(gpointer p)
{
  CpioEntry *e = p;
  g_free(e->name);
  if (e->data)
    g_bytes_unref(e->data);
  g_free(e);
}

static void cpio_add(GPtrArray *entries, const char *name, guint32 mode, GBytes *data)
{
  CpioEntry *e = g_new0(CpioEntry, 1);
  e->name = g_strdup(name);
  e->mode = mode;
  e->data = data;
  g_ptr_array_add(entries, e);
}

static gint cpio_entry_cmp(gconstpointer a, gconstpointer b)
{
  const CpioEntry *x = *(CpioEntry *const *)a, *y = *(CpioEntry *const *)b;
  return strcmp(x->name, y->name);
}

static void cpio_pad(GByteArray *out)
{
  static const guint8 zeros[4] = {0};
  if (out->len % 4)
    g_byte_array_append(out, zeros, 4 - out->len % 4);
}

static void cpio_write(GByteArray *out, guint32 ino, const char *name, guint32 mode, guint32 rmaj, guint32 rmin,
                       const guint8 *data, gsize size)
{
  char header[111];
  gsize namesize = strlen(name) + 1;
  g_snprintf(header, sizeof header, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino, mode, 0u,
             0u, (mode & 0170000) == 0040000 ? 2u : 1u, 0u, (guint32)size, 0u, 0u, rmaj, rmin, (guint32)namesize,
             0u);
  g_byte_array_append(out, (const guint8 *)header, 110);
  g_byte_array_append(out, (const guint8 *)name, (guint)namesize);
  cpio_pad(out);
  if (size) {
    g_byte_array_append(out, data, (guint)size);
    cpio_pad(out);
  }
}

static gboolean add_file(GPtrArray *entries, const char *name, const char *path, guint32 mode, GError **error)
{
  char *contents;
  gsize len;
  if (!g_file_get_contents(path, &contents, &len, error))
    return FALSE;
  cpio_add(entries, name, mode, g_bytes_new_take(contents, len));
  return TRUE;
}

/* A directory tree under prefix ("" at the top): directories and regular files, names as they are (the entries are
 * sorted afterwards); anything else (a symlink, a device) is an error, since the cache holds none. */
static gboolean add_tree(GPtrArray *entries, const char *dir_path, const char *prefix, GError **error)
{
  g_autoptr(GDir) dir = g_dir_open(dir_path, 0, error);
  if (!dir)
    return FALSE;
  const char *name;
  while ((name = g_dir_read_name(dir))) {
    g_autofree char *path = g_build_filename(dir_path, name, NULL);
    g_autofree char *entry = *prefix ? g_strconcat(prefix, "/", name, NULL) : g_strdup(name);
    if (g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
      g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_SETUP, "%s: a symbolic link in the initramfs tree", path);
      return FALSE;
    }
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
      cpio_add(entries, entry, 0040755, NULL);
      if (!add_tree(entries, path, entry, error))
        return FALSE;
    } else if (!add_file(entries, entry, path, g_file_test(path, G_FILE_TEST_IS_EXECUTABLE) ? 0100755 : 0100644,
                         error)) {
      return FALSE;
    }
  }
  return TRUE;
}

GBytes *harness_initramfs_build(const char *agent_path, const char *input, gsize input_len,
                                const HarnessKernel *kernel, gsize pad_bytes, const char *extra_root,
                                GError **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func(cpio_entry_free);
  const char *dirs[] = {"dev", "modules", "proc", "shm", "sys"};
  for (guint i = 0; i < G_N_ELEMENTS(dirs); i++)
    cpio_add(entries, dirs[i], 0040755, NULL);
  CpioEntry *console = g_new0(CpioEntry, 1);
  console->name = g_strdup("dev/console");
  console->mode = 0020600;
  console->rdev_major = 5;
  console->rdev_minor = 1;
  g_ptr_array_add(entries, console);
  if (!add_file(entries, "init", agent_path, 0100755, error))
    return NULL;
  cpio_add(entries, "oomsim.in", 0100644, g_bytes_new(input, input_len));
  if (pad_bytes > 0) {
    guint8 *pad = g_malloc(pad_bytes);
    for (gsize i = 0; i < pad_bytes; i++)
      pad[i] = (guint8)(1 + i % 251);
    cpio_add(entries, "perturb", 0100644, g_bytes_new_take(pad, pad_bytes));
  }
  if (kernel->modules_dir) {
    g_autoptr(GDir) dir = g_dir_open(kernel->modules_dir, 0, error);
    if (!dir)
      return NULL;
    const char *name;
    while ((name = g_dir_read_name(dir))) {
      if (!g_str_has_suffix(name, ".ko"))
        continue;
      g_autofree char *path = g_build_filename(kernel->modules_dir, name, NULL);
      g_autofree char *entry = g_strconcat("modules/", name, NULL);
      if (!add_file(entries, entry, path, 0100644, error))
        return NULL;
    }
    /* modules.order sits next to the modules directory (harness/setup.sh) */
    g_autofree char *parent = g_path_get_dirname(kernel->modules_dir);
    g_autofree char *order = g_build_filename(parent, "modules.order", NULL);
    if (g_file_test(order, G_FILE_TEST_IS_REGULAR) && !add_file(entries, "modules/modules.order", order, 0100644, error))
      return NULL;
  }
  if (extra_root && !add_tree(entries, extra_root, "", error))
    return NULL;
  g_ptr_array_sort(entries, cpio_entry_cmp);

  GByteArray *out = g_byte_array_new();
  for (guint i = 0; i < entries->len; i++) {
    const CpioEntry *e = g_ptr_array_index(entries, i);
    gsize size = 0;
    const guint8 *data = e->data ? g_bytes_get_data(e->data, &size) : NULL;
    cpio_write(out, i + 1, e->name, e->mode, e->rdev_major, e->rdev_minor, data, size);
  }
  cpio_write(out, 0, "TRAILER!!!", 0, 0, 0, NULL, 0);
  return g_byte_array_free_to_bytes(out);
}

/* --- QEMU ------------------------------------------------------------------------------------------------- */

void harness_vm_run_free(HarnessVmRun *run)
{
  if (!run)
    return;
  g_free(run->agent_output);
  g_free(run->console_output);
  g_free(run->qemu_stderr);
  g_free(run);
}

static char *slurp(const char *path)
{
  char *text = NULL;
  gsize len = 0;
  if (!g_file_get_contents(path, &text, &len, NULL))
    return g_strdup("");
  /* the serial outputs may hold anything: keep them valid UTF-8 for JSON */
  if (!g_utf8_validate(text, (gssize)len, NULL)) {
    char *valid = g_utf8_make_valid(text, (gssize)len);
    g_free(text);
    return valid;
  }
  return text;
}

/* What decides a run's output: the initramfs bytes, the kernel and the RAM (the QEMU command line is fixed).
 * The runs are deterministic (docs/validation.md), so the same key gives the same serial outputs. */
static char *run_key(const HarnessKernel *kernel, GBytes *initramfs, guint ram_mib)
{
  g_autofree char *sum = g_compute_checksum_for_bytes(G_CHECKSUM_SHA256, initramfs);
  return g_strdup_printf("initramfs %s kernel %s vmlinuz %s ram %u", sum, kernel->package, kernel->vmlinuz, ram_mib);
}

static void set_status(HarnessVmRun *run, gboolean killed)
{
  if (killed)
    run->status = HARNESS_VM_TIMEOUT;
  else if (run->qemu_status == 33)
    run->status = HARNESS_VM_FINISHED;
  else if (run->qemu_status == 1)
    run->status = HARNESS_VM_PANIC;
  else if (run->qemu_status == 35)
    run->status = HARNESS_VM_AGENT_FAILED;
  else
    run->status = HARNESS_VM_OTHER;
}

/* A run worth keeping for --reuse: one the guest finished, panicked or failed in, with the agent's output. Not a
 * run the time limit ended, nor one where QEMU itself failed (any other status, e.g. it could not start or was
 * killed by a signal), nor one whose agent said nothing (QEMU's exit 1 before the guest ran looks like a panic):
 * those say something about the host, not the kernel, and a second attempt may well succeed. */
static gboolean run_reusable(const HarnessVmRun *run)
{
  return run->status != HARNESS_VM_TIMEOUT && run->status != HARNESS_VM_OTHER && run->agent_output &&
         run->agent_output[0] != '\0';
}

/* --reuse: the outputs of an earlier run with the same key (run.txt: the key, then QEMU's status), never of a
 * run that run_reusable() refuses */
static HarnessVmRun *reuse_run(const char *runinfo, const char *key, const char *agent, const char *console,
                               const char *errlog)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents(runinfo, &text, NULL, NULL))
    return NULL;
  g_auto(GStrv) lines = g_strsplit(text, "\n", 3);
  if (!lines[0] || strcmp(lines[0], key) != 0 || !lines[1])
    return NULL;
  int qemu_status;
  double wall;
  if (sscanf(lines[1], "qemu_status %d wall %lf", &qemu_status, &wall) != 2 || qemu_status < 0)
    return NULL;
  HarnessVmRun *run = g_new0(HarnessVmRun, 1);
  run->qemu_status = qemu_status;
  run->wall_seconds = wall;
  set_status(run, FALSE);
  run->agent_output = slurp(agent);
  run->console_output = slurp(console);
  run->qemu_stderr = slurp(errlog);
  if (!run_reusable(run)) {
    harness_vm_run_free(run);
    return NULL;
  }
  return run;
}

HarnessVmRun *harness_vm_run(const HarnessKernel *kernel, GBytes *initramfs, guint ram_mib, guint time_limit_s,
                             const char *work_dir, gboolean reuse, GError **error)
{
  if (g_mkdir_with_parents(work_dir, 0755) != 0) {
    g_set_error(error, HARNESS_ERROR, HARNESS_ERROR_IO, "%s: %s", work_dir, g_strerror(errno));
    return NULL;
  }
  g_autofree char *initrd = g_build_filename(work_dir, "initramfs.cpio", NULL);
  g_autofree char *console = g_build_filename(work_dir, "console.txt", NULL);
  g_autofree char *agent = g_build_filename(work_dir, "agent.txt", NULL);
  g_autofree char *errlog = g_build_filename(work_dir, "qemu-stderr.txt", NULL);
  g_autofree char *runinfo = g_build_filename(work_dir, "run.txt", NULL);
  g_autofree char *key = run_key(kernel, initramfs, ram_mib);
  if (reuse) {
    HarnessVmRun *earlier = reuse_run(runinfo, key, agent, console, errlog);
    if (earlier)
      return earlier;
  }
  gsize size;
  const char *data = g_bytes_get_data(initramfs, &size);
  g_unlink(runinfo);
  if (!g_file_set_contents(initrd, data, (gssize)size, error))
    return NULL;
  g_unlink(console);
  g_unlink(agent);

  g_autofree char *mem = g_strdup_printf("%u", ram_mib);
  g_autofree char *serial0 = g_strconcat("file:", console, NULL);
  g_autofree char *serial1 = g_strconcat("file:", agent, NULL);
  const char *argv[] = {
      "qemu-system-x86_64", "-accel", "tcg", "-nodefaults", "-display", "none", "-no-reboot", "-m", mem,
      "-smp", "1", "-nic", "none", "-device", "pvpanic", "-action", "panic=exit-failure",
      "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
      "-icount", "shift=4,sleep=off", "-rtc", "base=2024-01-01T00:00:00,clock=vm",
      "-serial", serial0, "-serial", serial1,
      "-kernel", kernel->vmlinuz, "-initrd", initrd,
      "-append", "console=ttyS0 panic=-1 quiet nokaslr norandmaps",
      NULL,
  };
  GPid pid;
  int err_fd = -1;
  gint64 start = g_get_monotonic_time();
  if (!g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL,
                                NULL, &pid, NULL, NULL, &err_fd, error))
    return NULL;
  g_autoptr(HarnessVmRun) run = g_new0(HarnessVmRun, 1);
  GString *err_text = g_string_new(NULL);
  int status = 0;
  gboolean killed = FALSE;
  for (;;) {
    /* stderr is small (warnings); drain it so QEMU never blocks on it */
    char buf[4096];
    GPollFD pfd = {err_fd, G_IO_IN | G_IO_HUP, 0};
    if (g_poll(&pfd, 1, 50) > 0) {
      ssize_t r = read(err_fd, buf, sizeof buf);
      if (r > 0 && err_text->len < 65536)
        g_string_append_len(err_text, buf, (gssize)r);
    }
    pid_t w = waitpid(pid, &status, WNOHANG);
    if (w == pid)
      break;
    if (!killed && g_get_monotonic_time() - start > (gint64)time_limit_s * G_USEC_PER_SEC) {
      kill(pid, SIGKILL);
      killed = TRUE;
    }
  }
  close(err_fd);
  g_spawn_close_pid(pid);
  run->wall_seconds = (double)(g_get_monotonic_time() - start) / G_USEC_PER_SEC;
  run->qemu_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  set_status(run, killed);
  run->agent_output = slurp(agent);
  run->console_output = slurp(console);
  run->qemu_stderr = g_string_free(err_text, FALSE);
  g_file_set_contents(errlog, run->qemu_stderr, -1, NULL);
  if (run_reusable(run)) {
    g_autofree char *info = g_strdup_printf("%s\nqemu_status %d wall %.6f\n", key, run->qemu_status, run->wall_seconds);
    g_file_set_contents(runinfo, info, -1, NULL);
  }
  return g_steal_pointer(&run);
}
