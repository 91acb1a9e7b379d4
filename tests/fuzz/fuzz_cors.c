/*
 * CORS origin matching, through the cors middleware in the chain of an
 * app with routes. The first input byte picks one of four option sets
 * and whether Origin is sent twice; then come lines: method, path,
 * Origin, Access-Control-Request-Method, Access-Control-Request-Headers
 * (a missing line is a missing header).
 *
 * Properties: Access-Control-Allow-Origin, when present, is either the
 * request's Origin byte for byte, or "*" only for an any-origin list
 * without credentials; it is never "*" with credentials; the origin it
 * echoes is allowed by the option set (checked by a deliberately
 * simple, independent matcher below); Allow-Credentials appears only
 * with Allow-Origin; preflight methods are served at the path; no
 * response header holds CR, LF or NUL; no request makes a 500.
 */
#include <ctype.h>

#include <lando/mw/cors.h>

#include "fuzz_ctx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SECOND_ORIGIN "https://app.example.com"

static lando_err_t
handler(lando_ctx_t *ctx, void *data)
{
    return lando_response_text(lando_res(ctx), 200, "ok");
}

static const char *const list_exact[] = {
    "https://app.example.com", "http://localhost:3000",
    "https://*.example.org", NULL};
static const char *const list_any[] = {"*", NULL};
static const char *const list_null[] = {"null", "https://a.test", NULL};
static const char *const headers_any[] = {"*", NULL};
static const char *const methods_some[] = {"GET", "PUT", "DELETE", NULL};
static const char *const expose[] = {"X-Request-Id", NULL};

static const struct config {
    const char *const *origins;
    const char *const *headers;
    const char *const *methods;
    bool credentials;
} configs[4] = {
    {list_exact, NULL, NULL, true},
    {list_any, headers_any, NULL, false},
    {list_any, NULL, methods_some, true},
    {list_null, headers_any, NULL, false},
};

static lando_app_t *apps[4];
static lando_ctx_t *ctxs[4];

static void
setup(void)
{
    for (int i = 0; i < 4; i++) {
        lando_cors_options_t o = {
            .origins = configs[i].origins,
            .headers = configs[i].headers,
            .methods = configs[i].methods,
            .expose = expose,
            .credentials = configs[i].credentials,
        };
        lando_mw_t mw;
        lando_route_t *off = NULL;
        lando_app_t *app = lando_app_new();

        FUZZ_CHECK(app);
        FUZZ_CHECK(lando_mw_cors(&o, &mw) == LANDO_OK);
        FUZZ_CHECK(lando_app_use(app, mw) == LANDO_OK);
        FUZZ_CHECK(lando_app_route(app, "GET", "/items", handler, NULL) ==
                   LANDO_OK);
        FUZZ_CHECK(lando_app_route(app, "PUT", "/items/{id}", handler,
                                   NULL) == LANDO_OK);
        FUZZ_CHECK(lando_app_route(app, "GET", "/items/{id}", handler,
                                   NULL) == LANDO_OK);
        FUZZ_CHECK(lando_app_route(app, "ANY", "/any/{p+}", handler,
                                   NULL) == LANDO_OK);
        FUZZ_CHECK(lando_group_route(lando_app_root(app), "GET", "/private",
                                     handler, NULL, &off) == LANDO_OK);
        FUZZ_CHECK(lando_route_set_attr(off, "cors", "off") == LANDO_OK);
        apps[i] = app;
        ctxs[i] = lando_ctx_new(app);
        FUZZ_CHECK(ctxs[i]);
    }
}

static void
lower(char *dst, const char *src, size_t cap)
{
    size_t i;

    for (i = 0; src[i] && i + 1 < cap; i++) {
        dst[i] = (char)tolower((unsigned char)src[i]);
    }
    dst[i] = '\0';
}

/* "https://" + one or more labels of [a-z0-9_-] + ".example.org". */
static bool
matches_wildcard(const char *lo)
{
    static const char scheme[] = "https://";
    static const char suffix[] = ".example.org";
    size_t n = strlen(lo);
    size_t s = sizeof(scheme) - 1, x = sizeof(suffix) - 1;
    const char *host;
    size_t host_len;
    bool label_start = true;

    if (n <= s + x || strncmp(lo, scheme, s) != 0 ||
        strcmp(lo + n - x, suffix) != 0) {
        return false;
    }
    host = lo + s;
    host_len = n - s - x;
    for (size_t i = 0; i < host_len; i++) {
        char c = host[i];

        if (c == '.') {
            if (label_start) {
                return false;
            }
            label_start = true;
            continue;
        }
        if (!(isalnum((unsigned char)c) || c == '-' || c == '_')) {
            return false;
        }
        label_start = false;
    }
    return !label_start;
}

/*
 * scheme "://" host [":" port], nothing else. A host in brackets is taken
 * as an IPv6 literal when it holds only hex digits, ':' and '.', as the
 * middleware takes it (it does not check the address itself; harmless,
 * since no browser sends such an origin and no list can name one by
 * accident).
 */
