/* harness/agent.c: the in-VM agent of `oomsim validate`, run as /init of the initramfs.
 *
 * One static binary, two roles:
 *   /init                     the coordinator (pid 1): mounts, loads modules, builds cgroups, starts one worker
 *                             per scenario process, drives the trace step by step and reports (docs/harness-protocol.md);
 *   /init worker FD PID COMM N a worker: one scenario process, executing the memory steps it is sent on its channel.
 *
 * Why the order is deterministic: the coordinator sends one step at a time to the process it belongs to over a
 * SOCK_SEQPACKET socketpair and waits for the answer before the next one; every other worker is idle in recv()
 * meanwhile.  A worker killed mid-step shows up as end-of-file on its channel; a worker killed while idle (the
 * victim of someone else's allocation) is found after the step by its pending SIGKILL, PF_EXITING or zombie state,
 * and reaped with a blocking waitpid so that every death is reported after the step that caused it.  A worker that
 * sleeps in a v1 memcg with oom_kill_disable (state D, under_oom 1) is reported as blocked and the trace goes on.
 * With one vCPU and QEMU's -icount, the guest clock is a function of the instructions executed, so the poll
 * timeouts used for those checks are deterministic too.
 *
 * Workers are started with fork + exec of this binary, so a worker's memory is the small static image and not a
 * copy of the coordinator's.  A `fork` step uses clone(CLONE_PARENT) and then exec (the model's fork is fork +
 * exec): the child is the coordinator's child, so the coordinator can wait for it.  Its channel is passed to
 * the parent worker with SCM_RIGHTS.
 *
 * Output goes to /dev/ttyS1 (the second serial port, a file on the host); the kernel console stays on ttyS0, so
 * kernel messages never interleave with the agent's lines.  The agent ends QEMU through isa-debug-exit (exit 33);
 * a kernel panic ends it through pvpanic (exit 1).
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <malloc.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/swap.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096UL
#define MAX_PROCS 256
#define MAX_CGROUPS 128
#define MAX_MAPS 4096
#define LINE_MAX_LEN 1024
#define EXIT_FINISHED 0x10 /* QEMU exit status (0x10 << 1) | 1 = 33 */
#define EXIT_AGENT_FAILED 0x11 /* 35 */
#define LIVELOCK_RECORDS 20    /* "no killable processes" records within one step that mean "retrying for ever" */
#define PF_EXITING_FLAG 0x00000004u

/* ------------------------------------------------------------------------------------------------------------ */
/* output */

static int out_fd = 1;

static void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void out(const char *fmt, ...)
{
  char buf[LINE_MAX_LEN + 64];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf - 1, fmt, ap);
  va_end(ap);
  if (n < 0)
    return;
  if ((size_t)n > sizeof buf - 2)
    n = (int)sizeof buf - 2;
  buf[n++] = '\n';
  size_t off = 0;
  while (off < (size_t)n) {
    ssize_t w = write(out_fd, buf + off, (size_t)n - off);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      break;
    off += (size_t)w;
  }
}

static void qemu_exit(int code) __attribute__((noreturn));
static void qemu_exit(int code)
{
  tcdrain(out_fd);
  sync();
  if (ioperm(0xf4, 4, 1) == 0)
    outb((unsigned char)code, 0xf4);
  /* not under QEMU: power off */
  syscall(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc, NULL);
  for (;;)
    pause();
}

static void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void fatal(const char *fmt, ...)
{
  char buf[LINE_MAX_LEN];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  out("fatal %s", buf);
  qemu_exit(EXIT_AGENT_FAILED);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* small file helpers */

static int write_file(const char *path, const char *value)
{
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t len = strlen(value);
  ssize_t w = write(fd, value, len);
  int err = w < 0 ? -errno : 0;
  close(fd);
  return err;
}

static ssize_t read_file(const char *path, char *buf, size_t size)
{
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  size_t off = 0;
  while (off + 1 < size) {
    ssize_t r = read(fd, buf + off, size - 1 - off);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      break;
    off += (size_t)r;
  }
  buf[off] = 0;
  close(fd);
  return (ssize_t)off;
}

/* value of "key" in a "key value\n" or "Key: value kB\n" file; -1 when absent */
static long long file_field(const char *text, const char *key)
{
  size_t klen = strlen(key);
  for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
    if (strncmp(p, key, klen) == 0 && (p[klen] == ' ' || p[klen] == ':' || p[klen] == '\t')) {
      const char *v = p + klen;
      while (*v == ' ' || *v == ':' || *v == '\t')
        v++;
      return strtoll(v, NULL, 10);
    }
  }
  return -1;
}

/* "%41" style escapes used for fields that may contain spaces (comm) */
static void unescape(char *s)
{
  char *w = s;
  for (char *r = s; *r; r++) {
    if (*r == '%' && isxdigit((unsigned char)r[1]) && isxdigit((unsigned char)r[2])) {
      char hex[3] = {r[1], r[2], 0};
      *w++ = (char)strtol(hex, NULL, 16);
      r += 2;
    } else {
      *w++ = *r;
    }
  }
  *w = 0;
}

/* the reverse, for tokens forwarded to a worker or passed in argv */
static void escape(const char *in, char *outbuf, size_t size)
{
  size_t w = 0;
  for (const char *c = in; *c && w + 4 < size; c++) {
    if (*c == ' ' || *c == '%' || !isprint((unsigned char)*c))
      w += (size_t)snprintf(outbuf + w, size - w, "%%%02X", (unsigned char)*c);
    else
      outbuf[w++] = *c;
  }
  outbuf[w] = 0;
}

static unsigned long long parse_u64(const char *s)
{
  return s ? strtoull(s, NULL, 10) : 0;
}

static int split(char *line, char **tok, int max)
{
  int n = 0;
  char *save = NULL;
  for (char *t = strtok_r(line, " ", &save); t && n < max; t = strtok_r(NULL, " ", &save)) {
    unescape(t);
    tok[n++] = t;
  }
  return n;
}

/* ------------------------------------------------------------------------------------------------------------ */
/* worker */

typedef struct {
  long handle;
  char *addr;  /* NULL: not mapped (its mmap or malloc failed, or it was freed) */
  char *holds; /* the pointer the program holds: what mmap() or malloc() returned (MAP_FAILED or NULL on failure) */
  size_t size, cursor;
  int is_malloc;
  int freed; /* by a free or munmap step */
} Map;

static Map maps[MAX_MAPS];
static int n_maps;
static char page_buf[PAGE] __attribute__((aligned(4096)));

static int chan_send(int fd, const char *msg)
{
  for (;;) {
    ssize_t w = send(fd, msg, strlen(msg), MSG_NOSIGNAL);
    if (w >= 0)
      return 0;
    if (errno != EINTR)
      return -errno;
  }
}

static void touch_range(char *addr, size_t size)
{
  for (size_t off = 0; off < size; off += PAGE)
    ((volatile char *)addr)[off] = 1;
}

static Map *map_add(long handle, char *addr, size_t size, int is_malloc)
{
  if (n_maps == MAX_MAPS)
    return NULL;
  Map *m = &maps[n_maps++];
  m->handle = handle;
  m->addr = addr;
  m->holds = addr;
  m->freed = 0;
  m->size = size;
  m->cursor = 0;
  m->is_malloc = is_malloc;
  return m;
}

/* The mapping a step names: the first repetition of its malloc, as the model's mapping "ID" (a repetition after
 * the first is "ID#2", ...). Also when it is not mapped (addr NULL): the caller then writes to what it holds. */
static Map *map_find(long handle)
{
  for (int i = 0; i < n_maps; i++)
    if (maps[i].handle == handle)
      return &maps[i];
  return NULL;
}

static void *idle_thread(void *arg)
{
  (void)arg;
  for (;;)
    pause();
  return NULL;
}

static int worker_fork(int *chan, int newfd, int child_pid, const char *comm, char *reply, size_t reply_size)
{
  long r = syscall(SYS_clone, (unsigned long)(CLONE_PARENT | SIGCHLD), NULL, NULL, NULL, NULL);
  if (r < 0)
    return -errno;
  if (r == 0) {
    /* fork + exec, as the model defines a fork step (docs/model.md): the child starts as a fresh worker with a
     * new mm, not with copy-on-write sharing of its parent's pages; it inherits cgroup, uid, capabilities and
     * oom_score_adj. The new worker says "ready" itself. */
    close(*chan);
    fcntl(newfd, F_SETFD, 0); /* received with MSG_CMSG_CLOEXEC: keep it across the exec */
    char fdbuf[16], pidbuf[16];
    snprintf(fdbuf, sizeof fdbuf, "%d", newfd);
    snprintf(pidbuf, sizeof pidbuf, "%d", child_pid);
    char *argv[] = {"/init", "worker", fdbuf, pidbuf, (char *)comm, "1", NULL};
    char *envp[] = {NULL};
    execve("/init", argv, envp);
    _exit(125);
  }
  close(newfd);
  snprintf(reply, reply_size, "ok %ld", r);
  return 0;
}

/* A process that shares this worker's mm (scenario attribute shares-mm-with): clone(CLONE_VM) without
 * CLONE_THREAD, so a process of its own (own tgid, signal struct and oom_score_adj, own comm, the parent's
 * credentials and cgroup) using the same mm: both score the whole mm, and killing one kills the other.  With
 * CLONE_PARENT it is the coordinator's child, so that the coordinator reaps it.
 *
 * The two share every page, the agent's static data included (maps[], glibc's heap and even its TLS: no
 * CLONE_SETTLS, so errno and malloc's per-thread cache are the owner's).  That is safe because exactly one of
 * them runs a step at a time: the coordinator sends one step and waits for its answer, and the other one sits in
 * recvmsg(), outside malloc and stdio.  It is also what the scenario means: a touch, mmap or free by either of
 * them works on the one mm, and a mapping made by one can be used by the other (maps[] is shared).  The sharer
 * runs on a small stack of its own (SHARER_STACK, mmap'd by the owner; the few pages it touches, about 3, and the
 * one holding SharerArgs are the only memory it adds to the mm, within the rss tolerance).  oom_score_adj is
 * inherited at clone; it is not written again: the kernel keeps one value for all processes of an mm
 * (__set_oom_adj() copies a write to every other process sharing it). */
