# Build helpers: warnings, torch precompiled header, git commit, tests with labels.

# Torch's CMake config puts the ABI flag in TORCH_CXX_FLAGS (a string); make it a list.
if(DEFINED TORCH_CXX_FLAGS)
  separate_arguments(W2S_TORCH_CXX_FLAGS UNIX_COMMAND "${TORCH_CXX_FLAGS}")
endif()

function(w2s_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter -Wno-sign-compare)
endfunction()

# <torch/torch.h> costs ~16 s per translation unit; a precompiled header pays it once. The
# library builds it; programs and tests reuse the library's (same flags), saving a build each.
function(w2s_torch_pch target)
  if(target STREQUAL "w2s_lib")
    target_precompile_headers(${target} PRIVATE <torch/torch.h> <nlohmann/json.hpp> <fmt/format.h>)
  else()
    target_precompile_headers(${target} REUSE_FROM w2s_lib)
  endif()
endfunction()

# w2s_add_test(NAME name SOURCES a.cpp b.cpp LABELS unit|slow|gpu ...)
# One gtest executable = one ctest test carrying LABELS (a process per TEST() would pay libtorch's
# start-up once per case; --output-on-failure shows which case failed).
function(w2s_add_test)
  cmake_parse_arguments(T "" "NAME" "SOURCES;LABELS" ${ARGN})
  add_executable(${T_NAME} ${T_SOURCES})
  target_link_libraries(${T_NAME} PRIVATE w2s_lib GTest::gtest GTest::gtest_main)
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_SOURCE_DIR}/tests/support)
  target_compile_definitions(${T_NAME} PRIVATE
    W2S_SOURCE_DIR="${CMAKE_SOURCE_DIR}" W2S_BINARY_DIR="${CMAKE_BINARY_DIR}")
  w2s_warnings(${T_NAME})
  w2s_torch_pch(${T_NAME})
  add_test(NAME ${T_NAME} COMMAND ${T_NAME} --gtest_color=no WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${T_NAME} PROPERTIES LABELS "${T_LABELS}")
endfunction()
