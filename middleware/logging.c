/*
 * The logging middleware (lando/mw/logging.h): one summary line per
 * invocation, written after the rest of the chain so that it carries the
 * status the client gets and the whole duration, and at DEBUG an
 * optional line of redacted request headers.
 *
 * Every value comes from the invocation (its arena, its request and
 * response); the state is the options, read-only after construction.
 * Nothing here can fail the request: each line is built from pointers
 * that may be NULL and handed to the logger, which truncates rather
 * than fails.
 */
#include <string.h>
#include <strings.h>
#include <time.h>

#include <lando/mw/logging.h>

/* Headers whose values never reach a log line. */
static const char *const builtin_redact[] = {
    "authorization", "proxy-authorization", "cookie", "set-cookie",
    "x-api-key",
};

/* The header line lists at most this many headers. */
#define MAX_LOGGED_HEADERS 64

typedef struct log_state {
    lando_log_level_t threshold; /* this middleware's own floor */
    bool log_headers;
    char **redact; /* NULL-terminated, or NULL */
} log_state_t;

static const struct {
    const char *name;
    lando_log_level_t level;
} level_names[] = {
    {"TRACE", LANDO_LOG_DEBUG}, {"DEBUG", LANDO_LOG_DEBUG},
    {"INFO", LANDO_LOG_INFO},   {"WARN", LANDO_LOG_WARN},
    {"WARNING", LANDO_LOG_WARN}, {"ERROR", LANDO_LOG_ERROR},
    {"FATAL", LANDO_LOG_ERROR}, {"OFF", LANDO_LOG_OFF},
};

static bool
wanted(const log_state_t *st, lando_log_level_t level)
{
    return level >= st->threshold && lando_log_enabled(level);
}

static bool
redacted(const log_state_t *st, const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(builtin_redact) / sizeof(*builtin_redact); i++) {
        if (strcasecmp(name, builtin_redact[i]) == 0) {
            return true;
        }
    }
    for (i = 0; st->redact && st->redact[i]; i++) {
        if (strcasecmp(name, st->redact[i]) == 0) {
            return true;
        }
    }
    return false;
}

static int64_t
now_us(void)
{
    struct timespec ts;

    /* The same clock as lando_ctx_start_us(). */
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
        return 0;
    }
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A lower-case copy of NAME in the arena, or NAME itself. */
static const char *
lower_name(lando_ctx_t *ctx, const char *name, size_t len)
{
    char *p = lando_ctx_strndup(ctx, name, len);
    size_t i;

    if (!p) {
        return name;
    }
    for (i = 0; i < len; i++) {
        if (p[i] >= 'A' && p[i] <= 'Z') {
            p[i] = (char)(p[i] - 'A' + 'a');
        }
    }
    return p;
}

static void
log_headers(lando_ctx_t *ctx, const log_state_t *st)
{
    const lando_fields_t *h = lando_request_headers(lando_req(ctx));
    size_t n = lando_fields_count(h);
    lando_log_kv_t *kv;
    size_t i;

    if (n > MAX_LOGGED_HEADERS) {
        n = MAX_LOGGED_HEADERS;
    }
    kv = lando_ctx_alloc(ctx, (n ? n : 1) * sizeof(*kv));
    if (!kv) {
        return;
    }

    for (i = 0; i < n; i++) {
        const lando_field_t *f = lando_fields_at(h, i);

        kv[i].key = lower_name(ctx, f->name, f->name_len);
        kv[i].type = LANDO_KV_STR;
        kv[i].v.s = redacted(st, f->name) ? "[redacted]" : f->value;
    }
    lando_log_kv(ctx, LANDO_LOG_DEBUG, kv, n, "request headers");
}

/* The status the client will get, also when the failure is unanswered. */
static int
final_status(lando_ctx_t *ctx, lando_err_t err)
{
    const lando_error_t *rec;

    if (err == LANDO_OK) {
        return lando_response_status(lando_res(ctx));
    }
    /* As lando_app_handle() answers it: by the recorded failure, or by
     * the code alone when none was recorded. */
    rec = lando_ctx_error(ctx);
    if (rec && rec->status >= 400 && rec->status <= 599) {
        return rec->status;
    }
    return lando_err_status(err);
}

static void
add_str(lando_log_kv_t *kv, size_t *n, const char *key, const char *s)
{
    kv[*n].key = key;
    kv[*n].type = LANDO_KV_STR;
    kv[*n].v.s = s;
    (*n)++;
}

