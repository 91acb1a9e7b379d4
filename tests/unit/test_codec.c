/*
 * White-box tests of the byte codecs (framework/codec.c): percent
 * decoding, query and form parsing, base64 both ways and the UTF-8
 * check.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

typedef struct fixture {
    lando_app_t *app;
    lando_ctx_t *ctx;
    lando_fields_t fields;
} fixture_t;

static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    f->app = lando_app_new();
    assert_non_null(f->app);
    f->ctx = lando_ctx_new(f->app);
    assert_non_null(f->ctx);
    lando_ctx_begin(f->ctx, LANDO_SOURCE_NONE);
    lando__fields_init(&f->fields, false);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;

    lando_ctx_free(f->ctx);
    lando_app_free(f->app);
    free(f);
    return 0;
}

/* ---- percent decoding -------------------------------------------------- */

/* Decode S (NUL-terminated) into a static buffer; length in *LEN. */
static const char *
pct(const char *s, bool plus_space, bool strict, long *len)
{
    static char buf[256];

    *len = lando__pct_decode(buf, s, strlen(s), plus_space, strict);
    return *len < 0 ? NULL : buf;
}

static void
pct_decode_turns_escapes_into_bytes(void **state)
{
    long n;

    (void)state;
    assert_string_equal(pct("a%20b", false, true, &n), "a b");
    assert_int_equal(n, 3);
    assert_string_equal(pct("%41%4a%4A%7e", false, true, &n), "AJJ~");
    assert_string_equal(pct("%E2%82%AC", false, true, &n), "\xe2\x82\xac");
    assert_string_equal(pct("plain", false, true, &n), "plain");
    assert_string_equal(pct("", false, true, &n), "");
    assert_int_equal(n, 0);
}

static void
pct_decode_turns_plus_into_space_only_when_asked(void **state)
{
    long n;

    (void)state;
    assert_string_equal(pct("a+b%2B", false, true, &n), "a+b+");
    assert_string_equal(pct("a+b%2B", true, true, &n), "a b+");
}

static void
pct_decode_keeps_bad_escapes_unless_strict(void **state)
{
    static const char *const bad[] = {"%",   "a%",  "%4",   "%zz",
                                      "%4g", "%g4", "100%", "%%41"};
    long n;

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(pct(bad[i], false, true, &n));
        assert_int_equal(n, -1);
    }
    assert_string_equal(pct("%", false, false, &n), "%");
    assert_string_equal(pct("100%", false, false, &n), "100%");
    assert_string_equal(pct("%zz%41", false, false, &n), "%zzA");
    assert_string_equal(pct("%%41", false, false, &n), "%A");
    assert_string_equal(pct("%4", false, false, &n), "%4");
}

static void
pct_decode_counts_nul_bytes_it_produces(void **state)
{
    char buf[16];
    long n;

    (void)state;
    n = lando__pct_decode(buf, "a%00b", 5, false, true);
    assert_int_equal(n, 3);
    assert_memory_equal(buf, "a\0b", 4);
}

static void
pct_decode_stops_at_the_given_length(void **state)
{
    char buf[16];
    long n;

    (void)state;
    /* The escape is cut by LEN: it must not be read past. */
    n = lando__pct_decode(buf, "ab%41", 4, false, false);
    assert_int_equal(n, 4);
    assert_string_equal(buf, "ab%4");
    assert_int_equal(lando__pct_decode(buf, "ab%41", 4, false, true), -1);
}

static void
pct_decode_works_in_place(void **state)
{
    char s[] = "x%2Fy%20z+w";
    long n;

    (void)state;
    n = lando__pct_decode(s, s, strlen(s), true, true);
    assert_int_equal(n, 7);
    assert_string_equal(s, "x/y z w");
}

/* ---- query strings ------------------------------------------------------ */

