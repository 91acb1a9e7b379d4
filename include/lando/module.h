/*
 * Declaring the Python extension module that the Lambda runtime imports.
 *
 *     static lando_err_t setup(lando_app_t *app) { ... register ... }
 *     LANDO_MODULE(hello, setup)
 *
 * builds `libhello.so`, importable as `libhello`, whose `handler(event,
 * context)` serves the app: the Lambda handler setting is
 * `libhello.handler`. SETUP runs once, when the module is imported; when
 * it fails the import fails with lando.SetupError naming the reason
 * (lando_app_last_error() or the error's message).
 *
 * This header needs no Python headers; only the gateway includes them.
 */
#ifndef LANDO_MODULE_H
#define LANDO_MODULE_H

#include <lando/common.h>

typedef lando_err_t (*lando_setup_fn)(lando_app_t *app);

/**
 * The module initialisation behind LANDO_MODULE. Returns the module
 * definition (a PyObject *) for multi-phase initialisation. NAME must be
 * the module's import name, "lib" followed by the LANDO_MODULE name.
 */
LANDO_API void *
lando_module_init(const char *name, lando_setup_fn setup);

#define LANDO_MODULE(name, setup)                                            \
    LANDO_EXPORT void *PyInit_lib##name(void);                               \
    LANDO_EXPORT void *PyInit_lib##name(void)                                \
    {                                                                        \
        return lando_module_init("lib" #name, (setup));                      \
    }

#endif /* LANDO_MODULE_H */
