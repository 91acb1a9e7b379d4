/*
 * The host table: how a plugin loaded from a shared object calls lando.
 *
 * A deployed module links lando statically and hides every symbol but its
 * PyInit function, so a shared object it loads cannot resolve lando_*
 * names against it. Instead the loader hands the plugin's entry function
 * a table of pointers to the host's functions (lando_host_t below), and
 * the plugin SDK (plugins/sdk) defines every lando_* function of this
 * list as a call through that table. Plugin source therefore reads the
 * same whether it is linked into a module or loaded: only the entry
 * differs.
 *
 *     #include <lando/plugin_host.h>
 *     #include "my_plugin.h"          (declares my_plugin_def)
 *
 *     LANDO_PLUGIN_ENTRY(my_plugin_def)
 *
 * built with the SDK's CMake function (plugins/sdk/LandoPlugin.cmake):
 *
 *     lando_add_plugin(myplugin SOURCES my_plugin.c entry.c)
 *
 * gives myplugin.so, loaded with LANDO_PLUGINS=/var/task/myplugin.so@/my.
 *
 * Compatibility: the host accepts a plugin built for the same
 * LANDO_PLUGIN_ABI whose table is no larger than its own. Functions are
 * only ever appended to the table; a change to any public struct or to a
 * listed signature raises LANDO_PLUGIN_ABI. jansson is shared: the plugin
 * links the same libjansson the module loads, so json_t values cross the
 * boundary unchanged. A function missing from the table fails the
 * plugin's link, not its load.
 */
#ifndef LANDO_PLUGIN_HOST_H
#define LANDO_PLUGIN_HOST_H

#include <stdarg.h>

#include <lando/lando.h>
#include <lando/plugin.h>

#define LANDO_PLUGIN_ABI 1

/*
 * Every function of the table, as X(return type, name, (parameters),
 * (arguments)), or XV(name, (parameters), (arguments)) for those that
 * return nothing. The printf-style functions are in lando_host_t as
 * va_list forms.
 */