#define SHARER_STACK (64 * 1024)

typedef struct {
  int chan, owner_chan, pid;
  char comm[32];
} SharerArgs;

static void worker_loop(int chan) __attribute__((noreturn));

static int sharer_main(void *arg)
{
  SharerArgs *a = arg;
  int chan = a->chan;
  close(a->owner_chan); /* the fd table is a copy: without this the owner's death would not close its channel */
  prctl(PR_SET_NAME, a->comm, 0, 0, 0);
  char msg[64];
  snprintf(msg, sizeof msg, "ready %d %d", a->pid, (int)syscall(SYS_getpid));
  chan_send(chan, msg);
  worker_loop(chan);
}

static int worker_clone_vm(int chan, int newfd, int child_pid, const char *comm, char *reply, size_t reply_size)
{
  char *stack = mmap(NULL, SHARER_STACK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
  if (stack == MAP_FAILED)
    return -errno;
  SharerArgs *a = (SharerArgs *)stack;
  a->chan = newfd;
  a->owner_chan = chan;
  a->pid = child_pid;
  snprintf(a->comm, sizeof a->comm, "%s", comm);
  int r = clone(sharer_main, stack + SHARER_STACK, CLONE_VM | CLONE_PARENT | SIGCHLD, a);
  if (r < 0) {
    int err = -errno;
    munmap(stack, SHARER_STACK);
    return err;
  }
  close(newfd);
  snprintf(reply, reply_size, "ok %d", r);
  return 0;
}

/* one command -> reply; returns the reply kind */
static void worker_step(int *chan, char *cmd, int passed_fd, char *reply, size_t reply_size)
{
  char *tok[8];
  int n = split(cmd, tok, 8);
  int err = 0;
  snprintf(reply, reply_size, "ok");
  if (n < 2) {
    snprintf(reply, reply_size, "error EINVAL");
    return;
  }
  long handle = strtol(tok[0], NULL, 10);
  const char *kind = tok[1];
  if (strcmp(kind, "mmap") == 0 && n >= 3) {
    size_t size = (size_t)parse_u64(tok[2]);
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    Map *m = map_add(handle, p == MAP_FAILED ? NULL : p, size, 0);
    if (p == MAP_FAILED)
      err = -errno;
    if (!m)
      err = -E2BIG;
    else
      m->holds = p;
  } else if (strcmp(kind, "touch") == 0 && n >= 5) {
    size_t size = (size_t)parse_u64(tok[3]);
    unsigned long long repeat = parse_u64(tok[4]);
    for (unsigned long long i = 0; i < repeat && !err; i++) {
      if (strcmp(tok[2], "-") == 0) {
        /* as the model does: untouched pages of existing mappings first (in the order they were made), then a
         * new mapping for what is missing */
        size_t want = (size + PAGE - 1) / PAGE * PAGE;
        for (int j = 0; j < n_maps && want > 0; j++) {
          Map *m = &maps[j];
          if (!m->addr || m->cursor >= m->size)
            continue;
          size_t len = m->size - m->cursor < want ? m->size - m->cursor : want;
          touch_range(m->addr + m->cursor, len);
          m->cursor += (len + PAGE - 1) / PAGE * PAGE;
          want -= len < want ? (len + PAGE - 1) / PAGE * PAGE : want;
        }
        if (want == 0)
          continue;
        void *p = mmap(NULL, want, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
          err = -errno;
          break;
        }
        Map *m = map_add(-1, p, want, 0);
        if (!m) {
          err = -E2BIG;
          break;
        }
        touch_range(p, want);
        m->cursor = want;
      } else {
        Map *m = map_find(strtol(tok[2], NULL, 10));
        if (!m) {
          err = -EBADF;
          break;
        }
        size_t len = size;
        if (m->cursor + len > m->size)
          len = m->size - m->cursor;
        /* A mapping that is not there (its mmap or malloc failed, or it was unmapped): a program that does not
         * check mmap()'s or malloc()'s result writes to the pointer it holds, MAP_FAILED or NULL (or the address
         * it unmapped), which no vma covers: do_user_addr_fault() -> bad_area() (for MAP_FAILED, an address in
         * kernel space) sends SIGSEGV, and the worker, which neither handles SIGSEGV nor dumps core, dies with
         * signal 11, as the model's touch of a mapping that is not there does (docs/model.md; make differential,
         * seed 1 #132). The kernel decides: should a later mmap have reused an unmapped range, the write succeeds,
         * as the program's would. */
        touch_range((m->addr ? m->addr : m->holds) + m->cursor, len);
        m->cursor += (len + PAGE - 1) / PAGE * PAGE;
      }
    }
  } else if (strcmp(kind, "malloc") == 0 && n >= 5) {
    size_t size = (size_t)parse_u64(tok[2]);
    unsigned long long repeat = parse_u64(tok[3]);
    for (unsigned long long i = 0; i < repeat; i++) {
      char *p = malloc(size);
      if (!p) {
        if (!map_add(handle, NULL, size, 1)) /* holds NULL, as the program does */
          err = -E2BIG;
        else
          err = -ENOMEM;
        break;
      }
      Map *m = map_add(handle, p, size, 1);
      if (!m) {
        free(p);
        err = -E2BIG;
        break;
      }
      /* glibc writes its chunk header into the first page: that page is resident even with touch="none" */
      m->cursor = PAGE;
      if (strcmp(tok[4], "all") == 0) {
        touch_range(p, size);
        m->cursor = (size + PAGE - 1) / PAGE * PAGE;
      } else if (strcmp(tok[4], "first") == 0 && size > 0) {
        ((volatile char *)p)[0] = 1;
      }
    }
  } else if ((strcmp(kind, "free") == 0 || strcmp(kind, "munmap") == 0) && n >= 3) {
    long ref = strtol(tok[2], NULL, 10);
    int found = 0;
    for (int i = 0; i < n_maps; i++) {
      Map *m = &maps[i];
      if (m->handle != ref)
        continue;
      if (m->freed)
        continue; /* the program would free it twice (glibc aborts); the model does nothing */
      found = 1;
      /* what the program does with the pointer it holds: free(NULL) does nothing, munmap(MAP_FAILED) is EINVAL */
      if (m->is_malloc)
        free(m->addr);
      else if (munmap(m->holds, m->size) != 0)
        err = -errno;
      m->addr = NULL;
      m->freed = 1; /* holds keeps the address: a later touch writes there, as a use after munmap() does */
    }
    if (!found)
      err = -EBADF;
  } else if (strcmp(kind, "file-read") == 0 && n >= 4) {
    unsigned long long off = parse_u64(tok[2]), size = parse_u64(tok[3]);
    int fd = open("/dev/zram1", O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      err = -errno;
    } else {
      for (unsigned long long done = 0; done < size; done += PAGE) {
        ssize_t r = pread(fd, page_buf, PAGE, (off_t)(off + done));
        if (r < 0) {
          err = -errno;
          break;
        }
        if (r == 0)
          break;
      }
      close(fd);
    }
  } else if (strcmp(kind, "shmem-write") == 0 && n >= 4) {
    unsigned long long size = parse_u64(tok[3]);
    char path[64];
    snprintf(path, sizeof path, "/shm/%s", tok[2]);
    int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
      err = -errno;
    } else {
      for (unsigned long long done = 0; done < size; done += PAGE) {
        size_t len = size - done < PAGE ? (size_t)(size - done) : PAGE;
        if (write(fd, page_buf, len) < 0) {
          err = -errno;
          break;
        }
      }
      close(fd);
    }
  } else if (strcmp(kind, "fork") == 0 && n >= 4) {
    if (passed_fd < 0) {
      err = -EBADF;
    } else {
      int r = worker_fork(chan, passed_fd, atoi(tok[2]), tok[3], reply, reply_size);
      if (r < 0) {
        close(passed_fd);
        err = r;
      } else if (r == 1) {
        reply[0] = 0; /* the child: nothing to answer */
      }
    }
  } else if (strcmp(kind, "clone-vm") == 0 && n >= 4) {
    if (passed_fd < 0) {
      err = -EBADF;
    } else {
      int r = worker_clone_vm(*chan, passed_fd, atoi(tok[2]), tok[3], reply, reply_size);
      if (r < 0) {
        close(passed_fd);
        err = r;
      }
    }
  } else if (strcmp(kind, "exit") == 0 && n >= 3) {
    _exit(atoi(tok[2]));
  } else {
    err = -EINVAL;
  }
  if (err == -ENOMEM)
    snprintf(reply, reply_size, "enomem");
  else if (err)
    snprintf(reply, reply_size, "error %s", strerrorname_np(-err) ? strerrorname_np(-err) : "?");
}

/* Executes the steps sent on chan until the channel closes (the coordinator is gone). */
static void worker_loop(int chan)
{
  for (;;) {
    char cmd[256];
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {cmd, sizeof cmd - 1};
    struct msghdr mh = {0};
    mh.msg_iov = &iov;
    mh.msg_iovlen = 1;
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    ssize_t r = recvmsg(chan, &mh, MSG_CMSG_CLOEXEC);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      _exit(0);
    cmd[r] = 0;
    int passed_fd = -1;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c))
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        memcpy(&passed_fd, CMSG_DATA(c), sizeof(int));
    char reply[64];
    worker_step(&chan, cmd, passed_fd, reply, sizeof reply);
    if (reply[0])
      chan_send(chan, reply);
  }
}


