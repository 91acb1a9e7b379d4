/*
 * The error table: names, messages, slugs and statuses, and what user
 * and unknown codes get.
 */
#include <string.h>

#include "support.h"

static void
error_table_gives_name_status_slug_and_message(void **state)
{
    assert_string_equal(lando_err_name(LANDO_OK), "OK");
    assert_string_equal(lando_err_name(LANDO_ENOTFOUND), "ENOTFOUND");
    assert_int_equal(lando_err_status(LANDO_ENOTFOUND), 404);
    assert_string_equal(lando_err_slug(LANDO_ENOTFOUND), "not_found");
    assert_string_equal(lando_strerror(LANDO_ENOTFOUND),
                        "no route matches the path");
    assert_int_equal(lando_err_status(LANDO_EMETHOD), 405);
    assert_int_equal(lando_err_status(LANDO_EMEDIATYPE), 415);
    assert_string_equal(lando_err_slug(LANDO_EMEDIATYPE),
                        "unsupported_media_type");
    assert_int_equal(lando_err_status(LANDO_EBADJSON), 400);
    assert_int_equal(lando_err_status(LANDO_ENOMEM), 500);
    assert_string_equal(lando_err_name(LANDO_EUNAVAILABLE), "EUNAVAILABLE");
    assert_int_equal(lando_err_status(LANDO_EUNAVAILABLE), 503);
}

static void
error_every_table_code_has_a_distinct_name(void **state)
{
    int i, j;

    for (i = 0; i < LANDO__ERR_COUNT; i++) {
        assert_true(strlen(lando_err_name(i)) > 1);
        assert_true(strlen(lando_strerror(i)) > 1);
        assert_true(strlen(lando_err_slug(i)) > 1);
        assert_in_range(lando_err_status(i), 200, 599);
        for (j = 0; j < i; j++) {
            assert_string_not_equal(lando_err_name(i), lando_err_name(j));
        }
    }
}

static void
error_user_and_unknown_codes_are_500(void **state)
{
    assert_string_equal(lando_err_name(LANDO_EUSER), "EUSER");
    assert_string_equal(lando_err_name(LANDO_EUSER + 41), "EUSER");
    assert_int_equal(lando_err_status(LANDO_EUSER + 1), 500);
    assert_string_equal(lando_err_slug(LANDO_EUSER + 1), "error");
    assert_non_null(lando_strerror(LANDO_EUSER + 1));

    assert_int_equal(lando_err_status(-1), 500);
    assert_int_equal(lando_err_status(LANDO__ERR_COUNT), 500);
    assert_int_equal(lando_err_status(LANDO_EUSER - 1), 500);
    assert_non_null(lando_err_name(-7));
    assert_non_null(lando_strerror(-7));
    assert_string_equal(lando_err_slug(-7), "internal_error");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(error_table_gives_name_status_slug_and_message),
        cmocka_unit_test(error_every_table_code_has_a_distinct_name),
        cmocka_unit_test(error_user_and_unknown_codes_are_500),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
