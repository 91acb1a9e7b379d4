/*
 * httpbin: an HTTP request and response service in the spirit of
 * httpbin.org, served from one Lambda function. It echoes requests and
 * makes responses to order, with the JSON keys of go-httpbin
 * (github.com/mccutchen/go-httpbin), so clients and tests written for
 * either can point at it.
 *
 *     ANY    /anything, /anything/{path+}   the request as lando decoded
 *                                           it (anything.c)
 *     GET    /get, /headers, /ip, /user-agent, /cache, /gzip
 *     POST   /post    PUT /put    PATCH /patch    DELETE /delete
 *                                           echoes (request.c)
 *     ANY    /status/{codes}, /redirect-to
 *     GET    /response-headers (and POST), /cookies, /cookies/set,
 *            /cookies/delete                responses to order
 *                                           (response.c)
 *     GET    /base64/{value}, /bytes/{n}, /uuid, /json, /html, /xml,
 *            /encoding/utf8                 content (content.c)
 *
 * The echo of /anything looks like this:
 *
 *     {"method": "POST",
 *      "url": "https://example.org/anything/x?a=1",
 *      "path": "/anything/x",
 *      "args": {"a": ["1"]},
 *      "headers": {"content-type": ["application/json"], ...},
 *      "data": "{\"k\": 1}",        the body as text, or a data: URL of
 *                                   its base64 when it is not UTF-8
 *      "json": {"k": 1},            the body parsed as JSON, else null
 *      "form": {},                  urlencoded fields, else {}
 *      "origin": "203.0.113.7",     the client's address, or null
 *      "lando": {"source": "http", "stage": "$default",
 *                "route": "/anything/{path+}",
 *                "pathParameters": {"path": "x"},
 *                "requestId": "..."}}
 *
 * A route serves only the methods listed (HEAD comes with GET), so the
 * router answers other methods 405 with an exact Allow header, and
 * paths it does not know 404, both as lando's JSON error body.
 *
 * It runs lando's default middleware stack, with CORS open to any origin
 * and credentials: an echo service holds nothing worth protecting, and
 * browsers may then try it from any page. Base64 bodies arrive decoded
 * thanks to the stack's base64_body middleware, and textual answers of
 * 1 KiB or more are gzip-compressed for clients that accept it. With
 * AWS_LAMBDA_LOG_LEVEL=DEBUG the logging middleware also writes the
 * request headers, their secrets redacted.
 *
 * The example also serves the gateway's tests, which feed it every
 * event of the conformance corpus.
 */
#include <lando/lando.h>
#include <lando/mw/defaults.h>

#include "httpbin.h"

static const struct {
    const char *method;
    const char *pattern;
    lando_handler_fn handler;
} routes[] = {
    {"ANY", "/anything", httpbin_anything},
    {"ANY", "/anything/{path+}", httpbin_anything},

    {"GET", "/get", httpbin_get},
    {"POST", "/post", httpbin_with_body},
    {"PUT", "/put", httpbin_with_body},
    {"PATCH", "/patch", httpbin_with_body},
    {"DELETE", "/delete", httpbin_with_body},
    {"GET", "/headers", httpbin_headers_echo},
    {"GET", "/ip", httpbin_ip},
    {"GET", "/user-agent", httpbin_user_agent},
    {"GET", "/cache", httpbin_cache},
    {"GET", "/gzip", httpbin_gzip},

    {"ANY", "/status/{codes}", httpbin_status},
    {"ANY", "/redirect-to", httpbin_redirect_to},
    {"GET", "/response-headers", httpbin_response_headers},
    {"POST", "/response-headers", httpbin_response_headers},
    {"GET", "/cookies", httpbin_cookies},
    {"GET", "/cookies/set", httpbin_cookies_set},
    {"GET", "/cookies/delete", httpbin_cookies_delete},

    {"GET", "/base64/{value}", httpbin_base64},
    {"GET", "/bytes/{n}", httpbin_bytes},
    {"GET", "/uuid", httpbin_uuid},
    {"GET", "/json", httpbin_json_sample},
    {"GET", "/html", httpbin_html},
    {"GET", "/xml", httpbin_xml},
    {"GET", "/encoding/utf8", httpbin_utf8_page},
};

static lando_err_t
setup(lando_app_t *app)
{
    static const char *const any_origin[] = {"*", NULL};
    lando_defaults_options_t opts = {
        .logging = {.log_headers = true},
        .cors = {.origins = any_origin, .credentials = true},
    };
    lando_err_t err;

    httpbin_random_init();

    err = lando_use_defaults(app, &opts);
    if (err != LANDO_OK) {
        return err;
    }
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++) {
        err = lando_app_route(app, routes[i].method, routes[i].pattern,
                              routes[i].handler, NULL);
        if (err != LANDO_OK) {
            return err;
        }
    }
    return LANDO_OK;
}

LANDO_MODULE(httpbin, setup)
