/* The entry of the OpenAPI plugin built as a loadable object
 * (openapi.so): LANDO_PLUGINS=/var/task/plugins/openapi.so@/meta */
#include <lando/plugin_host.h>
#include <lando/plugins/openapi.h>

LANDO_PLUGIN_ENTRY(lando_openapi_plugin)
