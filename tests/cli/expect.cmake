# Runs one fa-check command and checks its outcome (used by tests/cli/CMakeLists.txt):
#   cmake -DEXE=... -DARGS="run --y f.csv ..." -DWORKDIR=... -DRC=1
#         [-DSTDERR_REGEX=...] [-DSTDOUT_REGEX=...] [-DSTDERR_EMPTY=ON] [-DONE_LINE=ON]
#         [-DCHECK_FILE=path -DFILE_REGEX=...] -P expect.cmake
# RC is the exact exit code expected. A crash (signal), a hang (30 s timeout) or any other exit
# code fails the test; so does a stderr that does not match, or (ONE_LINE) is not exactly one line.
cmake_minimum_required(VERSION 3.25)

separate_arguments(arg_list UNIX_COMMAND "${ARGS}")
if(WORKDIR)
  file(MAKE_DIRECTORY "${WORKDIR}")
endif()
execute_process(
  COMMAND "${EXE}" ${arg_list}
  WORKING_DIRECTORY "${WORKDIR}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err
  TIMEOUT 60)

set(problems "")
if(NOT "${rc}" STREQUAL "${RC}")
  string(APPEND problems "exit code '${rc}', expected ${RC}\n")
endif()
if(DEFINED STDERR_REGEX AND NOT err MATCHES "${STDERR_REGEX}")
  string(APPEND problems "stderr does not match '${STDERR_REGEX}'\n")
endif()
if(DEFINED STDOUT_REGEX AND NOT out MATCHES "${STDOUT_REGEX}")
  string(APPEND problems "stdout does not match '${STDOUT_REGEX}'\n")
endif()
if(STDERR_EMPTY AND NOT err STREQUAL "")
  string(APPEND problems "stderr is not empty\n")
endif()
if(ONE_LINE)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines n_lines)
  if(NOT n_lines EQUAL 1 OR NOT err MATCHES "\n$")
    string(APPEND problems "stderr is not exactly one line (${n_lines} newlines)\n")
  endif()
endif()
if(DEFINED CHECK_FILE)
  if(NOT EXISTS "${WORKDIR}/${CHECK_FILE}")
    string(APPEND problems "file ${CHECK_FILE} was not written\n")
  else()
    file(READ "${WORKDIR}/${CHECK_FILE}" content)
    if(NOT content MATCHES "${FILE_REGEX}")
      string(APPEND problems "file ${CHECK_FILE} does not match '${FILE_REGEX}'\n")
    endif()
  endif()
endif()

if(problems)
  message(FATAL_ERROR "fa-check ${ARGS}\n--- problems:\n${problems}--- exit: ${rc}\n"
                      "--- stdout:\n${out}--- stderr:\n${err}")
endif()
message(STATUS "ok: fa-check ${ARGS} -> exit ${rc}; stderr: ${err}")