static void
expect_field(const lando_fields_t *f, size_t i, const char *name,
             const char *value)
{
    const lando_field_t *p = lando_fields_at(f, i);

    assert_non_null(p);
    assert_string_equal(p->name, name);
    assert_string_equal(p->value, value);
    assert_int_equal(p->name_len, strlen(name));
    assert_int_equal(p->value_len, strlen(value));
}

static lando_err_t
parse(fixture_t *f, const char *s, bool strict)
{
    lando__fields_init(&f->fields, false);
    return lando__query_parse(f->ctx, &f->fields, s, strlen(s), strict);
}

static void
query_parse_keeps_repeated_keys_in_order(void **state)
{
    fixture_t *f = *state;
    const lando_field_t *p = NULL;

    assert_int_equal(parse(f, "a=1&b=2&a=3", true), LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 3);
    expect_field(&f->fields, 0, "a", "1");
    expect_field(&f->fields, 1, "b", "2");
    expect_field(&f->fields, 2, "a", "3");
    assert_int_equal(lando_fields_count_of(&f->fields, "a"), 2);
    p = lando_fields_next(&f->fields, "a", p);
    assert_string_equal(p->value, "1");
    p = lando_fields_next(&f->fields, "a", p);
    assert_string_equal(p->value, "3");
}

static void
query_parse_decodes_plus_and_escapes(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(parse(f, "q=hello+world&x%20y=a%26b%3Dc&p=%2B", true),
                     LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 3);
    expect_field(&f->fields, 0, "q", "hello world");
    expect_field(&f->fields, 1, "x y", "a&b=c");
    expect_field(&f->fields, 2, "p", "+");
}

static void
query_parse_keeps_empty_values_and_keys_without_equals(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(parse(f, "a=&b&c=3&=v&d==", true), LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 5);
    expect_field(&f->fields, 0, "a", "");
    expect_field(&f->fields, 1, "b", "");
    expect_field(&f->fields, 2, "c", "3");
    expect_field(&f->fields, 3, "", "v");
    expect_field(&f->fields, 4, "d", "=");
}

static void
query_parse_skips_empty_pieces(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(parse(f, "&&a=1&&&b=2&", true), LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 2);
    expect_field(&f->fields, 0, "a", "1");
    expect_field(&f->fields, 1, "b", "2");
    assert_int_equal(parse(f, "", true), LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 0);
    assert_int_equal(parse(f, "&", true), LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 0);
}

static void
query_parse_refuses_bad_escapes_only_when_strict(void **state)
{
    fixture_t *f = *state;

    assert_int_equal(parse(f, "a=1&b=%zz", true), LANDO_EBADFORM);
    assert_int_equal(parse(f, "a%=1", true), LANDO_EBADFORM);
    assert_int_equal(parse(f, "a=1&b=%zz&c=50%", false), LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 3);
    expect_field(&f->fields, 1, "b", "%zz");
    expect_field(&f->fields, 2, "c", "50%");
}

static void
query_parse_keeps_nul_bytes_in_values(void **state)
{
    fixture_t *f = *state;
    const lando_field_t *p;

    assert_int_equal(parse(f, "k=a%00b", true), LANDO_OK);
    p = lando_fields_at(&f->fields, 0);
    assert_non_null(p);
    assert_int_equal(p->value_len, 3);
    assert_memory_equal(p->value, "a\0b", 4);
}

static void
query_parse_reads_only_the_given_length(void **state)
{
    fixture_t *f = *state;
    const char *s = "a=1&b=2";

    lando__fields_init(&f->fields, false);
    assert_int_equal(lando__query_parse(f->ctx, &f->fields, s, 5, true),
                     LANDO_OK);
    assert_int_equal(lando_fields_count(&f->fields), 2);
    expect_field(&f->fields, 1, "b", "");
}

/* ---- base64 ----------------------------------------------------------- */

/* Decode S; returns the length, the bytes in BUF (room for 256). */
static long
b64d(const char *s, unsigned char *buf)
{
    return lando__b64_decode(buf, s, strlen(s));
}

