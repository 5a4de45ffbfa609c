# Header-only libraries from Debian packages (libstb-dev, nlohmann-json3-dev, and libcli11-dev for
# the native CLI), usable by both builds. Emscripten must not see all of /usr/include (glibc
# headers would shadow its libc), so each library's folder is linked into build/third_party/include
# and only that is on the path. A machine without the packages points XRAY_SYSTEM_INCLUDE at a
# folder of copies (scripts/build.sh: XRAY_CARRY_DIR).
set(XRAY_SYSTEM_INCLUDE "/usr/include" CACHE PATH "Where Debian's header-only packages live")

set(XRAY_THIRD_PARTY_INCLUDE ${CMAKE_BINARY_DIR}/third_party/include)
file(MAKE_DIRECTORY ${XRAY_THIRD_PARTY_INCLUDE})
set(xray_header_libraries "stb|stb_image.h|libstb-dev" "nlohmann|json.hpp|nlohmann-json3-dev")
if(NOT EMSCRIPTEN)
  list(APPEND xray_header_libraries "CLI|CLI.hpp|libcli11-dev")
endif()
foreach(entry IN LISTS xray_header_libraries)
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 dir)
  list(GET parts 1 header)
  list(GET parts 2 package)
  if(NOT EXISTS ${XRAY_SYSTEM_INCLUDE}/${dir}/${header})
    message(FATAL_ERROR "${XRAY_SYSTEM_INCLUDE}/${dir}/${header} not found: run scripts/setup.sh (Debian package ${package})")
  endif()
  if(NOT EXISTS ${XRAY_THIRD_PARTY_INCLUDE}/${dir})
    file(CREATE_LINK ${XRAY_SYSTEM_INCLUDE}/${dir} ${XRAY_THIRD_PARTY_INCLUDE}/${dir} SYMBOLIC)
  endif()
endforeach()

add_library(xray_third_party_headers INTERFACE)
target_include_directories(xray_third_party_headers SYSTEM INTERFACE ${XRAY_THIRD_PARTY_INCLUDE})
