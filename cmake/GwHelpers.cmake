# Three-line declarations for libraries and tests (after Qt Creator's add_qtc_library / add_qtc_test).

# gw_add_library(NAME SOURCES ... [PUBLIC_DEPENDS ...] [PRIVATE_DEPENDS ...])
# Creates target gw_<NAME> with alias gw::<NAME>; the repository root is the include root,
# so headers are included as "datasets/project.h".
function(gw_add_library name)
  cmake_parse_arguments(ARG "" "" "SOURCES;PUBLIC_DEPENDS;PRIVATE_DEPENDS" ${ARGN})
  add_library(gw_${name} STATIC ${ARG_SOURCES})
  add_library(gw::${name} ALIAS gw_${name})
  target_include_directories(gw_${name} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(gw_${name} PUBLIC ${ARG_PUBLIC_DEPENDS} PRIVATE ${ARG_PRIVATE_DEPENDS})
  target_compile_options(gw_${name} PRIVATE -Wall -Wextra)
endfunction()

# gw_add_test(NAME SOURCES ... DEPENDS ... [GUI])
# A Qt Test executable registered with ctest; GUI tests run on the offscreen platform.
function(gw_add_test name)
  cmake_parse_arguments(ARG "GUI" "" "SOURCES;DEPENDS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/tests/testmode.cpp)
  target_link_libraries(${name} PRIVATE Qt6::Test ${ARG_DEPENDS})
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/tests)
  target_compile_definitions(${name} PRIVATE
    GW_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests"
    GW_BINARY_DIR="${PROJECT_BINARY_DIR}")
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "QT_QPA_PLATFORM=offscreen" TIMEOUT 600)
endfunction()
