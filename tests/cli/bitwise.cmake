# fa-check on a matrix given as a file reproduces, bit for bit in double, the run on the same matrix
# generated in memory, for each of the three file formats.
#   cmake -DEXE=fa-check -DWORKDIR=dir -DGEN_ARGS="--n 9 --m 7 --rank-of-y 3 ..."
#         -DRUN_ARGS="--r 2 --steps 2000 ..." -DSEED=11 -P bitwise.cmake
# 1. The generated run writes Y (17 significant digits in CSV/.mtx, float64 in .npy) with its final
#    Z and W, once per format.
# 2. fa-check runs on each written Y with the same RUN_ARGS (so the same seed draws the same B) and
#    writes Z, W as .npy; they must equal the generated run's .npy files byte for byte.
# 3. Control: a different seed (another B) must change Z, so the comparison is not vacuous.
cmake_minimum_required(VERSION 3.25)

separate_arguments(gen UNIX_COMMAND "${GEN_ARGS}")
separate_arguments(common UNIX_COMMAND "${RUN_ARGS}")
set(seeded ${common} --seed ${SEED})
file(REMOVE_RECURSE "${WORKDIR}")
file(MAKE_DIRECTORY "${WORKDIR}")

function(fa_run out_var)
  execute_process(COMMAND "${EXE}" run ${ARGN} WORKING_DIRECTORY "${WORKDIR}"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fa-check run ${ARGN}: exit ${rc}\n${out}\n${err}")
  endif()
  set(${out_var} "${out}" PARENT_SCOPE)
endfunction()

function(same_bytes a b)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/${a}" "${WORKDIR}/${b}"
                  RESULT_VARIABLE differ)
  if(differ)
    message(FATAL_ERROR "${a} and ${b} differ (expected bit-identical final factors)")
  endif()
endfunction()

foreach(fmt csv mtx npy)
  fa_run(out ${gen} ${seeded} --format ${fmt} --save-y --out gen_${fmt})
endforeach()
foreach(fmt csv mtx npy)
  fa_run(out --y gen_${fmt}/Y.${fmt} ${seeded} --format npy --out file_${fmt})
  message(STATUS "Y.${fmt}: ${out}")
  same_bytes(gen_npy/Z.npy file_${fmt}/Z.npy)
  same_bytes(gen_npy/W.npy file_${fmt}/W.npy)
  same_bytes(gen_npy/B.npy file_${fmt}/B.npy)
endforeach()
# The text outputs of the generated runs agree with each other too (same doubles, same digits).
execute_process(COMMAND "${EXE}" convert gen_mtx/Z.mtx gen_mtx_Z.csv WORKING_DIRECTORY "${WORKDIR}"
                OUTPUT_QUIET)
same_bytes(gen_csv/Z.csv gen_mtx_Z.csv)

# Control: another B gives another Z.
fa_run(out --y gen_csv/Y.csv ${common} --seed 987654 --format npy --out control)
execute_process(COMMAND "${CMAKE_COMMAND}" -E compare_files "${WORKDIR}/gen_npy/Z.npy"
                        "${WORKDIR}/control/Z.npy" RESULT_VARIABLE differ)
if(NOT differ)
  message(FATAL_ERROR "control run with another seed gave the same Z: the comparison is vacuous")
endif()
message(STATUS "bit-identical final Z, W, B from Y.csv, Y.mtx, Y.npy and the generated Y")
