# check_built.cmake - run by ctest before and after the tests (CTestCustom.cmake, made by
# tests/CMakeLists.txt): when test programs are missing, as after scripts/run.sh (which builds
# only the server), says so and how to build them. Never fails by itself.
#   cmake -DPROGRAMS="a|b|..." -DBUILD_DIR=DIR -P check_built.cmake
string(REPLACE "|" ";" programs "${PROGRAMS}")
set(missing 0)
foreach(p IN LISTS programs)
  if(NOT EXISTS "${p}")
    math(EXPR missing "${missing} + 1")
  endif()
endforeach()
if(missing GREATER 0)
  list(LENGTH programs total)
  message(NOTICE
    "** ${missing} of ${total} test programs are not built in ${BUILD_DIR}: those tests are "
    "\"Not Run\".\n** scripts/run.sh builds only the server. Build the tests with\n"
    "**   cmake --build ${BUILD_DIR} -j2\n"
    "** and run ctest again, or build and run everything with: bash scripts/test.sh")
endif()
