/*
 * Ordered, multi-valued name/value lists. The array of pairs grows in
 * the invocation's arena, usually in place since it tends to be the most
 * recent allocation while a list is being filled. Names of header lists
 * compare without regard to ASCII case (no locale is consulted).
 */
#include <string.h>

#include "internal.h"

#define FIELDS_FIRST_CAP 8u

bool
lando__ieq_lit(const char *s, size_t len, const char *lit)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (lit[i] == '\0' || lando__lower((unsigned char)s[i]) != lit[i]) {
            return false;
        }
    }
    return lit[len] == '\0';
}

bool
lando__istarts_lit(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);

    return len >= n && lando__ieq_lit(s, n, lit);
}

bool
lando__iends_lit(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);

    return len >= n && lando__ieq_lit(s + len - n, n, lit);
}

void
lando__fields_init(lando_fields_t *f, bool icase)
{
    f->items = NULL;
    f->count = 0;
    f->cap = 0;
    f->icase = icase;
}

bool
lando__name_eq(const lando_fields_t *f, const lando_field_t *item,
               const char *name, size_t name_len)
{
    size_t i;

    if (item->name_len != name_len) {
        return false;
    }
    if (!f->icase) {
        return memcmp(item->name, name, name_len) == 0;
    }
    /* Names are mostly spelt alike: whole words first, and lando__lower() only
     * from the first word that differs. */
    for (i = 0; i + sizeof(uint64_t) <= name_len; i += sizeof(uint64_t)) {
        uint64_t a, b;

        memcpy(&a, item->name + i, sizeof(a));
        memcpy(&b, name + i, sizeof(b));
        if (a != b) {
            break;
        }
    }
    for (; i < name_len; i++) {
        unsigned char a = (unsigned char)item->name[i];
        unsigned char b = (unsigned char)name[i];

        if (a != b && lando__lower(a) != lando__lower(b)) {
            return false;
        }
    }
    return true;
}

lando_err_t
lando__fields_add_ref(lando_ctx_t *ctx, lando_fields_t *f, const char *name,
                      size_t name_len, const char *value, size_t value_len)
{
    lando_field_t *item;

    if (name_len > UINT32_MAX || value_len > UINT32_MAX) {
        return LANDO_EINVAL;
    }

    if (f->count == f->cap) {
        uint32_t cap = f->cap ? f->cap * 2 : FIELDS_FIRST_CAP;
        lando_field_t *items;

        if (f->cap > UINT32_MAX / 2) {
            return LANDO_ENOMEM;
        }
        items = lando__arena_grow(&ctx->arena, f->items,
                                  f->cap * sizeof(*items),
                                  cap * sizeof(*items));
        if (!items) {
            return LANDO_ENOMEM;
        }
        f->items = items;
        f->cap = cap;
    }

    item = &f->items[f->count++];
    item->name = name;
    item->name_len = (uint32_t)name_len;
    item->value = value;
    item->value_len = (uint32_t)value_len;
    return LANDO_OK;
}

lando_err_t
lando__fields_add(lando_ctx_t *ctx, lando_fields_t *f, const char *name,
                  size_t name_len, const char *value, size_t value_len)
{
    char *buf;

    if (name_len > UINT32_MAX || value_len > UINT32_MAX) {
        return LANDO_EINVAL;
    }

    /* One allocation holds both strings, each NUL-terminated. */
    buf = lando__arena_alloc(&ctx->arena, name_len + value_len + 2);
    if (!buf) {
        return LANDO_ENOMEM;
    }
    memcpy(buf, name, name_len);
    buf[name_len] = '\0';
    if (value_len) {
        memcpy(buf + name_len + 1, value, value_len);
    }
    buf[name_len + 1 + value_len] = '\0';

    return lando__fields_add_ref(ctx, f, buf, name_len, buf + name_len + 1,
                                 value_len);
}

void
lando__fields_remove(lando_fields_t *f, const char *name)
{
    size_t len = strlen(name);
    uint32_t i, kept = 0;

    for (i = 0; i < f->count; i++) {
        if (!lando__name_eq(f, &f->items[i], name, len)) {
            f->items[kept++] = f->items[i];
        }
    }
    f->count = kept;
}

size_t
lando_fields_count(const lando_fields_t *fields)
{
    return fields ? fields->count : 0;
}

const lando_field_t *
lando_fields_at(const lando_fields_t *fields, size_t i)
{
    if (!fields || i >= fields->count) {
        return NULL;
    }
    return &fields->items[i];
}

const lando_field_t *
lando_fields_next(const lando_fields_t *fields, const char *name,
                  const lando_field_t *prev)
{
    size_t i, len;

    if (!fields || !name || fields->count == 0) {
        return NULL;
    }

    i = 0;
    if (prev) {
        if (prev < fields->items || prev >= fields->items + fields->count) {
            return NULL;
        }
        i = (size_t)(prev - fields->items) + 1;
    }

    len = strlen(name);
    for (; i < fields->count; i++) {
        if (lando__name_eq(fields, &fields->items[i], name, len)) {
            return &fields->items[i];
        }
    }
    return NULL;
}

const char *
lando_fields_get(const lando_fields_t *fields, const char *name)
{
    const lando_field_t *f = lando_fields_next(fields, name, NULL);

    return f ? f->value : NULL;
}

size_t
lando_fields_count_of(const lando_fields_t *fields, const char *name)
{
    const lando_field_t *f = NULL;
    size_t n = 0;

    while ((f = lando_fields_next(fields, name, f)) != NULL) {
        n++;
    }
    return n;
}
