/*
 * The per-invocation arena: a bump allocator over a list of chunks.
 *
 * The first chunk is allocated on first use and kept across resets, so a
 * warm invocation whose data fits in it touches the heap not at all. When
 * it is full, a new chunk (twice the size of the last, up to a cap) goes
 * in front and becomes the one being filled. A request larger than a
 * quarter of the first chunk gets a chunk of its own, linked behind the
 * one being filled so that the space left there is not wasted. Every
 * chunk but the first is freed at reset.
 *
 * Invariant: head is the chunk being filled; following next from head
 * reaches every chunk, and first, when it exists, is the last of them.
 */
#include <stdint.h>
#include <string.h>

#include "internal.h"

/*
 * Under AddressSanitizer the free part of every chunk is poisoned, and
 * the whole first chunk again at reset, so a pointer kept from an
 * earlier invocation faults where it is used instead of reading the
 * next invocation's data.
 */
#if defined(__SANITIZE_ADDRESS__)
#define LANDO_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define LANDO_ASAN 1
#endif
#endif

#ifdef LANDO_ASAN
#include <sanitizer/asan_interface.h>
#define POISON(p, n) ASAN_POISON_MEMORY_REGION((p), (n))
#define UNPOISON(p, n) ASAN_UNPOISON_MEMORY_REGION((p), (n))
#else
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN 16u
#define CHUNK_CAP ((size_t)1 << 20)

static size_t
round_up(size_t size)
{
    if (size == 0) {
        size = 1;
    }
    if (size > SIZE_MAX - (ALIGN - 1)) {
        return 0;
    }
    return (size + (ALIGN - 1)) & ~(size_t)(ALIGN - 1);
}

static lando_chunk_t *
chunk_new(size_t size)
{
    lando_chunk_t *c;

    if (size > SIZE_MAX - sizeof(*c)) {
        return NULL;
    }

    c = lando__malloc(sizeof(*c) + size);
    if (!c) {
        return NULL;
    }
    c->next = NULL;
    c->size = size;
    c->used = 0;
    POISON(c->data, size);
    return c;
}

void
lando__arena_init(lando_arena_t *a, size_t first_size)
{
    a->head = NULL;
    a->first = NULL;
    a->first_size = round_up(first_size ? first_size : 4096);
}

/* A chunk holding only this allocation, linked behind head. */
static void *
alloc_own_chunk(lando_arena_t *a, size_t size)
{
    lando_chunk_t *c = chunk_new(size);

    if (!c) {
        return NULL;
    }
    c->used = size;
    c->next = a->head->next;
    a->head->next = c;
    UNPOISON(c->data, size);
    return c->data;
}

void *
lando__arena_alloc(lando_arena_t *a, size_t size)
{
    lando_chunk_t *c;
    size_t want;

    size = round_up(size);
    if (size == 0) {
        return NULL;
    }

    if (!a->head) {
        a->first = chunk_new(a->first_size);
        if (!a->first) {
            return NULL;
        }
        a->head = a->first;
    }

    c = a->head;
    if (c->size - c->used >= size) {
        void *p = c->data + c->used;

        c->used += size;
        UNPOISON(p, size);
        return p;
    }

    if (size > a->first_size / 4) {
        return alloc_own_chunk(a, size);
    }

    want = c->size < CHUNK_CAP / 2 ? c->size * 2 : CHUNK_CAP;
    c = chunk_new(want);
    if (!c) {
        return NULL;
    }
    c->next = a->head;
    a->head = c;
    c->used = size;
    UNPOISON(c->data, size);
    return c->data;
}

void *
lando__arena_grow(lando_arena_t *a, void *ptr, size_t old, size_t n)
{
    lando_chunk_t *c = a->head;
    unsigned char *p = ptr;
    size_t old_r, new_r;
    void *q;

    if (!ptr) {
        return lando__arena_alloc(a, n);
    }
    if (n <= old) {
        return ptr;
    }

    old_r = round_up(old);
    new_r = round_up(n);
    if (new_r == 0) {
        return NULL;
    }

    /* The most recent allocation of the chunk being filled grows in
     * place when the chunk has room. */
    if (c && p >= c->data && p + old_r == c->data + c->used &&
        new_r - old_r <= c->size - c->used) {
        UNPOISON(c->data + c->used, new_r - old_r);
        c->used += new_r - old_r;
        return ptr;
    }

    q = lando__arena_alloc(a, n);
    if (q) {
        memcpy(q, ptr, old);
    }
    return q;
}

void
lando__arena_reset(lando_arena_t *a)
{
    lando_chunk_t *c = a->head;

    while (c) {
        lando_chunk_t *next = c->next;

        if (c != a->first) {
            UNPOISON(c->data, c->size);
            lando__free(c);
        }
        c = next;
    }

    a->head = a->first;
    if (a->first) {
        a->first->next = NULL;
        a->first->used = 0;
        POISON(a->first->data, a->first->size);
    }
}

void
lando__arena_cleanup(lando_arena_t *a)
{
    lando__arena_reset(a);
    if (a->first) {
        UNPOISON(a->first->data, a->first->size);
    }
    lando__free(a->first);
    a->first = NULL;
    a->head = NULL;
}
