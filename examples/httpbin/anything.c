/*
 * /anything and /anything/{path+}: any method, answered with what the
 * request looked like once lando had decoded the event, including what
 * lando itself knows about the invocation (source, stage, route, path
 * parameters, request id). The gateway's tests feed every event of the
 * conformance corpus through it, so its answer is a contract: keep the
 * keys and their meaning as they are.
 */
#include <string.h>

#include "httpbin.h"

/* What lando itself knows about the invocation. */
static json_t *
lando_of(lando_ctx_t *ctx)
{
    lando_request_t *req = lando_req(ctx);
    const lando_fields_t *params = lando_request_params(req);
    json_t *pp = json_object();

    for (size_t i = 0; pp != NULL && i < lando_fields_count(params); i++) {
        const lando_field_t *p = lando_fields_at(params, i);
        json_t *value = httpbin_text(ctx, p->value, p->value_len);
        if (value == NULL || json_object_set_new(pp, p->name, value) < 0) {
            json_decref(pp);
            pp = NULL;
        }
    }
    /* One key and its value per line; clang-format would mix them. */
    /* clang-format off */
    return json_pack("{s:s, s:o, s:o, s:o, s:o}",
                     "source", lando_source_name(lando_ctx_source(ctx)),
                     "stage", httpbin_nullable(ctx, lando_request_stage(req)),
                     "route", httpbin_nullable(ctx, lando_ctx_route(ctx)),
                     "pathParameters", pp,
                     "requestId",
                     httpbin_nullable(ctx, lando_ctx_request_id(ctx)));
    /* clang-format on */
}

lando_err_t
httpbin_anything(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *path = lando_request_path(req);
    size_t len;
    const char *body = lando_request_body(req, &len);
    json_t *echo;

    /* clang-format off */
    echo = json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "method", lando_request_method(req),
                     "url", httpbin_url(ctx),
                     "path", httpbin_text(ctx, path, strlen(path)),
                     "args", httpbin_args(ctx),
                     "headers", httpbin_headers(ctx),
                     "data", httpbin_data(ctx, body, len),
                     "json", httpbin_json(body, len),
                     "form", httpbin_form(ctx),
                     "origin",
                     httpbin_nullable(ctx, lando_request_source_ip(req)),
                     "lando", lando_of(ctx));
    /* clang-format on */
    if (echo == NULL) {
        return lando_fail(ctx, LANDO_ENOMEM, NULL);
    }
    return lando_response_json(lando_res(ctx), 200, echo);
}
