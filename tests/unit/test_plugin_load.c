/*
 * Loading plugins from shared objects: the health plugin built with the
 * plugin SDK is loaded, mounted and served through the host table; a
 * missing object, one that is not a plugin, a host the plugin refuses and
 * malformed LANDO_PLUGINS entries fail setup with a clear message.
 */
#include <dlfcn.h>
#include <stdlib.h>
#include <string.h>

#include "support.h"

#include <lando/plugin.h>
#include <lando/plugin_host.h>


/* Each test starts and ends with LANDO_PLUGINS unset. */
#define LOAD_TEST(name)                                                        \
    static void name##_run(lando_app_t *app);                                  \
    T_APP_TEST(name)                                                           \
    {                                                                          \
        unsetenv("LANDO_PLUGINS");                                             \
        name##_run(app);                                                       \
        unsetenv("LANDO_PLUGINS");                                             \
    }                                                                          \
    static void name##_run(lando_app_t *app)

#ifndef LANDO_TEST_HEALTH_SO
#error "LANDO_TEST_HEALTH_SO must name the health plugin's shared object"
#endif

static int
get_status(lando_app_t *app, const char *path)
{
    return t_handle(t_begin(app, "GET", path));
}

LOAD_TEST(loaded_plugin_serves_its_routes_through_the_host_table)
{
    lando_ctx_t *ctx;
    json_t *body;

    assert_int_equal(lando_plugin_load(app, LANDO_TEST_HEALTH_SO, "/ops"),
                     LANDO_OK);
    assert_int_equal(lando_app_plugin_count(app), 1);
    assert_string_equal(lando_app_plugin_at(app, 0)->name, "health");
    assert_string_equal(lando_app_plugin_at(app, 0)->prefix, "/ops");

    ctx = t_begin(app, "GET", "/ops/health");
    assert_int_equal(t_handle(ctx), 200);
    body = json_loads(t_body_str(ctx), 0, NULL);
    assert_non_null(body);
    assert_string_equal(json_string_value(json_object_get(body, "status")),
                        "ok");
    assert_int_equal(json_integer_value(json_object_get(body,
                                                        "invocations")),
                     1);
    json_decref(body);
}

LOAD_TEST(loading_a_missing_object_names_the_path)
{
    assert_int_equal(lando_plugin_load(app, "/nonexistent/x.so", ""),
                     LANDO_ESETUP);
    assert_non_null(strstr(lando_app_last_error(app),
                           "cannot load plugin /nonexistent/x.so"));
    assert_int_equal(lando_plugin_load(app, "", ""), LANDO_ESETUP);
}

LOAD_TEST(loading_an_object_without_the_entry_says_so)
{
    assert_int_equal(lando_plugin_load(app, "libm.so.6", ""), LANDO_ESETUP);
    assert_non_null(strstr(lando_app_last_error(app),
                           "has no lando_plugin_entry function"));
}

LOAD_TEST(plugin_refuses_a_host_of_another_abi)
{
    void *handle = dlopen(LANDO_TEST_HEALTH_SO, RTLD_NOW | RTLD_LOCAL);
    lando_plugin_entry_fn entry;
    lando_host_t host;
    void *sym;

    assert_non_null(handle);
    sym = dlsym(handle, LANDO_PLUGIN_ENTRY_SYMBOL);
    assert_non_null(sym);
    memcpy(&entry, &sym, sizeof(entry));

    memset(&host, 0, sizeof(host));
    host.abi = LANDO_PLUGIN_ABI + 1;
    host.size = sizeof(host);
    assert_null(entry(&host));
    host.abi = LANDO_PLUGIN_ABI;
    host.size = sizeof(host) - sizeof(void *);
    assert_null(entry(&host));
    dlclose(handle);
}

LOAD_TEST(lando_plugins_mounts_each_entry_at_its_prefix_once)
{
    setenv("LANDO_PLUGINS",
           LANDO_TEST_HEALTH_SO "@/a::" LANDO_TEST_HEALTH_SO "@/b/c:", 1);
    assert_int_equal(lando_plugins_load_env(app), LANDO_OK);
    assert_int_equal(lando_app_plugin_count(app), 2);
    assert_string_equal(lando_app_plugin_at(app, 1)->prefix, "/b/c");

    /* a second call (the gateway's, after the user's) loads nothing */
    assert_int_equal(lando_plugins_load_env(app), LANDO_OK);
    assert_int_equal(lando_app_plugin_count(app), 2);

    assert_int_equal(get_status(app, "/a/health"), 200);
    assert_int_equal(get_status(app, "/b/c/health"), 200);
}

LOAD_TEST(lando_plugins_unset_or_empty_loads_nothing)
{
    assert_int_equal(lando_plugins_load_env(app), LANDO_OK);
    assert_int_equal(lando_app_plugin_count(app), 0);
}

LOAD_TEST(lando_plugins_entry_without_a_path_fails_setup)
{
    setenv("LANDO_PLUGINS", "@/x", 1);
    assert_int_equal(lando_plugins_load_env(app), LANDO_ESETUP);
    assert_string_equal(lando_app_last_error(app),
                        "LANDO_PLUGINS: entry 1 has no path");
}

LOAD_TEST(lando_plugins_broken_entry_fails_setup_with_its_reason)
{
    setenv("LANDO_PLUGINS", LANDO_TEST_HEALTH_SO ":/missing/p.so@/p", 1);
    assert_int_equal(lando_plugins_load_env(app), LANDO_ESETUP);
    assert_non_null(strstr(lando_app_last_error(app),
                           "LANDO_PLUGINS: cannot load plugin "
                           "/missing/p.so"));
}

LOAD_TEST(lando_plugins_conflicting_mounts_name_the_plugin)
{
    setenv("LANDO_PLUGINS",
           LANDO_TEST_HEALTH_SO "@/x:" LANDO_TEST_HEALTH_SO "@/x", 1);
    assert_int_equal(lando_plugins_load_env(app), LANDO_EEXIST);
    assert_non_null(strstr(lando_app_last_error(app),
                           "plugin health at \"/x\": GET /x/health"));
    assert_non_null(strstr(lando_app_last_error(app), "conflicts with"));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(
            loaded_plugin_serves_its_routes_through_the_host_table),
        cmocka_unit_test(loading_a_missing_object_names_the_path),
        cmocka_unit_test(loading_an_object_without_the_entry_says_so),
        cmocka_unit_test(plugin_refuses_a_host_of_another_abi),
        cmocka_unit_test(lando_plugins_mounts_each_entry_at_its_prefix_once),
        cmocka_unit_test(lando_plugins_unset_or_empty_loads_nothing),
        cmocka_unit_test(lando_plugins_entry_without_a_path_fails_setup),
        cmocka_unit_test(
            lando_plugins_broken_entry_fails_setup_with_its_reason),
        cmocka_unit_test(lando_plugins_conflicting_mounts_name_the_plugin),
    };

    t_use_test_allocator();
    lando_log_set_fd(-1);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
