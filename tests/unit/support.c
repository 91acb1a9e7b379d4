/*
 * Helpers shared by the cmocka unit tests; see support.h.
 */
#include <string.h>

#include "support.h"

#define MAX_APPS 16

static long alloc_count;
static long alloc_fail_at = -1;
static bool alloc_failed;
static long alloc_live;

static bool
should_fail(void)
{
    long n = alloc_count++;

    if (n == alloc_fail_at) {
        alloc_failed = true;
        return true;
    }
    return false;
}

static void *
t_malloc(size_t size)
{
    void *p;

    if (should_fail()) {
        return NULL;
    }
    p = _test_malloc(size, __FILE__, __LINE__);
    if (p) {
        alloc_live++;
    }
    return p;
}

static void *
t_realloc(void *ptr, size_t size)
{
    void *p;

    if (should_fail()) {
        return NULL;
    }
    p = _test_realloc(ptr, size, __FILE__, __LINE__);
    if (p && !ptr) {
        alloc_live++;
    }
    return p;
}

static void
t_free(void *ptr)
{
    if (ptr) {
        alloc_live--;
        _test_free(ptr, __FILE__, __LINE__);
    }
}

void
t_use_test_allocator(void)
{
    lando_set_allocator(t_malloc, t_realloc, t_free);
    json_set_alloc_funcs(t_malloc, t_free);
}

void
t_alloc_fail_at(long n)
{
    alloc_count = 0;
    alloc_fail_at = n;
    alloc_failed = false;
}

long
t_alloc_count(void)
{
    return alloc_count;
}

bool
t_alloc_failed(void)
{
    return alloc_failed;
}

long
t_alloc_live(void)
{
    return alloc_live;
}

/* ---- apps and requests ---------------------------------------------- */

static struct {
    lando_app_t *app;
    lando_ctx_t *ctx;
} apps[MAX_APPS];

static lando_ctx_t **
ctx_slot(lando_app_t *app, bool make)
{
    size_t i;

    for (i = 0; i < MAX_APPS; i++) {
        if (apps[i].app == app) {
            return &apps[i].ctx;
        }
    }
    if (!make) {
        return NULL;
    }
    for (i = 0; i < MAX_APPS; i++) {
        if (!apps[i].app) {
            apps[i].app = app;
            apps[i].ctx = NULL;
            return &apps[i].ctx;
        }
    }
    fail_msg("more than %d test apps at once", MAX_APPS);
    return NULL;
}

lando_app_t *
t_app_new(void)
{
    lando_app_t *app = lando_app_new();
    lando_ctx_t **slot;

    assert_non_null(app);
    slot = ctx_slot(app, true);
    *slot = lando_ctx_new(app);
    assert_non_null(*slot);
    return app;
}

void
t_app_free(lando_app_t *app)
{
    size_t i;

    if (!app) {
        return;
    }
    for (i = 0; i < MAX_APPS; i++) {
        if (apps[i].app == app) {
            lando_ctx_free(apps[i].ctx);
            apps[i].app = NULL;
            apps[i].ctx = NULL;
        }
    }
    lando_app_free(app);
}

lando_ctx_t *
t_begin(lando_app_t *app, const char *method, const char *target)
{
    lando_ctx_t **slot = ctx_slot(app, true);
    lando_request_t *req;
    const char *q;

    if (!*slot) {
        *slot = lando_ctx_new(app);
        assert_non_null(*slot);
    }
    lando_ctx_begin(*slot, LANDO_SOURCE_NONE);
    req = lando_req(*slot);
    assert_int_equal(lando_request_set_method(req, method), LANDO_OK);

    q = strchr(target, '?');
    if (q) {
        char *path = lando_ctx_strndup(*slot, target, (size_t)(q - target));

        assert_non_null(path);
        assert_int_equal(lando_request_set_path(req, path), LANDO_OK);
        assert_int_equal(lando_request_set_raw_query(req, q + 1), LANDO_OK);
    } else {
        assert_int_equal(lando_request_set_path(req, target), LANDO_OK);
    }
    return *slot;
}

void
t_header(lando_ctx_t *ctx, const char *name, const char *value)
{
    assert_int_equal(lando_request_add_header(lando_req(ctx), name, value),
                     LANDO_OK);
}

void
t_body(lando_ctx_t *ctx, const char *content_type, const char *body)
{
    if (content_type) {
        t_header(ctx, "Content-Type", content_type);
    }
    assert_int_equal(lando_request_set_body(lando_req(ctx), body,
                                            strlen(body), false),
                     LANDO_OK);
}

int
t_handle(lando_ctx_t *ctx)
{
    lando_app_handle(lando_ctx_app(ctx), ctx);
    return lando_response_status(lando_res(ctx));
}

const char *
t_body_str(lando_ctx_t *ctx)
{
    size_t len;
    const char *body = lando_response_body(lando_res(ctx), &len);
    char *copy = lando_ctx_strndup(ctx, body, len);

    assert_non_null(copy);
    return copy;
}

lando_err_t
t_reply(lando_ctx_t *ctx, void *data)
{
    return lando_response_text(lando_res(ctx), 200,
                               data ? (const char *)data : "ok");
}

lando_mw_t
t_mw(const char *name, lando_mw_fn fn, void *state)
{
    lando_mw_t mw = {name, fn, state, NULL};

    return mw;
}
