# Helpers for the WebAssembly build. xray_node_executable() turns a target into one .js file
# that node runs directly and that reads and writes the real file system (NODERAWFS).
if(NOT EMSCRIPTEN)
  return()
endif()

# Debian's Emscripten 3.1.6 runs its JS optimizer with node and needs the acorn parser, which
# Debian installs under /usr/share/nodejs: without NODE_PATH there, emcc -O2 and above fail.
if(NOT DEFINED ENV{NODE_PATH})
  message(WARNING "NODE_PATH is not set; emcc -O2 may fail to find 'acorn'. scripts/build.sh sets it.")
endif()

function(xray_node_executable target)
  target_link_options(${target} PRIVATE
    -sNODERAWFS=1 -sSINGLE_FILE=1 -sENVIRONMENT=node -sEXIT_RUNTIME=1
    -sALLOW_MEMORY_GROWTH=1 -sMAXIMUM_MEMORY=4GB)
  set_target_properties(${target} PROPERTIES SUFFIX ".js")
endfunction()