static bool
well_formed(const char *o)
{
    const char *p = o;

    if (!isalpha((unsigned char)*p)) {
        return false;
    }
    while (isalnum((unsigned char)*p) || *p == '+' || *p == '-' ||
           *p == '.') {
        p++;
    }
    if (strncmp(p, "://", 3) != 0) {
        return false;
    }
    p += 3;
    if (!*p || *p == ':') {
        return false;
    }
    if (*p == '[') {
        const char *close = strchr(p, ']');

        if (!close || close - p < 3) {
            return false;
        }
        for (const char *q = p + 1; q < close; q++) {
            if (!isxdigit((unsigned char)*q) && *q != ':' && *q != '.') {
                return false;
            }
        }
        p = close + 1;
        if (*p && *p != ':') {
            return false;
        }
    }
    for (; *p && *p != ':'; p++) {
        if (*p == '/' || *p == '?' || *p == '#' || *p == '@' ||
            *p == '[' || *p == ']' || (unsigned char)*p <= ' ' ||
            (unsigned char)*p >= 0x7f) {
            return false;
        }
    }
    if (*p == ':') {
        p++;
        if (!*p) {
            return false;
        }
        for (; *p; p++) {
            if (!isdigit((unsigned char)*p)) {
                return false;
            }
        }
    }
    return true;
}

static bool
allowed(const struct config *c, const char *origin)
{
    char lo[512];

    if (strlen(origin) >= sizeof(lo)) {
        return c->origins == list_any && well_formed(origin);
    }
    lower(lo, origin, sizeof(lo));
    for (const char *const *e = c->origins; *e; e++) {
        if (strcmp(*e, "*") == 0) {
            if (strcmp(origin, "null") != 0 && well_formed(origin)) {
                return true;
            }
        } else if (strcmp(*e, "https://*.example.org") == 0) {
            if (matches_wildcard(lo)) {
                return true;
            }
        } else if (strcmp(*e, "null") == 0) {
            if (strcmp(origin, "null") == 0) {
                return true;
            }
        } else if (strcmp(lo, *e) == 0) {
            return true;
        }
    }
    return false;
}

static void
check_response(lando_ctx_t *ctx, const struct config *c, const char *origin,
               bool twice)
{
    lando_response_t *res = lando_res(ctx);
    const lando_fields_t *h = lando_response_headers(res);
    const char *acao = lando_response_header(res,
                                             "Access-Control-Allow-Origin");
    const char *acac =
        lando_response_header(res, "Access-Control-Allow-Credentials");
    const char *acam =
        lando_response_header(res, "Access-Control-Allow-Methods");

    FUZZ_CHECK(lando_response_status(res) != 500);
    for (size_t i = 0; i < lando_fields_count(h); i++) {
        const lando_field_t *f = lando_fields_at(h, i);

        FUZZ_CHECK(strlen(f->name) == f->name_len);
        FUZZ_CHECK(strlen(f->value) == f->value_len);
        FUZZ_CHECK(!strpbrk(f->name, "\r\n"));
        FUZZ_CHECK(!strpbrk(f->value, "\r\n"));
    }
    FUZZ_CHECK(lando_fields_count_of(h, "Access-Control-Allow-Origin") <= 1);
    if (!acao) {
        FUZZ_CHECK(!acac);
        return;
    }
    FUZZ_CHECK(origin != NULL);
    if (strcmp(acao, "*") == 0) {
        FUZZ_CHECK(!c->credentials);
        FUZZ_CHECK(c->origins == list_any);
        FUZZ_CHECK(!acac);
        FUZZ_CHECK(allowed(c, origin) ||
                   (twice && allowed(c, SECOND_ORIGIN)));
    } else {
        /* With two Origin headers, either may be the one read. */
        FUZZ_CHECK(strcmp(acao, origin) == 0 ||
                   (twice && strcmp(acao, SECOND_ORIGIN) == 0));
        FUZZ_CHECK(allowed(c, acao));
    }
    if (acac) {
        FUZZ_CHECK(c->credentials && strcmp(acac, "true") == 0);
    }
    if (acam) {
        const char *allow = lando_ctx_allow(ctx);

        FUZZ_CHECK(allow != NULL);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_pieces_t fp;
    char *method, *path, *origin, *acrm, *acrh;
    lando_request_t *req;
    lando_ctx_t *ctx;
    int which;
    bool twice;

    if (!apps[0]) {
        setup();
    }
    if (size < 1) {
        return 0;
    }
    which = data[0] & 3;
    twice = (data[0] & 4) != 0;
    FUZZ_CHECK(fuzz_pieces_init(&fp, data + 1, size - 1) == 0);
    method = fuzz_pieces_next(&fp, '\n', NULL);
    path = fuzz_pieces_next(&fp, '\n', NULL);
    origin = fuzz_pieces_next(&fp, '\n', NULL);
    acrm = fuzz_pieces_next(&fp, '\n', NULL);
    acrh = fuzz_pieces_next(&fp, '\n', NULL);

    ctx = ctxs[which];
    lando_ctx_begin(ctx, LANDO_SOURCE_NONE);
    req = lando_req(ctx);
    if (!method || lando_request_set_method(req, method) != LANDO_OK) {
        FUZZ_CHECK(lando_request_set_method(req, "GET") == LANDO_OK);
    }
    FUZZ_CHECK(lando_request_set_path(req, path ? path : "/items") ==
               LANDO_OK);
    if (origin) {
        FUZZ_CHECK(lando_request_add_header(req, "Origin", origin) ==
                   LANDO_OK);
        if (twice) {
            FUZZ_CHECK(lando_request_add_header(req, "origin",
                                                SECOND_ORIGIN) == LANDO_OK);
        }
    }
    if (acrm) {
        FUZZ_CHECK(lando_request_add_header(
                       req, "Access-Control-Request-Method", acrm) ==
                   LANDO_OK);
    }
    if (acrh) {
        FUZZ_CHECK(lando_request_add_header(
                       req, "Access-Control-Request-Headers", acrh) ==
                   LANDO_OK);
    }
    (void)lando_app_handle(apps[which], ctx);
    check_response(ctx, &configs[which], origin, origin && twice);
    fuzz_pieces_free(&fp);
    return 0;
}
