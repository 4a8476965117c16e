/* kernel-model/km-slab.h: the allocator beneath the model's objects, as the kernel's kmem_cache
 * (mm/slab_common.c kmem_cache_alloc()/kmem_cache_free(), kernel 6.1) is beneath task_struct, mm_struct and
 * vm_area_struct: objects of one size carved from blocks, freed objects kept on a free list for the next
 * allocation, every block released at once when the cache is destroyed (kmem_cache_destroy(), which the kernel
 * refuses while objects are live; here the owner, KmSystem, drops its objects with the blocks).
 *
 * Not kernel behaviour: the model does not count slab memory (the VM harness measures the kernel's per-task
 * memory as KmMachine.task_kernel_pages). It exists for speed and memory: a sweep builds and frees a model of
 * thousands of tasks, mms and mappings per variant (issue 10), and an object from a block costs neither a
 * malloc/free pair nor malloc's per-chunk header (docs/performance.md, "fifth pass").
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  gsize size;       /* bytes of one object, at least a pointer (the free list is threaded through freed objects) */
  guint per_block;  /* objects per block */
  GPtrArray *blocks; /* the blocks, oldest first */
  guint used;       /* objects handed out from the newest block (never returned to it: freed ones go on `free`) */
  gpointer free;    /* freed objects, each holding the next one in its first bytes */
  guint64 live;     /* objects allocated and not freed */
} KmSlab;

void km_slab_init(KmSlab *slab, gsize size, guint per_block);
/* A zeroed object. */
gpointer km_slab_alloc0(KmSlab *slab);
void km_slab_free(KmSlab *slab, gpointer obj);
/* Releases every block, live objects included (the owner has dropped what they held). */
void km_slab_destroy(KmSlab *slab);

G_END_DECLS
