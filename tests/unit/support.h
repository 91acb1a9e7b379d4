/*
 * Helpers shared by the cmocka unit tests.
 *
 * Allocation: t_use_test_allocator() routes lando's allocator and
 * jansson's through cmocka's test_malloc(), so a block a test leaks fails
 * that test, and lets a test fail one chosen allocation (chaos tests).
 * Call it first thing in main(), before anything allocates.
 *
 * cmocka looks for leaks as soon as a test function returns, before any
 * teardown runs, so make and free apps inside the test body: T_APP_TEST
 * below does that around the body it declares.
 *
 * Requests: t_app_new() makes an app with a context of its own; t_begin()
 * starts an invocation on it, t_header() and t_body() fill the request,
 * t_handle() serves it and t_body_str() reads the answer back.
 */
#ifndef LANDO_TEST_SUPPORT_H
#define LANDO_TEST_SUPPORT_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>

#include <cmocka.h>

#include <lando/lando.h>

/* ---- allocation ----------------------------------------------------- */

/** Route lando's and jansson's allocations through cmocka. */
void
t_use_test_allocator(void);

/**
 * Make allocation number N (0-based, counted from this call) fail, once;
 * a negative N fails none. Resets the counters below.
 */
void
t_alloc_fail_at(long n);

/** Allocations attempted since the last t_alloc_fail_at(). */
long
t_alloc_count(void);

/** Whether the chosen allocation has failed yet. */
bool
t_alloc_failed(void);

/** Blocks allocated through the test allocator and not yet freed. */
long
t_alloc_live(void);

/* ---- apps and requests ---------------------------------------------- */

/** An app with a context of its own (freed by t_app_free()). Fails the
 * test when memory runs out. */
lando_app_t *
t_app_new(void);

/** Free APP and the context t_begin() made for it. NULL is a no-op. */
void
t_app_free(lando_app_t *app);

/**
 * Begin an invocation on APP's context (made on first use) with METHOD
 * and TARGET, a path with an optional "?query". Returns the context.
 */
lando_ctx_t *
t_begin(lando_app_t *app, const char *method, const char *target);

/** Add a request header; fails the test on error. */
void
t_header(lando_ctx_t *ctx, const char *name, const char *value);

/** Set the request body (text) and, unless NULL, its Content-Type. */
void
t_body(lando_ctx_t *ctx, const char *content_type, const char *body);

/** lando_app_handle() on the context's app; returns the status. */
int
t_handle(lando_ctx_t *ctx);

/** The response body as a NUL-terminated string in the arena. */
const char *
t_body_str(lando_ctx_t *ctx);

/** A handler answering 200 text/plain with DATA (a string) or "ok". */
lando_err_t
t_reply(lando_ctx_t *ctx, void *data);

/** A middleware description from a function and state, nothing to free. */
lando_mw_t
t_mw(const char *name, lando_mw_fn fn, void *state);

/**
 * Declare a cmocka test NAME whose body runs with a fresh `app` (made by
 * t_app_new() and freed by t_app_free() afterwards):
 *
 *     T_APP_TEST(router_answers_404) { ... use app ... }
 */
#define T_APP_TEST(name)                                                     \
    static void name##_body(lando_app_t *app);                               \
    static void name(void **state)                                           \
    {                                                                        \
        lando_app_t *app = t_app_new();                                      \
        (void)state;                                                         \
        name##_body(app);                                                    \
        t_app_free(app);                                                     \
    }                                                                        \
    static void name##_body(lando_app_t *app)

#endif /* LANDO_TEST_SUPPORT_H */
