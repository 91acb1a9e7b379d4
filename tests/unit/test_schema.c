/*
 * The JSON Schema subset validator: compiling (and refusing what the
 * subset lacks), each keyword, failure paths, and running out of memory.
 * lando's and jansson's allocations go through cmocka's (support.h), so
 * a leak fails the test that caused it.
 */
#include <stdio.h>
#include <string.h>

#include "support.h"

#include <lando/schema.h>

/* ---- helpers ---------------------------------------------------------- */

static lando_schema_t *
compile_ok(const char *text)
{
    lando_schema_t *s = NULL;
    char why[256];
    lando_err_t err = lando_schema_compile(text, &s, why, sizeof(why));

    if (err != LANDO_OK) {
        print_error("schema %s: %s\n", text, why);
    }
    assert_int_equal(err, LANDO_OK);
    assert_non_null(s);
    return s;
}

/* The refusal text for TEXT; asserts that it is refused with EINVAL. */
static const char *
compile_refused(const char *text)
{
    static char why[256];
    lando_schema_t *s = (lando_schema_t *)1;

    assert_int_equal(lando_schema_compile(text, &s, why, sizeof(why)),
                     LANDO_EINVAL);
    assert_null(s);
    return why;
}

static bool
valid(const lando_schema_t *s, const char *value_text)
{
    json_t *v = json_loads(value_text, JSON_DECODE_ANY, NULL);
    json_t *errors = NULL;
    lando_err_t err;

    assert_non_null(v);
    err = lando_schema_validate(s, v, &errors);
    json_decref(v);
    if (err == LANDO_OK) {
        assert_null(errors);
        return true;
    }
    assert_int_equal(err, LANDO_EVALIDATION);
    assert_non_null(errors);
    json_decref(errors);
    return false;
}

/*
 * The failures of VALUE_TEXT as one string "path: message; path:
 * message" (static buffer), "" when the value is valid.
 */
static const char *
failures(const lando_schema_t *s, const char *value_text)
{
    static char out[2048];
    json_t *v = json_loads(value_text, JSON_DECODE_ANY, NULL);
    json_t *errors = NULL, *item;
    size_t i, len = 0;

    assert_non_null(v);
    lando_schema_validate(s, v, &errors);
    json_decref(v);
    out[0] = '\0';
    json_array_foreach(errors, i, item) {
        len += (size_t)snprintf(
            out + len, sizeof(out) - len, "%s%s: %s", i ? "; " : "",
            json_string_value(json_object_get(item, "path")),
            json_string_value(json_object_get(item, "message")));
        assert_true(len < sizeof(out));
    }
    json_decref(errors);
    return out;
}

/* ---- compiling -------------------------------------------------------- */

static void
schema_refuses_an_unsupported_keyword_and_names_where_it_is(void **state)
{
    const char *why = compile_refused(
        "{\"type\": \"object\", \"properties\": "
        "{\"title\": {\"type\": \"string\", \"pattern\": \"^a\"}}}");

    assert_string_equal(why, "$.properties.title: unsupported keyword "
                             "\"pattern\"");
}

static void
schema_refuses_nullable_and_says_what_to_write_instead(void **state)
{
    const char *why =
        compile_refused("{\"type\": \"string\", \"nullable\": true}");

    assert_non_null(strstr(why, "\"nullable\""));
    assert_non_null(strstr(why, "\"null\""));
}

static void
schema_refuses_the_boolean_form_of_exclusive_minimum(void **state)
{
    const char *why =
        compile_refused("{\"minimum\": 1, \"exclusiveMinimum\": true}");

    assert_non_null(strstr(why, "exclusiveMinimum"));
    assert_non_null(strstr(why, "must be a number"));
}

static void
schema_refuses_malformed_json_with_its_position(void **state)
{
    const char *why = compile_refused("{\"type\": }");

    assert_non_null(strstr(why, "malformed JSON at line 1"));
}