static int worker_main(int argc, char **argv)
{
  if (argc < 6)
    return 2;
  int chan = atoi(argv[2]);
  int pid = atoi(argv[3]);
  char comm[32];
  snprintf(comm, sizeof comm, "%s", argv[4]);
  unescape(comm);
  int threads = atoi(argv[5]);
  prctl(PR_SET_NAME, comm, 0, 0, 0);
  /* predictable malloc: fixed mmap threshold, no top padding, heap initialised before the trace */
  mallopt(M_MMAP_THRESHOLD, 128 * 1024); /* HARNESS_AGENT_MMAP_THRESHOLD_BYTES in harness.h */
  mallopt(M_TRIM_THRESHOLD, 128 * 1024);
  mallopt(M_TOP_PAD, 0);
  free(malloc(16));
  memset(page_buf, 0x5a, sizeof page_buf);
  for (int i = 1; i < threads; i++) {
    pthread_attr_t attr;
    pthread_t t;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 16384);
    pthread_create(&t, &attr, idle_thread, NULL);
    pthread_attr_destroy(&attr);
  }
  char msg[64];
  snprintf(msg, sizeof msg, "ready %d %d", pid, (int)getpid());
  chan_send(chan, msg);

  worker_loop(chan);
}

/* ------------------------------------------------------------------------------------------------------------ */
/* coordinator */

typedef enum { P_NEW, P_RUNNING, P_BLOCKED, P_DEAD } ProcState;

typedef struct {
  int pid;         /* scenario pid */
  pid_t kpid;      /* kernel pid */
  char comm[32];
  char cgroup[256];
  int adj;
  unsigned uid;
  int cap_sys_admin;
  int threads;
  int chan;        /* coordinator's end, -1 when closed */
  int forked;      /* created by a fork step, not at the start */
  int shares_mm;   /* scenario pid of the worker whose mm this one shares (clone-vm), 0: own mm */
  int set_adj, set_cgroup; /* forked: apply adj / cgroup after the fork ("-": inherited) */
  ProcState state;
  long blocked_step;
  int eof;
  long long base_anon_kb, base_pgtables_kb; /* print_base() */
} Proc;

typedef struct {
  char path[256];
} Cgroup;

static Proc procs[MAX_PROCS];
static int n_procs;
static Cgroup cgroups[MAX_CGROUPS];
static int n_cgroups;
static int cg_version = 2;
static int kmsg_fd = -1;
static long kmsg_no_killable; /* "no killable processes" records in the current step */
static long current_step = -1;
static long long step_limit_ms = 60000;
static long long delay_us; /* input line `delay-us N`: idle N us before the trace (a perturbation) */
/* input line `earlyoom ARGS...`: Debian's earlyoom runs beside the trace, which then runs on its `at` times */
#define EARLYOOM_MAX_ARGS 24
#define EARLYOOM_LOG "/earlyoom.log"
static char *earlyoom_argv[EARLYOOM_MAX_ARGS + 2];
static int want_earlyoom;
static pid_t earlyoom_kpid = -1;
static struct timespec trace_start_ts; /* CLOCK_MONOTONIC at "start": the `at` times count from here */
static int want_stats; /* input line `stats` (validate --stats): the kernel's reclaim counters after every step */
static int want_trace; /* input line `trace N`: record the page allocator's per-CPU list activity up to the Nth
                        * OOM kill (--trace N) */
static void trace_dump(void);

static Proc *proc_find(int pid)
{
  for (int i = 0; i < n_procs; i++)
    if (procs[i].pid == pid)
      return &procs[i];
  return NULL;
}

static void cg_dir(const char *path, char *buf, size_t size)
{
  const char *base = cg_version == 1 ? "/sys/fs/cgroup/memory" : "/sys/fs/cgroup";
  if (strcmp(path, "/") == 0 || path[0] == 0)
    snprintf(buf, size, "%s", base);
  else
    snprintf(buf, size, "%s%s", base, path);
}

static long long now_ms(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --- kmsg ----------------------------------------------------------------------------------------------- */

static const char *const kmsg_wanted[] = {
    "invoked oom-killer", "oom-kill:", "Killed process", "Out of memory", "oom_reaper:",
    "are going to be killed due to memory.oom.group", "__vm_enough_memory", "page allocation failure",
    "Kernel panic", "System is deadlocked", NULL,
};

static void kmsg_drain(void)
{
  if (kmsg_fd < 0)
    return;
  char rec[8192];
  for (;;) {
    ssize_t r = read(kmsg_fd, rec, sizeof rec - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0 && errno == EPIPE) {
      out("kmsg-lost step %ld", current_step);
      continue;
    }
    if (r <= 0)
      return;
    rec[r] = 0;
    char *nl = strchr(rec, '\n'); /* continuation lines (" KEY=value") follow the first newline */
    if (nl)
      *nl = 0;
    char *semi = strchr(rec, ';');
    if (!semi)
      continue;
    *semi = 0;
    const char *text = semi + 1;
    int wanted = 0;
    for (int i = 0; kmsg_wanted[i]; i++)
      if (strstr(text, kmsg_wanted[i]))
        wanted = 1;
    if (!wanted)
      continue;
    if (strstr(text, "no killable processes"))
      kmsg_no_killable++;
    if (kmsg_no_killable > LIVELOCK_RECORDS)
      continue; /* the step is about to be reported as a livelock: keep the output short */
    /* prefix: "pri,seq,ts_us,flags" */
    unsigned long long seq = 0, ts = 0;
    int pri = 0;
    sscanf(rec, "%d,%llu,%llu", &pri, &seq, &ts);
    char textbuf[LINE_MAX_LEN];
    snprintf(textbuf, sizeof textbuf, "%s", text);
    out("kmsg %llu %llu.%06llu %s", seq, ts / 1000000, ts % 1000000, textbuf);
  }
}

/* --- deaths --------------------------------------------------------------------------------------------- */

static void report_death(Proc *p, int status)
{
  p->state = P_DEAD;
  if (p->chan >= 0) {
    close(p->chan);
    p->chan = -1;
  }
  if (WIFSIGNALED(status))
    out("death %d signal %d step %ld", p->pid, WTERMSIG(status), current_step);
  else
    out("death %d exit %d step %ld", p->pid, WEXITSTATUS(status), current_step);
}

/* Is this worker on its way out (SIGKILL pending, exiting, zombie)? */
static int proc_dying(const Proc *p)
{
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/stat", p->kpid);
  if (read_file(path, buf, sizeof buf) <= 0)
    return 1;
  char *rp = strrchr(buf, ')');
  if (!rp)
    return 1;
  char state = rp[2];
  if (state == 'Z' || state == 'X' || state == 'x')
    return 1;
  /* fields after ") ": state ppid pgrp session tty_nr tpgid flags */
  unsigned long flags = 0;
  sscanf(rp + 2, "%*c %*d %*d %*d %*d %*d %lu", &flags);
  if (flags & PF_EXITING_FLAG)
    return 1;
  snprintf(path, sizeof path, "/proc/%d/status", p->kpid);
  if (read_file(path, buf, sizeof buf) <= 0)
    return 1;
  /* SIGKILL from the kernel's OOM killer; SIGTERM from earlyoom (a worker does not handle it: it ends) */
  unsigned long long fatal_sigs = (1ULL << (SIGKILL - 1)) | (want_earlyoom ? 1ULL << (SIGTERM - 1) : 0);
  const char *keys[] = {"SigPnd:", "ShdPnd:"};
  for (int i = 0; i < 2; i++) {
    char *s = strstr(buf, keys[i]);
    if (s && (strtoull(s + strlen(keys[i]), NULL, 16) & fatal_sigs))
      return 1;
  }
  return 0;
}

/* After a step: reap every worker that died or is dying, in scenario order. */
static void reap_dead(void)
{
  for (int i = 0; i < n_procs; i++) {
    Proc *p = &procs[i];
    if (p->state == P_NEW || p->state == P_DEAD)
      continue;
    int status;
    pid_t r = waitpid(p->kpid, &status, WNOHANG);
    if (r == p->kpid) {
      kmsg_drain();
      report_death(p, status);
    } else if (p->eof || proc_dying(p)) {
      r = waitpid(p->kpid, &status, 0);
      if (r == p->kpid) {
        kmsg_drain();
        report_death(p, status);
      }
    }
  }
}

/* --- blocked detection (v1 oom_kill_disable) ------------------------------------------------------------ */

static int any_under_oom(void)
{
  if (cg_version != 1)
    return 0;
  for (int i = 0; i < n_cgroups; i++) {
    char dir[300], path[340], buf[512];
    cg_dir(cgroups[i].path, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/memory.oom_control", dir);
    if (read_file(path, buf, sizeof buf) > 0 && file_field(buf, "under_oom") == 1)
      return 1;
  }
  return 0;
}

static char proc_state(const Proc *p)
{
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", p->kpid);
  if (read_file(path, buf, sizeof buf) <= 0)
    return '?';
  char *rp = strrchr(buf, ')');
  return rp ? rp[2] : '?';
}

typedef enum { W_REPLY, W_EOF, W_BLOCKED, W_LIVELOCK, W_TIMEOUT } WaitResult;

/* Wait for p's answer; reply gets the text. Drains kmsg while waiting. */
static WaitResult wait_reply(Proc *p, char *reply, size_t size, int can_block)
{
  long long start = now_ms();
  int d_polls = 0;
  for (;;) {
    struct pollfd pf[2] = {{p->chan, POLLIN, 0}, {kmsg_fd, POLLIN, 0}};
    int r = poll(pf, kmsg_fd >= 0 ? 2 : 1, 20);
    if (r < 0 && errno != EINTR)
      fatal("poll: %s", strerror(errno));
    if (r > 0 && (pf[1].revents & POLLIN))
      kmsg_drain();
    if (r > 0 && (pf[0].revents & (POLLIN | POLLHUP | POLLERR))) {
      ssize_t n = recv(p->chan, reply, size - 1, MSG_DONTWAIT);
      if (n > 0) {
        reply[n] = 0;
        return W_REPLY;
      }
      if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        p->eof = 1;
        return W_EOF;
      }
    }
    if (kmsg_no_killable > LIVELOCK_RECORDS)
      return W_LIVELOCK;
    if (r == 0 && can_block) {
      /* any_under_oom() first: on v2 it is 0 without a read, and the /proc read every 20 ms would be the
       * agent's own kernel activity during the step */
      if (any_under_oom() && proc_state(p) == 'D') {
        if (++d_polls >= 3)
          return W_BLOCKED;
      } else {
        d_polls = 0;
      }
    }
    if (now_ms() - start > step_limit_ms)
      return W_TIMEOUT;
  }
}

/* --- process start ------------------------------------------------------------------------------------------ */

static int capset_raw(unsigned long long permitted, unsigned long long effective, unsigned long long inheritable)
{
  struct __user_cap_header_struct h = {_LINUX_CAPABILITY_VERSION_3, 0};
  struct __user_cap_data_struct d[2] = {
      {(unsigned)effective, (unsigned)permitted, (unsigned)inheritable},
      {(unsigned)(effective >> 32), (unsigned)(permitted >> 32), (unsigned)(inheritable >> 32)},
  };
  return (int)syscall(SYS_capset, &h, d);
}

static void child_setup_and_exec(Proc *p, int chan)
{
  char dir[300], path[340], buf[32];
  cg_dir(p->cgroup, dir, sizeof dir);
  snprintf(path, sizeof path, "%s/cgroup.procs", dir);
  int err = write_file(path, "0");
  if (err < 0) {
    /* the kernel refuses the cgroup (cgroup v2's no-internal-process rule: EBUSY): tell the coordinator why */
    snprintf(buf, sizeof buf, "refused %s", strerrorname_np(-err) ? strerrorname_np(-err) : "?");
    send(chan, buf, strlen(buf), MSG_NOSIGNAL);
    _exit(120);
  }
  snprintf(buf, sizeof buf, "%d", p->adj);
  if (write_file("/proc/self/oom_score_adj", buf) < 0)
    _exit(121);
  if (p->uid != 0) {
    if (p->cap_sys_admin) {
      prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    }
    if (setresgid(p->uid, p->uid, p->uid) != 0 || setresuid(p->uid, p->uid, p->uid) != 0)
      _exit(122);
    if (p->cap_sys_admin) {
      unsigned long long bit = 1ULL << CAP_SYS_ADMIN;
      if (capset_raw(bit, bit, bit) != 0 ||
          prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_SYS_ADMIN, 0, 0) != 0)
        _exit(123);
    }
  } else if (!p->cap_sys_admin) {
    if (prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0) != 0)
      _exit(124);
  }
  char fdbuf[16], pidbuf[16], thbuf[16], comm[96];
  snprintf(fdbuf, sizeof fdbuf, "%d", chan);
  snprintf(pidbuf, sizeof pidbuf, "%d", p->pid);
  snprintf(thbuf, sizeof thbuf, "%d", p->threads);
  escape(p->comm, comm, sizeof comm); /* one format for comm everywhere: %XX escapes */
  char *argv[] = {"/init", "worker", fdbuf, pidbuf, comm, thbuf, NULL};
  char *envp[] = {NULL};
  execve("/init", argv, envp);
  _exit(125);
}

