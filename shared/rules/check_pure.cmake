# Enforces that libccrules stays pure (run after it is built; see CMakeLists.txt):
# its sources include only the C library's headers and each other, and the archive
# calls nothing outside an allow-list of libc functions (no I/O, no h2o, no libpq,
# no jansson, no allocation). Variables: SOURCE_DIR (shared/rules), ARCHIVE, NM.
cmake_policy(SET CMP0057 NEW) # IN_LIST in script mode
set(allowed_headers stdbool.h stddef.h stdint.h string.h time.h civil_date.h cycle_rules.h finding_rules.h finding_states.h certificate_states.h certificate_number.h)
file(GLOB sources ${SOURCE_DIR}/*.c ${SOURCE_DIR}/*.h)
foreach(src ${sources})
  file(STRINGS ${src} includes REGEX "^[ \t]*#[ \t]*include")
  foreach(line ${includes})
    string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*" "\\1" header "${line}")
    if(NOT header IN_LIST allowed_headers)
      message(FATAL_ERROR "libccrules must stay pure: ${src} includes ${header}")
    endif()
  endforeach()
endforeach()

# Symbols the archive may take from elsewhere: string functions, the clock for
# "today", and what compilers and sanitizers emit on their own.
set(allowed_symbols strcmp strlen memcmp memcpy memmove memset clock_gettime __stack_chk_fail)
execute_process(COMMAND ${NM} -u --format=posix ${ARCHIVE} OUTPUT_VARIABLE undefined RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${ARCHIVE}")
endif()
# The archive's own functions, which one object may call in another.
execute_process(COMMAND ${NM} --defined-only --format=posix ${ARCHIVE} OUTPUT_VARIABLE defined)
string(REGEX MATCHALL "(^|\n)[^ \n]+ [TtDdBbRr]" defined_lines "${defined}")
set(own "")
foreach(line ${defined_lines})
  string(REGEX REPLACE "^\n?([^ ]+) .*" "\\1" symbol "${line}")
  list(APPEND own ${symbol})
endforeach()
string(REPLACE "\n" ";" lines "${undefined}")
foreach(line ${lines})
  string(REGEX MATCH "^[^ ]+" symbol "${line}")
  if(symbol STREQUAL "" OR symbol MATCHES ":$" OR symbol MATCHES "^__(asan|ubsan|sanitizer|tsan)_")
    continue()
  endif()
  if(NOT symbol IN_LIST allowed_symbols AND NOT symbol IN_LIST own)
    message(FATAL_ERROR "libccrules must stay pure: it calls ${symbol}")
  endif()
endforeach()
