/*
 * Small public helpers that middleware and plugins need and that reach
 * into the framework's internals: the allocator for long-lived state, a
 * route lookup that runs nothing, and Vary header merging.
 */
#include <string.h>
#include <strings.h>

#include "internal.h"

void *
lando_malloc(size_t size)
{
    return lando__malloc(size);
}

void
lando_free(void *ptr)
{
    lando__free(ptr);
}

lando_route_t *
lando_ctx_lookup_route(lando_ctx_t *ctx, const char *method)
{
    lando_fields_t params;
    lando_route_t *route = NULL;
    unsigned allowed = 0;
    lando_err_t err;

    if (!ctx || !method || !ctx->app || !ctx->app->router) {
        return NULL;
    }

    /* The match appends path parameters; a scratch list keeps them away
     * from the request's own. */
    lando__fields_init(&params, false);
    err = lando__router_match(ctx->app->router, ctx, method,
                              lando_request_path(&ctx->req),
                              ctx->app->strict_slash, &route, &params,
                              &allowed);
    return err == LANDO_OK ? route : NULL;
}

/* The token characters of RFC 9110, one bit per ASCII code: letters,
 * digits and !#$%&'*+-.^_`|~. */
static const uint64_t tchar_bits[2] = {
    UINT64_C(0x03FF6CFA00000000),
    UINT64_C(0x57FFFFFFC7FFFFFE),
};

static bool
is_tchar(unsigned char c)
{
    return c < 128 && ((tchar_bits[c >> 6] >> (c & 63)) & 1) != 0;
}

/* True if the comma-separated list VALUE holds NAME (any case) or "*". */
static bool
list_has(const char *value, const char *name, size_t name_len)
{
    const char *p = value;

    while (*p) {
        const char *start;
        size_t n;

        while (*p == ' ' || *p == '\t' || *p == ',') {
            p++;
        }
        start = p;
        while (*p && *p != ',') {
            p++;
        }
        n = (size_t)(p - start);
        while (n > 0 && (start[n - 1] == ' ' || start[n - 1] == '\t')) {
            n--;
        }
        if ((n == 1 && start[0] == '*') ||
            (n == name_len && strncasecmp(start, name, n) == 0)) {
            return true;
        }
    }
    return false;
}

lando_err_t
lando_response_vary(lando_response_t *res, const char *name)
{
    const lando_fields_t *h;
    const lando_field_t *f = NULL;
    const char *joined = NULL;
    size_t name_len;
    size_t i;

    if (!res || !name || !*name) {
        return LANDO_EHEADER;
    }
    name_len = strlen(name);
    for (i = 0; i < name_len; i++) {
        if (!is_tchar((unsigned char)name[i])) {
            return LANDO_EHEADER;
        }
    }

    h = lando_response_headers(res);
    while ((f = lando_fields_next(h, "Vary", f)) != NULL) {
        if (list_has(f->value, name, name_len)) {
            return LANDO_OK;
        }
        if (!joined) {
            joined = f->value;
        } else {
            joined = lando_ctx_sprintf(res->ctx, "%s, %s", joined, f->value);
            if (!joined) {
                return LANDO_ENOMEM;
            }
        }
    }

    if (!joined) {
        /* No Vary yet, so nothing to replace; NAME is a token, so a
         * valid value, and needs no second check. */
        return lando__fields_add(res->ctx, &res->headers, "Vary", 4, name,
                                 name_len);
    }
    if (!*joined) {
        return lando_response_set_header(res, "Vary", name);
    }
    joined = lando_ctx_sprintf(res->ctx, "%s, %s", joined, name);
    if (!joined) {
        return LANDO_ENOMEM;
    }
    return lando_response_set_header(res, "Vary", joined);
}