#define LANDO_HOST_FUNCTIONS(X, XV)                                          \
    X(const char *, lando_err_name, (lando_err_t err), (err))                \
    X(const char *, lando_strerror, (lando_err_t err), (err))                \
    X(const char *, lando_err_slug, (lando_err_t err), (err))                \
    X(int, lando_err_status, (lando_err_t err), (err))                       \
    X(void *, lando_malloc, (size_t size), (size))                           \
    XV(lando_free, (void *ptr), (ptr))                                       \
    X(size_t, lando_base64_decoded_max, (size_t len), (len))                 \
    X(lando_err_t, lando_base64_decode, (void *dst, size_t *out_len,         \
      const char *src, size_t len, size_t *bad_pos), (dst, out_len, src,     \
      len, bad_pos))                                                         \
    X(size_t, lando_base64_encoded_len, (size_t len), (len))                 \
    XV(lando_base64_encode, (char *dst, const void *src, size_t len), (dst,  \
      src, len))                                                             \
    X(lando_err_t, lando_ctx_base64_decode, (lando_ctx_t *ctx,               \
      const char *src, size_t len, char **out, size_t *out_len,              \
      size_t *bad_pos), (ctx, src, len, out, out_len, bad_pos))              \
    X(char *, lando_ctx_base64_encode, (lando_ctx_t *ctx, const void *src,   \
      size_t len), (ctx, src, len))                                          \
    X(size_t, lando_fields_count, (const lando_fields_t *fields), (fields))  \
    X(const lando_field_t *, lando_fields_at,                                \
      (const lando_fields_t *fields, size_t i), (fields, i))                 \
    X(const char *, lando_fields_get, (const lando_fields_t *fields,         \
      const char *name), (fields, name))                                     \
    X(const lando_field_t *, lando_fields_next,                              \
      (const lando_fields_t *fields, const char *name,                       \
      const lando_field_t *prev), (fields, name, prev))                      \
    X(size_t, lando_fields_count_of, (const lando_fields_t *fields,          \
      const char *name), (fields, name))                                     \
    X(lando_request_t *, lando_req, (lando_ctx_t *ctx), (ctx))               \
    X(lando_response_t *, lando_res, (lando_ctx_t *ctx), (ctx))              \
    X(lando_app_t *, lando_ctx_app, (lando_ctx_t *ctx), (ctx))               \
    X(void *, lando_ctx_alloc, (lando_ctx_t *ctx, size_t size), (ctx,        \
      size))                                                                 \
    X(char *, lando_ctx_strndup, (lando_ctx_t *ctx, const char *s,           \
      size_t len), (ctx, s, len))                                            \
    X(char *, lando_ctx_strdup, (lando_ctx_t *ctx, const char *s), (ctx,     \
      s))                                                                    \
    X(char *, lando_ctx_vsprintf, (lando_ctx_t *ctx, const char *fmt,        \
      va_list ap), (ctx, fmt, ap))                                           \
    X(lando_err_t, lando_ctx_set, (lando_ctx_t *ctx, const char *key,        \
      void *value), (ctx, key, value))                                       \
    X(void *, lando_ctx_get, (lando_ctx_t *ctx, const char *key), (ctx,      \
      key))                                                                  \
    X(const lando_error_t *, lando_ctx_error, (lando_ctx_t *ctx), (ctx))     \
    X(lando_source_t, lando_ctx_source, (lando_ctx_t *ctx), (ctx))           \
    X(const char *, lando_source_name, (lando_source_t source), (source))    \
    X(const char *, lando_ctx_route, (lando_ctx_t *ctx), (ctx))              \
    X(const char *, lando_ctx_allow, (lando_ctx_t *ctx), (ctx))              \
    X(bool, lando_ctx_cold_start, (lando_ctx_t *ctx), (ctx))                 \
    X(int64_t, lando_ctx_start_us, (lando_ctx_t *ctx), (ctx))                \
    X(const char *, lando_ctx_lambda, (lando_ctx_t *ctx,                     \
      lando_lambda_field_t field), (ctx, field))                             \
    X(int64_t, lando_ctx_remaining_ms, (lando_ctx_t *ctx), (ctx))            \
    X(const char *, lando_ctx_request_id, (lando_ctx_t *ctx), (ctx))         \
    X(const char *, lando_request_method, (const lando_request_t *req),      \
      (req))                                                                 \
    X(const char *, lando_request_path, (const lando_request_t *req),        \
      (req))                                                                 \
    X(const char *, lando_request_raw_path, (const lando_request_t *req),    \
      (req))                                                                 \
    X(const char *, lando_request_raw_query, (const lando_request_t *req),   \
      (req))                                                                 \
    X(const lando_fields_t *, lando_request_headers,                         \
      (const lando_request_t *req), (req))                                   \
    X(const char *, lando_request_header, (const lando_request_t *req,       \
      const char *name), (req, name))                                        \
    X(const lando_fields_t *, lando_request_query,                           \
      (const lando_request_t *req), (req))                                   \
    X(const char *, lando_request_query_get, (const lando_request_t *req,    \
      const char *name), (req, name))                                        \
    X(const lando_fields_t *, lando_request_cookies,                         \
      (lando_request_t *req), (req))                                         \
    X(const char *, lando_request_cookie, (lando_request_t *req,             \
      const char *name), (req, name))                                        \
    X(const lando_fields_t *, lando_request_params,                          \
      (const lando_request_t *req), (req))                                   \
    X(const char *, lando_request_param, (const lando_request_t *req,        \
      const char *name), (req, name))                                        \
    X(const lando_fields_t *, lando_request_stage_vars,                      \
      (const lando_request_t *req), (req))                                   \
    X(const char *, lando_request_stage, (const lando_request_t *req),       \
      (req))                                                                 \
    X(const char *, lando_request_context, (lando_request_t *req,            \
      const char *dotted_key), (req, dotted_key))                            \
    X(const char *, lando_request_source_ip, (lando_request_t *req), (req))  \
    X(const char *, lando_request_body, (const lando_request_t *req,         \
      size_t *len), (req, len))                                              \
    X(bool, lando_request_body_is_base64, (const lando_request_t *req),      \
      (req))                                                                 \
    X(lando_err_t, lando_request_json, (lando_request_t *req,                \
      json_t **out), (req, out))                                             \
    X(lando_err_t, lando_request_form, (lando_request_t *req,                \
      const lando_fields_t **out), (req, out))                               \
    X(lando_ctx_t *, lando_request_ctx, (const lando_request_t *req),        \
      (req))                                                                 \
    X(lando_err_t, lando_request_set_method, (lando_request_t *req,          \
      const char *method), (req, method))                                    \
    X(lando_err_t, lando_request_set_path, (lando_request_t *req,            \
      const char *path), (req, path))                                        \
    X(lando_err_t, lando_request_set_routed_path, (lando_request_t *req,     \
      const char *path), (req, path))                                        \
    X(lando_err_t, lando_request_set_raw_query, (lando_request_t *req,       \
      const char *query), (req, query))                                      \
    X(lando_err_t, lando_request_add_header, (lando_request_t *req,          \
      const char *name, const char *value), (req, name, value))              \
    X(lando_err_t, lando_request_add_query, (lando_request_t *req,           \
      const char *name, const char *value), (req, name, value))              \
    X(lando_err_t, lando_request_add_stage_var, (lando_request_t *req,       \
      const char *name, const char *value), (req, name, value))              \
    X(lando_err_t, lando_request_set_body, (lando_request_t *req,            \
      const void *body, size_t len, bool is_base64), (req, body, len,        \
      is_base64))                                                            \
    XV(lando_request_set_body_ref, (lando_request_t *req, const void *body,  \
      size_t len, bool is_base64), (req, body, len, is_base64))              \
    X(lando_err_t, lando_request_set_stage, (lando_request_t *req,           \
      const char *stage), (req, stage))                                      \
    XV(lando_request_set_context_lookup, (lando_request_t *req,              \
      lando_context_lookup_fn lookup, void *opaque), (req, lookup, opaque))  \
    XV(lando_request_set_context_json, (lando_request_t *req,                \
      json_t *context), (req, context))                                      \
    X(int, lando_response_status, (const lando_response_t *res), (res))      \
    XV(lando_response_set_status, (lando_response_t *res, int status),       \
      (res, status))                                                         \
    X(const lando_fields_t *, lando_response_headers,                        \
      (const lando_response_t *res), (res))                                  \
    X(const char *, lando_response_header, (const lando_response_t *res,     \
      const char *name), (res, name))                                        \
    X(lando_err_t, lando_response_add_header, (lando_response_t *res,        \
      const char *name, const char *value), (res, name, value))              \
    X(lando_err_t, lando_response_set_header, (lando_response_t *res,        \
      const char *name, const char *value), (res, name, value))              \
    XV(lando_response_remove_header, (lando_response_t *res,                 \
      const char *name), (res, name))                                        \
    X(lando_err_t, lando_response_set_body, (lando_response_t *res,          \
      const void *body, size_t len), (res, body, len))                       \
    XV(lando_response_set_body_ref, (lando_response_t *res,                  \
      const void *body, size_t len), (res, body, len))                       \
    X(const char *, lando_response_body, (const lando_response_t *res,       \
      size_t *len), (res, len))                                              \
    XV(lando_response_set_body_mode, (lando_response_t *res,                 \
      lando_body_mode_t mode), (res, mode))                                  \
    X(lando_body_mode_t, lando_response_body_mode,                           \
      (const lando_response_t *res), (res))                                  \
    X(bool, lando_response_is_binary, (const lando_response_t *res), (res))  \
    X(bool, lando_content_type_is_text, (const char *content_type),          \
      (content_type))                                                        \
    X(lando_err_t, lando_response_json, (lando_response_t *res, int status,  \
      json_t *value), (res, status, value))                                  \
    X(lando_err_t, lando_response_text, (lando_response_t *res, int status,  \
      const char *text), (res, status, text))                                \
    X(lando_err_t, lando_response_send, (lando_response_t *res, int status,  \
      const char *content_type, const void *body, size_t len), (res,         \
      status, content_type, body, len))                                      \
    X(lando_err_t, lando_response_empty, (lando_response_t *res,             \
      int status), (res, status))                                            \
    X(lando_err_t, lando_response_redirect, (lando_response_t *res,          \
      int status, const char *location), (res, status, location))            \
    XV(lando_response_reset, (lando_response_t *res), (res))                 \
    X(lando_ctx_t *, lando_response_ctx, (const lando_response_t *res),      \
      (res))                                                                 \
    X(lando_err_t, lando_response_vary, (lando_response_t *res,              \
      const char *name), (res, name))                                        \
    X(lando_err_t, lando_next, (lando_ctx_t *ctx), (ctx))                    \
    X(lando_group_t *, lando_app_root, (lando_app_t *app), (app))            \
    X(lando_err_t, lando_group_new, (lando_group_t *parent,                  \
      const char *prefix, lando_group_t **out), (parent, prefix, out))       \
    X(lando_err_t, lando_group_use, (lando_group_t *group, lando_mw_t mw),   \
      (group, mw))                                                           \
    X(lando_err_t, lando_group_route, (lando_group_t *group,                 \
      const char *method, const char *pattern, lando_handler_fn handler,     \
      void *data, lando_route_t **out), (group, method, pattern, handler,    \
      data, out))                                                            \
    X(lando_err_t, lando_app_route, (lando_app_t *app, const char *method,   \
      const char *pattern, lando_handler_fn handler, void *data), (app,      \
      method, pattern, handler, data))                                       \
    X(lando_err_t, lando_route_use, (lando_route_t *route, lando_mw_t mw),   \
      (route, mw))                                                           \
    X(lando_err_t, lando_route_set_attr, (lando_route_t *route,              \
      const char *key, const char *value), (route, key, value))              \
    X(const char *, lando_route_attr, (const lando_route_t *route,           \
      const char *key), (route, key))                                        \
    X(const char *, lando_route_pattern, (const lando_route_t *route),       \
      (route))                                                               \
    X(const char *, lando_route_method, (const lando_route_t *route),        \
      (route))                                                               \
    X(size_t, lando_app_route_count, (const lando_app_t *app), (app))        \
    X(lando_route_t *, lando_app_route_at, (const lando_app_t *app,          \
      size_t i), (app, i))                                                   \
    X(lando_route_t *, lando_ctx_matched_route, (lando_ctx_t *ctx), (ctx))   \
    X(const char *, lando_ctx_route_attr, (lando_ctx_t *ctx,                 \
      const char *key), (ctx, key))                                          \
    X(lando_route_t *, lando_ctx_lookup_route, (lando_ctx_t *ctx,            \
      const char *method), (ctx, method))                                    \
    X(lando_err_t, lando_app_use, (lando_app_t *app, lando_mw_t mw), (app,   \
      mw))                                                                   \
    X(lando_err_t, lando_app_strip_prefix, (lando_app_t *app,                \
      const char *prefix), (app, prefix))                                    \
    XV(lando_app_set_strict_slash, (lando_app_t *app, bool strict), (app,    \
      strict))                                                               \
    X(const char *, lando_app_last_error, (const lando_app_t *app), (app))   \
    XV(lando_app_set_data, (lando_app_t *app, void *data), (app, data))      \
    X(void *, lando_app_data, (const lando_app_t *app), (app))               \
    X(uint64_t, lando_app_invocations, (const lando_app_t *app), (app))      \
    X(lando_err_t, lando_error_respond, (lando_ctx_t *ctx,                   \
      bool with_detail), (ctx, with_detail))                                 \
    X(lando_log_level_t, lando_log_level, (void), ())                        \
    X(bool, lando_log_enabled, (lando_log_level_t level), (level))           \
    X(lando_err_t, lando_schema_compile, (const char *text,                  \
      lando_schema_t **out, char *why, size_t why_len), (text, out, why,     \
      why_len))                                                              \
    X(lando_err_t, lando_schema_compile_json, (const json_t *schema,         \
      lando_schema_t **out, char *why, size_t why_len), (schema, out, why,   \
      why_len))                                                              \
    XV(lando_schema_free, (lando_schema_t *schema), (schema))                \
    X(const json_t *, lando_schema_json, (const lando_schema_t *schema),     \
      (schema))                                                              \
    X(lando_err_t, lando_schema_validate, (const lando_schema_t *schema,     \
      const json_t *value, json_t **errors), (schema, value, errors))        \
    X(lando_mw_t, lando_mw_validate, (lando_schema_t *schema), (schema))     \
    X(lando_err_t, lando_route_set_doc, (lando_route_t *route,               \
      const lando_route_doc_t *doc), (route, doc))                           \
    X(const lando_route_doc_t *, lando_route_doc,                            \
      (const lando_route_t *route), (route))                                 \
    X(const json_t *, lando_route_request_schema,                            \
      (const lando_route_t *route), (route))                                 \
    X(const json_t *, lando_route_response_schema,                           \
      (const lando_route_t *route), (route))                                 \
    X(const json_t *, lando_route_param_schema,                              \
      (const lando_route_t *route, size_t i), (route, i))                    \
    X(lando_err_t, lando_plugin_mount, (lando_app_t *app,                    \
      const lando_plugin_def_t *def, const char *prefix, void *options),     \
      (app, def, prefix, options))                                           \
    X(lando_group_t *, lando_plugin_group, (lando_plugin_t *p), (p))         \
    X(lando_app_t *, lando_plugin_app, (lando_plugin_t *p), (p))             \
    X(const lando_plugin_info_t *, lando_plugin_info,                        \
      (const lando_plugin_t *p), (p))                                        \
    X(lando_err_t, lando_plugin_route, (lando_plugin_t *p,                   \
      const char *method, const char *pattern, lando_handler_fn handler,     \
      void *data, lando_route_t **out), (p, method, pattern, handler, data,  \
      out))                                                                  \
    X(lando_err_t, lando_plugin_use, (lando_plugin_t *p, lando_mw_t mw),     \
      (p, mw))                                                               \
    X(size_t, lando_app_plugin_count, (const lando_app_t *app), (app))       \
    X(const lando_plugin_info_t *, lando_app_plugin_at,                      \
      (const lando_app_t *app, size_t i), (app, i))                          \
    X(const char *, lando_route_plugin, (const lando_route_t *route),        \
      (route))                                                               \
    X(lando_err_t, lando_plugin_on_free, (lando_plugin_t *p,                 \
      void (*fn)(void *arg), void *arg), (p, fn, arg))

