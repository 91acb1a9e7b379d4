/*
 * Name/value lists: order, repeated names, case rules, growth in the
 * arena, removal and values holding NUL bytes. White-box where the list
 * is built, public API where it is read.
 */
#include <string.h>

#include "support.h"
#include "internal.h"

T_APP_TEST(fields_keep_arrival_order_and_repeated_names)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_fields_t f;

    lando__fields_init(&f, false);
    assert_int_equal(lando__fields_add(ctx, &f, "a", 1, "1", 1), LANDO_OK);
    assert_int_equal(lando__fields_add(ctx, &f, "b", 1, "2", 1), LANDO_OK);
    assert_int_equal(lando__fields_add(ctx, &f, "a", 1, "3", 1), LANDO_OK);

    assert_int_equal(lando_fields_count(&f), 3);
    assert_string_equal(lando_fields_at(&f, 1)->name, "b");
    assert_null(lando_fields_at(&f, 3));
    assert_string_equal(lando_fields_get(&f, "a"), "1");
    assert_int_equal(lando_fields_count_of(&f, "a"), 2);
    assert_string_equal(lando_fields_next(&f, "a",
                                          lando_fields_next(&f, "a", NULL))
                            ->value,
                        "3");
}

T_APP_TEST(fields_compare_names_exactly_unless_case_is_ignored)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_fields_t exact, icase;

    lando__fields_init(&exact, false);
    lando__fields_init(&icase, true);
    lando__fields_add(ctx, &exact, "Name", 4, "v", 1);
    lando__fields_add(ctx, &icase, "Name", 4, "v", 1);

    assert_null(lando_fields_get(&exact, "name"));
    assert_string_equal(lando_fields_get(&exact, "Name"), "v");
    assert_string_equal(lando_fields_get(&icase, "nAME"), "v");
    /* A prefix or a longer name is another name. */
    assert_null(lando_fields_get(&icase, "Nam"));
    assert_null(lando_fields_get(&icase, "Names"));

    /* Long names are compared a word at a time where they agree; case
     * may differ in any word, and a late difference still counts. */
    lando__fields_add(ctx, &icase, "Access-Control-Request-Headers", 30,
                      "w", 1);
    assert_string_equal(
        lando_fields_get(&icase, "Access-Control-Request-Headers"), "w");
    assert_string_equal(
        lando_fields_get(&icase, "access-control-request-headers"), "w");
    assert_string_equal(
        lando_fields_get(&icase, "Access-Control-REQUEST-Headers"), "w");
    assert_string_equal(
        lando_fields_get(&icase, "Access-Control-Request-HeaderS"), "w");
    assert_null(lando_fields_get(&icase, "Access-Control-Request-Headerz"));
    assert_null(lando_fields_get(&icase, "Access_Control-Request-Headers"));
}

T_APP_TEST(fields_grow_past_their_first_capacity)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_fields_t f;
    char name[16];
    size_t i;

    lando__fields_init(&f, false);
    for (i = 0; i < 1000; i++) {
        snprintf(name, sizeof(name), "n%zu", i);
        assert_int_equal(lando__fields_add(ctx, &f, name, strlen(name),
                                           name + 1, strlen(name + 1)),
                         LANDO_OK);
        /* Something else in the arena between two adds. */
        assert_non_null(lando_ctx_alloc(ctx, 24));
    }
    assert_int_equal(lando_fields_count(&f), 1000);
    assert_string_equal(lando_fields_get(&f, "n0"), "0");
    assert_string_equal(lando_fields_get(&f, "n777"), "777");
    assert_string_equal(lando_fields_at(&f, 999)->value, "999");
}

T_APP_TEST(fields_remove_every_pair_of_a_name)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    lando_fields_t f;

    lando__fields_init(&f, true);
    lando__fields_add(ctx, &f, "x", 1, "1", 1);
    lando__fields_add(ctx, &f, "y", 1, "2", 1);
    lando__fields_add(ctx, &f, "X", 1, "3", 1);
    lando__fields_remove(&f, "x");
    assert_int_equal(lando_fields_count(&f), 1);
    assert_string_equal(lando_fields_at(&f, 0)->name, "y");
    lando__fields_remove(&f, "absent");
    assert_int_equal(lando_fields_count(&f), 1);
}

T_APP_TEST(fields_carry_values_with_nul_bytes_and_borrow_with_ref)
{
    lando_ctx_t *ctx = t_begin(app, "GET", "/");
    static const char value[] = "a\0b";
    lando_fields_t f;
    const lando_field_t *item;

    lando__fields_init(&f, false);
    assert_int_equal(lando__fields_add(ctx, &f, "k", 1, value, 3),
                     LANDO_OK);
    assert_int_equal(lando__fields_add_ref(ctx, &f, "r", 1, value, 3),
                     LANDO_OK);
    item = lando_fields_at(&f, 0);
    assert_int_equal(item->value_len, 3);
    assert_memory_equal(item->value, value, 4);
    assert_true(item->value != value);
    assert_ptr_equal(lando_fields_at(&f, 1)->value, value);
}

static void
fields_null_lists_are_empty(void **state)
{
    assert_int_equal(lando_fields_count(NULL), 0);
    assert_null(lando_fields_at(NULL, 0));
    assert_null(lando_fields_get(NULL, "a"));
    assert_null(lando_fields_next(NULL, "a", NULL));
    assert_int_equal(lando_fields_count_of(NULL, "a"), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(fields_keep_arrival_order_and_repeated_names),
        cmocka_unit_test(fields_compare_names_exactly_unless_case_is_ignored),
        cmocka_unit_test(fields_grow_past_their_first_capacity),
        cmocka_unit_test(fields_remove_every_pair_of_a_name),
        cmocka_unit_test(
            fields_carry_values_with_nul_bytes_and_borrow_with_ref),
        cmocka_unit_test(fields_null_lists_are_empty),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
