/*
 * Request validation with a JSON Schema subset.
 *
 * A schema is compiled once, at setup, and then checks values without
 * allocating until it finds something wrong. The subset follows JSON
 * Schema 2020-12 (the dialect of OpenAPI 3.1), so the same text serves
 * as documentation in the OpenAPI plugin:
 *
 *   type                  a name or a list of names: "null", "boolean",
 *                         "object", "array", "number", "string",
 *                         "integer" (a number with no fractional part)
 *   properties, required, additionalProperties (true, false or a schema)
 *   items                 one schema for every element
 *   minItems, maxItems
 *   enum, const           compared with JSON equality
 *   minimum, maximum, exclusiveMinimum, exclusiveMaximum (numbers)
 *   minLength, maxLength  counted in Unicode code points
 *
 * The annotations title, description, default, examples, format,
 * deprecated, readOnly, writeOnly, $comment and $schema are accepted and
 * not enforced ("format" only annotates, as 2020-12 specifies by
 * default). Any other keyword is refused when the schema is compiled, so
 * that a schema never promises a check it does not make: "nullable" (an
 * OpenAPI 3.0 word; write "type": ["string", "null"]), "$ref", "pattern",
 * "oneOf" and the like give LANDO_EINVAL with a message naming the
 * keyword and where it is. `true` and `false` are schemas too.
 *
 * Failures are reported as a list of {"path", "message"} objects whose
 * path is a JSON path from the body's root: "$", "$.title",
 * "$.items[2].name", "$[\"a key\"]".
 */
#ifndef LANDO_SCHEMA_H
#define LANDO_SCHEMA_H

#include <jansson.h>

#include <lando/common.h>
#include <lando/middleware.h>

typedef struct lando_schema lando_schema_t;

/**
 * The most failures one validation reports; a body with more gets the
 * first ones only, so a hostile body cannot make the answer huge.
 */
#define LANDO_SCHEMA_MAX_ERRORS 32

/**
 * Compile the schema in TEXT (JSON). On success *OUT is a new schema the
 * caller frees with lando_schema_free(). On failure, WHY (may be NULL)
 * receives up to WHY_LEN bytes (NUL-terminated) naming the problem and
 * where it is, e.g. "$.properties.title: unsupported keyword
 * \"pattern\"". Returns LANDO_OK, LANDO_EINVAL for malformed JSON or a
 * schema outside the subset, or LANDO_ENOMEM.
 */
LANDO_API lando_err_t
lando_schema_compile(const char *text, lando_schema_t **out, char *why,
                     size_t why_len);

/**
 * As lando_schema_compile() from a parsed SCHEMA, which is borrowed: the
 * compiled schema keeps its own copy.
 */
LANDO_API lando_err_t
lando_schema_compile_json(const json_t *schema, lando_schema_t **out,
                          char *why, size_t why_len);

/** Free SCHEMA. NULL is a no-op. */
LANDO_API void
lando_schema_free(lando_schema_t *schema);

/**
 * The schema as JSON, for documents that describe it. Borrowed; it lives
 * as long as SCHEMA and must not be changed.
 */
LANDO_API const json_t *
lando_schema_json(const lando_schema_t *schema);

/**
 * Check VALUE against SCHEMA. Returns LANDO_OK when it conforms,
 * LANDO_EVALIDATION when it does not, or LANDO_ENOMEM. With ERRORS not
 * NULL, a failure sets *ERRORS to a new reference to an array of
 * {"path": "$.items[2].name", "message": "must be a string"} objects,
 * in document order, at most LANDO_SCHEMA_MAX_ERRORS of them; the caller
 * decrefs it. On success and on LANDO_ENOMEM *ERRORS is NULL. A valid
 * value costs no allocation.
 */
LANDO_API lando_err_t
lando_schema_validate(const lando_schema_t *schema, const json_t *value,
                      json_t **errors);

/**
 * A middleware that parses the request body with lando_request_json()
 * and checks it against SCHEMA. A body that is not JSON fails as
 * lando_request_json() fails (400 bad_json, 415 for another media type).
 * A body that does not conform is answered 422 with the standard error
 * body extended by the failures:
 *
 *     {"error": {"status": 422, "code": "validation_failed",
 *                "message": "request body failed validation",
 *                "fields": [{"path": "$.title",
 *                            "message": "is required"}]}}
 *
 * and the failure is recorded on the invocation (lando_ctx_error()
 * reports LANDO_EVALIDATION) for logging. The middleware takes over
 * SCHEMA; put it on a route with lando_route_use(), or let
 * lando_route_set_doc() add it for a documented request schema.
 */
LANDO_API lando_mw_t
lando_mw_validate(lando_schema_t *schema);

#endif /* LANDO_SCHEMA_H */
