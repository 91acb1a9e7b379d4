/*
 * White-box tests of the router trie (framework/router.c): precedence
 * with backtracking, 404 against 405 and the exact Allow list, HEAD and
 * ANY, parameters and their decoding, trailing slashes, conflicts at
 * registration, odd paths and scale. Routes are built by hand here;
 * registration through the app is tested with the app.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "internal.h"

#define MAX_ROUTES 64

typedef struct fixture {
    lando_app_t *app;
    lando_ctx_t *ctx;
    lando_router_t *router;
    bool strict;
    lando_route_t routes[MAX_ROUTES];
    size_t count;
    lando_fields_t params;
} fixture_t;

static void
route_fill(lando_route_t *r, const char *method, const char *pattern)
{
    memset(r, 0, sizeof(*r));
    r->method = (char *)method;
    r->pattern = (char *)pattern;
    r->any = strcmp(method, "ANY") == 0;
    r->method_bit = r->any ? 0 : lando__method_bit(method);
}

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
    f->router = lando__router_new();
    assert_non_null(f->router);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    fixture_t *f = *state;

    lando__router_free(f->router);
    lando_ctx_free(f->ctx);
    lando_app_free(f->app);
    free(f);
    return 0;
}

/* Register METHOD PATTERN; returns the code and the route in *OUT. */
static lando_err_t
try_add(fixture_t *f, const char *method, const char *pattern,
        lando_route_t **out, lando_route_t **other)
{
    lando_route_t *r;
    lando_route_t *dummy = NULL;

    assert_true(f->count < MAX_ROUTES);
    r = &f->routes[f->count++];
    route_fill(r, method, pattern);
    if (out) {
        *out = r;
    }
    return lando__router_add(f->router, r, other ? other : &dummy);
}

static lando_route_t *
add(fixture_t *f, const char *method, const char *pattern)
{
    lando_route_t *r = NULL;

    assert_int_equal(try_add(f, method, pattern, &r, NULL), LANDO_OK);
    return r;
}

/* Look up METHOD PATH; parameters land in f->params. */
static lando_err_t
match(fixture_t *f, const char *method, const char *path, lando_route_t **route,
      unsigned *allowed)
{
    lando_route_t *dummy;

    lando__fields_init(&f->params, false);
    return lando__router_match(f->router, f->ctx, method, path, f->strict,
                               route ? route : &dummy, &f->params, allowed);
}

/* The route that serves METHOD PATH; fails the test on any error. */
static lando_route_t *
served(fixture_t *f, const char *method, const char *path)
{
    lando_route_t *r = NULL;

    assert_int_equal(match(f, method, path, &r, NULL), LANDO_OK);
    assert_non_null(r);
    return r;
}

static const char *
param(fixture_t *f, const char *name)
{
    return lando_fields_get(&f->params, name);
}

static const char *
allow(fixture_t *f, const char *path)
{
    return lando__router_allow(f->router, f->ctx, path, f->strict);
}

/* ---- precedence -------------------------------------------------------- */

static void
router_prefers_a_literal_segment_to_a_parameter(void **state)
{
    fixture_t *f = *state;
    lando_route_t *param_route = add(f, "GET", "/users/{id}");
    lando_route_t *me = add(f, "GET", "/users/me");

    assert_ptr_equal(served(f, "GET", "/users/me"), me);
    assert_int_equal(lando_fields_count(&f->params), 0);
    assert_ptr_equal(served(f, "GET", "/users/42"), param_route);
    assert_string_equal(param(f, "id"), "42");
}

static void
router_prefers_a_parameter_to_a_greedy_parameter(void **state)
{
    fixture_t *f = *state;
    lando_route_t *greedy = add(f, "GET", "/files/{path+}");
    lando_route_t *one = add(f, "GET", "/files/{name}");

    assert_ptr_equal(served(f, "GET", "/files/a"), one);
    assert_string_equal(param(f, "name"), "a");
    assert_null(param(f, "path"));
    assert_ptr_equal(served(f, "GET", "/files/a/b"), greedy);
    assert_string_equal(param(f, "path"), "a/b");
}

