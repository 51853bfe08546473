# ctest fuzz_replay: run every fuzz target (built as a replay program) over fuzz/corpus/<target>.
# -DBIN=<folder of the programs> -DCORPUS=<fuzz/corpus> -DTARGETS=<name;name;...>
foreach(t ${TARGETS})
  if(NOT IS_DIRECTORY ${CORPUS}/${t})
    message(FATAL_ERROR "fuzz target ${t} has no corpus folder ${CORPUS}/${t}")
  endif()
  execute_process(COMMAND ${BIN}/${t} ${CORPUS}/${t} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${t} failed (${rc}) on its corpus:\n${err}")
  endif()
  message(STATUS "${out}")
endforeach()
