/*
 * Helpers shared by the cmocka unit tests.
 */
#ifndef LANDO_TEST_SUPPORT_H
#define LANDO_TEST_SUPPORT_H

#include <lando/lando.h>

#endif /* LANDO_TEST_SUPPORT_H */