static void
schema_refuses_bad_keyword_values(void **state)
{
    assert_non_null(strstr(compile_refused("{\"type\": \"text\"}"),
                           "unknown type \"text\""));
    assert_non_null(strstr(compile_refused("{\"type\": []}"), "type"));
    assert_non_null(strstr(compile_refused("{\"required\": [1]}"), "required"));
    assert_non_null(
        strstr(compile_refused("{\"minLength\": -1}"), "non-negative"));
    assert_non_null(
        strstr(compile_refused("{\"maxItems\": 1.5}"), "non-negative"));
    assert_non_null(strstr(compile_refused("{\"enum\": []}"), "enum"));
    assert_non_null(strstr(compile_refused("{\"items\": [{}]}"), "tuple"));
    assert_non_null(
        strstr(compile_refused("{\"properties\": []}"), "properties"));
    assert_non_null(strstr(compile_refused("3"), "must be an object"));
    assert_string_equal(
        compile_refused("{\"items\": {\"items\": {\"oneOf\": []}}}"),
        "$.items.items: unsupported keyword \"oneOf\"");
}

static void
schema_accepts_annotations_and_extensions(void **state)
{
    lando_schema_t *s = compile_ok(
        "{\"title\": \"T\", \"description\": \"d\", \"default\": 1, "
        "\"examples\": [1], \"format\": \"email\", \"deprecated\": false, "
        "\"readOnly\": false, \"writeOnly\": false, \"$comment\": \"c\", "
        "\"x-internal\": true, \"type\": \"string\"}");

    /* format only annotates */
    assert_true(valid(s, "\"not an email\""));
    lando_schema_free(s);
}

static void
schema_keeps_its_json_for_documents(void **state)
{
    lando_schema_t *s = compile_ok("{\"type\": \"integer\"}");
    const json_t *js = lando_schema_json(s);

    assert_string_equal(json_string_value(json_object_get(js, "type")),
                        "integer");
    lando_schema_free(s);
    lando_schema_free(NULL);
}

/* ---- each keyword ------------------------------------------------------ */

static void
schema_checks_a_single_type(void **state)
{
    lando_schema_t *s = compile_ok("{\"type\": \"string\"}");

    assert_true(valid(s, "\"x\""));
    assert_false(valid(s, "1"));
    assert_string_equal(failures(s, "null"), "$: must be a string");
    lando_schema_free(s);
}

static void
schema_checks_a_list_of_types_such_as_string_or_null(void **state)
{
    lando_schema_t *s = compile_ok("{\"type\": [\"null\", \"string\"]}");

    assert_true(valid(s, "\"x\""));
    assert_true(valid(s, "null"));
    assert_string_equal(failures(s, "true"), "$: must be a string or null");
    lando_schema_free(s);
}

static void
schema_integer_accepts_whole_reals_and_refuses_fractions(void **state)
{
    lando_schema_t *s = compile_ok("{\"type\": \"integer\"}");

    assert_true(valid(s, "3"));
    assert_true(valid(s, "3.0"));
    assert_false(valid(s, "3.5"));
    assert_false(valid(s, "\"3\""));
    assert_string_equal(failures(s, "0.5"), "$: must be an integer");
    lando_schema_free(s);

    s = compile_ok("{\"type\": \"number\"}");
    assert_true(valid(s, "3"));
    assert_true(valid(s, "3.5"));
    assert_false(valid(s, "[]"));
    lando_schema_free(s);
}

static void
schema_checks_required_properties_at_their_own_path(void **state)
{
    lando_schema_t *s = compile_ok(
        "{\"type\": \"object\", \"required\": [\"title\", \"done\"]}");

    assert_true(valid(s, "{\"title\": 1, \"done\": 2}"));
    assert_string_equal(failures(s, "{\"done\": false}"),
                        "$.title: is required");
    assert_string_equal(failures(s, "{}"),
                        "$.title: is required; $.done: is required");
    lando_schema_free(s);
}

