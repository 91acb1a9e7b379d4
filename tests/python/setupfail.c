/*
 * libsetupfail: a module whose setup fails, for the gateway's tests of
 * SetupError. LANDO_TEST_SETUP chooses how: "conflict" (the default)
 * routes one path twice, so the app records a message naming both
 * routes; "plain" returns a code without recording anything.
 */
#include <stdlib.h>
#include <string.h>

#include <lando/lando.h>

static lando_err_t
nothing(lando_ctx_t *ctx, void *data)
{
    return lando_response_empty(lando_res(ctx), 204);
}

static lando_err_t
setup(lando_app_t *app)
{
    const char *how = getenv("LANDO_TEST_SETUP");
    lando_err_t err;

    if (how != NULL && strcmp(how, "plain") == 0) {
        return LANDO_EUNAVAILABLE;
    }
    err = lando_app_route(app, "GET", "/twice", nothing, NULL);
    if (err != LANDO_OK) {
        return err;
    }
    return lando_app_route(app, "GET", "/twice", nothing, NULL);
}

LANDO_MODULE(setupfail, setup)
