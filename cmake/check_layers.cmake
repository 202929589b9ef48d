# check_layers.cmake - the layer rules that include paths alone cannot enforce, run before any
# layer library compiles (target layer_check) and by tests/layers/. Usage:
#   cmake -DROOT=<repository> -P check_layers.cmake
# Fails (naming each file, line and rule) when:
#   - a domain/ file (src/domain, include/domain) includes anything but "domain/..." and
#     "principal.h", or a system header beyond the C library (no store, HTTP, SQL or other
#     library header: the rules stay pure);
#   - a use case (src/service, include/service) includes an HTTP header (http.h, validate.h,
#     api.h, anything of api/ or http/, <microhttpd.h>);
#   - a file outside src/store includes a store engine's own header (a header in src/store/,
#     <sqlite3.h>, <libpq-fe.h>);
#   - an api/ file opens a transaction or a store connection (store_write, store_read,
#     store_conn): api/ reaches the store only through a use case, so no code of api/ runs
#     inside a transaction but the hook that keeps a created resource's reply for a replay;
#   - a source file (src/, include/) has more than 400 lines.
cmake_minimum_required(VERSION 3.20)
if(NOT ROOT)
  message(FATAL_ERROR "check_layers.cmake: pass -DROOT=<repository>")
endif()
set(MAX_LINES 400)

file(GLOB engine_headers RELATIVE ${ROOT}/src/store ${ROOT}/src/store/*.h ${ROOT}/src/store/*/*.h)
file(GLOB http_headers RELATIVE ${ROOT}/src/http ${ROOT}/src/http/*.h)
file(GLOB api_headers RELATIVE ${ROOT}/src/api ${ROOT}/src/api/*.h)
list(APPEND http_headers http.h validate.h api.h ${api_headers})
set(c_library_headers assert.h ctype.h errno.h inttypes.h limits.h math.h stdarg.h stdbool.h
    stddef.h stdint.h stdio.h stdlib.h string.h strings.h time.h)

file(GLOB_RECURSE files RELATIVE ${ROOT} ${ROOT}/src/*.c ${ROOT}/src/*.h ${ROOT}/include/*.h)
set(problems 0)
foreach(rel IN LISTS files)
  file(READ ${ROOT}/${rel} text)
  string(REGEX MATCHALL "\n" newlines "${text}")
  list(LENGTH newlines n)
  if(n GREATER MAX_LINES)
    message(SEND_ERROR "${rel}: ${n} lines; a source file has at most ${MAX_LINES}: split it")
    math(EXPR problems "${problems} + 1")
  endif()
  set(layer "")
  if(rel MATCHES "^(src|include)/domain/")
    set(layer domain)
  elseif(rel MATCHES "^(src|include)/service/")
    set(layer service)
  elseif(rel MATCHES "^src/store/")
    set(layer store)
  endif()
  if(rel MATCHES "^src/api/")
    string(REGEX MATCHALL "store_(write|read|conn)[ \t]*\\(" calls "${text}")
    if(calls)
      list(GET calls 0 call)
      message(SEND_ERROR "${rel}: ${call}...): api/ reaches the store only through a use case "
                         "(src/service/)")
      math(EXPR problems "${problems} + 1")
    endif()
  endif()
  string(REGEX MATCHALL "#[ \t]*include[ \t]*[<\"][^>\"]+[>\"]" includes "${text}")
  foreach(inc IN LISTS includes)
    string(REGEX REPLACE "^#[ \t]*include[ \t]*([<\"])([^>\"]+)[>\"]$" "\\1;\\2" parts "${inc}")
    list(GET parts 0 quote)
    list(GET parts 1 name)
    get_filename_component(base ${name} NAME)
    set(why "")
    if(layer STREQUAL "domain")
      if(quote STREQUAL "\"" AND NOT name MATCHES "^domain/" AND NOT name STREQUAL "principal.h")
        set(why "domain/ is pure: it includes only domain/ headers and principal.h")
      elseif(quote STREQUAL "<" AND NOT name IN_LIST c_library_headers)
        set(why "domain/ is pure: no library or system header beyond the C library")
      endif()
    endif()
    if(NOT why AND layer STREQUAL "service" AND (name IN_LIST http_headers OR
                                                   name STREQUAL "microhttpd.h"))
      set(why "a use case never sees HTTP: api/ parses the request into its input")
    endif()
    if(NOT why AND NOT layer STREQUAL "store" AND
       ((quote STREQUAL "\"" AND base IN_LIST engine_headers AND
         NOT name MATCHES "^(domain|service)/") OR
        name STREQUAL "sqlite3.h" OR name STREQUAL "libpq-fe.h"))
      set(why "a store engine's own header is for src/store/ only; use the store_*.h calls")
    endif()
    if(why)
      message(SEND_ERROR "${rel}: ${inc}: ${why}")
      math(EXPR problems "${problems} + 1")
    endif()
  endforeach()
endforeach()
if(problems GREATER 0)
  message(FATAL_ERROR "check_layers: ${problems} problem(s) above")
endif()
