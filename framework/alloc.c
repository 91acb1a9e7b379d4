/*
 * The allocator behind every heap allocation lando makes: the app, its
 * routes and groups, contexts and arena chunks. Per-invocation data lives
 * in arena chunks, so after a warm-up an invocation normally never comes
 * here. Tests swap the functions for counting or failing ones.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static lando_malloc_fn cur_malloc = malloc;
static lando_realloc_fn cur_realloc = realloc;
static lando_free_fn cur_free = free;

void
lando_set_allocator(lando_malloc_fn m, lando_realloc_fn r, lando_free_fn f)
{
    cur_malloc = m ? m : malloc;
    cur_realloc = r ? r : realloc;
    cur_free = f ? f : free;
}

void *
lando__malloc(size_t size)
{
    return cur_malloc(size ? size : 1);
}

void *
lando__calloc(size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > SIZE_MAX / size) {
        return NULL;
    }

    p = lando__malloc(n * size);
    if (p) {
        memset(p, 0, n * size);
    }
    return p;
}

void *
lando__realloc(void *ptr, size_t size)
{
    return cur_realloc(ptr, size ? size : 1);
}

void
lando__free(void *ptr)
{
    if (ptr) {
        cur_free(ptr);
    }
}

char *
lando__strndup(const char *s, size_t len)
{
    char *p;

    if (!s || len == SIZE_MAX) {
        return NULL;
    }

    p = lando__malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *
lando__strdup(const char *s)
{
    return s ? lando__strndup(s, strlen(s)) : NULL;
}