/* Baseline of a freshly started worker.  smaps_rollup walks the page tables, so it is exact even where the
 * kernel's per-task rss counters lag (6.1); /proc/PID/status gives the page-table bytes and the virtual size. */
static void print_base(Proc *p)
{
  char path[64], buf[4096];
  snprintf(path, sizeof path, "/proc/%d/smaps_rollup", p->kpid);
  long long rss = -1, anon = -1;
  if (read_file(path, buf, sizeof buf) > 0) {
    char *body = strchr(buf, '\n'); /* skip the "[rollup]" header line */
    rss = file_field(body ? body + 1 : buf, "Rss");
    anon = file_field(body ? body + 1 : buf, "Anonymous");
  }
  snprintf(path, sizeof path, "/proc/%d/status", p->kpid);
  if (read_file(path, buf, sizeof buf) <= 0)
    return;
  p->base_anon_kb = anon > 0 ? anon : 0;
  p->base_pgtables_kb = file_field(buf, "VmPTE");
  out("base %d rss %lld anon %lld pgtables %lld vm %lld status-anon %lld status-file %lld status-shmem %lld", p->pid,
      rss, anon, file_field(buf, "VmPTE"), file_field(buf, "VmSize"), file_field(buf, "RssAnon"),
      file_field(buf, "RssFile"), file_field(buf, "RssShmem"));
}

/* The kernel refused to put a process in its cgroup (a cgroup.procs write): an outcome, not a harness failure.
 * cgroup v2 refuses a non-root cgroup whose subtree_control enables memory (cgroup_migrate_vet_dst(): EBUSY);
 * the simulator refuses the same scenario, and the two compare as "runs: refused | refused". */
static void setup_refused(const Proc *p, const char *errname) __attribute__((noreturn));
static void setup_refused(const Proc *p, const char *errname)
{
  out("unsupported cgroup.procs %s process %d %s", p->cgroup, p->pid, errname);
  out("finish unsupported");
  qemu_exit(EXIT_FINISHED);
}

static void start_proc(Proc *p)
{
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    fatal("socketpair: %s", strerror(errno));
  pid_t k = fork();
  if (k < 0)
    fatal("fork: %s", strerror(errno));
  if (k == 0) {
    close(sv[0]);
    int fl = fcntl(sv[1], F_GETFD);
    fcntl(sv[1], F_SETFD, fl & ~FD_CLOEXEC);
    child_setup_and_exec(p, sv[1]);
  }
  close(sv[1]);
  p->kpid = k;
  p->chan = sv[0];
  p->state = P_RUNNING;
  char reply[64];
  WaitResult w = wait_reply(p, reply, sizeof reply, 0);
  if (w != W_REPLY || strncmp(reply, "ready", 5) != 0) {
    int status = 0;
    waitpid(k, &status, 0);
    if (w == W_REPLY && strncmp(reply, "refused ", 8) == 0)
      setup_refused(p, reply + 8);
    fatal("process %d did not start (wait status %d)", p->pid, status);
  }
  out("proc %d kpid %d", p->pid, (int)k);
  print_base(p);
}

/* A process sharing the mm of an earlier one: its owner clones it (clone-vm, see worker_clone_vm()), in the
 * owner's cgroup, with the owner's oom_score_adj and credentials (the input translator checks that the scenario
 * asks for the same); moved to its own cgroup when the scenario puts it elsewhere (the mm stays charged to the
 * owner's memcg, as in the kernel). */
static void send_to(Proc *p, const char *msg, int pass_fd);

