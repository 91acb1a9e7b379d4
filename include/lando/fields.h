/*
 * An ordered list of name/value pairs that keeps repeated names: headers,
 * query parameters, cookies, form fields, path parameters and stage
 * variables all use it. Lists of header names compare names without
 * regard to case; the others compare them exactly.
 *
 * Lists belong to an invocation (or, for lists built at setup, to the
 * app): pointers into them are valid as long as their owner.
 */
#ifndef LANDO_FIELDS_H
#define LANDO_FIELDS_H

#include <lando/common.h>

/** Number of pairs. A NULL list has none. */
LANDO_API size_t
lando_fields_count(const lando_fields_t *fields);

/** Pair I (0-based) in arrival order, or NULL past the end. */
LANDO_API const lando_field_t *
lando_fields_at(const lando_fields_t *fields, size_t i);

/** The value of the first pair named NAME, or NULL. */
LANDO_API const char *
lando_fields_get(const lando_fields_t *fields, const char *name);

/**
 * Iterate the pairs named NAME: pass NULL as PREV for the first, then the
 * previous result. Returns NULL after the last.
 */
LANDO_API const lando_field_t *
lando_fields_next(const lando_fields_t *fields, const char *name,
                  const lando_field_t *prev);

/** The number of pairs named NAME. */
LANDO_API size_t
lando_fields_count_of(const lando_fields_t *fields, const char *name);

#endif /* LANDO_FIELDS_H */
