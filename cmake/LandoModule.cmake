# lando_add_module(NAME SOURCES src.c... [LIBRARIES lib...]
#                  [ZIP file.zip] [MAX_GLIBC version])
#
# Builds libNAME.so, a CPython extension module for the stable ABI that
# the Lambda Python runtime imports as `libNAME` (handler: libNAME.handler).
# The module links lando statically and exports nothing but
# PyInit_libNAME. Modules land in ${CMAKE_BINARY_DIR}/modules.
#
# It also adds the target NAME-zip, the deploy zip (LandoPackage.cmake;
# ZIP and MAX_GLIBC are its OUTPUT and MAX_GLIBC). The module's run path
# is $ORIGIN/lib, where the zip puts the shared libraries it needs.
include(${CMAKE_CURRENT_LIST_DIR}/LandoPackage.cmake)

function(lando_add_module name)
    cmake_parse_arguments(ARG "" "ZIP;MAX_GLIBC" "SOURCES;LIBRARIES" ${ARGN})
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
        LINK_DEPENDS ${script}
        BUILD_RPATH "$ORIGIN/lib"
        INSTALL_RPATH "$ORIGIN/lib")
    lando_add_package(${name} OUTPUT "${ARG_ZIP}" MAX_GLIBC "${ARG_MAX_GLIBC}")
endfunction()
