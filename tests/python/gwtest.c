/*
 * libgwtest: a module for the gateway's tests. Unlike httpbin it runs no
 * middleware, so the tests see the request exactly as the gateway built
 * it (a base64 body still encoded, say) and can make responses of every
 * kind to check how each source's result dict is shaped.
 *
 *   ANY /raw            the request as built: method, paths, raw query,
 *                       query and headers as ordered pairs, body, stage
 *   GET /context?key=k  lando_request_context(k)
 *   GET /lambda         the Lambda context fields and remaining time
 *   ANY /respond        a response made from the query: status=N,
 *                       h=Name:value (repeatable), body=text,
 *                       type=content type, mode=text|binary|auto
 *   GET /binary         256 bytes 0..255 as application/octet-stream
 *   GET /badtext        text/plain that is not valid UTF-8
 *   GET /fail           a handler failure (500)
 *   GET /big?n=N        N bytes of text
 */
#include <stdlib.h>
#include <string.h>

#include <lando/lando.h>

/* TEXT as a JSON string, or "b64:" and its base64 when not UTF-8. */
static json_t *
text_or_b64(lando_ctx_t *ctx, const char *text, size_t len)
{
    json_t *value = json_stringn(text, len);
    char *b64;

    if (value != NULL) {
        return value;
    }
    b64 = lando_ctx_base64_encode(ctx, text, len);
    return b64 != NULL ? json_sprintf("b64:%s", b64) : NULL;
}

/* [[name, value], ...] of F. */
static json_t *
pairs(lando_ctx_t *ctx, const lando_fields_t *f)
{
    json_t *list = json_array();

    for (size_t i = 0; list != NULL && i < lando_fields_count(f); i++) {
        const lando_field_t *item = lando_fields_at(f, i);
        json_t *pair =
            json_pack("[oo]", text_or_b64(ctx, item->name, item->name_len),
                      text_or_b64(ctx, item->value, item->value_len));
        if (json_array_append_new(list, pair) < 0) {
            json_decref(list);
            list = NULL;
        }
    }
    return list;
}

