# The lando plugin SDK: builds plugins that a deployed module loads from
# the LANDO_PLUGINS environment variable (see include/lando/plugin.h and
# include/lando/plugin_host.h).
#
#   include(${lando_SOURCE_DIR}/plugins/sdk/LandoPlugin.cmake)
#   lando_add_plugin(TARGET SOURCES src.c... [OUTPUT_NAME name]
#                    [LIBRARIES lib...])
#
# builds name.so (TARGET.so without OUTPUT_NAME) in
# ${CMAKE_BINARY_DIR}/plugins. Its sources are ordinary
# plugin sources plus one file with LANDO_PLUGIN_ENTRY(definition). It
# links the SDK, whose lando_* functions call the host through the table
# the loader passes, and never lando itself: LIBRARIES must not bring
# lando_core in. Every symbol but lando_plugin_entry is hidden, and an
# undefined symbol (a lando function the table lacks) fails the link.
if(NOT TARGET lando_plugin_sdk)
    add_library(lando_plugin_sdk STATIC ${CMAKE_CURRENT_LIST_DIR}/sdk.c)
    target_include_directories(lando_plugin_sdk PUBLIC
        ${CMAKE_CURRENT_LIST_DIR}/../../include)
    target_link_libraries(lando_plugin_sdk PUBLIC PkgConfig::JANSSON)
endif()

function(lando_add_plugin name)
    cmake_parse_arguments(ARG "" "OUTPUT_NAME" "SOURCES;LIBRARIES" ${ARGN})
    add_library(${name} MODULE ${ARG_SOURCES})
    target_link_libraries(${name} PRIVATE ${ARG_LIBRARIES} lando_plugin_sdk)
    set(script ${CMAKE_CURRENT_BINARY_DIR}/${name}.map)
    file(WRITE ${script}
        "{\n  global: lando_plugin_entry;\n  local: *;\n};\n")
    target_link_options(${name} PRIVATE
        -Wl,--version-script=${script} -Wl,--no-undefined)
    set_target_properties(${name} PROPERTIES
        PREFIX "" SUFFIX ".so"
        LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/plugins
        LINK_DEPENDS ${script})
    if(ARG_OUTPUT_NAME)
        set_target_properties(${name} PROPERTIES OUTPUT_NAME ${ARG_OUTPUT_NAME})
    endif()
endfunction()
