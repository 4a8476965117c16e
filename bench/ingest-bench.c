/* bench/ingest-bench.c: XML ingest alone (issue 13, goal 3), for `make bench`: reads a scenario with the loader
 * (scenarios/scenario-loader.c: parsing, RelaxNG validation, the loader's own checks), hands out every step (borrowed
 * from the loader, as `oomsim run` takes them), reads the expectations, and runs nothing. bench/run-bench.sh times it with bench/cputime.c and divides
 * the file's size by the CPU time: MB/s of ingest, beside the whole replay's figure.
 *
 * usage: ingest-bench FILE   exit status 0, or 2 with the loader's one-line message on standard error
 */
#include "../scenarios/scenario-loader.h"

#include <stdio.h>

int
main(int argc, char **argv)
{
  if (argc != 2) {
    fprintf(stderr, "usage: ingest-bench FILE\n");
    return 2;
  }
  g_autoptr(GError) error = NULL;
  g_autoptr(ScenarioLoader) loader = scenario_loader_new(argv[1], &error);
  guint64 steps = 0;
  if (loader != NULL) {
    const ScStep *step = NULL; /* borrowed, as `oomsim run` reads them (sim/pipeline.c) */
    while (scenario_loader_next_step_borrowed(loader, &step, &error))
      steps++;
    if (error == NULL) {
      G_GNUC_UNUSED g_autoptr(GPtrArray) expects = scenario_loader_finish(loader, &error);
    }
  }
  if (error != NULL) {
    fprintf(stderr, "%s\n", error->message);
    return 2;
  }
  printf("%" G_GUINT64_FORMAT " steps\n", steps);
  return 0;
}