static void start_sharer(Proc *p)
{
  Proc *owner = proc_find(p->shares_mm);
  if (!owner || owner->state != P_RUNNING)
    fatal("process %d shares the mm of %d, which is not running", p->pid, p->shares_mm);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
    fatal("socketpair: %s", strerror(errno));
  char msg[128], comm[96], reply[64];
  escape(p->comm, comm, sizeof comm);
  snprintf(msg, sizeof msg, "-1 clone-vm %d %s", p->pid, comm);
  send_to(owner, msg, sv[1]);
  close(sv[1]);
  p->chan = sv[0];
  if (wait_reply(owner, reply, sizeof reply, 0) != W_REPLY || strncmp(reply, "ok ", 3) != 0)
    fatal("process %d: clone-vm by %d failed: %s", p->pid, owner->pid, reply);
  p->kpid = (pid_t)atoi(reply + 3);
  p->state = P_RUNNING;
  if (wait_reply(p, reply, sizeof reply, 0) != W_REPLY || strncmp(reply, "ready", 5) != 0)
    fatal("process %d (sharing the mm of %d) did not start", p->pid, owner->pid);
  if (strcmp(p->cgroup, owner->cgroup) != 0) {
    char dir[300], path[340], val[32];
    cg_dir(p->cgroup, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/cgroup.procs", dir);
    snprintf(val, sizeof val, "%d", p->kpid);
    int err = write_file(path, val);
    if (err)
      setup_refused(p, strerrorname_np(-err) ? strerrorname_np(-err) : "?");
  }
  out("proc %d kpid %d", p->pid, (int)p->kpid);
  print_base(p);
}

/* --- set-up ------------------------------------------------------------------------------------------------- */

static void load_modules(const char *params_zram)
{
  char list[4096];
  if (read_file("/modules/modules.order", list, sizeof list) <= 0)
    return;
  char *save = NULL;
  for (char *name = strtok_r(list, "\n", &save); name; name = strtok_r(NULL, "\n", &save)) {
    char path[256];
    snprintf(path, sizeof path, "/modules/%s", name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      out("module %s open %s", name, strerrorname_np(errno));
      continue;
    }
    const char *params = strcmp(name, "zram.ko") == 0 ? params_zram : "";
    if (syscall(SYS_finit_module, fd, params, 0) != 0 && errno != EEXIST)
      out("module %s %s", name, strerrorname_np(errno));
    close(fd);
  }
}

/* A swap signature on /dev/zram0 (what mkswap writes: version 1, last_page, "SWAPSPACE2"). */
static int make_swap(unsigned long long bytes)
{
  char buf[32];
  snprintf(buf, sizeof buf, "%llu", bytes);
  int err = write_file("/sys/block/zram0/disksize", buf);
  if (err)
    return err;
  static unsigned char hdr[PAGE];
  memset(hdr, 0, sizeof hdr);
  uint32_t version = 1, last_page = (uint32_t)(bytes / PAGE - 1);
  memcpy(hdr + 1024, &version, 4);
  memcpy(hdr + 1028, &last_page, 4);
  memcpy(hdr + PAGE - 10, "SWAPSPACE2", 10);
  int fd = open("/dev/zram0", O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return -errno;
  ssize_t w = pwrite(fd, hdr, PAGE, 0);
  fsync(fd);
  close(fd);
  if (w != (ssize_t)PAGE)
    return -EIO;
  if (swapon("/dev/zram0", 0) != 0)
    return -errno;
  return 0;
}

static void report_memory(const char *tag)
{
  char buf[4096];
  if (read_file("/proc/meminfo", buf, sizeof buf) > 0)
    out("%s MemTotal %lld MemFree %lld MemAvailable %lld SwapTotal %lld SwapFree %lld Committed_AS %lld "
        "CommitLimit %lld Slab %lld SReclaimable %lld KernelStack %lld",
        tag, file_field(buf, "MemTotal"), file_field(buf, "MemFree"), file_field(buf, "MemAvailable"),
        file_field(buf, "SwapTotal"), file_field(buf, "SwapFree"), file_field(buf, "Committed_AS"),
        file_field(buf, "CommitLimit"), file_field(buf, "Slab"), file_field(buf, "SReclaimable"),
        file_field(buf, "KernelStack"));
}

/* Memory the scenario's top-level cgroups hold (memory.current, v1 memory.usage_in_bytes), stocks drained first. */
/* try_charge_memcg() charges MEMCG_CHARGE_BATCH pages at a time and keeps the surplus in a per-CPU stock, which
 * memory.current counts; refill_stock() drains it when a charge for another memcg comes (drain_obj_stock() likewise
 * for the bytes of slab objects), so a helper charges one page in a scratch cgroup, which is removed again. */
static void drain_memcg_stock(void)
{
  const char *scratch = "/oomsim-drain";
  char dir[300], path[340];
  cg_dir(scratch, dir, sizeof dir);
  if (mkdir(dir, 0755) == 0) {
    pid_t k = fork();
    if (k == 0) {
      snprintf(path, sizeof path, "%s/cgroup.procs", dir);
      if (write_file(path, "0") < 0)
        _exit(1);
      char *m = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (m == MAP_FAILED)
        _exit(2);
      touch_range(m, PAGE);
      _exit(0);
    }
    int status = 0;
    if (k > 0)
      waitpid(k, &status, 0);
    if (k < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
      out("error memcg-drain %d", status);
    rmdir(dir);
  } else {
    out("error memcg-drain mkdir %s", strerrorname_np(errno));
  }
}

static long long memcg_top_current_kb(void)
{
  if (n_cgroups == 0)
    return 0;
  drain_memcg_stock();
  long long sum = 0;
  for (int i = 0; i < n_cgroups; i++) {
    const char *path = cgroups[i].path;
    if (path[0] != '/' || path[1] == 0 || strchr(path + 1, '/'))
      continue; /* the root, or a descendant (its parent's counter holds it) */
    char dir[300], file[340], buf[64];
    cg_dir(path, dir, sizeof dir);
    snprintf(file, sizeof file, "%s/%s", dir, cg_version == 1 ? "memory.usage_in_bytes" : "memory.current");
    if (read_file(file, buf, sizeof buf) > 0)
      sum += atoll(buf) / 1024;
  }
  return sum;
}

/* What starting the processes charged to the scenario's cgroups (top-level counters, after - before) against their
 * own anon and page tables (print_base()): the rest is the kernel memory exec charges to the memcg besides page
 * tables (mm_struct, pgd, vm_area_struct, anon_vma: SLAB_ACCOUNT and GFP_KERNEL_ACCOUNT allocations), which the
 * harness gives to the model per mm. */
static void report_memcg_base(long long before_kb)
{
  if (n_cgroups == 0)
    return;
  long long user_kb = 0;
  int mms = 0;
  for (int i = 0; i < n_procs; i++) {
    const Proc *p = &procs[i];
    if (p->forked || p->shares_mm || strcmp(p->cgroup, "/") == 0 || p->cgroup[0] == 0)
      continue;
    user_kb += p->base_anon_kb + p->base_pgtables_kb;
    mms++;
  }
  out("memcg-base charged %lld user %lld mms %d", memcg_top_current_kb() - before_kb, user_kb, mms);
}

/* One line per populated zone of /proc/zoneinfo: managed pages, the min and high watermarks, lowmem_reserve for
 * ZONE_MOVABLE (index 3 of "protection:", what a GFP_HIGHUSER_MOVABLE allocation must leave) and the free pages
 * sitting on the per-CPU lists (the "count:" of each CPU's pageset), which MemFree does not include. */
static void report_zones(void)
{
  static char zi[1 << 16];
  if (read_file("/proc/zoneinfo", zi, sizeof zi) <= 0)
    return;
  char name[16] = "";
  long long managed = 0, min = 0, high = 0, reserve = 0, pcp = 0;
  int in_zone = 0;
  for (char *save = NULL, *l = strtok_r(zi, "\n", &save);; l = strtok_r(NULL, "\n", &save)) {
    if (!l || !strncmp(l, "Node ", 5)) {
      if (in_zone && managed > 0)
        out("zone %s managed %lld min %lld high %lld reserve %lld pcp %lld", name, managed, min, high, reserve, pcp);
      if (!l)
        break;
      char *z = strstr(l, "zone");
      snprintf(name, sizeof name, "%s", z ? z + 4 + strspn(z + 4, " ") : "?");
      managed = min = high = reserve = pcp = 0;
      in_zone = 1;
      continue;
    }
    while (*l == ' ')
      l++;
    long long v;
    if (sscanf(l, "managed %lld", &v) == 1)
      managed = v;
    else if (sscanf(l, "min %lld", &v) == 1)
      min = v;
    else if (sscanf(l, "high %lld", &v) == 1)
      high = v;
    else if (sscanf(l, "count: %lld", &v) == 1)
      pcp += v;
    else if (!strncmp(l, "protection: (", 13)) {
      long long p[5] = { 0 };
      if (sscanf(l + 13, "%lld, %lld, %lld, %lld", &p[0], &p[1], &p[2], &p[3]) == 4)
        reserve = p[3];
    }
  }
}

static int sysctl_write(const char *name, const char *value)
{
  char path[256];
  snprintf(path, sizeof path, "/proc/sys/%s", name);
  for (char *c = path + 10; *c; c++)
    if (*c == '.')
      *c = '/';
  return write_file(path, value);
}

static int mkdir_p_cgroup(const char *path)
{
  char dir[300];
  cg_dir(path, dir, sizeof dir);
  if (mkdir(dir, 0755) != 0 && errno != EEXIST)
    return -errno;
  return 0;
}

/* v2: enable the memory controller in every ancestor of a cgroup that has children in the scenario */
static void cgroup_enable_memory(void)
{
  if (cg_version != 2)
    return;
  for (int i = 0; i < n_cgroups; i++) {
    char parent[sizeof cgroups[0].path];
    memcpy(parent, cgroups[i].path, sizeof parent);
    char *slash = strrchr(parent, '/');
    if (!slash)
      continue;
    if (slash == parent)
      parent[1] = 0;
    else
      *slash = 0;
    char dir[300], path[340];
    cg_dir(parent, dir, sizeof dir);
    snprintf(path, sizeof path, "%s/cgroup.subtree_control", dir);
    int err = write_file(path, "+memory");
    if (err)
      out("error cgroup %s subtree_control %s", parent, strerrorname_np(-err));
  }
}

static void report_events(void)
{
  for (int i = 0; i < n_cgroups; i++) {
    char dir[300], path[340], buf[1024];
    cg_dir(cgroups[i].path, dir, sizeof dir);
    if (cg_version == 2) {
      snprintf(path, sizeof path, "%s/memory.events", dir);
      if (read_file(path, buf, sizeof buf) > 0)
        out("events %s low %lld high %lld max %lld oom %lld oom_kill %lld oom_group_kill %lld", cgroups[i].path,
            file_field(buf, "low"), file_field(buf, "high"), file_field(buf, "max"), file_field(buf, "oom"),
            file_field(buf, "oom_kill"), file_field(buf, "oom_group_kill"));
      else
        out("events %s low -1 high -1 max -1 oom -1 oom_kill -1 oom_group_kill -1", cgroups[i].path);
    } else {
      snprintf(path, sizeof path, "%s/memory.oom_control", dir);
      if (read_file(path, buf, sizeof buf) > 0)
        out("events %s low -1 high -1 max -1 oom -1 oom_kill %lld oom_group_kill -1 under_oom %lld",
            cgroups[i].path, file_field(buf, "oom_kill"), file_field(buf, "under_oom"));
    }
  }
  char buf[8192];
  if (read_file("/proc/vmstat", buf, sizeof buf) > 0)
    out("vmstat oom_kill %lld", file_field(buf, "oom_kill"));
}

/* --- steps ---------------------------------------------------------------------------------------------- */

static void send_to(Proc *p, const char *msg, int pass_fd)
{
  struct iovec iov = {(void *)msg, strlen(msg)};
  struct msghdr mh = {0};
  char cbuf[CMSG_SPACE(sizeof(int))];
  mh.msg_iov = &iov;
  mh.msg_iovlen = 1;
  if (pass_fd >= 0) {
    memset(cbuf, 0, sizeof cbuf);
    mh.msg_control = cbuf;
    mh.msg_controllen = sizeof cbuf;
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &pass_fd, sizeof(int));
  }
  while (sendmsg(p->chan, &mh, MSG_NOSIGNAL) < 0) {
    if (errno != EINTR) {
      p->eof = 1;
      return;
    }
  }
}

/* Give blocked workers a chance to finish their step (memory may have been freed by the last step). */
static void check_blocked(void)
{
  for (int i = 0; i < n_procs; i++) {
    Proc *p = &procs[i];
    if (p->state != P_BLOCKED)
      continue;
    char reply[64];
    WaitResult w = wait_reply(p, reply, sizeof reply, 1);
    if (w == W_REPLY) {
      p->state = P_RUNNING;
      out("late %ld %s after %ld", p->blocked_step, reply, current_step);
    } else if (w == W_EOF) {
      p->state = P_RUNNING;
      out("late %ld killed after %ld", p->blocked_step, current_step);
    }
  }
}

/* The end of the trace: as the model has it, every process still running exits with status 0, in task-list
 * order (creation order, which is kernel pid order here: pids are handed out in sequence and never wrap in a
 * run), and blocked processes stay blocked.  Reported as "death PID exit 0 step end". */
static void exit_survivors(void)
{
  for (;;) {
    Proc *next = NULL;
    for (int i = 0; i < n_procs; i++)
      if (procs[i].state == P_RUNNING && (!next || procs[i].kpid < next->kpid))
        next = &procs[i];
    if (!next)
      return;
    send_to(next, "-1 exit 0", -1);
    char reply[64];
    WaitResult w = wait_reply(next, reply, sizeof reply, 0);
    int status = 0;
    if (w != W_EOF || waitpid(next->kpid, &status, 0) != next->kpid)
      fatal("process %d did not exit at the end of the trace", next->pid);
    kmsg_drain();
    next->state = P_DEAD;
    close(next->chan);
    next->chan = -1;
    if (WIFSIGNALED(status))
      out("death %d signal %d step end", next->pid, WTERMSIG(status));
    else
      out("death %d exit %d step end", next->pid, WEXITSTATUS(status));
  }
}

/* --- earlyoom ------------------------------------------------------------------------------------------------- */

/* Its log (stdout and stderr, as journald would get them) goes to a file in the rootfs, read out at the end
 * ("earlyoom-log" lines): earlyoom writes while the coordinator waits on a worker, and a file never blocks it. */
static void earlyoom_dump_log(void)
{
  /* read in pieces: the log grows by a report line a second (earlyoom's -r default), whatever the trace's length */
  int fd = open(EARLYOOM_LOG, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return;
  static char line[LINE_MAX_LEN];
  size_t len = 0;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR)) {
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] != '\n') {
        if (len + 1 < sizeof line)
          line[len++] = buf[i]; /* a longer line is cut: earlyoom's are short */
        continue;
      }
      line[len] = 0;
      char esc[LINE_MAX_LEN];
      escape(line, esc, sizeof esc);
      if (len)
        out("earlyoom-log %s", esc);
      len = 0;
    }
  }
  if (len) {
    line[len] = 0;
    char esc[LINE_MAX_LEN];
    escape(line, esc, sizeof esc);
    out("earlyoom-log %s", esc);
  }
  close(fd);
}

