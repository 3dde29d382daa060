# fa-check certify on sklearn's digits data: the 1797 x 64 pixel matrix (the last of the 65
# columns of digits.csv.gz is the label), r = 5, B from --seed 1. Asserts the exact ranks and a
# proved separation; prints the time fa-check reports (no threshold: timings are not tests).
#   cmake -DEXE=fa-check -DDIGITS=.../digits.csv.gz -DWORKDIR=dir -P digits.cmake
cmake_minimum_required(VERSION 3.25)
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")
execute_process(COMMAND gzip -dc "${DIGITS}" OUTPUT_VARIABLE text RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cannot decompress ${DIGITS}")
endif()
string(REGEX REPLACE ",[0-9]+\n" "\n" pixels "${text}")
file(WRITE "${WORKDIR}/digits.csv" "${pixels}")
execute_process(COMMAND "${EXE}" certify --y "${WORKDIR}/digits.csv" --r 5 --seed 1
                        --json "${WORKDIR}/digits.json"
                WORKING_DIRECTORY "${WORKDIR}" RESULT_VARIABLE rc OUTPUT_VARIABLE out
                ERROR_VARIABLE err TIMEOUT 240)
message(STATUS "${out}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "\\(1797x64\\)"
   OR NOT out MATCHES "rank\\(Y\\) +61 \\(exact\\)"
   OR NOT out MATCHES "rank\\(B\\^T Y\\) +5 \\(exact\\)"
   OR NOT out MATCHES "separation proved: err\\* - opt_r >= gap = [0-9.]+e\\+[0-9]+ > 0")
  message(FATAL_ERROR "fa-check certify on digits: exit ${rc}\n${out}\n${err}")
endif()
