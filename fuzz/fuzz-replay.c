/* fuzz/fuzz-replay.c: runs a fuzz target's LLVMFuzzerTestOneInput() over saved inputs, without libFuzzer, as a
 * GTest binary (TAP): `make check` (gcc) and `make sanitize` (ASan/UBSan) replay every regression input of
 * fuzz/regress/TARGET/ and every seed, so a finding stays fixed with any compiler (libxml2's fuzz/testFuzzer.c
 * does the same).
 *
 * Usage: fuzz-replay-TARGET [--tap] DIR|FILE...  Directories are read recursively, in name order; a test case per
 * file, named by the directory above the file's (/fuzz/scenario/regress/FILE, /fuzz/scenario/seed/FILE). A
 * broken property aborts the binary (fuzz_fail()), which run-tests.sh counts as a failure; the last test name
 * printed is the input's.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <glib.h>

#ifndef FUZZ_TARGET_NAME
#error "FUZZ_TARGET_NAME must be defined (fuzz/fuzz.mk)"
#endif

#include "fuzz-common.h"

static gint compare_strings(gconstpointer a, gconstpointer b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void collect(const char *path, GPtrArray *out)
{
  if (!g_file_test(path, G_FILE_TEST_IS_DIR) || g_file_test(path, G_FILE_TEST_IS_SYMLINK)) {
    if (g_file_test(path, G_FILE_TEST_IS_REGULAR))
      g_ptr_array_add(out, g_strdup(path));
    return;
  }
  g_autoptr(GDir) dir = g_dir_open(path, 0, NULL);
  if (!dir)
    return;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
  const char *name;
  while ((name = g_dir_read_name(dir)))
    if (name[0] != '.')
      g_ptr_array_add(names, g_build_filename(path, name, NULL));
  g_ptr_array_sort(names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    collect(g_ptr_array_index(names, i), out);
}

static void replay(gconstpointer data)
{
  const char *path = data;
  g_autofree char *contents = NULL;
  gsize len = 0;
  g_autoptr(GError) error = NULL;
  if (!g_file_get_contents(path, &contents, &len, &error))
    g_error("%s", error->message);
  /* an exact copy, so that ASan sees a read past the input's end */
  g_autofree uint8_t *copy = g_malloc(MAX(len, 1));
  memcpy(copy, contents, len);
  LLVMFuzzerTestOneInput(copy, len);
}

int main(int argc, char **argv)
{
  g_test_init(&argc, &argv, NULL);
  LLVMFuzzerInitialize(&argc, &argv);
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func(g_free);
  for (int i = 1; i < argc; i++)
    collect(argv[i], files);
  if (files->len == 0)
    g_error("fuzz-replay-" FUZZ_TARGET_NAME ": no inputs in the directories given");
  for (guint i = 0; i < files->len; i++) {
    const char *file = g_ptr_array_index(files, i);
    /* /fuzz/scenario/regress/FILE, /fuzz/scenario/seed/FILE: the name of the directory above the target's */
    g_autofree char *dir = g_path_get_dirname(file);
    g_autofree char *parent = g_path_get_dirname(dir);
    g_autofree char *dir_name = g_path_get_basename(parent);
    g_autofree char *base = g_path_get_basename(file);
    g_autofree char *test_path = g_strdup_printf("/fuzz/%s/%s/%s", FUZZ_TARGET_NAME, dir_name, base);
    g_test_add_data_func(test_path, file, replay);
  }
  return g_test_run();
}
