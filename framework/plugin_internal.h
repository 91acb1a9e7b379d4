/*
 * What plugin.c and route_doc.c share: the per-app plugin state that
 * struct lando_app points to. Only these two files include this header.
 */
#ifndef LANDO_PLUGIN_INTERNAL_H
#define LANDO_PLUGIN_INTERNAL_H

#include "internal.h"

#include <lando/plugin.h>

typedef struct lando_on_free {
    struct lando_on_free *next;
    void (*fn)(void *arg);
    void *arg;
} lando_on_free_t;

struct lando_plugin_state {
    lando_plugin_t **mounts; /* mount order */
    size_t mount_count;
    size_t mount_cap;
    lando_on_free_t *on_free;     /* newest first */
    void *docs; /* route_doc.c's records, newest first */
    bool env_loaded;
};

/* APP's plugin state, created on first use; NULL when memory runs out. */
struct lando_plugin_state *lando__plugin_state(lando_app_t *app);

/* Free the list of route doc records in DOCS (route_doc.c). */
void lando__route_docs_free(void *docs);

#endif /* LANDO_PLUGIN_INTERNAL_H */