static void
b64_encodes_the_rfc_4648_vectors(void **state)
{
    static const char *const plain[] = {"",     "f",     "fo",    "foo",
                                        "foob", "fooba", "foobar"};
    static const char *const coded[] = {
        "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
    char out[16];
    unsigned char back[16];

    (void)state;
    for (size_t i = 0; i < 7; i++) {
        size_t len = strlen(plain[i]);

        assert_int_equal(lando__b64_encoded_len(len), strlen(coded[i]));
        memset(out, 'x', sizeof(out));
        lando__b64_encode(out, (const unsigned char *)plain[i], len);
        assert_string_equal(out, coded[i]);
        assert_int_equal(b64d(coded[i], back), (long)len);
        assert_memory_equal(back, plain[i], len);
    }
}

static void
b64_decodes_without_padding(void **state)
{
    unsigned char buf[16];

    (void)state;
    assert_int_equal(b64d("Zg", buf), 1);
    assert_memory_equal(buf, "f", 1);
    assert_int_equal(b64d("Zm8", buf), 2);
    assert_memory_equal(buf, "fo", 2);
    assert_int_equal(b64d("Zm9vYmE", buf), 5);
    assert_memory_equal(buf, "fooba", 5);
}

static void
b64_skips_line_breaks_but_refuses_blanks(void **state)
{
    unsigned char buf[32];

    (void)state;
    assert_int_equal(b64d("Zm9v\r\nYmFy\r\n", buf), 6);
    assert_memory_equal(buf, "foobar", 6);
    assert_int_equal(b64d("Zm9\nvY\rmFy", buf), 6);
    assert_memory_equal(buf, "foobar", 6);
    assert_int_equal(b64d("Zg=\n=\n", buf), 1);
    assert_int_equal(b64d("\r\n", buf), 0);
    /* Spaces and tabs are outside the alphabet: "not really base64"
     * must not decode into garbage. */
    assert_int_equal(b64d("Zm9v YmFy", buf), -1);
    assert_int_equal(b64d("Zm9v\tYmFy", buf), -1);
    assert_int_equal(b64d("Zm8 = ", buf), -1);
    assert_int_equal(b64d("not really base64", buf), -1);
}

static void
b64_refuses_bytes_outside_the_alphabet(void **state)
{
    static const char *const bad[] = {
        "Zm9v!",  "Zm9-",     "Zm9_",     "Zm.v",      "Zm9v\v",
        "Zm9v\f", "Zm9v\xff", "\xc3\xa9", "Zm9v,YmFy",
    };
    unsigned char buf[32];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(b64d(bad[i], buf), -1);
    }
    /* A NUL byte inside the text is not whitespace. */
    assert_int_equal(lando__b64_decode(buf, "Zm9v\0YmFy", 9), -1);
}

static void
b64_refuses_misplaced_padding(void **state)
{
    static const char *const bad[] = {
        "=",     "==",    "Z=",       "Z==",      "=Zg=",  "Zg=",      "Zg===",
        "Zm8==", "Zm9=v", "Zg==Zg==", "Zm8=Zm8=", "Zm9v=", "Zm9v====", "Zg== x",
    };
    unsigned char buf[32];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(b64d(bad[i], buf), -1);
    }
}

static void
b64_refuses_a_dangling_single_character(void **state)
{
    unsigned char buf[32];

    (void)state;
    assert_int_equal(b64d("Z", buf), -1);
    assert_int_equal(b64d("Zm9vY", buf), -1);
    assert_int_equal(b64d("Zm9v Y\n", buf), -1);
}

static void
b64_round_trips_every_length_and_byte(void **state)
{
    unsigned char plain[300];
    char coded[404 + 1];
    unsigned char back[300 + 3];

    (void)state;
    for (size_t i = 0; i < sizeof(plain); i++) {
        plain[i] = (unsigned char)(i * 7 + 3);
    }
    plain[5] = 0;
    plain[6] = 0;
    for (size_t len = 0; len <= sizeof(plain); len++) {
        size_t elen = lando__b64_encoded_len(len);

        assert_true(elen < sizeof(coded));
        lando__b64_encode(coded, plain, len);
        assert_int_equal(strlen(coded), elen);
        assert_true(lando__b64_decoded_max(elen) <= sizeof(back));
        assert_true(lando__b64_decoded_max(elen) >= len);
        assert_int_equal(lando__b64_decode(back, coded, elen), (long)len);
        assert_memory_equal(back, plain, len);
    }
}

