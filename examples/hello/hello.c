/* The smallest lando app: GET /hello/{name} answers a JSON greeting. */
#include <lando/lando.h>

static lando_err_t
hello(lando_ctx_t *ctx, void *data)
{
    const char *name = lando_request_param(lando_req(ctx), "name");
    json_t *body = json_pack("{s:s+}", "message", "hello, ", name);

    if (body == NULL) { /* jansson refuses text that is not UTF-8 */
        return lando_fail(ctx, LANDO_EBADREQUEST, "name is not UTF-8");
    }
    return lando_response_json(lando_res(ctx), 200, body);
}

static lando_err_t
setup(lando_app_t *app)
{
    return lando_app_route(app, "GET", "/hello/{name}", hello, NULL);
}

LANDO_MODULE(hello, setup)
