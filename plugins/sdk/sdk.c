/*
 * The lando plugin SDK: every lando_* function of the host table
 * (include/lando/plugin_host.h) defined as a call through the table the
 * loader hands to lando_plugin_entry. Linked into loadable plugins in
 * place of lando itself.
 */
#include <lando/plugin_host.h>

static const lando_host_t *host;

bool
lando_plugin_sdk_bind(const lando_host_t *h)
{
    if (h == NULL || h->abi != LANDO_PLUGIN_ABI ||
        h->size < sizeof(lando_host_t)) {
        return false;
    }
    host = h;
    return true;
}

#define STUB(ret, name, params, args)                                        \
    ret name params                                                          \
    {                                                                        \
        return host->name args;                                              \
    }
#define VSTUB(name, params, args)                                            \
    void name params                                                         \
    {                                                                        \
        host->name args;                                                     \
    }

LANDO_HOST_FUNCTIONS(STUB, VSTUB)

char *
lando_ctx_sprintf(lando_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;
    char *s;

    va_start(ap, fmt);
    s = host->lando_ctx_vsprintf(ctx, fmt, ap);
    va_end(ap);
    return s;
}

lando_err_t
lando_fail(lando_ctx_t *ctx, lando_err_t code, const char *fmt, ...)
{
    va_list ap;
    lando_err_t err;

    va_start(ap, fmt);
    err = host->fail_v(ctx, code, 0, fmt, ap);
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
    err = host->fail_v(ctx, code, status, fmt, ap);
    va_end(ap);
    return err;
}

void
lando_fail_detail(lando_ctx_t *ctx, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host->fail_detail_v(ctx, fmt, ap);
    va_end(ap);
}

void
lando_log(lando_ctx_t *ctx, lando_log_level_t level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host->log_v(ctx, level, NULL, 0, fmt, ap);
    va_end(ap);
}

void
lando_log_kv(lando_ctx_t *ctx, lando_log_level_t level,
             const lando_log_kv_t *kv, size_t n, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    host->log_v(ctx, level, kv, n, fmt, ap);
    va_end(ap);
}
