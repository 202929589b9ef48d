# test_check_layers.cmake - shows that cmake/check_layers.cmake (run by every build before the
# layers compile) refuses what breaks the layers, and passes a tree that keeps them. Each case
# is a small tree of its own under WORK; the check must fail naming the file and the rule.
#   cmake -DCHECK=<check_layers.cmake> -DWORK=<scratch folder> -P test_check_layers.cmake
cmake_minimum_required(VERSION 3.20)
file(REMOVE_RECURSE ${WORK})

# A tree that keeps every rule: each case adds one file to a copy of it.
function(make_tree root)
  file(WRITE ${root}/src/domain/rule.c "#include \"domain/rule.h\"\n#include \"principal.h\"\n#include <string.h>\n")
  file(WRITE ${root}/include/domain/rule.h "#include <stdbool.h>\n")
  file(WRITE ${root}/src/store/sqlite.h "#include <sqlite3.h>\n")
  file(WRITE ${root}/src/store/tasks.c "#include \"sqlite.h\"\n#include \"store.h\"\n")
  file(WRITE ${root}/src/service/use_case.c "#include \"store_collab.h\"\n#include \"domain/rule.h\"\n")
  file(WRITE ${root}/src/api/tasks.c "#include \"http.h\"\n#include \"store.h\"\n#include \"service/use_case.h\"\n")
endfunction()

function(expect_pass name)
  execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${WORK}/${name} -P ${CHECK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "case ${name}: the check refused a tree that keeps the layers:\n${err}")
  endif()
  message(STATUS "case ${name}: passes, as it should")
endfunction()

# The check must fail and its message must name the file and say why.
function(expect_refusal name file text why)
  make_tree(${WORK}/${name})
  file(WRITE ${WORK}/${name}/${file} "${text}")
  execute_process(COMMAND ${CMAKE_COMMAND} -DROOT=${WORK}/${name} -P ${CHECK}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  string(REGEX REPLACE "[ \t\r\n]+" " " err "${err}")
  if(rc EQUAL 0)
    message(FATAL_ERROR "case ${name}: the check passed ${file}, which it must refuse")
  endif()
  string(FIND "${err}" "${file}" at_file)
  string(FIND "${err}" "${why}" at_why)
  if(at_file LESS 0 OR at_why LESS 0)
    message(FATAL_ERROR "case ${name}: refused, but without naming ${file} and \"${why}\":\n${err}")
  endif()
  message(STATUS "case ${name}: refused, as it should: ${file}")
endfunction()

make_tree(${WORK}/clean)
expect_pass(clean)

expect_refusal(domain_includes_store src/domain/bad.c
  "#include \"domain/rule.h\"\n#include \"store.h\"\n" "domain/ is pure")
expect_refusal(domain_includes_store_header include/domain/bad.h
  "#include \"store_collab.h\"\n" "domain/ is pure")
expect_refusal(domain_includes_http src/domain/bad.c "#include \"http.h\"\n" "domain/ is pure")
expect_refusal(domain_includes_mhd src/domain/bad.c "#include <microhttpd.h>\n" "domain/ is pure")
expect_refusal(domain_includes_sqlite src/domain/bad.c "#include <sqlite3.h>\n" "domain/ is pure")
expect_refusal(api_includes_engine src/api/bad.c
  "#include \"http.h\"\n#include \"sqlite.h\"\n" "a store engine's own header")
expect_refusal(api_includes_engine_by_path src/api/bad.c
  "#include \"../store/sqlite.h\"\n" "a store engine's own header")
expect_refusal(api_includes_sqlite src/api/bad.c "#include <sqlite3.h>\n" "a store engine's own header")
expect_refusal(api_includes_libpq src/api/bad.c "#include <libpq-fe.h>\n" "a store engine's own header")
expect_refusal(api_opens_a_transaction src/api/bad.c
  "#include \"http.h\"\nint f(void) { return store_write(s, tx, 0); }\n"
  "api/ reaches the store only through a use case")
expect_refusal(service_includes_http src/service/bad.c "#include \"validate.h\"\n"
  "a use case never sees HTTP")

string(REPEAT "int x;\n" 401 long_text)
expect_refusal(file_over_400_lines src/http/long.c "${long_text}" "401 lines")
string(REPEAT "int x;\n" 400 ok_text)
make_tree(${WORK}/file_of_400_lines)
file(WRITE ${WORK}/file_of_400_lines/src/http/long.c "${ok_text}")
expect_pass(file_of_400_lines)
file(REMOVE_RECURSE ${WORK})
