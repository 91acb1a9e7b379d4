# lando_add_module(NAME SOURCES src.c... [LIBRARIES lib...])
#
# Builds libNAME.so, a CPython extension module for the stable ABI that
# the Lambda Python runtime imports as `libNAME` (handler: libNAME.handler).
# The module links lando statically and exports nothing but
# PyInit_libNAME. Modules land in ${CMAKE_BINARY_DIR}/modules.
function(lando_add_module name)
    cmake_parse_arguments(ARG "" "" "SOURCES;LIBRARIES" ${ARGN})
    set(target lib${name})
    add_library(${target} MODULE ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE
        lando_gateway lando_middleware lando_core ${ARG_LIBRARIES})
    set(script ${CMAKE_CURRENT_BINARY_DIR}/${target}.map)
    file(WRITE ${script}
        "{\n  global: PyInit_${target};\n  local: *;\n};\n")
    target_link_options(${target} PRIVATE
        -Wl,--version-script=${script} -Wl,--as-needed)
    set_target_properties(${target} PROPERTIES
        PREFIX "" SUFFIX ".so"
        LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/modules
        LINK_DEPENDS ${script})
endfunction()