static void
schema_checks_properties_and_reports_nested_paths(void **state)
{
    lando_schema_t *s = compile_ok(
        "{\"type\": \"object\", \"properties\": {\"items\": {\"type\": "
        "\"array\", \"items\": {\"type\": \"object\", \"required\": "
        "[\"name\"], \"properties\": {\"name\": {\"type\": "
        "\"string\"}}}}}}");

    assert_true(valid(s, "{\"items\": [{\"name\": \"a\"}]}"));
    assert_true(valid(s, "{}"));
    assert_string_equal(
        failures(s, "{\"items\": [{\"name\": \"a\"}, {\"name\": \"b\"}, "
                    "{\"name\": 7}, {}]}"),
        "$.items[2].name: must be a string; $.items[3].name: is required");
    assert_string_equal(failures(s, "{\"items\": {}}"),
                        "$.items: must be an array");
    lando_schema_free(s);
}

static void
schema_quotes_member_names_that_are_not_identifiers(void **state)
{
    lando_schema_t *s =
        compile_ok("{\"properties\": {\"a key\": {\"type\": \"string\"}, "
                   "\"q\\\"\": {\"type\": \"string\"}, \"2x\": false}}");

    assert_string_equal(failures(s, "{\"a key\": 1}"),
                        "$[\"a key\"]: must be a string");
    assert_string_equal(failures(s, "{\"q\\\"\": 1}"),
                        "$[\"q\\\"\"]: must be a string");
    assert_string_equal(failures(s, "{\"2x\": 1}"),
                        "$[\"2x\"]: is not allowed");
    lando_schema_free(s);
}

static void
schema_checks_enum_with_numeric_equality(void **state)
{
    lando_schema_t *s =
        compile_ok("{\"enum\": [\"low\", \"high\", 1, null, {\"a\": [1]}]}");

    assert_true(valid(s, "\"low\""));
    assert_true(valid(s, "1.0"));
    assert_true(valid(s, "null"));
    assert_true(valid(s, "{\"a\": [1.0]}"));
    assert_false(valid(s, "\"mid\""));
    assert_false(valid(s, "{\"a\": [2]}"));
    assert_string_equal(failures(s, "2"),
                        "$: must be one of: \"low\", \"high\", 1, null, "
                        "{\"a\":[1]}");
    lando_schema_free(s);
}

static void
schema_checks_const(void **state)
{
    lando_schema_t *s = compile_ok("{\"const\": \"v1\"}");

    assert_true(valid(s, "\"v1\""));
    assert_string_equal(failures(s, "\"v2\""), "$: must be \"v1\"");
    lando_schema_free(s);
}

static void
schema_checks_minimum_and_maximum_inclusively(void **state)
{
    lando_schema_t *s = compile_ok("{\"minimum\": 1, \"maximum\": 10}");

    assert_true(valid(s, "1"));
    assert_true(valid(s, "10"));
    assert_true(valid(s, "5.5"));
    assert_string_equal(failures(s, "0"), "$: must be >= 1");
    assert_string_equal(failures(s, "10.5"), "$: must be <= 10");
    /* numeric keywords ignore other types */
    assert_true(valid(s, "\"0\""));
    lando_schema_free(s);
}

static void
schema_checks_exclusive_bounds_strictly(void **state)
{
    lando_schema_t *s =
        compile_ok("{\"exclusiveMinimum\": 0, \"exclusiveMaximum\": 2.5}");

    assert_true(valid(s, "0.001"));
    assert_true(valid(s, "2"));
    assert_string_equal(failures(s, "0"), "$: must be > 0");
    assert_string_equal(failures(s, "2.5"), "$: must be < 2.5");
    lando_schema_free(s);
}

static void
schema_compares_large_integers_exactly(void **state)
{
    lando_schema_t *s = compile_ok("{\"maximum\": 9007199254740993}");

    assert_true(valid(s, "9007199254740993"));
    assert_false(valid(s, "9007199254740994"));
    lando_schema_free(s);
}

