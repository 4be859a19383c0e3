# Third-party dependencies. Debian packages natively; under Emscripten its sysroot hides /usr/include, so
# header-only libraries are staged into the build tree and the Dear ImGui and muparser sources (fetched by
# scripts/bootstrap into third_party/) are compiled with the project. Both targets build the same ImGui.

set(GRASSFLOW_THIRD_PARTY ${PROJECT_SOURCE_DIR}/third_party)
if(NOT EXISTS ${GRASSFLOW_THIRD_PARTY}/imgui/imgui.cpp OR NOT EXISTS ${GRASSFLOW_THIRD_PARTY}/muparser/src/muParser.cpp)
  message(FATAL_ERROR "third_party/ sources are missing: run ./scripts/bootstrap first (it fetches Dear ImGui and muparser from Debian's source packages).")
endif()

find_package(Eigen3 3.4 REQUIRED NO_MODULE PATHS /usr/share/eigen3/cmake NO_CMAKE_FIND_ROOT_PATH)

# Header-only libraries staged so that emcc sees only them, never all of /usr/include.
set(GRASSFLOW_STAGED ${CMAKE_BINARY_DIR}/staged-include)
foreach(dir doctest hwy CLI nlohmann)
  if(EXISTS /usr/include/${dir} AND NOT EXISTS ${GRASSFLOW_STAGED}/${dir})
    file(COPY /usr/include/${dir} DESTINATION ${GRASSFLOW_STAGED})
  endif()
endforeach()
foreach(file stb_image_write.h)
  if(EXISTS /usr/include/stb/${file} AND NOT EXISTS ${GRASSFLOW_STAGED}/${file})
    file(COPY /usr/include/stb/${file} DESTINATION ${GRASSFLOW_STAGED})
  endif()
endforeach()
add_library(grassflow_headers INTERFACE)
target_include_directories(grassflow_headers SYSTEM INTERFACE ${GRASSFLOW_STAGED})

# muparser 2.3.3 (Debian's source package), without OpenMP so native and wasm evaluate alike.
file(GLOB MUPARSER_SOURCES ${GRASSFLOW_THIRD_PARTY}/muparser/src/*.cpp)
list(FILTER MUPARSER_SOURCES EXCLUDE REGEX "muParserTest.cpp|muParserDLL.cpp")
add_library(muparser STATIC ${MUPARSER_SOURCES})
target_include_directories(muparser SYSTEM PUBLIC ${GRASSFLOW_THIRD_PARTY}/muparser/include)
target_compile_definitions(muparser PUBLIC MUPARSER_STATIC)
target_compile_options(muparser PRIVATE -w)
set_target_properties(muparser PROPERTIES POSITION_INDEPENDENT_CODE ON)

# Dear ImGui 1.86. `imgui` is the library alone: the app and its tests draw whole frames without a window or a
# GPU. `imgui_backends` adds the GLFW and OpenGL 3 backends for the entry points.
set(IMGUI_DIR ${GRASSFLOW_THIRD_PARTY}/imgui)
add_library(imgui STATIC
  ${IMGUI_DIR}/imgui.cpp ${IMGUI_DIR}/imgui_draw.cpp ${IMGUI_DIR}/imgui_tables.cpp ${IMGUI_DIR}/imgui_widgets.cpp)
target_include_directories(imgui SYSTEM PUBLIC ${IMGUI_DIR})
target_compile_options(imgui PRIVATE -w)
add_library(imgui_backends STATIC
  ${IMGUI_DIR}/backends/imgui_impl_glfw.cpp ${IMGUI_DIR}/backends/imgui_impl_opengl3.cpp)
target_include_directories(imgui_backends SYSTEM PUBLIC ${IMGUI_DIR}/backends)
target_link_libraries(imgui_backends PUBLIC imgui)
target_compile_options(imgui_backends PRIVATE -w)
if(EMSCRIPTEN)
  target_compile_definitions(imgui_backends PUBLIC IMGUI_IMPL_OPENGL_ES3)
  target_link_options(imgui_backends PUBLIC -sUSE_GLFW=3 -sUSE_WEBGL2=1 -sMAX_WEBGL_VERSION=2 -sMIN_WEBGL_VERSION=2)
else()
  find_package(glfw3 3.3 REQUIRED)
  find_package(OpenGL REQUIRED)
  target_link_libraries(imgui_backends PUBLIC glfw OpenGL::GL ${CMAKE_DL_LIBS})
endif()
