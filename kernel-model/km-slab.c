/* kernel-model/km-slab.c: fixed-size object caches under the model's tasks, mms, mappings and LRU chunks, in the
 * manner of mm/slab_common.c's kmem_cache (kernel 6.1): see km-slab.h. An allocation takes the most recently freed
 * object (LIFO, as a slab's per-CPU freelist does: the warmest memory), else the next unused one of the newest
 * block, else a new block. No figure of the model depends on where an object lies. */
#include "km-slab.h"

#include <string.h>

/* Under AddressSanitizer (make sanitize, the fuzz targets) a freed object is poisoned until it is handed out again,
 * so a use after km_slab_free() is still reported as one, as it was when each object was a malloc. */
#if defined(__SANITIZE_ADDRESS__)
#define KM_SLAB_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define KM_SLAB_ASAN 1
#endif
#endif
#ifdef KM_SLAB_ASAN
#include <sanitizer/asan_interface.h>
#define slab_poison(p, n) ASAN_POISON_MEMORY_REGION(p, n)
#define slab_unpoison(p, n) ASAN_UNPOISON_MEMORY_REGION(p, n)
#else
#define slab_poison(p, n) ((void)(p), (void)(n))
#define slab_unpoison(p, n) ((void)(p), (void)(n))
#endif

void km_slab_init(KmSlab *slab, gsize size, guint per_block)
{
  slab->size = MAX(size, sizeof(gpointer));
  slab->per_block = MAX(per_block, 1);
  slab->blocks = g_ptr_array_new_with_free_func(g_free);
  slab->used = slab->per_block; /* no block yet: the first allocation makes one */
  slab->free = NULL;
  slab->live = 0;
}

gpointer km_slab_alloc0(KmSlab *slab)
{
  gpointer obj;
  if (slab->free) {
    obj = slab->free;
    slab_unpoison(obj, slab->size);
    memcpy(&slab->free, obj, sizeof(gpointer));
  } else {
    if (slab->used == slab->per_block) {
      g_ptr_array_add(slab->blocks, g_malloc_n(slab->per_block, slab->size));
      slab->used = 0;
    }
    obj = (char *)slab->blocks->pdata[slab->blocks->len - 1] + (gsize)slab->used * slab->size;
    slab->used++;
  }
  slab->live++;
  return memset(obj, 0, slab->size);
}

void km_slab_free(KmSlab *slab, gpointer obj)
{
  if (!obj)
    return;
  memcpy(obj, &slab->free, sizeof(gpointer));
  slab_poison(obj, slab->size);
  slab->free = obj;
  slab->live--;
}

void km_slab_destroy(KmSlab *slab)
{
  if (slab->blocks) {
    for (guint i = 0; i < slab->blocks->len; i++) /* the allocator's own bookkeeping may lie in freed objects */
      slab_unpoison(slab->blocks->pdata[i], slab->size * slab->per_block);
    g_ptr_array_free(slab->blocks, TRUE);
  }
  slab->blocks = NULL;
  slab->free = NULL;
  slab->used = slab->per_block;
  slab->live = 0;
}