/* errorType and errorMessage of a failed request (status 400 or more). */
static void
add_error(lando_ctx_t *ctx, lando_log_kv_t *kv, size_t *n, int status)
{
    const lando_error_t *rec = lando_ctx_error(ctx);
    const char *type;
    const char *msg;

    if (!rec || status < 400) {
        return;
    }

    type = lando_err_name(rec->code);
    if (rec->code >= LANDO_EUSER) {
        type = lando_ctx_sprintf(ctx, "EUSER+%d", rec->code - LANDO_EUSER);
    }
    msg = rec->message;
    /* Detail is internal: logs may carry it, but a client mistake's
     * detail can quote client data, so only server faults add it. */
    if (status >= 500 && rec->detail) {
        msg = lando_ctx_sprintf(ctx, "%s: %s", rec->message ? rec->message
                                                            : "",
                                rec->detail);
    }
    add_str(kv, n, "errorType", type ? type : "EUSER");
    add_str(kv, n, "errorMessage", msg ? msg : rec->message);
}

static void
log_summary(lando_ctx_t *ctx, const log_state_t *st, lando_err_t err)
{
    lando_request_t *req = lando_req(ctx);
    int status = final_status(ctx, err);
    lando_log_level_t level = status >= 500 ? LANDO_LOG_ERROR
                                            : LANDO_LOG_INFO;
    const char *method = lando_request_method(req);
    const char *path = lando_request_path(req);
    lando_log_kv_t kv[12];
    size_t n = 0;

    if (!wanted(st, level)) {
        return;
    }

    add_str(kv, &n, "method", method);
    add_str(kv, &n, "path", path);
    add_str(kv, &n, "route", lando_ctx_route(ctx));
    kv[n].key = "status";
    kv[n].type = LANDO_KV_INT;
    kv[n++].v.i = status;
    kv[n].key = "durationMs";
    kv[n].type = LANDO_KV_DOUBLE;
    kv[n++].v.d = (double)(now_us() - lando_ctx_start_us(ctx)) / 1000.0;
    add_str(kv, &n, "source", lando_source_name(lando_ctx_source(ctx)));
    add_str(kv, &n, "userAgent", lando_request_header(req, "User-Agent"));
    add_str(kv, &n, "sourceIp", lando_request_source_ip(req));
    kv[n].key = "coldStart";
    kv[n].type = LANDO_KV_BOOL;
    kv[n++].v.b = lando_ctx_cold_start(ctx);
    add_error(ctx, kv, &n, status);

    lando_log_kv(ctx, level, kv, n, "%s %s %d", method, path, status);
}

static lando_err_t
logging_run(lando_ctx_t *ctx, void *state)
{
    const log_state_t *st = state;
    lando_err_t err;

    if (st->log_headers && wanted(st, LANDO_LOG_DEBUG)) {
        log_headers(ctx, st);
    }

    err = lando_next(ctx);
    log_summary(ctx, st, err);
    return err;
}

static void
log_free(void *state)
{
    log_state_t *st = state;
    size_t i;

    if (!st) {
        return;
    }
    for (i = 0; st->redact && st->redact[i]; i++) {
        lando_free(st->redact[i]);
    }
    lando_free(st->redact);
    lando_free(st);
}

static lando_err_t
parse_level(const char *text, lando_log_level_t *out)
{
    size_t i;

    if (!text) {
        *out = LANDO_LOG_DEBUG; /* no floor of its own */
        return LANDO_OK;
    }
    for (i = 0; i < sizeof(level_names) / sizeof(*level_names); i++) {
        if (strcasecmp(text, level_names[i].name) == 0) {
            *out = level_names[i].level;
            return LANDO_OK;
        }
    }
    return LANDO_EINVAL;
}

static lando_err_t
copy_redact(log_state_t *st, const char *const *names)
{
    size_t n = 0;
    size_t i;

    if (!names) {
        return LANDO_OK;
    }
    while (names[n]) {
        n++;
    }

    st->redact = lando_malloc((n + 1) * sizeof(*st->redact));
    if (!st->redact) {
        return LANDO_ENOMEM;
    }
    memset(st->redact, 0, (n + 1) * sizeof(*st->redact));
    for (i = 0; i < n; i++) {
        size_t len = strlen(names[i]) + 1;

        st->redact[i] = lando_malloc(len);
        if (!st->redact[i]) {
            return LANDO_ENOMEM;
        }
        memcpy(st->redact[i], names[i], len);
    }
    return LANDO_OK;
}

lando_err_t
lando_mw_logging(const lando_logging_options_t *opts, lando_mw_t *out)
{
    static const lando_logging_options_t defaults;
    log_state_t *st;
    lando_err_t err;

    if (!out) {
        return LANDO_EINVAL;
    }
    if (!opts) {
        opts = &defaults;
    }

    st = lando_malloc(sizeof(*st));
    if (!st) {
        return LANDO_ENOMEM;
    }
    memset(st, 0, sizeof(*st));
    st->log_headers = opts->log_headers;

    err = parse_level(opts->level, &st->threshold);
    if (!err) {
        err = copy_redact(st, opts->redact);
    }
    if (err) {
        log_free(st);
        return err;
    }

    out->name = "logging";
    out->fn = logging_run;
    out->state = st;
    out->free_state = log_free;
    return LANDO_OK;
}