static void
schema_counts_string_length_in_code_points(void **state)
{
    lando_schema_t *s = compile_ok("{\"minLength\": 2, \"maxLength\": 5}");

    /* "héllo": 6 bytes, 5 code points; an emoji is one code point */
    assert_true(valid(s, "\"h\\u00e9llo\""));
    assert_true(valid(s, "\"\\ud83d\\ude00a\""));
    assert_string_equal(failures(s, "\"\\u00e9\""),
                        "$: must be at least 2 characters long");
    assert_string_equal(failures(s, "\"h\\u00e9llo!\""),
                        "$: must be at most 5 characters long");
    lando_schema_free(s);

    s = compile_ok("{\"minLength\": 1}");
    assert_string_equal(failures(s, "\"\""),
                        "$: must be at least 1 character long");
    lando_schema_free(s);
}

static void
schema_checks_items_and_their_count(void **state)
{
    lando_schema_t *s =
        compile_ok("{\"type\": \"array\", \"minItems\": 1, \"maxItems\": 3, "
                   "\"items\": {\"type\": \"integer\"}}");

    assert_true(valid(s, "[1, 2, 3]"));
    assert_string_equal(failures(s, "[]"), "$: must have at least 1 item");
    assert_string_equal(failures(s, "[1, 2, 3, 4]"),
                        "$: must have at most 3 items");
    assert_string_equal(failures(s, "[1, \"2\", 3.5]"),
                        "$[1]: must be an integer; $[2]: must be an "
                        "integer");
    lando_schema_free(s);
}

static void
schema_refuses_additional_properties_when_false(void **state)
{
    lando_schema_t *s =
        compile_ok("{\"type\": \"object\", \"properties\": {\"a\": {}}, "
                   "\"additionalProperties\": false}");

    assert_true(valid(s, "{\"a\": 1}"));
    assert_string_equal(failures(s, "{\"a\": 1, \"b\": 2, \"c\": 3}"),
                        "$.b: is not allowed; $.c: is not allowed");
    lando_schema_free(s);
}

static void
schema_checks_additional_properties_against_a_schema(void **state)
{
    lando_schema_t *s =
        compile_ok("{\"properties\": {\"id\": {\"type\": \"string\"}}, "
                   "\"additionalProperties\": {\"type\": \"integer\"}}");

    assert_true(valid(s, "{\"id\": \"x\", \"n\": 1}"));
    assert_string_equal(failures(s, "{\"id\": \"x\", \"n\": \"1\"}"),
                        "$.n: must be an integer");
    lando_schema_free(s);
}

static void
schema_true_accepts_everything_and_false_nothing(void **state)
{
    lando_schema_t *s = compile_ok("true");

    assert_true(valid(s, "{\"anything\": [1]}"));
    lando_schema_free(s);

    s = compile_ok("false");
    assert_string_equal(failures(s, "1"), "$: is not allowed");
    lando_schema_free(s);
}

static void
schema_reports_at_most_the_error_limit(void **state)
{
    lando_schema_t *s = compile_ok("{\"items\": {\"type\": \"string\"}}");
    json_t *v = json_array();
    json_t *errors = NULL;
    int i;

    for (i = 0; i < 100; i++) {
        json_array_append_new(v, json_integer(i));
    }
    assert_int_equal(lando_schema_validate(s, v, &errors), LANDO_EVALIDATION);
    assert_int_equal(json_array_size(errors), LANDO_SCHEMA_MAX_ERRORS);
    json_decref(errors);
    json_decref(v);
    lando_schema_free(s);
}

static void
schema_validates_without_a_list_when_none_is_asked_for(void **state)
{
    lando_schema_t *s = compile_ok("{\"required\": [\"a\"]}");
    json_t *v = json_object();

    assert_int_equal(lando_schema_validate(s, v, NULL), LANDO_EVALIDATION);
    json_object_set_new(v, "a", json_null());
    assert_int_equal(lando_schema_validate(s, v, NULL), LANDO_OK);
    assert_int_equal(lando_schema_validate(NULL, v, NULL), LANDO_EINVAL);
    json_decref(v);
    lando_schema_free(s);
}