static void
router_backtracks_when_the_literal_branch_dead_ends(void **state)
{
    fixture_t *f = *state;
    lando_route_t *lit = add(f, "GET", "/a/b/c");
    lando_route_t *par = add(f, "GET", "/a/{x}/d");

    assert_ptr_equal(served(f, "GET", "/a/b/d"), par);
    assert_string_equal(param(f, "x"), "b");
    assert_ptr_equal(served(f, "GET", "/a/b/c"), lit);
    assert_int_equal(lando_fields_count(&f->params), 0);
}

static void
router_backtracks_to_a_greedy_parameter_at_a_higher_level(void **state)
{
    fixture_t *f = *state;
    lando_route_t *greedy = add(f, "GET", "/{rest+}");

    add(f, "GET", "/a/b/c");
    add(f, "GET", "/a/{x}/c");
    assert_ptr_equal(served(f, "GET", "/a/b/z"), greedy);
    assert_string_equal(param(f, "rest"), "a/b/z");
    /* Bindings of the abandoned branch are not reported. */
    assert_null(param(f, "x"));
    assert_int_equal(lando_fields_count(&f->params), 1);
}

static void
router_returns_parameters_in_pattern_order(void **state)
{
    fixture_t *f = *state;
    const lando_field_t *p;

    add(f, "GET", "/orgs/{org}/repos/{repo}/files/{path+}");
    served(f, "GET", "/orgs/lando/repos/core/files/src/a.c");
    assert_int_equal(lando_fields_count(&f->params), 3);
    p = lando_fields_at(&f->params, 0);
    assert_string_equal(p->name, "org");
    assert_string_equal(p->value, "lando");
    p = lando_fields_at(&f->params, 1);
    assert_string_equal(p->name, "repo");
    assert_string_equal(p->value, "core");
    p = lando_fields_at(&f->params, 2);
    assert_string_equal(p->name, "path");
    assert_string_equal(p->value, "src/a.c");
    assert_int_equal(p->value_len, 7);
}

/* ---- 404, 405 and Allow ---------------------------------------------- */

static void
router_answers_404_when_no_route_matches_the_path(void **state)
{
    fixture_t *f = *state;
    unsigned allowed = 123;

    add(f, "GET", "/users/{id}");
    assert_int_equal(match(f, "GET", "/users", NULL, &allowed),
                     LANDO_ENOTFOUND);
    assert_int_equal(allowed, 0);
    assert_int_equal(match(f, "GET", "/users/1/x", NULL, NULL),
                     LANDO_ENOTFOUND);
    assert_int_equal(match(f, "GET", "/nothing", NULL, NULL), LANDO_ENOTFOUND);
    assert_null(allow(f, "/nothing"));
    assert_null(allow(f, "/users"));
}

static void
router_answers_405_when_only_the_method_differs(void **state)
{
    fixture_t *f = *state;
    unsigned allowed = 0;
    lando_route_t *r = (lando_route_t *)1;

    add(f, "POST", "/items");
    add(f, "GET", "/items");
    assert_int_equal(match(f, "DELETE", "/items", &r, &allowed), LANDO_EMETHOD);
    assert_null(r);
    assert_int_equal(allowed, LANDO__M_GET | LANDO__M_HEAD | LANDO__M_POST |
                                  LANDO__M_OPTIONS);
    assert_string_equal(allow(f, "/items"), "GET, HEAD, POST, OPTIONS");
}

static void
router_lists_allowed_methods_in_canonical_order(void **state)
{
    fixture_t *f = *state;

    add(f, "TRACE", "/x");
    add(f, "DELETE", "/x");
    add(f, "PATCH", "/x");
    add(f, "PUT", "/x");
    add(f, "POST", "/x");
    assert_string_equal(allow(f, "/x"),
                        "POST, PUT, PATCH, DELETE, OPTIONS, TRACE");
    add(f, "GET", "/x");
    assert_string_equal(allow(f, "/x"), "GET, HEAD, POST, PUT, PATCH, "
                                        "DELETE, OPTIONS, TRACE");
}

