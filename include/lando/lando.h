/*
 * lando: HTTP applications in C on AWS Lambda, served through one CPython
 * extension module. Include this header to get the whole public API.
 */
#ifndef LANDO_H
#define LANDO_H

#include <lando/common.h>
#include <lando/error.h>
#include <lando/codec.h>
#include <lando/alloc.h>
#include <lando/fields.h>
#include <lando/context.h>
#include <lando/request.h>
#include <lando/response.h>
#include <lando/middleware.h>
#include <lando/router.h>
#include <lando/app.h>
#include <lando/log.h>
#include <lando/module.h>
#include <lando/plugin.h>

#endif /* LANDO_H */
