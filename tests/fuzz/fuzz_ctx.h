/*
 * One app and one invocation context for the harnesses that need a
 * request, made on the first input and reused, as the gateway reuses
 * its context between invocations. Each input begins a new invocation,
 * so whatever one input leaves in the arena is released by the next:
 * the same life cycle as in Lambda.
 */
#ifndef LANDO_FUZZ_CTX_H
#define LANDO_FUZZ_CTX_H

#include "internal.h"
#include "fuzz_util.h"

static lando_app_t *fuzz_app;
static lando_ctx_t *fuzz_ctx;

/* A fresh invocation on the shared context; its request, empty. */
static inline lando_request_t *
fuzz_begin(void)
{
    if (!fuzz_ctx) {
        fuzz_app = lando_app_new();
        FUZZ_CHECK(fuzz_app);
        fuzz_ctx = lando_ctx_new(fuzz_app);
        FUZZ_CHECK(fuzz_ctx);
    }
    lando_ctx_begin(fuzz_ctx, LANDO_SOURCE_NONE);
    return lando_req(fuzz_ctx);
}

/* Every pair of F is NUL-terminated at its stated lengths. */
static inline void
fuzz_check_fields(const lando_fields_t *f)
{
    size_t n = lando_fields_count(f);

    for (size_t i = 0; i < n; i++) {
        const lando_field_t *it = lando_fields_at(f, i);

        FUZZ_CHECK(it && it->name && it->value);
        FUZZ_CHECK(it->name[it->name_len] == '\0');
        FUZZ_CHECK(it->value[it->value_len] == '\0');
    }
    FUZZ_CHECK(lando_fields_at(f, n) == NULL);
}

#endif /* LANDO_FUZZ_CTX_H */