static void
b64_round_trips_a_large_binary_body(void **state)
{
    size_t len = (1u << 20) + 1;
    unsigned char *plain = malloc(len);
    char *coded = malloc(lando__b64_encoded_len(len) + 1);
    unsigned char *back =
        malloc(lando__b64_decoded_max(lando__b64_encoded_len(len)));
    uint32_t x = 12345;

    (void)state;
    assert_non_null(plain);
    assert_non_null(coded);
    assert_non_null(back);
    for (size_t i = 0; i < len; i++) {
        x = x * 1103515245u + 12345u;
        plain[i] = (unsigned char)(x >> 24);
    }
    lando__b64_encode(coded, plain, len);
    assert_int_equal(
        lando__b64_decode(back, coded, lando__b64_encoded_len(len)), (long)len);
    assert_memory_equal(back, plain, len);
    free(plain);
    free(coded);
    free(back);
}

static void
b64_decoded_max_covers_any_input(void **state)
{
    unsigned char buf[8];

    (void)state;
    assert_int_equal(lando__b64_decoded_max(0), 0);
    assert_true(lando__b64_decoded_max(2) >= 1);
    assert_true(lando__b64_decoded_max(3) >= 2);
    assert_true(lando__b64_decoded_max(4) >= 3);
    assert_true(lando__b64_decoded_max(6) >= 4);
    assert_int_equal(lando__b64_encoded_len(0), 0);
    assert_int_equal(lando__b64_encoded_len(1), 4);
    assert_int_equal(lando__b64_encoded_len(3), 4);
    assert_int_equal(lando__b64_encoded_len(4), 8);
    /* An empty input decodes to nothing, also from a NULL pointer. */
    assert_int_equal(lando__b64_decode(buf, NULL, 0), 0);
}

/* ---- UTF-8 ------------------------------------------------------------- */

static bool
utf8(const char *s)
{
    return lando__utf8_valid(s, strlen(s));
}

static void
utf8_accepts_well_formed_text(void **state)
{
    (void)state;
    assert_true(utf8(""));
    assert_true(utf8("plain ascii text, long enough for the fast path"));
    assert_true(utf8("caf\xc3\xa9"));            /* U+00E9 */
    assert_true(utf8("\xc2\x80"));               /* U+0080 */
    assert_true(utf8("\xdf\xbf"));               /* U+07FF */
    assert_true(utf8("\xe0\xa0\x80"));           /* U+0800 */
    assert_true(utf8("\xe2\x82\xac"));           /* U+20AC */
    assert_true(utf8("\xed\x9f\xbf"));           /* U+D7FF */
    assert_true(utf8("\xee\x80\x80"));           /* U+E000 */
    assert_true(utf8("\xef\xbf\xbf"));           /* U+FFFF */
    assert_true(utf8("\xf0\x90\x80\x80"));       /* U+10000 */
    assert_true(utf8("\xf0\x9f\x98\x80 smile")); /* U+1F600 */
    assert_true(utf8("\xf4\x8f\xbf\xbf"));       /* U+10FFFF */
    assert_true(lando__utf8_valid("a\0b", 3));   /* NUL is ASCII */
    assert_true(lando__utf8_valid(NULL, 0));
}

static void
utf8_refuses_overlong_forms(void **state)
{
    (void)state;
    assert_false(utf8("\xc0\xaf"));
    assert_false(utf8("\xc1\xbf"));
    assert_false(utf8("\xe0\x80\xaf"));
    assert_false(utf8("\xe0\x9f\xbf"));
    assert_false(utf8("\xf0\x80\x80\xaf"));
    assert_false(utf8("\xf0\x8f\xbf\xbf"));
    assert_false(lando__utf8_valid("\xc0\x80", 2));
}

