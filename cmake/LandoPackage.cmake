# lando_add_package(NAME [OUTPUT file.zip] [MAX_GLIBC version])
#
# Adds the target NAME-zip, which builds the deploy zip of the module
# libNAME (made by lando_add_module) with `tools/lando package`: libNAME.so
# at the zip root, the shared libraries it needs beyond the C library in
# lib/. The build fails, naming the symbol, when the module or a shipped
# library needs a glibc newer than MAX_GLIBC (default 2.26, the oldest
# among Lambda's Python runtimes) or links libpython. The zip lands in
# ${CMAKE_BINARY_DIR}/dist/libNAME.zip unless OUTPUT says otherwise.
# `cmake --build build --target lando-zips` builds every module's zip.
#
# lando_add_module() calls this for every module, so a user rarely needs
# to; the zip targets are not part of `all`.
# Cached, so that lando_add_module() sees it from the caller's directory.
get_filename_component(_lando_tool ${CMAKE_CURRENT_LIST_DIR}/../tools/lando
                       ABSOLUTE)
set(LANDO_TOOL ${_lando_tool} CACHE INTERNAL "The lando command-line tool")
set(LANDO_MAX_GLIBC "2.26" CACHE STRING
    "Newest glibc symbol version a deploy zip may need")

if(NOT TARGET lando-zips)
    add_custom_target(lando-zips)
endif()

function(lando_add_package name)
    cmake_parse_arguments(ARG "" "OUTPUT;MAX_GLIBC" "" ${ARGN})
    set(target lib${name})
    if(NOT ARG_OUTPUT)
        set(ARG_OUTPUT ${CMAKE_BINARY_DIR}/dist/${target}.zip)
    endif()
    if(NOT ARG_MAX_GLIBC)
        set(ARG_MAX_GLIBC ${LANDO_MAX_GLIBC})
    endif()
    add_custom_command(OUTPUT ${ARG_OUTPUT}
        COMMAND ${LANDO_PYTHON} ${LANDO_TOOL} package
                $<TARGET_FILE:${target}> -o ${ARG_OUTPUT}
                --max-glibc ${ARG_MAX_GLIBC}
        DEPENDS ${target} ${LANDO_TOOL}
        COMMENT "Packaging ${target} for Lambda"
        VERBATIM)
    add_custom_target(${name}-zip DEPENDS ${ARG_OUTPUT})
    add_dependencies(lando-zips ${name}-zip)
endfunction()
