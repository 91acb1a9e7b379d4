/*
 * The per-invocation arena (white-box): alignment, the kept first chunk,
 * chunks of their own for big requests, growth in place, overflow and
 * allocation failure.
 */
#include <string.h>

#include "support.h"
#include "internal.h"

#define FIRST 1024

static void
arena_aligns_every_allocation_to_16_bytes(void **state)
{
    lando_arena_t a;
    size_t i;

    lando__arena_init(&a, FIRST);
    for (i = 0; i < 200; i++) {
        unsigned char *p = lando__arena_alloc(&a, i % 37);

        assert_non_null(p);
        assert_int_equal((uintptr_t)p % 16, 0);
        memset(p, 0xab, i % 37);
    }
    lando__arena_cleanup(&a);
}

static void
arena_keeps_its_first_chunk_across_resets(void **state)
{
    lando_arena_t a;
    void *first, *again;
    long live;

    lando__arena_init(&a, FIRST);
    first = lando__arena_alloc(&a, 100);
    live = t_alloc_live();
    /* Fill beyond the first chunk, with small and big requests. */
    assert_non_null(lando__arena_alloc(&a, 400));
    assert_non_null(lando__arena_alloc(&a, 400));
    assert_non_null(lando__arena_alloc(&a, 400));
    assert_non_null(lando__arena_alloc(&a, 400));
    assert_non_null(lando__arena_alloc(&a, 5000));
    assert_true(t_alloc_live() >= live + 2);

    lando__arena_reset(&a);
    assert_int_equal(t_alloc_live(), live);
    again = lando__arena_alloc(&a, 100);
    assert_ptr_equal(again, first);
    lando__arena_cleanup(&a);
    assert_int_equal(t_alloc_live(), live - 1);
}

static void
arena_gives_a_big_request_its_own_chunk_and_keeps_filling(void **state)
{
    lando_arena_t a;
    unsigned char *small1, *big, *small2;

    lando__arena_init(&a, FIRST);
    small1 = lando__arena_alloc(&a, 16);
    big = lando__arena_alloc(&a, 100000);
    small2 = lando__arena_alloc(&a, 16);
    assert_non_null(big);
    memset(big, 1, 100000);
    /* The small ones still come from the first chunk, back to back. */
    assert_ptr_equal(small2, small1 + 16);
    lando__arena_cleanup(&a);
}

static void
arena_grows_the_latest_allocation_in_place(void **state)
{
    lando_arena_t a;
    char *p, *q, *r;

    lando__arena_init(&a, FIRST);
    p = lando__arena_alloc(&a, 10);
    memcpy(p, "0123456789", 10);
    q = lando__arena_grow(&a, p, 10, 100);
    assert_ptr_equal(q, p);

    r = lando__arena_alloc(&a, 8);
    assert_ptr_equal(r, p + 112);
    /* No longer the latest: grown by copy. */
    q = lando__arena_grow(&a, p, 100, 200);
    assert_non_null(q);
    assert_true(q != p);
    assert_memory_equal(q, "0123456789", 10);

    /* Shrinking or NULL. */
    assert_ptr_equal(lando__arena_grow(&a, q, 200, 50), q);
    assert_non_null(lando__arena_grow(&a, NULL, 0, 50));
    /* Past the chunk: copied into a new one. */
    r = lando__arena_grow(&a, q, 200, 3 * FIRST);
    assert_non_null(r);
    assert_memory_equal(r, "0123456789", 10);
    lando__arena_cleanup(&a);
}

static void
arena_refuses_sizes_that_overflow(void **state)
{
    lando_arena_t a;

    lando__arena_init(&a, FIRST);
    assert_null(lando__arena_alloc(&a, SIZE_MAX));
    assert_null(lando__arena_alloc(&a, SIZE_MAX - 8));
    assert_null(lando__arena_alloc(&a, SIZE_MAX - sizeof(lando_chunk_t)));
    assert_non_null(lando__arena_alloc(&a, 0));
    assert_null(lando__arena_grow(&a, lando__arena_alloc(&a, 8), 8,
                                  SIZE_MAX));
    lando__arena_cleanup(&a);
}

static void
arena_returns_null_when_the_heap_fails(void **state)
{
    lando_arena_t a;

    lando__arena_init(&a, FIRST);
    t_alloc_fail_at(0);
    assert_null(lando__arena_alloc(&a, 8));
    assert_non_null(lando__arena_alloc(&a, 8));
    t_alloc_fail_at(0);
    assert_null(lando__arena_alloc(&a, 5000));
    t_alloc_fail_at(-1);
    lando__arena_cleanup(&a);
}

T_APP_TEST(arena_memory_of_one_invocation_is_reused_by_the_next)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    char *one = lando_ctx_strdup(ctx, "first invocation");
    char *two;

    assert_int_equal(lando_ctx_set(ctx, "k", one), LANDO_OK);
    ctx = t_begin(app, "GET", "/");
    assert_null(lando_ctx_get(ctx, "k"));
    two = lando_ctx_alloc(ctx, 1);
    assert_non_null(two);
    assert_int_equal((uintptr_t)two % 16, 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(arena_aligns_every_allocation_to_16_bytes),
        cmocka_unit_test(arena_keeps_its_first_chunk_across_resets),
        cmocka_unit_test(
            arena_gives_a_big_request_its_own_chunk_and_keeps_filling),
        cmocka_unit_test(arena_grows_the_latest_allocation_in_place),
        cmocka_unit_test(arena_refuses_sizes_that_overflow),
        cmocka_unit_test(arena_returns_null_when_the_heap_fails),
        cmocka_unit_test(
            arena_memory_of_one_invocation_is_reused_by_the_next),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