static void
utf8_refuses_surrogates_and_code_points_past_10ffff(void **state)
{
    (void)state;
    assert_false(utf8("\xed\xa0\x80"));     /* U+D800 */
    assert_false(utf8("\xed\xbf\xbf"));     /* U+DFFF */
    assert_false(utf8("\xf4\x90\x80\x80")); /* U+110000 */
    assert_false(utf8("\xf5\x80\x80\x80"));
    assert_false(utf8("\xf7\xbf\xbf\xbf"));
    assert_false(utf8("\xf8\x88\x80\x80\x80"));
    assert_false(utf8("\xfe"));
    assert_false(utf8("\xff"));
}

static void
utf8_refuses_truncated_and_stray_bytes(void **state)
{
    (void)state;
    assert_false(utf8("\xe2\x82"));
    assert_false(utf8("\xf0\x9f\x98"));
    assert_false(utf8("\xc3"));
    assert_false(utf8("\x80"));
    assert_false(utf8("a\xbf"));
    assert_false(utf8("\xe2\x28\xa1"));
    assert_false(utf8("\xf0\x9f\x28\x80"));
    assert_false(utf8("\xc3\xc3"));
    /* The sequence is cut by the length, not by a NUL. */
    assert_false(lando__utf8_valid("\xe2\x82\xac", 2));
}

static void
utf8_finds_a_bad_byte_anywhere_in_a_long_text(void **state)
{
    char buf[64];

    (void)state;
    for (size_t pos = 0; pos < sizeof(buf); pos++) {
        memset(buf, 'a', sizeof(buf));
        buf[pos] = (char)0x80;
        assert_false(lando__utf8_valid(buf, sizeof(buf)));
        buf[pos] = 'a';
        assert_true(lando__utf8_valid(buf, sizeof(buf)));
    }
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pct_decode_turns_escapes_into_bytes),
        cmocka_unit_test(pct_decode_turns_plus_into_space_only_when_asked),
        cmocka_unit_test(pct_decode_keeps_bad_escapes_unless_strict),
        cmocka_unit_test(pct_decode_counts_nul_bytes_it_produces),
        cmocka_unit_test(pct_decode_stops_at_the_given_length),
        cmocka_unit_test(pct_decode_works_in_place),
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(query_parse_keeps_repeated_keys_in_order),
        T(query_parse_decodes_plus_and_escapes),
        T(query_parse_keeps_empty_values_and_keys_without_equals),
        T(query_parse_skips_empty_pieces),
        T(query_parse_refuses_bad_escapes_only_when_strict),
        T(query_parse_keeps_nul_bytes_in_values),
        T(query_parse_reads_only_the_given_length),
#undef T
        cmocka_unit_test(b64_encodes_the_rfc_4648_vectors),
        cmocka_unit_test(b64_decodes_without_padding),
        cmocka_unit_test(b64_skips_line_breaks_but_refuses_blanks),
        cmocka_unit_test(b64_refuses_bytes_outside_the_alphabet),
        cmocka_unit_test(b64_refuses_misplaced_padding),
        cmocka_unit_test(b64_refuses_a_dangling_single_character),
        cmocka_unit_test(b64_round_trips_every_length_and_byte),
        cmocka_unit_test(b64_round_trips_a_large_binary_body),
        cmocka_unit_test(b64_decoded_max_covers_any_input),
        cmocka_unit_test(utf8_accepts_well_formed_text),
        cmocka_unit_test(utf8_refuses_overlong_forms),
        cmocka_unit_test(utf8_refuses_surrogates_and_code_points_past_10ffff),
        cmocka_unit_test(utf8_refuses_truncated_and_stray_bytes),
        cmocka_unit_test(utf8_finds_a_bad_byte_anywhere_in_a_long_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
