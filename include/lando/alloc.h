/*
 * The allocator lando uses for everything that is not an arena chunk's
 * contents: the app, routes, arena chunks themselves. Tests route it
 * through a counting or failing allocator; applications rarely need it.
 */
#ifndef LANDO_ALLOC_H
#define LANDO_ALLOC_H

#include <lando/common.h>

typedef void *(*lando_malloc_fn)(size_t size);
typedef void *(*lando_realloc_fn)(void *ptr, size_t size);
typedef void (*lando_free_fn)(void *ptr);

/**
 * Replace the allocator. Call before creating any app, never while one
 * lives. NULL arguments restore the C library's functions. jansson keeps
 * its own allocator (json_set_alloc_funcs).
 */
LANDO_API void
lando_set_allocator(lando_malloc_fn m, lando_realloc_fn r, lando_free_fn f);

/**
 * Allocate SIZE bytes through the allocator above, for memory that lives
 * as long as an app rather than an invocation: the state of middleware
 * and plugins. Release it with lando_free(). Returns NULL when memory
 * runs out.
 */
LANDO_API void *
lando_malloc(size_t size);

/** Release memory from lando_malloc(). NULL is a no-op. */
LANDO_API void
lando_free(void *ptr);

#endif /* LANDO_ALLOC_H */