#define LANDO__HOST_FIELD(ret, name, params, args) ret(*name) params;
#define LANDO__HOST_VFIELD(name, params, args) void(*name) params;

struct lando_host {
    uint32_t abi;        /* LANDO_PLUGIN_ABI of the host */
    uint32_t size;       /* sizeof(lando_host_t) of the host */
    const char *version; /* LANDO_VERSION of the host */
    LANDO_HOST_FUNCTIONS(LANDO__HOST_FIELD, LANDO__HOST_VFIELD)
    /* lando_fail() and lando_fail_status() (STATUS 0: the table's). */
    lando_err_t (*fail_v)(lando_ctx_t *ctx, lando_err_t code, int status,
                          const char *fmt, va_list ap);
    void (*fail_detail_v)(lando_ctx_t *ctx, const char *fmt, va_list ap);
    /* lando_log() and lando_log_kv(). */
    void (*log_v)(lando_ctx_t *ctx, lando_log_level_t level,
                  const lando_log_kv_t *kv, size_t n, const char *fmt,
                  va_list ap);
    /* New functions go here, at the end. */
};

#undef LANDO__HOST_FIELD
#undef LANDO__HOST_VFIELD

/**
 * Keep HOST for the lando_* functions of the SDK. Returns false, and
 * keeps nothing, when the host's ABI differs or its table is smaller than
 * the plugin's. Defined by the SDK library, not by lando itself.
 */
bool
lando_plugin_sdk_bind(const lando_host_t *host);

/**
 * Define the entry of a loadable plugin whose definition is the object
 * DEF (a lando_plugin_def_t).
 */
#define LANDO_PLUGIN_ENTRY(def)                                              \
    LANDO_EXPORT const lando_plugin_def_t *lando_plugin_entry(               \
        const lando_host_t *host);                                           \
    LANDO_EXPORT const lando_plugin_def_t *lando_plugin_entry(               \
        const lando_host_t *host)                                            \
    {                                                                        \
        return lando_plugin_sdk_bind(host) ? &(def) : NULL;                  \
    }

#endif /* LANDO_PLUGIN_HOST_H */
