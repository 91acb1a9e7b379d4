/*
 * A module for the tests of tools/lando: answers that examples/httpbin
 * does not give, so that `lando serve` can be checked against them.
 *
 *     GET  /cookies   three Set-Cookie headers, one holding a comma
 *     ANY  /echo      the request body back, byte for byte, with the
 *                     request's Content-Type
 *     GET  /get-only  a route that answers 405 to other methods
 */
#include <lando/lando.h>
#include <lando/mw/defaults.h>

static lando_err_t
cookies(lando_ctx_t *ctx, void *data)
{
    static const char *const values[] = {
        "a=1; Path=/",
        "b=2; Path=/; HttpOnly; SameSite=Lax",
        "c=3; Expires=Wed, 21 Oct 2037 07:28:00 GMT; Path=/",
    };
    lando_response_t *res = lando_res(ctx);
    size_t i;
    lando_err_t err;

    for (i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        err = lando_response_add_header(res, "Set-Cookie", values[i]);
        if (err) {
            return err;
        }
    }
    return lando_response_text(res, 200, "three cookies");
}

static lando_err_t
echo(lando_ctx_t *ctx, void *data)
{
    lando_request_t *req = lando_req(ctx);
    const char *type = lando_request_header(req, "Content-Type");
    size_t len;
    const char *body = lando_request_body(req, &len);

    return lando_response_send(lando_res(ctx), 200,
                               type ? type : "application/octet-stream",
                               body, len);
}

static lando_err_t
get_only(lando_ctx_t *ctx, void *data)
{
    return lando_response_text(lando_res(ctx), 200, "got");
}

static lando_err_t
setup(lando_app_t *app)
{
    lando_err_t err;

    err = lando_use_defaults(app, NULL);
    if (err) {
        return err;
    }
    err = lando_app_route(app, "GET", "/cookies", cookies, NULL);
    if (err) {
        return err;
    }
    err = lando_app_route(app, "ANY", "/echo", echo, NULL);
    if (err) {
        return err;
    }
    return lando_app_route(app, "GET", "/get-only", get_only, NULL);
}

LANDO_MODULE(probe, setup)