/* Started before the processes (its own memory is then part of the baseline the host measures), in the root
 * cgroup, as root; ready once it has printed its limits ("SIGKILL when mem <= ...", the last start-up line). */
static void earlyoom_start(void)
{
  int fd = open(EARLYOOM_LOG, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0)
    fatal("open %s: %s", EARLYOOM_LOG, strerror(errno));
  pid_t pid = fork();
  if (pid < 0)
    fatal("fork earlyoom: %s", strerror(errno));
  if (pid == 0) {
    munlockall(); /* the coordinator's lock is not inherited by exec anyway; earlyoom locks itself */
    dup2(fd, 1);
    dup2(fd, 2);
    char *envp[] = {"PATH=/usr/bin", NULL};
    execve("/usr/bin/earlyoom", earlyoom_argv, envp);
    _exit(127);
  }
  close(fd);
  earlyoom_kpid = pid;
  static char log[1 << 16];
  for (int waited_ms = 0;; waited_ms += 10) {
    ssize_t n = read_file(EARLYOOM_LOG, log, sizeof log);
    if (n > 0 && strstr(log, "SIGKILL when mem"))
      break;
    int status;
    if (waitpid(pid, &status, WNOHANG) == pid || waited_ms > 10000) {
      earlyoom_dump_log();
      fatal("earlyoom did not start (%s)", waited_ms > 10000 ? "no start-up lines in 10 s" : "it exited");
    }
    struct timespec ts = {0, 10 * 1000000};
    nanosleep(&ts, NULL);
  }
  out("earlyoom kpid %d", (int)pid);
}

/* The trace has ended (or the run stops): earlyoom stops first, so that it acts on nothing after the trace. */
static void earlyoom_stop(void)
{
  if (earlyoom_kpid < 0)
    return;
  int status;
  pid_t r = waitpid(earlyoom_kpid, &status, WNOHANG);
  if (r == earlyoom_kpid) {
    if (WIFSIGNALED(status))
      out("earlyoom-death signal %d step %ld", WTERMSIG(status), current_step);
    else
      out("earlyoom-death exit %d step %ld", WEXITSTATUS(status), current_step);
  } else {
    kill(earlyoom_kpid, SIGKILL);
    waitpid(earlyoom_kpid, &status, 0);
  }
  earlyoom_kpid = -1;
  earlyoom_dump_log();
}

/* `at NS`: wait until NS after "start" (at once if that is past), then report the deaths earlyoom caused meanwhile,
 * after the step before (the model's polls between two steps come after the first of them). */
static void wait_until_at(long long at_ns)
{
  struct timespec t = trace_start_ts;
  t.tv_sec += at_ns / 1000000000LL;
  t.tv_nsec += at_ns % 1000000000LL;
  if (t.tv_nsec >= 1000000000L) {
    t.tv_sec++;
    t.tv_nsec -= 1000000000L;
  }
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  long long late_us = ((long long)(now.tv_sec - t.tv_sec) * 1000000000LL + (now.tv_nsec - t.tv_nsec)) / 1000;
  if (late_us > 0)
    out("behind %lld us", late_us); /* the steps before took longer than the trace allows: no wait */
  while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &t, NULL) == EINTR) {
  }
  kmsg_drain();
  reap_dead();
  kmsg_drain();
}

static void finish(const char *why) __attribute__((noreturn));
static void finish(const char *why)
{
  earlyoom_stop();
  kmsg_drain();
  for (int i = 0; i < n_procs; i++)
    if (procs[i].state == P_BLOCKED)
      out("blocked %d step %ld", procs[i].pid, procs[i].blocked_step);
  if (strcmp(why, "ok") == 0)
    exit_survivors();
  report_events();
  report_memory("meminfo-end");
  kmsg_drain();
  if (want_trace)
    trace_dump();
  out("finish %s", why);
  qemu_exit(EXIT_FINISHED);
}

/* validate --stats, for diagnosis: after each step the /proc/vmstat counters that say who reclaimed how much
 * (kswapd or direct reclaim), the free pages and zram's memory (mm_stat: orig_data_size compr_data_size
 * mem_used_total ...), read as the step ends. Reading costs the VM nothing the model would see (static buffers). */
static void report_stats(const char *tag, long n)
{
  static char vm[16384], zr[256];
  static const char *const keys[] = {"nr_free_pages", "nr_zone_inactive_anon", "nr_zone_active_anon",
                                     "nr_slab_reclaimable", "nr_slab_unreclaimable", "nr_swapcached",
                                     "pswpout", "pgscan_kswapd", "pgsteal_kswapd", "pgscan_direct",
                                     "pgsteal_direct", "pageoutrun", "kswapd_low_wmark_hit_quickly",
                                     "kswapd_high_wmark_hit_quickly", "allocstall_dma32", "allocstall_movable",
                                     "pgfree", "pgalloc_dma", "pgalloc_dma32", NULL};
  if (read_file("/proc/vmstat", vm, sizeof vm) <= 0)
    return;
  char line[1024];
  int len = snprintf(line, sizeof line, "%s %ld", tag, n);
  for (int i = 0; keys[i] && len > 0 && (size_t)len < sizeof line; i++)
    len += snprintf(line + len, sizeof line - (size_t)len, " %s %lld", keys[i], file_field(vm, keys[i]));
  if (read_file("/sys/block/zram0/mm_stat", zr, sizeof zr) > 0 && len > 0 && (size_t)len < sizeof line) {
    char *nl = strchr(zr, '\n');
    if (nl)
      *nl = 0;
    snprintf(line + len, sizeof line - (size_t)len, " zram_mm_stat %s", zr);
  }
  out("%s", line);
}

static void step_result(long n, const char *res)
{
  out("step %ld %s", n, res);
  if (want_stats)
    report_stats("stats", n);
}

