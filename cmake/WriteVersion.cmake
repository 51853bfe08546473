# Run at every build (cmake -P): writes generated/version.cpp with the current git commit, only
# when it changed, so results always name the commit that built the binary (not the one present
# when CMake was configured). Inputs: SRC (repo root), IN (version.cpp.in), OUT, PROJECT_VERSION.
execute_process(COMMAND git rev-parse --short=12 HEAD WORKING_DIRECTORY ${SRC}
                OUTPUT_VARIABLE c OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0 OR c STREQUAL "")
  set(c "unknown")
else()
  execute_process(COMMAND git status --porcelain --untracked-files=no WORKING_DIRECTORY ${SRC}
                  OUTPUT_VARIABLE dirty OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(NOT dirty STREQUAL "")
    set(c "${c}-dirty")
  endif()
endif()
set(W2S_GIT_COMMIT ${c})
configure_file(${IN} ${OUT} @ONLY)