static void
router_serves_a_method_from_a_parameter_branch_the_literal_lacks(void **state)
{
    fixture_t *f = *state;
    lando_route_t *me = add(f, "GET", "/users/me");
    lando_route_t *del = add(f, "DELETE", "/users/{id}");
    unsigned allowed = 0;

    assert_ptr_equal(served(f, "DELETE", "/users/me"), del);
    assert_string_equal(param(f, "id"), "me");
    assert_ptr_equal(served(f, "GET", "/users/me"), me);

    /* Neither serves POST: 405 with the union of both candidates. */
    assert_int_equal(match(f, "POST", "/users/me", NULL, &allowed),
                     LANDO_EMETHOD);
    assert_int_equal(allowed, LANDO__M_GET | LANDO__M_HEAD | LANDO__M_DELETE |
                                  LANDO__M_OPTIONS);
    assert_string_equal(allow(f, "/users/me"), "GET, HEAD, DELETE, OPTIONS");
    /* Another id reaches only the parameter route. */
    assert_string_equal(allow(f, "/users/7"), "DELETE, OPTIONS");
    assert_int_equal(match(f, "GET", "/users/7", NULL, &allowed),
                     LANDO_EMETHOD);
    assert_int_equal(allowed, LANDO__M_DELETE | LANDO__M_OPTIONS);
}

static void
router_serves_a_method_from_a_greedy_branch_the_others_lack(void **state)
{
    fixture_t *f = *state;
    lando_route_t *put = add(f, "PUT", "/s3/{key+}");

    add(f, "GET", "/s3/a/b");
    add(f, "GET", "/s3/{bucket}/b");
    assert_ptr_equal(served(f, "PUT", "/s3/a/b"), put);
    assert_string_equal(param(f, "key"), "a/b");
    assert_null(param(f, "bucket"));
    assert_string_equal(allow(f, "/s3/a/b"), "GET, HEAD, PUT, OPTIONS");
    assert_string_equal(allow(f, "/s3/a/c"), "PUT, OPTIONS");
}

static void
router_lists_only_methods_of_candidates_on_the_path(void **state)
{
    fixture_t *f = *state;

    add(f, "GET", "/a/{x}");
    add(f, "POST", "/a/{x}/y");
    add(f, "PUT", "/a/b/c");
    /* "/a/b" reaches only "/a/{x}": the deeper routes are not listed. */
    assert_string_equal(allow(f, "/a/b"), "GET, HEAD, OPTIONS");
}

/* ---- methods ---------------------------------------------------------- */

static void
router_serves_head_with_the_get_route(void **state)
{
    fixture_t *f = *state;
    lando_route_t *get = add(f, "GET", "/page");
    lando_route_t *head;
    unsigned allowed = 0;

    assert_ptr_equal(served(f, "HEAD", "/page"), get);

    head = add(f, "HEAD", "/page");
    assert_ptr_equal(served(f, "HEAD", "/page"), head);
    assert_ptr_equal(served(f, "GET", "/page"), get);

    add(f, "POST", "/form");
    assert_int_equal(match(f, "HEAD", "/form", NULL, &allowed), LANDO_EMETHOD);
    assert_false(allowed & LANDO__M_HEAD);
}

static void
router_prefers_the_exact_method_to_any(void **state)
{
    fixture_t *f = *state;
    lando_route_t *any = add(f, "ANY", "/hook");
    lando_route_t *post = add(f, "POST", "/hook");

    assert_ptr_equal(served(f, "POST", "/hook"), post);
    assert_ptr_equal(served(f, "GET", "/hook"), any);
    assert_ptr_equal(served(f, "PROPFIND", "/hook"), any);
    assert_ptr_equal(served(f, "OPTIONS", "/hook"), any);
    assert_string_equal(allow(f, "/hook"), "GET, HEAD, POST, PUT, PATCH, "
                                           "DELETE, OPTIONS, CONNECT, TRACE");
}

static void
router_prefers_get_to_any_for_head(void **state)
{
    fixture_t *f = *state;
    lando_route_t *get = add(f, "GET", "/x");

    add(f, "ANY", "/x");
    assert_ptr_equal(served(f, "HEAD", "/x"), get);
}

