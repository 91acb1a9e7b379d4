/* The entry of the health plugin built as a loadable object (health.so):
 * LANDO_PLUGINS=/var/task/plugins/health.so@/ops */
#include <lando/plugin_host.h>
#include <lando/plugins/health.h>

LANDO_PLUGIN_ENTRY(lando_health_plugin)