/* ---- running out of memory -------------------------------------------- */

static const char *const chaos_schema =
    "{\"type\": \"object\", \"required\": [\"a\"], \"properties\": "
    "{\"a\": {\"type\": [\"string\", \"null\"], \"enum\": [\"x\", null], "
    "\"minLength\": 1}, \"b\": {\"items\": {\"minimum\": 2}}}, "
    "\"additionalProperties\": false}";

static void
schema_compile_returns_enomem_at_every_failed_allocation(void **state)
{
    json_t *js = json_loads(chaos_schema, 0, NULL);
    lando_schema_t *s = NULL;
    lando_err_t err;
    long n;

    /* Parsed first: jansson's parser may report a failed allocation as
     * a syntax error, which is not what this test is about. */
    assert_non_null(js);
    for (n = 0;; n++) {
        t_alloc_fail_at(n);
        err = lando_schema_compile_json(js, &s, NULL, 0);
        t_alloc_fail_at(-1);
        if (err == LANDO_OK) {
            break;
        }
        assert_int_equal(err, LANDO_ENOMEM);
        assert_null(s);
        assert_true(n < 10000);
    }
    assert_true(n > 3);
    lando_schema_free(s);
    json_decref(js);
}

static void
schema_validate_returns_enomem_at_every_failed_allocation(void **state)
{
    lando_schema_t *s = compile_ok(chaos_schema);
    json_t *v = json_loads("{\"b\": [1, 1], \"c\": 1}", 0, NULL);
    json_t *errors = NULL;
    lando_err_t err;
    long n;

    for (n = 0;; n++) {
        t_alloc_fail_at(n);
        err = lando_schema_validate(s, v, &errors);
        t_alloc_fail_at(-1);
        if (err != LANDO_ENOMEM) {
            break;
        }
        assert_null(errors);
        assert_true(n < 10000);
    }
    assert_int_equal(err, LANDO_EVALIDATION);
    assert_int_equal(json_array_size(errors), 4);
    json_decref(errors);
    json_decref(v);
    lando_schema_free(s);
}

#define T(name) cmocka_unit_test(name)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(schema_refuses_an_unsupported_keyword_and_names_where_it_is),
        T(schema_refuses_nullable_and_says_what_to_write_instead),
        T(schema_refuses_the_boolean_form_of_exclusive_minimum),
        T(schema_refuses_malformed_json_with_its_position),
        T(schema_refuses_bad_keyword_values),
        T(schema_accepts_annotations_and_extensions),
        T(schema_keeps_its_json_for_documents),
        T(schema_checks_a_single_type),
        T(schema_checks_a_list_of_types_such_as_string_or_null),
        T(schema_integer_accepts_whole_reals_and_refuses_fractions),
        T(schema_checks_required_properties_at_their_own_path),
        T(schema_checks_properties_and_reports_nested_paths),
        T(schema_quotes_member_names_that_are_not_identifiers),
        T(schema_checks_enum_with_numeric_equality),
        T(schema_checks_const),
        T(schema_checks_minimum_and_maximum_inclusively),
        T(schema_checks_exclusive_bounds_strictly),
        T(schema_compares_large_integers_exactly),
        T(schema_counts_string_length_in_code_points),
        T(schema_checks_items_and_their_count),
        T(schema_refuses_additional_properties_when_false),
        T(schema_checks_additional_properties_against_a_schema),
        T(schema_true_accepts_everything_and_false_nothing),
        T(schema_reports_at_most_the_error_limit),
        T(schema_validates_without_a_list_when_none_is_asked_for),
        T(schema_compile_returns_enomem_at_every_failed_allocation),
        T(schema_validate_returns_enomem_at_every_failed_allocation),
    };

    t_use_test_allocator();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