static void run_step(char **tok, int ntok)
{
  long n = strtol(tok[1], NULL, 10);
  int pid = atoi(tok[2]);
  const char *kind = tok[3];
  current_step = n;
  kmsg_no_killable = 0;
  kmsg_drain();

  if (strcmp(kind, "sysctl") == 0 && ntok >= 6) {
    int err = sysctl_write(tok[4], tok[5]);
    step_result(n, err == -ENOMEM ? "enomem" : err ? strerrorname_np(-err) : "ok");
  } else if (strcmp(kind, "cgroup-set") == 0 && ntok >= 7) {
    char dir[300], path[400];
    cg_dir(tok[4], dir, sizeof dir);
    snprintf(path, sizeof path, "%s/%s", dir, tok[5]);
    int err = write_file(path, tok[6]);
    char res[64];
    snprintf(res, sizeof res, "%s%s", err ? "error " : "ok", err ? strerrorname_np(-err) : "");
    step_result(n, err == -ENOMEM ? "enomem" : res);
  } else {
    Proc *p = proc_find(pid);
    if (!p || p->state == P_NEW) {
      step_result(n, "error no-such-process");
    } else if (p->state == P_DEAD) {
      step_result(n, "not-run dead");
    } else if (p->state == P_BLOCKED) {
      step_result(n, "not-run blocked");
    } else if (strcmp(kind, "set") == 0 && ntok >= 5) {
      char path[64];
      snprintf(path, sizeof path, "/proc/%d/oom_score_adj", p->kpid);
      int err = write_file(path, tok[4]);
      char res[64];
      snprintf(res, sizeof res, "%s%s", err ? "error " : "ok", err ? strerrorname_np(-err) : "");
      step_result(n, res);
    } else if (strcmp(kind, "move") == 0 && ntok >= 5) {
      char dir[300], path[340], val[32];
      cg_dir(tok[4], dir, sizeof dir);
      snprintf(path, sizeof path, "%s/cgroup.procs", dir);
      snprintf(val, sizeof val, "%d", p->kpid);
      int err = write_file(path, val);
      if (!err)
        snprintf(p->cgroup, sizeof p->cgroup, "%s", tok[4]);
      char res[64];
      snprintf(res, sizeof res, "%s%s", err ? "error " : "ok", err ? strerrorname_np(-err) : "");
      step_result(n, res);
    } else {
      /* a worker step: "HANDLE KIND ARGS..." */
      char msg[256];
      size_t w = (size_t)snprintf(msg, sizeof msg, "%ld %s", n, kind);
      for (int i = 4; i < ntok && w < sizeof msg; i++) {
        char esc[128];
        escape(tok[i], esc, sizeof esc);
        w += (size_t)snprintf(msg + w, sizeof msg - w, " %s", esc);
      }
      int pass = -1;
      Proc *child = NULL;
      if (strcmp(kind, "fork") == 0 && ntok >= 6) {
        child = proc_find(atoi(tok[4]));
        if (!child || child->state != P_NEW) {
          step_result(n, "error bad-fork-child");
          return;
        }
        int sv[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) != 0)
          fatal("socketpair: %s", strerror(errno));
        child->chan = sv[0];
        pass = sv[1];
      }
      send_to(p, msg, pass);
      if (pass >= 0)
        close(pass);
      char reply[64];
      WaitResult wr = wait_reply(p, reply, sizeof reply, 1);
      switch (wr) {
      case W_REPLY:
        if (child && strncmp(reply, "ok ", 3) == 0) {
          child->kpid = (pid_t)atoi(reply + 3);
          child->state = P_RUNNING;
          char ready[64];
          if (wait_reply(child, ready, sizeof ready, 0) != W_REPLY)
            fatal("fork child %d did not start", child->pid);
          out("proc %d kpid %d", child->pid, (int)child->kpid);
          if (child->set_cgroup && strcmp(child->cgroup, p->cgroup) != 0) {
            char dir[300], path[340], val[32];
            cg_dir(child->cgroup, dir, sizeof dir);
            snprintf(path, sizeof path, "%s/cgroup.procs", dir);
            snprintf(val, sizeof val, "%d", child->kpid);
            int err = write_file(path, val);
            if (err)
              out("error move %d %s", child->pid, strerrorname_np(-err));
          } else {
            memcpy(child->cgroup, p->cgroup, sizeof child->cgroup); /* child != p */
          }
          if (child->set_adj) {
            char path[64], val[16];
            snprintf(path, sizeof path, "/proc/%d/oom_score_adj", child->kpid);
            snprintf(val, sizeof val, "%d", child->adj);
            write_file(path, val);
          }
          step_result(n, "ok");
        } else {
          if (child) {
            close(child->chan);
            child->chan = -1;
          }
          step_result(n, reply);
        }
        break;
      case W_EOF:
        step_result(n, strcmp(kind, "exit") == 0 ? "ok" : "killed");
        break;
      case W_BLOCKED:
        p->state = P_BLOCKED;
        p->blocked_step = n;
        step_result(n, "blocked");
        break;
      case W_LIVELOCK:
        step_result(n, "livelock");
        finish("livelock");
      case W_TIMEOUT:
        step_result(n, "timeout");
        finish("timeout");
      }
    }
  }
  reap_dead();
  check_blocked();
  reap_dead();
  kmsg_drain();
}

/* --- main --------------------------------------------------------------------------------------------------- */

static void open_output(void)
{
  int fd = open("/dev/ttyS1", O_WRONLY | O_NOCTTY | O_CLOEXEC);
  if (fd >= 0) {
    struct termios t;
    if (tcgetattr(fd, &t) == 0) {
      cfmakeraw(&t);
      cfsetospeed(&t, B115200);
      tcsetattr(fd, TCSANOW, &t);
    }
    out_fd = fd;
  } else {
    out_fd = open("/dev/console", O_WRONLY | O_NOCTTY | O_CLOEXEC);
    if (out_fd < 0)
      out_fd = 1;
  }
}

/* --- tracing (validate --trace, for diagnosis only) ---------------------------------------------------------
 * One event per per-CPU list refill (rmqueue_bulk: zone, order, count, migratetype) and per bulk free
 * (free_pcppages_bulk: zone, count, pcp->count), every page freed, kswapd and direct reclaim, drains, up to the
 * Nth OOM kill (a snapshot, so that the victim's exit does not fill the buffer). Printed as "trace ..."
 * lines at the end. */
static const char *const trace_kprobes[] = {
    "p:oomsim/refill rmqueue_bulk zone=%di:x64 order=%si:u32 count=%dx:s64 mt=%r8:s32",
    "p:oomsim/bulkfree free_pcppages_bulk zone=%di:x64 count=%si:s32 pcpcount=+4(%dx):s32 pindex=%cx:s32",
    "p:oomsim/drain drain_pages_zone cpu=%di:u32 zone=%si:x64",
    "p:oomsim/oom out_of_memory",
    "p:oomsim/kill oom_kill_process",
    NULL,
};
static const char *const trace_events[] = {
    "oomsim/refill", "oomsim/bulkfree", "oomsim/drain", "oomsim/oom", "oomsim/kill", "kmem/mm_page_free",
    "vmscan/mm_vmscan_kswapd_wake", "vmscan/mm_vmscan_kswapd_sleep", "vmscan/mm_vmscan_direct_reclaim_begin",
    "vmscan/mm_vmscan_direct_reclaim_end", "vmscan/mm_vmscan_wakeup_kswapd", NULL,
};

static void trace_start(void)
{
  mkdir("/sys/kernel/tracing", 0755);
  mount("tracefs", "/sys/kernel/tracing", "tracefs", 0, NULL);
  write_file("/sys/kernel/tracing/tracing_on", "0");
  write_file("/sys/kernel/tracing/buffer_size_kb", "1024");
  {
    /* the allocator's functions as this kernel names them (static ones can be inlined or get a suffix) */
    FILE *f = fopen("/proc/kallsyms", "r");
    char l[256];
    while (f && fgets(l, sizeof l, f))
      if (strstr(l, "rmqueue") || strstr(l, "pcppages") || strstr(l, "drain_pages") || strstr(l, "nr_pcp") ||
          strstr(l, "free_unref") || strstr(l, "decay_pcp"))
        out("trace-sym %s", strchr(l, ' ') ? strchr(l, ' ') + 1 : l);
    if (f)
      fclose(f);
  }
  for (int i = 0; trace_kprobes[i]; i++) {
    int fd = open("/sys/kernel/tracing/kprobe_events", O_WRONLY | O_APPEND);
    if (fd < 0 || write(fd, trace_kprobes[i], strlen(trace_kprobes[i])) < 0) {
      out("trace-error kprobe %s %s", trace_kprobes[i], strerrorname_np(errno));
      if (i == 0) {
        /* rmqueue_bulk() inlined (6.12): one event per page it takes from the buddy lists instead; the ring
         * buffer keeps the newest ones */
        write_file("/sys/kernel/tracing/events/kmem/mm_page_alloc_zone_locked/filter", "percpu_refill == 1");
        write_file("/sys/kernel/tracing/events/kmem/mm_page_alloc_zone_locked/enable", "1");
      }
    }
    if (fd >= 0)
      close(fd);
  }
  for (int i = 0; trace_events[i]; i++) {
    char path[200];
    snprintf(path, sizeof path, "/sys/kernel/tracing/events/%s/enable", trace_events[i]);
    int err = write_file(path, "1");
    if (err)
      out("trace-error enable %s %s", trace_events[i], strerrorname_np(-err));
  }
  /* each of the first N kills (oom_kill_process(); out_of_memory() is also called by tasks that find a victim
   * already exiting) swaps the buffer into the snapshot: the last snapshot holds what happened from kill N-1 to
   * kill N */
  char trigger[32];
  snprintf(trigger, sizeof trigger, "snapshot:%d", want_trace > 0 ? want_trace : 1);
  int err = write_file("/sys/kernel/tracing/events/oomsim/kill/trigger", trigger);
  if (err)
    out("trace-error trigger %s", strerrorname_np(-err));
  write_file("/sys/kernel/tracing/tracing_on", "1");
}

static void trace_dump(void)
{
  write_file("/sys/kernel/tracing/tracing_on", "0");
  int fd = open("/sys/kernel/tracing/snapshot", O_RDONLY);
  if (fd < 0)
    return;
  static char buf[1 << 16];
  char line[LINE_MAX_LEN];
  size_t len = 0;
  ssize_t r;
  while ((r = read(fd, buf, sizeof buf)) > 0) {
    for (ssize_t i = 0; i < r; i++) {
      if (buf[i] == '\n') {
        line[len] = 0;
        if (len && line[0] != '#')
          out("trace %s", line);
        len = 0;
      } else if (len < sizeof line - 1) {
        line[len++] = buf[i];
      }
    }
  }
  close(fd);
}

/* The coordinator must not fault during the trace: a page fault of pid 1 under memory pressure is an allocation
 * of its own (it once started a second OOM while a victim was exiting, a kill the scenario did not ask for). So
 * its stack is touched up front and all its memory locked; the pages are in the baseline the agent measures.
 * Workers exec themselves and do not inherit the lock. */
