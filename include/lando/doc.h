/*
 * Route documentation: what a route does, in words and JSON Schemas, for
 * the OpenAPI plugin and for request validation.
 *
 *     lando_route_t *route;
 *     lando_group_route(g, "POST", "/todos", create_todo, NULL, &route);
 *     lando_route_set_doc(route, &(lando_route_doc_t){
 *         .summary = "Create a todo",
 *         .tags = (const char *const[]){"todos", NULL},
 *         .request_schema = "{\"type\": \"object\", \"required\": "
 *                           "[\"title\"], \"properties\": {\"title\": "
 *                           "{\"type\": \"string\", \"minLength\": 1}}}",
 *         .response_status = 201,
 *         .response_schema = ITEM_SCHEMA,
 *     });
 *
 * Every schema is compiled when the doc is set (schema.h lists the
 * subset), so a typo fails setup rather than a request. A request schema
 * is enforced: lando_route_set_doc() puts the validation middleware
 * (lando_mw_validate) on the route, after any middleware the route
 * already has, so a body that does not conform is answered 422 before the
 * handler runs. Add route middleware that must run first (authentication)
 * before setting the doc. Set skip_validation to only document it.
 */
#ifndef LANDO_DOC_H
#define LANDO_DOC_H

#include <jansson.h>

#include <lando/common.h>
#include <lando/router.h>

/** A parameter the route reads, besides the body. */
typedef struct lando_param_doc {
    const char *name;        /* NULL ends a list */
    const char *in;          /* "query" (NULL), "header", "path", "cookie" */
    const char *description; /* may be NULL */
    const char *schema;      /* JSON Schema text; NULL: a string */
    bool required;           /* path parameters are always required */
} lando_param_doc_t;

/** What lando_route_set_doc() records. Every field may be left zero. */
typedef struct lando_route_doc {
    const char *summary;
    const char *description;
    const char *const *tags;  /* NULL-terminated list */
    const char *operation_id; /* unique across the app when given */
    /* JSON Schema of the JSON request body; enforced unless
     * skip_validation is set. */
    const char *request_schema;
    bool skip_validation;
    /* The success response: status (0 means 200), description (NULL
     * for the reason phrase) and JSON Schema of its body (NULL for an
     * undescribed or empty body). */
    int response_status;
    const char *response_description;
    const char *response_schema;
    /* Query, header, cookie or path parameters, ended by a NULL name.
     * Path parameters of the pattern that are not listed are documented
     * as strings. */
    const lando_param_doc_t *params;
    bool deprecated;
    bool hidden; /* leave the route out of generated documents */
} lando_route_doc_t;

/**
 * Document ROUTE with DOC. Everything DOC points to is copied; the copy
 * lives as long as the app. Returns LANDO_OK; LANDO_EINVAL for a NULL
 * argument, a route already documented, a malformed parameter or a
 * schema that does not compile, with lando_app_last_error() naming the
 * route, the field and the problem ("POST /todos: request_schema:
 * $.properties.title: unsupported keyword \"pattern\""); LANDO_EFROZEN
 * after the first invocation; or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_route_set_doc(lando_route_t *route, const lando_route_doc_t *doc);

/**
 * The documentation of ROUTE, or NULL when it has none. Borrowed: the
 * strings and lists belong to the app. Its schema fields hold the text as
 * given; the parsed forms are below.
 */
LANDO_API const lando_route_doc_t *
lando_route_doc(const lando_route_t *route);

/** The parsed request schema of ROUTE, or NULL. Borrowed, read-only. */
LANDO_API const json_t *
lando_route_request_schema(const lando_route_t *route);

/** The parsed response schema of ROUTE, or NULL. Borrowed, read-only. */
LANDO_API const json_t *
lando_route_response_schema(const lando_route_t *route);

/**
 * The parsed schema of documented parameter I of ROUTE (the order of
 * doc->params), or NULL when it gave none or I is past the end.
 * Borrowed, read-only.
 */
LANDO_API const json_t *
lando_route_param_schema(const lando_route_t *route, size_t i);

#endif /* LANDO_DOC_H */