static void
router_prefers_a_literal_any_route_to_a_parameter_get_route(void **state)
{
    fixture_t *f = *state;
    lando_route_t *any = add(f, "ANY", "/users/me");

    add(f, "GET", "/users/{id}");
    assert_ptr_equal(served(f, "GET", "/users/me"), any);
}

static void
router_routes_non_standard_methods(void **state)
{
    fixture_t *f = *state;
    lando_route_t *propfind = add(f, "PROPFIND", "/dav/{file}");
    lando_route_t *mkcol = add(f, "MKCOL", "/dav/{file}");
    unsigned allowed = 0;

    assert_ptr_equal(served(f, "PROPFIND", "/dav/a"), propfind);
    assert_ptr_equal(served(f, "MKCOL", "/dav/a"), mkcol);
    assert_int_equal(match(f, "GET", "/dav/a", NULL, &allowed), LANDO_EMETHOD);
    assert_int_equal(allowed, LANDO__M_OPTIONS);
    assert_string_equal(allow(f, "/dav/a"), "OPTIONS, PROPFIND, MKCOL");

    /* A method listed by two candidates appears once. */
    add(f, "PROPFIND", "/dav/special");
    add(f, "GET", "/dav/special");
    assert_string_equal(allow(f, "/dav/special"),
                        "GET, HEAD, OPTIONS, PROPFIND, MKCOL");
}

static void
router_maps_standard_methods_to_bits(void **state)
{
    (void)state;
    assert_int_equal(lando__method_bit("GET"), LANDO__M_GET);
    assert_int_equal(lando__method_bit("HEAD"), LANDO__M_HEAD);
    assert_int_equal(lando__method_bit("POST"), LANDO__M_POST);
    assert_int_equal(lando__method_bit("PUT"), LANDO__M_PUT);
    assert_int_equal(lando__method_bit("PATCH"), LANDO__M_PATCH);
    assert_int_equal(lando__method_bit("DELETE"), LANDO__M_DELETE);
    assert_int_equal(lando__method_bit("OPTIONS"), LANDO__M_OPTIONS);
    assert_int_equal(lando__method_bit("CONNECT"), LANDO__M_CONNECT);
    assert_int_equal(lando__method_bit("TRACE"), LANDO__M_TRACE);
    assert_int_equal(lando__method_bit("get"), 0);
    assert_int_equal(lando__method_bit("GETS"), 0);
    assert_int_equal(lando__method_bit("PROPFIND"), 0);
    assert_int_equal(lando__method_bit(""), 0);
    assert_int_equal(lando__method_bit(NULL), 0);
}

/* ---- parameters and decoding ------------------------------------------ */

static void
router_binds_a_greedy_parameter_to_the_rest_of_the_path(void **state)
{
    fixture_t *f = *state;

    add(f, "GET", "/static/{path+}");
    served(f, "GET", "/static/css/site/main.css");
    assert_string_equal(param(f, "path"), "css/site/main.css");
    served(f, "GET", "/static/one");
    assert_string_equal(param(f, "path"), "one");
    /* Each segment is decoded on its own, then joined. */
    served(f, "GET", "/static/a%20b/c%2Fd");
    assert_string_equal(param(f, "path"), "a b/c/d");
    /* It needs at least one segment. */
    assert_int_equal(match(f, "GET", "/static", NULL, NULL), LANDO_ENOTFOUND);
    assert_int_equal(match(f, "GET", "/static/", NULL, NULL), LANDO_ENOTFOUND);
}

static void
router_keeps_an_encoded_slash_inside_a_parameter(void **state)
{
    fixture_t *f = *state;

    add(f, "GET", "/users/{id}");
    served(f, "GET", "/users/a%2Fb");
    assert_string_equal(param(f, "id"), "a/b");
    assert_int_equal(match(f, "GET", "/users/a/b", NULL, NULL),
                     LANDO_ENOTFOUND);
}

