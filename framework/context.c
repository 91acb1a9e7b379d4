/*
 * The invocation context: arena allocation, the store, recorded
 * failures, the Lambda context and the end-of-invocation cleanups. The
 * life cycle itself (new, begin, free) is in app.c, next to the code
 * that drives it.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "internal.h"

/* Messages up to this size are formatted on the stack in one pass. */
#define FMT_STACK 256

lando_request_t *
lando_req(lando_ctx_t *ctx)
{
    return &ctx->req;
}

lando_response_t *
lando_res(lando_ctx_t *ctx)
{
    return &ctx->res;
}

lando_app_t *
lando_ctx_app(lando_ctx_t *ctx)
{
    return ctx->app;
}

void *
lando_ctx_alloc(lando_ctx_t *ctx, size_t size)
{
    return lando__arena_alloc(&ctx->arena, size);
}

char *
lando_ctx_strndup(lando_ctx_t *ctx, const char *s, size_t len)
{
    char *p;

    if (!s || len == SIZE_MAX) {
        return NULL;
    }

    p = lando__arena_alloc(&ctx->arena, len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

char *
lando_ctx_strdup(lando_ctx_t *ctx, const char *s)
{
    return s ? lando_ctx_strndup(ctx, s, strlen(s)) : NULL;
}

char *
lando_ctx_vsprintf(lando_ctx_t *ctx, const char *fmt, va_list ap)
{
    char small[FMT_STACK];
    va_list again;
    char *p;
    int n;

    va_copy(again, ap);
    n = vsnprintf(small, sizeof(small), fmt, ap);
    if (n < 0) {
        va_end(again);
        return NULL;
    }
    if ((size_t)n < sizeof(small)) {
        va_end(again);
        return lando_ctx_strndup(ctx, small, (size_t)n);
    }

    p = lando__arena_alloc(&ctx->arena, (size_t)n + 1);
    if (p) {
        vsnprintf(p, (size_t)n + 1, fmt, again);
    }
    va_end(again);
    return p;
}

char *
lando_ctx_sprintf(lando_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;
    char *p;

    va_start(ap, fmt);
    p = lando_ctx_vsprintf(ctx, fmt, ap);
    va_end(ap);
    return p;
}

/* ---- the store ------------------------------------------------------ */

static lando_store_item_t *
store_find(lando_ctx_t *ctx, const char *key)
{
    lando_store_item_t *it;

    for (it = ctx->store; it; it = it->next) {
        if (strcmp(it->key, key) == 0) {
            return it;
        }
    }
    return NULL;
}

lando_err_t
lando_ctx_set(lando_ctx_t *ctx, const char *key, void *value)
{
    lando_store_item_t *it;

    if (!ctx || !key) {
        return LANDO_EINVAL;
    }

    it = store_find(ctx, key);
    if (it) {
        it->value = value;
        return LANDO_OK;
    }

    it = lando__arena_alloc(&ctx->arena, sizeof(*it));
    if (!it) {
        return LANDO_ENOMEM;
    }
    it->key = lando_ctx_strdup(ctx, key);
    if (!it->key) {
        return LANDO_ENOMEM;
    }
    it->value = value;
    it->next = ctx->store;
    ctx->store = it;
    return LANDO_OK;
}

void *
lando_ctx_get(lando_ctx_t *ctx, const char *key)
{
    lando_store_item_t *it;

    if (!ctx || !key) {
        return NULL;
    }
    it = store_find(ctx, key);
    return it ? it->value : NULL;
}

/* ---- failures ------------------------------------------------------- */

/*
 * Record CODE with STATUS and the formatted message. A failure with code
 * LANDO_OK would read as "nothing failed", so it is recorded as
 * LANDO_EINTERNAL. When the message cannot be formatted for lack of
 * memory, the table's message stands in; the code is kept, as it says
 * more than LANDO_ENOMEM would.
 */
static lando_err_t
record(lando_ctx_t *ctx, lando_err_t code, int status, const char *fmt,
       va_list ap)
{
    const char *msg = NULL;

    if (code == LANDO_OK) {
        code = LANDO_EINTERNAL;
    }
    if (status < 400 || status > 599) {
        status = lando_err_status(code);
    }
    if (fmt) {
        msg = lando_ctx_vsprintf(ctx, fmt, ap);
    }

    ctx->error.code = code;
    ctx->error.status = status;
    ctx->error.message = msg ? msg : lando_strerror(code);
    ctx->error.detail = NULL;
    return code;
}

lando_err_t
lando_fail(lando_ctx_t *ctx, lando_err_t code, const char *fmt, ...)
{
    va_list ap;
    lando_err_t err;

    va_start(ap, fmt);
    err = record(ctx, code, 0, fmt, ap);
    va_end(ap);
    return err;
}

lando_err_t
lando_fail_status(lando_ctx_t *ctx, lando_err_t code, int status,
                  const char *fmt, ...)
{
    va_list ap;
    lando_err_t err;

    va_start(ap, fmt);
    err = record(ctx, code, status, fmt, ap);
    va_end(ap);
    return err;
}

void
lando_fail_detail(lando_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;

    if (!fmt) {
        ctx->error.detail = NULL;
        return;
    }
    va_start(ap, fmt);
    ctx->error.detail = lando_ctx_vsprintf(ctx, fmt, ap);
    va_end(ap);
}

const lando_error_t *
lando_ctx_error(lando_ctx_t *ctx)
{
    return ctx->error.code == LANDO_OK ? NULL : &ctx->error;
}

/* ---- about the invocation ------------------------------------------- */

lando_source_t
lando_ctx_source(lando_ctx_t *ctx)
{
    return ctx->source;
}

const char *
lando_source_name(lando_source_t source)
{
    switch (source) {
    case LANDO_SOURCE_REST:
        return "rest";
    case LANDO_SOURCE_HTTP:
        return "http";
    case LANDO_SOURCE_URL:
        return "url";
    case LANDO_SOURCE_ALB:
    case LANDO_SOURCE_ALB_MULTI:
        return "alb";
    case LANDO_SOURCE_LATTICE_V1:
        return "lattice-v1";
    case LANDO_SOURCE_LATTICE_V2:
        return "lattice-v2";
    case LANDO_SOURCE_NONE:
    default:
        return "none";
    }
}

const char *
lando_ctx_route(lando_ctx_t *ctx)
{
    return ctx->route ? ctx->route->pattern : NULL;
}

const char *
lando_ctx_allow(lando_ctx_t *ctx)
{
    if (!ctx->allow_done) {
        ctx->allow = lando__router_allow(ctx->app->router, ctx,
                                         lando_request_path(&ctx->req),
                                         ctx->app->strict_slash);
        ctx->allow_done = true;
    }
    return ctx->allow;
}

bool
lando_ctx_cold_start(lando_ctx_t *ctx)
{
    return ctx->cold_start;
}

int64_t
lando_ctx_start_us(lando_ctx_t *ctx)
{
    return ctx->start_us;
}

const char *
lando_ctx_lambda(lando_ctx_t *ctx, lando_lambda_field_t field)
{
    uint32_t bit;

    if ((unsigned)field >= LANDO_LAMBDA__FIELD_COUNT) {
        return NULL;
    }

    bit = 1u << field;
    if (!(ctx->lambda_cached & bit)) {
        const char *v = NULL;

        if (ctx->lambda_ops && ctx->lambda_ops->field) {
            v = ctx->lambda_ops->field(ctx->lambda_opaque, ctx, field);
        }
        ctx->lambda_cache[field] = v;
        ctx->lambda_cached |= bit;
    }
    return ctx->lambda_cache[field];
}

int64_t
lando_ctx_remaining_ms(lando_ctx_t *ctx)
{
    if (ctx->lambda_ops && ctx->lambda_ops->remaining_ms) {
        return ctx->lambda_ops->remaining_ms(ctx->lambda_opaque);
    }
    return -1;
}

const char *
lando_ctx_request_id(lando_ctx_t *ctx)
{
    const char *id = lando_ctx_lambda(ctx, LANDO_LAMBDA_REQUEST_ID);

    if (id && *id) {
        return id;
    }
    return lando_request_context(&ctx->req, "requestId");
}

/* ---- internal ------------------------------------------------------- */

lando_err_t
lando__ctx_on_end(lando_ctx_t *ctx, void (*fn)(void *), void *arg)
{
    lando_cleanup_t *c = lando__arena_alloc(&ctx->arena, sizeof(*c));

    if (!c) {
        return LANDO_ENOMEM;
    }
    c->fn = fn;
    c->arg = arg;
    c->next = ctx->cleanups;
    ctx->cleanups = c;
    return LANDO_OK;
}

int64_t
lando__now_us(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}
