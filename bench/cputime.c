/* bench/cputime.c: runs a command RUNS times and prints the median CPU time (user + sys, from wait4()'s rusage,
 * microsecond resolution), the median wall time and the largest peak RSS: `make bench` reports CPU time because
 * the machine is shared (other builds and VMs inflate wall time), and GNU time's 10 ms resolution cannot show a
 * start-up of a few milliseconds. The command's standard output is discarded (its standard error is kept), so
 * that this program's own line is all it prints.
 *
 * usage: cputime RUNS COMMAND [ARG...]   prints "CPU_SECONDS WALL_SECONDS MAX_RSS_KB" and exits with the
 *        command's last exit status
 */
#include <glib.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

static int compare_doubles(const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
  if (argc < 3) {
    fprintf(stderr, "usage: cputime RUNS COMMAND [ARG...]\n");
    return 2;
  }
  int runs = atoi(argv[1]);
  if (runs < 1)
    runs = 1;
  double *cpu = g_new(double, runs), *wall = g_new(double, runs);
  long max_rss = 0;
  int status = 0;
  for (int i = 0; i < runs; i++) {
    gint64 start = g_get_monotonic_time();
    pid_t pid = fork();
    if (pid == 0) {
      int null_fd = open("/dev/null", O_WRONLY);
      if (null_fd >= 0)
        dup2(null_fd, STDOUT_FILENO);
      execvp(argv[2], argv + 2);
      _exit(127);
    }
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0) {
      perror("cputime");
      return 2;
    }
    wall[i] = (double)(g_get_monotonic_time() - start) / 1e6;
    cpu[i] = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
             (double)ru.ru_stime.tv_usec / 1e6;
    if (ru.ru_maxrss > max_rss)
      max_rss = ru.ru_maxrss;
  }
  qsort(cpu, (size_t)runs, sizeof *cpu, compare_doubles);
  qsort(wall, (size_t)runs, sizeof *wall, compare_doubles);
  printf("%.6f %.6f %ld\n", cpu[runs / 2], wall[runs / 2], max_rss);
  g_free(cpu);
  g_free(wall);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
}