static void
router_percent_decodes_parameters_and_literals(void **state)
{
    fixture_t *f = *state;
    lando_route_t *lit = add(f, "GET", "/hello world/{name}");
    const lando_field_t *p;

    assert_ptr_equal(served(f, "GET", "/hello%20world/%41%62c"), lit);
    assert_string_equal(param(f, "name"), "Abc");
    assert_ptr_equal(served(f, "GET", "/hello%20world/caf%C3%A9"), lit);
    assert_string_equal(param(f, "name"), "caf\xc3\xa9");

    /* A bad escape is kept as it came. */
    served(f, "GET", "/hello%20world/100%");
    assert_string_equal(param(f, "name"), "100%");
    served(f, "GET", "/hello%20world/%zz%4");
    assert_string_equal(param(f, "name"), "%zz%4");

    /* "%00" gives a NUL byte that the length still counts. */
    served(f, "GET", "/hello%20world/a%00b");
    p = lando_fields_at(&f->params, 0);
    assert_int_equal(p->value_len, 3);
    assert_memory_equal(p->value, "a\0b", 4);

    /* An encoded pattern literal is decoded too. */
    lit = add(f, "GET", "/caf%C3%A9");
    assert_ptr_equal(served(f, "GET", "/caf\xc3\xa9"), lit);
    assert_ptr_equal(served(f, "GET", "/caf%c3%a9"), lit);
}

static void
router_does_not_let_a_parameter_match_an_empty_segment(void **state)
{
    fixture_t *f = *state;

    add(f, "GET", "/a/{x}/b");
    assert_int_equal(match(f, "GET", "/a//b", NULL, NULL), LANDO_ENOTFOUND);
    served(f, "GET", "/a/%20/b");
    assert_string_equal(param(f, "x"), " ");
}

/* ---- slashes ---------------------------------------------------------- */

static void
router_matches_the_root(void **state)
{
    fixture_t *f = *state;
    lando_route_t *root = add(f, "GET", "/");

    assert_ptr_equal(served(f, "GET", "/"), root);
    assert_int_equal(match(f, "GET", "/x", NULL, NULL), LANDO_ENOTFOUND);
    /* An empty path is the root too. */
    assert_ptr_equal(served(f, "GET", ""), root);
    f->strict = true;
    assert_ptr_equal(served(f, "GET", "/"), root);
}

static void
router_ignores_a_trailing_slash_unless_strict(void **state)
{
    fixture_t *f = *state;
    lando_route_t *a = add(f, "GET", "/a");
    lando_route_t *u = add(f, "GET", "/u/{id}");

    assert_ptr_equal(served(f, "GET", "/a/"), a);
    assert_ptr_equal(served(f, "GET", "/u/7/"), u);
    assert_string_equal(param(f, "id"), "7");
    assert_string_equal(allow(f, "/a/"), "GET, HEAD, OPTIONS");
    /* Only one slash is forgiven. */
    assert_int_equal(match(f, "GET", "/a//", NULL, NULL), LANDO_ENOTFOUND);

    f->strict = true;
    assert_int_equal(match(f, "GET", "/a/", NULL, NULL), LANDO_ENOTFOUND);
    assert_int_equal(match(f, "GET", "/u/7/", NULL, NULL), LANDO_ENOTFOUND);
    assert_null(allow(f, "/a/"));
    assert_ptr_equal(served(f, "GET", "/a"), a);
}

static void
router_treats_a_pattern_with_a_trailing_slash_alike(void **state)
{
    fixture_t *f = *state;
    lando_route_t *dir = add(f, "GET", "/dir/");

    assert_ptr_equal(served(f, "GET", "/dir/"), dir);
    assert_ptr_equal(served(f, "GET", "/dir"), dir);
    f->strict = true;
    assert_ptr_equal(served(f, "GET", "/dir/"), dir);
    assert_int_equal(match(f, "GET", "/dir", NULL, NULL), LANDO_ENOTFOUND);
}

static void
router_prefers_the_route_without_the_slash_to_a_greedy_one(void **state)
{
    fixture_t *f = *state;
    lando_route_t *a = add(f, "GET", "/a");
    lando_route_t *greedy = add(f, "GET", "/{all+}");

    assert_ptr_equal(served(f, "GET", "/a/"), a);
    /* A greedy value keeps the trailing slash it was given. */
    assert_ptr_equal(served(f, "GET", "/b/"), greedy);
    assert_string_equal(param(f, "all"), "b/");
}