static json_t *
nullable(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

static lando_err_t
raw(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    size_t len;
    const char *body = lando_request_body(req, &len);
    json_t *out;
    /* One key and its value per line; clang-format would mix them. */
    /* clang-format off */
    out = json_pack("{s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:b, s:I, s:o,"
                    " s:o, s:s, s:o}",
                    "method", lando_request_method(req),
                    "path", lando_request_path(req),
                    "rawPath", lando_request_raw_path(req),
                    "rawQuery", lando_request_raw_query(req),
                    "query", pairs(ctx, lando_request_query(req)),
                    "headers", pairs(ctx, lando_request_headers(req)),
                    "body", text_or_b64(ctx, body, len),
                    "bodyIsBase64", lando_request_body_is_base64(req),
                    "bodyLength", (json_int_t)len,
                    "stage", nullable(lando_request_stage(req)),
                    "stageVariables",
                    pairs(ctx, lando_request_stage_vars(req)),
                    "source", lando_source_name(lando_ctx_source(ctx)),
                    "sourceIp", nullable(lando_request_source_ip(req)));
    /* clang-format on */
    if (out == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return lando_response_json(lando_res(ctx), 200, out);
}

static lando_err_t
context(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *key = lando_request_query_get(req, "key");

    if (key == NULL) {
        return lando_fail(ctx, LANDO_EBADREQUEST, "key is required");
    }
    return lando_response_json(
        lando_res(ctx), 200,
        json_pack("{s:o}", "value", nullable(lando_request_context(req, key))));
}

static lando_err_t
lambda(lando_ctx_t *ctx, void *data)
{
    static const struct {
        const char *name;
        lando_lambda_field_t field;
    } fields[] = {
        {"functionName", LANDO_LAMBDA_FUNCTION_NAME},
        {"functionVersion", LANDO_LAMBDA_FUNCTION_VERSION},
        {"invokedFunctionArn", LANDO_LAMBDA_INVOKED_ARN},
        {"memoryLimitInMB", LANDO_LAMBDA_MEMORY_MB},
        {"awsRequestId", LANDO_LAMBDA_REQUEST_ID},
        {"logGroupName", LANDO_LAMBDA_LOG_GROUP},
        {"logStreamName", LANDO_LAMBDA_LOG_STREAM},
    };
    json_t *out = json_object();

    for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
        json_object_set_new(out, fields[i].name,
                            nullable(lando_ctx_lambda(ctx, fields[i].field)));
    }
    json_object_set_new(out, "remainingMs",
                        json_integer(lando_ctx_remaining_ms(ctx)));
    json_object_set_new(out, "requestId", nullable(lando_ctx_request_id(ctx)));
    json_object_set_new(out, "coldStart",
                        json_boolean(lando_ctx_cold_start(ctx)));
    return lando_response_json(lando_res(ctx), 200, out);
}

static lando_err_t
respond(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    lando_response_t *res = lando_res(ctx);
    const char *status = lando_request_query_get(req, "status");
    const char *body = lando_request_query_get(req, "body");
    const char *type = lando_request_query_get(req, "type");
    const char *mode = lando_request_query_get(req, "mode");
    const lando_field_t *h = NULL;
    lando_err_t err;

    lando_response_set_status(res, status != NULL ? atoi(status) : 200);
    while ((h = lando_fields_next(lando_request_query(req), "h", h))) {
        const char *colon = strchr(h->value, ':');
        char *name;

        if (colon == NULL) {
            continue;
        }
        name = lando_ctx_strndup(ctx, h->value, (size_t)(colon - h->value));
        err = lando_response_add_header(res, name, colon + 1);
        if (err != LANDO_OK) {
            return lando_fail(ctx, err, "bad header %s", h->value);
        }
    }
    if (type != NULL) {
        lando_response_set_header(res, "Content-Type", type);
    }
    if (body != NULL) {
        lando_response_set_body(res, body, strlen(body));
    }
    if (mode != NULL && strcmp(mode, "text") == 0) {
        lando_response_set_body_mode(res, LANDO_BODY_TEXT);
    } else if (mode != NULL && strcmp(mode, "binary") == 0) {
        lando_response_set_body_mode(res, LANDO_BODY_BINARY);
    }
    return LANDO_OK;
}

static lando_err_t
binary(lando_ctx_t *ctx, void *data)
{
    unsigned char bytes[256];

    for (size_t i = 0; i < sizeof(bytes); i++) {
        bytes[i] = (unsigned char)i;
    }
    return lando_response_send(lando_res(ctx), 200, "application/octet-stream",
                               bytes, sizeof(bytes));
}

static lando_err_t
badtext(lando_ctx_t *ctx, void *data)
{
    static const char text[] = "caf\xe9 \xff\xfe";
    lando_response_t *res = lando_res(ctx);
    lando_err_t err;

    err = lando_response_send(res, 200, "text/plain; charset=utf-8", text,
                              sizeof(text) - 1);
    lando_response_set_body_mode(res, LANDO_BODY_TEXT);
    return err;
}

static lando_err_t
fail(lando_ctx_t *ctx, void *data)
{
    return lando_fail(ctx, LANDO_EINTERNAL, "the handler failed on purpose");
}

static lando_err_t
big(lando_ctx_t *ctx, void *data)
{
    const char *n_text = lando_request_query_get(lando_req(ctx), "n");
    size_t n = n_text != NULL ? (size_t)strtoul(n_text, NULL, 10) : 0;
    char *body = lando_ctx_alloc(ctx, n + 1);

    if (body == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    for (size_t i = 0; i < n; i++) {
        body[i] = (char)('a' + i % 26);
    }
    return lando_response_send(lando_res(ctx), 200, "text/plain", body, n);
}

static lando_err_t
setup(lando_app_t *app)
{
    static const struct {
        const char *method;
        const char *pattern;
        lando_handler_fn fn;
    } routes[] = {
        {"ANY", "/raw", raw},         {"ANY", "/raw/{rest+}", raw},
        {"GET", "/context", context}, {"GET", "/lambda", lambda},
        {"ANY", "/respond", respond}, {"GET", "/binary", binary},
        {"GET", "/badtext", badtext}, {"GET", "/fail", fail},
        {"GET", "/big", big},
    };
    lando_err_t err = LANDO_OK;

    for (size_t i = 0;
         err == LANDO_OK && i < sizeof(routes) / sizeof(routes[0]); i++) {
        err = lando_app_route(app, routes[i].method, routes[i].pattern,
                              routes[i].fn, NULL);
    }
    return err;
}

LANDO_MODULE(gwtest, setup)
