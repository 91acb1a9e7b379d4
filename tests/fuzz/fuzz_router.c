/*
 * Router lookup through the whole app: arbitrary methods and paths
 * against a realistic route table (literal, parameter and greedy
 * segments, ANY, groups, a stripped base path), with and without strict
 * slashes. Input: method, newline, path (bytes after a NUL are lost, as
 * they would be in a C string).
 *
 * Properties: lando_app_handle always leaves a response; a match runs
 * the handler of a route whose method fits; 404 only when no route
 * serves the path (lando_ctx_allow is NULL), 405 only when one does and
 * then with an exact Allow header; path parameters are NUL-terminated.
 */
#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static lando_err_t
handler(lando_ctx_t *ctx, void *data)
{
    const lando_fields_t *params = lando_request_params(lando_req(ctx));

    fuzz_check_fields(params);
    FUZZ_CHECK(lando_ctx_route(ctx) != NULL);
    FUZZ_CHECK(strcmp(lando_ctx_route(ctx), (const char *)data) == 0);
    return lando_response_text(lando_res(ctx), 200, lando_ctx_route(ctx));
}

static const struct {
    const char *method;
    const char *pattern;
} table[] = {
    {"GET", "/"},
    {"GET", "/get"},
    {"POST", "/post"},
    {"PUT", "/put"},
    {"PATCH", "/patch"},
    {"DELETE", "/delete"},
    {"ANY", "/anything"},
    {"ANY", "/anything/{rest+}"},
    {"GET", "/status/{code}"},
    {"GET", "/bytes/{n}"},
    {"GET", "/base64/{value}"},
    {"GET", "/headers"},
    {"GET", "/cookies"},
    {"GET", "/cookies/set"},
    {"GET", "/users"},
    {"POST", "/users"},
    {"GET", "/users/me"},
    {"GET", "/users/{id}"},
    {"PUT", "/users/{id}"},
    {"DELETE", "/users/{id}"},
    {"GET", "/users/{id}/posts"},
    {"GET", "/users/{id}/posts/{post}"},
    {"GET", "/files/{path+}"},
    {"PROPFIND", "/dav/{path+}"},
    {"GET", "/a/b/c/d/e/f/g/h"},
    {"GET", "/caf%C3%A9"},
    {"OPTIONS", "/explicit-options"},
};

static lando_app_t *apps[2];
static lando_ctx_t *ctxs[2];

static void
setup(void)
{
    for (int strict = 0; strict < 2; strict++) {
        lando_app_t *app = lando_app_new();
        lando_group_t *v1 = NULL;

        FUZZ_CHECK(app);
        lando_app_set_strict_slash(app, strict);
        FUZZ_CHECK(lando_app_strip_prefix(app, "/prod") == LANDO_OK);
        for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
            FUZZ_CHECK(lando_app_route(app, table[i].method,
                                       table[i].pattern, handler,
                                       (void *)table[i].pattern) ==
                       LANDO_OK);
        }
        FUZZ_CHECK(lando_group_new(lando_app_root(app), "/v1", &v1) ==
                   LANDO_OK);
        FUZZ_CHECK(lando_group_route(v1, "GET", "/items", handler,
                                     (void *)"/v1/items", NULL) ==
                   LANDO_OK);
        FUZZ_CHECK(lando_group_route(v1, "GET", "/items/{id}", handler,
                                     (void *)"/v1/items/{id}", NULL) ==
                   LANDO_OK);
        FUZZ_CHECK(lando_group_route(v1, "POST", "/items/{id}/tags", handler,
                                     (void *)"/v1/items/{id}/tags", NULL) ==
                   LANDO_OK);
        apps[strict] = app;
        ctxs[strict] = lando_ctx_new(app);
        FUZZ_CHECK(ctxs[strict]);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pieces_t fp;
    char *method, *path;
    int strict;
    int first = 0;

    if (!apps[0]) {
        setup();
    }
    if (size < 1) {
        return 0;
    }
    strict = data[0] & 1;
    FUZZ_CHECK(fuzz_pieces_init(&fp, data + 1, size - 1) == 0);
    method = fuzz_pieces_next(&fp, '\n', NULL);
    path = fuzz_pieces_next(&fp, '\0', NULL);
    if (!path) {
        path = "/";
    }

    for (int pass = 0; pass < 2; pass++) {
        lando_ctx_t *ctx = ctxs[strict];
        lando_request_t *req;
        lando_response_t *res;
        const char *allow;
        int status;

        lando_ctx_begin(ctx, LANDO_SOURCE_NONE);
        req = lando_req(ctx);
        res = lando_res(ctx);
        if (lando_request_set_method(req, method) != LANDO_OK ||
            lando_request_set_path(req, path) != LANDO_OK) {
            break; /* an empty method: the gateway refuses it earlier */
        }
        (void)lando_app_handle(apps[strict], ctx);
        status = lando_response_status(res);
        allow = lando_ctx_allow(ctx);
        switch (status) {
        case 200:
            FUZZ_CHECK(lando_ctx_route(ctx) != NULL);
            break;
        case 204:
            FUZZ_CHECK(strcmp(lando_request_method(req), "OPTIONS") == 0);
            FUZZ_CHECK(lando_response_header(res, "Allow") != NULL);
            break;
        case 404:
            FUZZ_CHECK(allow == NULL);
            FUZZ_CHECK(lando_ctx_route(ctx) == NULL);
            break;
        case 405:
            FUZZ_CHECK(allow != NULL);
            FUZZ_CHECK(lando_response_header(res, "Allow") != NULL);
            FUZZ_CHECK(strcmp(lando_response_header(res, "Allow"), allow) ==
                       0);
            break;
        default:
            fprintf(stderr, "fuzz: status %d for %s %s\n", status,
                    lando_request_method(req), lando_request_path(req));
            FUZZ_CHECK(!"unexpected status");
        }
        /* The next invocation on the same context answers the same. */
        FUZZ_CHECK(pass == 0 || status == first);
        first = status;
    }
    fuzz_pieces_free(&fp);
    return 0;
}