static __attribute__((noinline)) void prefault_stack(void)
{
  volatile char stack[512 * 1024];
  for (size_t i = 0; i < sizeof stack; i += PAGE)
    stack[i] = 0;
}

static int coordinator_main(void)
{
  prefault_stack();
  mlockall(MCL_CURRENT | MCL_FUTURE);
  mount("proc", "/proc", "proc", 0, NULL);
  mount("sysfs", "/sys", "sysfs", 0, NULL);
  mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
  mkdir("/shm", 0755);
  mount("tmpfs", "/shm", "tmpfs", 0, "mode=0777");
  open_output();
  out("oomsim-agent 1");
  {
    char buf[256];
    if (read_file("/proc/sys/kernel/osrelease", buf, sizeof buf) > 0) {
      buf[strcspn(buf, "\n")] = 0;
      out("kernel %s", buf);
    }
  }

  /* the input, whole */
  static char input[1 << 20];
  if (read_file("/oomsim.in", input, sizeof input) <= 0)
    fatal("cannot read /oomsim.in");
  char *lines[65536];
  int n_lines = 0;
  char *save = NULL;
  for (char *l = strtok_r(input, "\n", &save); l && n_lines < 65536; l = strtok_r(NULL, "\n", &save))
    lines[n_lines++] = l;
  if (n_lines == 0 || strncmp(lines[0], "oomsim-agent-input 1", 20) != 0)
    fatal("bad input header");

  /* pass 1: machine set-up lines (everything before the first step) */
  unsigned long long swap_bytes = 0, cache_bytes = 0;
  int first_step = n_lines;
  char thp[32] = "never";
  for (int i = 1; i < n_lines; i++) {
    char copy[LINE_MAX_LEN];
    snprintf(copy, sizeof copy, "%s", lines[i]);
    char *tok[EARLYOOM_MAX_ARGS + 2];
    int nt = split(copy, tok, EARLYOOM_MAX_ARGS + 2);
    if (nt == 0)
      continue;
    if (strcmp(tok[0], "step") == 0 || strcmp(tok[0], "at") == 0) {
      first_step = i;
      break;
    }
    if (strcmp(tok[0], "earlyoom") == 0) {
      want_earlyoom = 1;
      earlyoom_argv[0] = "earlyoom";
      for (int a = 1; a < nt && a <= EARLYOOM_MAX_ARGS; a++)
        earlyoom_argv[a] = strdup(tok[a]);
      continue;
    }
    if (strcmp(tok[0], "swap") == 0 && nt >= 2)
      swap_bytes = parse_u64(tok[1]);
    else if (strcmp(tok[0], "file-cache") == 0 && nt >= 2)
      cache_bytes = parse_u64(tok[1]);
    else if (strcmp(tok[0], "cgroup-version") == 0 && nt >= 2)
      cg_version = atoi(tok[1]);
    else if (strcmp(tok[0], "step-limit-ms") == 0 && nt >= 2)
      step_limit_ms = atoll(tok[1]);
    else if (strcmp(tok[0], "thp") == 0 && nt >= 2)
      snprintf(thp, sizeof thp, "%s", tok[1]);
    else if (strcmp(tok[0], "stats") == 0)
      want_stats = 1;
    else if (strcmp(tok[0], "trace") == 0)
      want_trace = nt >= 2 ? atoi(tok[1]) : 1;
    else if (strcmp(tok[0], "delay-us") == 0 && nt >= 2)
      delay_us = atoll(tok[1]);
    else if (strcmp(tok[0], "cgroup") == 0 && nt >= 2 && n_cgroups < MAX_CGROUPS)
      snprintf(cgroups[n_cgroups++].path, sizeof cgroups[0].path, "%s", tok[1]);
    else if (strcmp(tok[0], "proc") == 0 && nt >= 8 && n_procs < MAX_PROCS) {
      Proc *p = &procs[n_procs++];
      memset(p, 0, sizeof *p);
      p->pid = atoi(tok[1]);
      snprintf(p->comm, sizeof p->comm, "%s", tok[2]);
      snprintf(p->cgroup, sizeof p->cgroup, "%s", tok[3]);
      p->adj = atoi(tok[4]);
      p->set_adj = strcmp(tok[4], "-") != 0;
      p->set_cgroup = strcmp(tok[3], "-") != 0;
      p->uid = (unsigned)atoi(tok[5]);
      p->cap_sys_admin = atoi(tok[6]);
      p->threads = atoi(tok[7]) > 0 ? atoi(tok[7]) : 1;
      for (int t = 8; t < nt; t++) {
        if (strcmp(tok[t], "forked") == 0)
          p->forked = 1;
        else if (strcmp(tok[t], "shares-mm") == 0 && t + 1 < nt)
          p->shares_mm = atoi(tok[++t]);
      }
      p->chan = -1;
      p->state = P_NEW;
    }
  }

  char zram_params[64];
  snprintf(zram_params, sizeof zram_params, "num_devices=2");
  load_modules(zram_params);

  /* cgroups */
  if (cg_version == 1) {
    mount("tmpfs", "/sys/fs/cgroup", "tmpfs", 0, "mode=0755");
    mkdir("/sys/fs/cgroup/memory", 0755);
    if (mount("cgroup", "/sys/fs/cgroup/memory", "cgroup", 0, "memory") != 0) {
      out("unsupported cgroup-v1-memory %s", strerrorname_np(errno));
      out("finish unsupported");
      qemu_exit(EXIT_FINISHED);
    }
  } else {
    if (mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL) != 0)
      fatal("mount cgroup2: %s", strerror(errno));
  }
  write_file("/sys/kernel/mm/transparent_hugepage/enabled", thp);

  if (swap_bytes) {
    int err = make_swap(swap_bytes);
    if (err)
      fatal("swap on zram0: %s", strerrorname_np(-err));
  }
  if (cache_bytes) {
    char buf[32];
    snprintf(buf, sizeof buf, "%llu", cache_bytes);
    int err = write_file("/sys/block/zram1/disksize", buf);
    if (err)
      fatal("zram1 disksize: %s", strerrorname_np(-err));
  }

  /* pass 2: sysctls and cgroups in order */
  for (int i = 1; i < first_step; i++) {
    char copy[LINE_MAX_LEN];
    snprintf(copy, sizeof copy, "%s", lines[i]);
    char *tok[12];
    int nt = split(copy, tok, 12);
    if (nt >= 3 && strcmp(tok[0], "sysctl") == 0) {
      int err = sysctl_write(tok[1], tok[2]);
      if (err)
        out("error sysctl %s %s", tok[1], strerrorname_np(-err));
    } else if (nt >= 2 && strcmp(tok[0], "cgroup") == 0) {
      int err = mkdir_p_cgroup(tok[1]);
      if (err)
        fatal("mkdir cgroup %s: %s", tok[1], strerrorname_np(-err));
    }
  }
  cgroup_enable_memory();
  for (int i = 1; i < first_step; i++) {
    char copy[LINE_MAX_LEN];
    snprintf(copy, sizeof copy, "%s", lines[i]);
    char *tok[12];
    int nt = split(copy, tok, 12);
    if (nt >= 4 && strcmp(tok[0], "cgattr") == 0) {
      char dir[300], path[400];
      cg_dir(tok[1], dir, sizeof dir);
      snprintf(path, sizeof path, "%s/%s", dir, tok[2]);
      int err = write_file(path, tok[3]);
      if (err)
        out("error cgattr %s %s %s", tok[1], tok[2], strerrorname_np(-err));
    }
  }

  {
    char buf[64];
    if (read_file("/proc/sys/vm/min_free_kbytes", buf, sizeof buf) > 0)
      out("min_free_kbytes %lld", atoll(buf));
    if (read_file("/proc/sys/vm/overcommit_memory", buf, sizeof buf) > 0)
      out("overcommit_memory %lld", atoll(buf));
  }
  if (want_earlyoom)
    earlyoom_start();
  long long memcg_before_kb = memcg_top_current_kb();
  report_memory("meminfo-before-procs");
  report_zones();
  for (int i = 0; i < n_procs; i++)
    if (procs[i].shares_mm)
      start_sharer(&procs[i]);
    else if (!procs[i].forked)
      start_proc(&procs[i]);
  report_memory("meminfo");
  report_memcg_base(memcg_before_kb);

  /* kernel records from here on; the console shows everything up to KERN_INFO (survives a panic) */
  kmsg_fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (kmsg_fd >= 0)
    lseek(kmsg_fd, 0, SEEK_END);
  klogctl(8 /* SYSLOG_ACTION_CONSOLE_LEVEL */, NULL, 7);
  if (want_trace)
    trace_start();
  if (delay_us > 0) {
    /* a perturbation (validate --perturb): idle before the trace, so that the timer tick and the scheduler's
     * decisions fall elsewhere against the trace's steps; nothing the scenario says changes */
    struct timespec ts = {delay_us / 1000000, (delay_us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
  }
  out("start");
  clock_gettime(CLOCK_MONOTONIC, &trace_start_ts);

  for (int i = first_step; i < n_lines; i++) {
    char copy[LINE_MAX_LEN];
    snprintf(copy, sizeof copy, "%s", lines[i]);
    char *tok[12];
    int nt = split(copy, tok, 12);
    if (nt >= 4 && strcmp(tok[0], "step") == 0)
      run_step(tok, nt);
    else if (nt >= 2 && strcmp(tok[0], "at") == 0) {
      wait_until_at(atoll(tok[1]));
      if (want_stats)
        report_stats("stats-at", i); /* the counters when the next step is due: what ran between the steps */
    } else if (nt >= 1 && strcmp(tok[0], "end") == 0)
      break;
  }
  current_step = -1;
  finish("ok");
}

int main(int argc, char **argv)
{
  if (argc >= 2 && strcmp(argv[1], "worker") == 0)
    return worker_main(argc, argv);
  return coordinator_main();
}
