core_module(demo DEPS common model text train config io)

# The shipped demo model (core/demo/shipped_demo.h), assembled into the library.
set(_shipped ${PROJECT_SOURCE_DIR}/resources/demo/model)
set(_shipped_files ${_shipped}/model.safetensors ${_shipped}/demo_info.json)
set_property(DIRECTORY ${PROJECT_SOURCE_DIR} APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_shipped_files})
file(SHA256 ${_shipped}/model.safetensors _shipped_sha)
set_source_files_properties(${CMAKE_CURRENT_SOURCE_DIR}/demo/shipped_demo.cpp PROPERTIES
  COMPILE_DEFINITIONS "ALETHEIA_SHIPPED_DEMO_DIR=\"${_shipped}\";ALETHEIA_SHIPPED_DEMO_SHA=\"${_shipped_sha}\""
  OBJECT_DEPENDS "${_shipped_files}"
  SKIP_PRECOMPILE_HEADERS ON)
