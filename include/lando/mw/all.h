/*
 * Every standard middleware of lando in one include.
 */
#ifndef LANDO_MW_ALL_H
#define LANDO_MW_ALL_H

#include <lando/mw/base64_body.h>
#include <lando/mw/compress.h>
#include <lando/mw/cors.h>
#include <lando/mw/defaults.h>
#include <lando/mw/error_map.h>
#include <lando/mw/logging.h>

#endif /* LANDO_MW_ALL_H */