static void
router_treats_empty_segments_as_segments(void **state)
{
    fixture_t *f = *state;
    lando_route_t *root = add(f, "GET", "/");
    lando_route_t *gap = add(f, "GET", "/a//b");
    lando_route_t *files = add(f, "GET", "/f/{p+}");

    assert_ptr_equal(served(f, "GET", "/a//b"), gap);
    assert_int_equal(match(f, "GET", "/a/b", NULL, NULL), LANDO_ENOTFOUND);
    assert_ptr_equal(served(f, "GET", "/f//x"), files);
    assert_string_equal(param(f, "p"), "/x");
    assert_ptr_equal(served(f, "GET", "/f/x//"), files);
    assert_string_equal(param(f, "p"), "x//");
    /* "//" is two empty segments, not the root with a slash. */
    assert_int_equal(match(f, "GET", "//", NULL, NULL), LANDO_ENOTFOUND);
    assert_ptr_equal(served(f, "GET", "/"), root);
}

static void
router_survives_odd_paths(void **state)
{
    static const char *const paths[] = {
        "",    "/",    "//",      "///",      "%",        "/%",        "/%%%",
        "/%0", "/%00", "/%2F",    "/%2f%2F/", "no-slash", "/\xff\xfe", "/{id}",
        "/{",  "/}",   "/a/../b", "/./",      "?",        "/#",
    };
    fixture_t *f = *state;
    char *longpath;
    size_t n = 20000;
    lando_err_t err;

    add(f, "GET", "/{a}");
    add(f, "GET", "/{a}/{b}/{c}");
    add(f, "POST", "/x/{rest+}");
    for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
        err = match(f, "GET", paths[i], NULL, NULL);
        assert_true(err == LANDO_OK || err == LANDO_ENOTFOUND ||
                    err == LANDO_EMETHOD);
        (void)allow(f, paths[i]);
    }
    err = match(f, "GET", NULL, NULL, NULL);
    assert_int_equal(err, LANDO_ENOTFOUND);
    err = match(f, NULL, "/x", NULL, NULL);
    assert_int_equal(err, LANDO_EMETHOD);

    /* A path far deeper than any pattern. */
    longpath = malloc(2 * n + 1);
    assert_non_null(longpath);
    for (size_t i = 0; i < n; i++) {
        longpath[2 * i] = '/';
        longpath[2 * i + 1] = 'a';
    }
    longpath[2 * n] = '\0';
    assert_int_equal(match(f, "GET", longpath, NULL, NULL), LANDO_ENOTFOUND);
    assert_int_equal(match(f, "POST", longpath, NULL, NULL), LANDO_ENOTFOUND);
    memcpy(longpath, "/x/", 3);
    served(f, "POST", longpath);
    assert_int_equal(strlen(param(f, "rest")), 2 * n - 3);
    free(longpath);
}

/* ---- registration ----------------------------------------------------- */

static void
router_rejects_a_duplicate_route_and_names_the_other(void **state)
{
    fixture_t *f = *state;
    lando_route_t *first = add(f, "GET", "/u/{id}");
    lando_route_t *other = NULL;
    lando_route_t *any = add(f, "ANY", "/u/{id}");

    assert_int_equal(try_add(f, "GET", "/u/{id}", NULL, &other), LANDO_EEXIST);
    assert_ptr_equal(other, first);

    /* Parameter names aside, it is the same route. */
    other = NULL;
    assert_int_equal(try_add(f, "GET", "/u/{name}", NULL, &other),
                     LANDO_EEXIST);
    assert_ptr_equal(other, first);

    other = NULL;
    assert_int_equal(try_add(f, "ANY", "/u/{id}", NULL, &other), LANDO_EEXIST);
    assert_ptr_equal(other, any);

    /* Another method at the same place is fine. */
    add(f, "POST", "/u/{id}");
    add(f, "PROPFIND", "/u/{id}");
    other = NULL;
    assert_int_equal(try_add(f, "PROPFIND", "/u/{id}", NULL, &other),
                     LANDO_EEXIST);
    assert_non_null(other);
    assert_string_equal(other->method, "PROPFIND");
}

static void
router_rejects_a_parameter_renamed_at_the_same_position(void **state)
{
    fixture_t *f = *state;
    lando_route_t *first = add(f, "GET", "/u/{id}");
    lando_route_t *files = add(f, "GET", "/f/{path+}");
    lando_route_t *other = NULL;

    assert_int_equal(try_add(f, "GET", "/u/{name}/x", NULL, &other),
                     LANDO_EAMBIGUOUS);
    assert_ptr_equal(other, first);
    /* The rejected route left nothing behind. */
    assert_int_equal(match(f, "GET", "/u/1/x", NULL, NULL), LANDO_ENOTFOUND);

    other = NULL;
    assert_int_equal(try_add(f, "POST", "/u/{name}", NULL, &other),
                     LANDO_EAMBIGUOUS);
    assert_ptr_equal(other, first);

    other = NULL;
    assert_int_equal(try_add(f, "POST", "/f/{rest+}", NULL, &other),
                     LANDO_EAMBIGUOUS);
    assert_ptr_equal(other, files);

    /* The same name deeper down, or a greedy beside a parameter, is
     * fine. */
    add(f, "GET", "/u/{id}/x");
    add(f, "GET", "/u/{all+}");
    served(f, "GET", "/u/1/x");
    assert_string_equal(param(f, "id"), "1");
}

static void
router_rejects_malformed_patterns(void **state)
{
    static const char *const bad[] = {
        "",     "x",     "x/{a}", "/a{b}",   "/{a}b", "/{}",
        "/{+}", "/{a}}", "/{{a}", "/{a+}/b", "/{a",   "/a}",
    };
    fixture_t *f = *state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(try_add(f, "GET", bad[i], NULL, NULL), LANDO_EPATTERN);
    }
    assert_int_equal(match(f, "GET", "/a", NULL, NULL), LANDO_ENOTFOUND);
}

/* ---- scale ------------------------------------------------------------ */

static void
router_finds_every_one_of_1000_routes(void **state)
{
    enum { N = 1000 };
    fixture_t *f = *state;
    lando_route_t *routes = calloc(2 * N, sizeof(*routes));
    char(*patterns)[48] = calloc(2 * N, sizeof(*patterns));
    char path[64];

    assert_non_null(routes);
    assert_non_null(patterns);
    for (int i = 0; i < N; i++) {
        lando_route_t *other = NULL;

        snprintf(patterns[2 * i], 48, "/r%d/items/{id}", i);
        snprintf(patterns[2 * i + 1], 48, "/r%d", i);
        route_fill(&routes[2 * i], "GET", patterns[2 * i]);
        route_fill(&routes[2 * i + 1], "DELETE", patterns[2 * i + 1]);
        assert_int_equal(lando__router_add(f->router, &routes[2 * i], &other),
                         LANDO_OK);
        assert_int_equal(
            lando__router_add(f->router, &routes[2 * i + 1], &other), LANDO_OK);
    }
    for (int i = 0; i < N; i++) {
        char id[16];

        snprintf(path, sizeof(path), "/r%d/items/x%d", i, i);
        snprintf(id, sizeof(id), "x%d", i);
        assert_ptr_equal(served(f, "GET", path), &routes[2 * i]);
        assert_string_equal(param(f, "id"), id);
        snprintf(path, sizeof(path), "/r%d", i);
        assert_ptr_equal(served(f, "DELETE", path), &routes[2 * i + 1]);
        /* Keep the arena small: one lookup per invocation in real life. */
        lando_ctx_begin(f->ctx, LANDO_SOURCE_NONE);
    }
    assert_int_equal(match(f, "GET", "/r1000/items/1", NULL, NULL),
                     LANDO_ENOTFOUND);

    /* The trie keeps borrowed pointers: free it before the routes. */
    lando__router_free(f->router);
    f->router = NULL;
    free(routes);
    free(patterns);
}

/* ---- out of memory ---------------------------------------------------- */

static long fail_countdown = -1; /* allocations left before failing */
static long live_blocks;

static void *
chaos_malloc(size_t size)
{
    void *p;

    if (fail_countdown == 0) {
        return NULL;
    }
    if (fail_countdown > 0) {
        fail_countdown--;
    }
    p = malloc(size);
    if (p) {
        live_blocks++;
    }
    return p;
}

static void *
chaos_realloc(void *ptr, size_t size)
{
    void *p;

    if (fail_countdown == 0) {
        return NULL;
    }
    if (fail_countdown > 0) {
        fail_countdown--;
    }
    p = realloc(ptr, size);
    if (p && !ptr) {
        live_blocks++;
    }
    return p;
}

static void
chaos_free(void *ptr)
{
    if (ptr) {
        live_blocks--;
    }
    free(ptr);
}

static void
router_reports_enomem_and_leaks_nothing_when_memory_runs_out(void **state)
{
    static const char *const patterns[][2] = {
        {"GET", "/"},           {"GET", "/a/b/c"},  {"POST", "/a/{x}"},
        {"PROPFIND", "/a/{x}"}, {"ANY", "/f/{p+}"}, {"GET", "/a/b/d"},
        {"DELETE", "/a/{x}/e"},
    };
    enum { N = sizeof(patterns) / sizeof(patterns[0]) };
    lando_route_t routes[N];
    bool done = false;

    (void)state;
    lando_set_allocator(chaos_malloc, chaos_realloc, chaos_free);
    for (long fail_at = 0; !done; fail_at++) {
        lando_router_t *r;
        lando_route_t *other = NULL;
        size_t added = 0;

        assert_true(fail_at < 10000);
        live_blocks = 0;
        fail_countdown = fail_at;
        r = lando__router_new();
        if (r) {
            for (; added < N; added++) {
                lando_err_t err;

                route_fill(&routes[added], patterns[added][0],
                           patterns[added][1]);
                err = lando__router_add(r, &routes[added], &other);
                if (err) {
                    assert_int_equal(err, LANDO_ENOMEM);
                    break;
                }
            }
            /* Once memory is back, the same route goes in. */
            if (added < N) {
                fail_countdown = -1;
                assert_int_equal(lando__router_add(r, &routes[added], &other),
                                 LANDO_OK);
            }
        }
        done = added == N;
        lando__router_free(r);
        assert_int_equal(live_blocks, 0);
    }
    fail_countdown = -1;
    lando_set_allocator(NULL, NULL, NULL);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
        T(router_prefers_a_literal_segment_to_a_parameter),
        T(router_prefers_a_parameter_to_a_greedy_parameter),
        T(router_backtracks_when_the_literal_branch_dead_ends),
        T(router_backtracks_to_a_greedy_parameter_at_a_higher_level),
        T(router_returns_parameters_in_pattern_order),
        T(router_answers_404_when_no_route_matches_the_path),
        T(router_answers_405_when_only_the_method_differs),
        T(router_lists_allowed_methods_in_canonical_order),
        T(router_serves_a_method_from_a_parameter_branch_the_literal_lacks),
        T(router_serves_a_method_from_a_greedy_branch_the_others_lack),
        T(router_lists_only_methods_of_candidates_on_the_path),
        T(router_serves_head_with_the_get_route),
        T(router_prefers_the_exact_method_to_any),
        T(router_prefers_get_to_any_for_head),
        T(router_prefers_a_literal_any_route_to_a_parameter_get_route),
        T(router_routes_non_standard_methods),
        cmocka_unit_test(router_maps_standard_methods_to_bits),
        T(router_binds_a_greedy_parameter_to_the_rest_of_the_path),
        T(router_keeps_an_encoded_slash_inside_a_parameter),
        T(router_percent_decodes_parameters_and_literals),
        T(router_does_not_let_a_parameter_match_an_empty_segment),
        T(router_matches_the_root),
        T(router_ignores_a_trailing_slash_unless_strict),
        T(router_treats_a_pattern_with_a_trailing_slash_alike),
        T(router_prefers_the_route_without_the_slash_to_a_greedy_one),
        T(router_treats_empty_segments_as_segments),
        T(router_survives_odd_paths),
        T(router_rejects_a_duplicate_route_and_names_the_other),
        T(router_rejects_a_parameter_renamed_at_the_same_position),
        T(router_rejects_malformed_patterns),
        T(router_finds_every_one_of_1000_routes),
        cmocka_unit_test(
            router_reports_enomem_and_leaks_nothing_when_memory_runs_out),
#undef T
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
