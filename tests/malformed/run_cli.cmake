# SPDX-License-Identifier: MIT
# Runs `heapscope-cli info FILE` on one file of the malformed suite and expects exit status 1 with
# the file name and the reason listed in expected.tsv on stderr.
# Usage: cmake -DCLI=path/to/heapscope-cli -DDIR=tests/malformed/files -DNAME=file -P run_cli.cmake
file(READ "${DIR}/expected.tsv" manifest)
string(FIND "\n${manifest}" "\n${NAME}\t" at)
if(at EQUAL -1)
    message(FATAL_ERROR "${NAME} is not in ${DIR}/expected.tsv")
endif()
string(SUBSTRING "${manifest}" ${at} -1 line)
string(FIND "${line}" "\n" eol)
string(SUBSTRING "${line}" 0 ${eol} line)
# file, stage, offset, reason: the reason is everything after the third tab
foreach(i RANGE 2)
    string(FIND "${line}" "\t" tab)
    math(EXPR tab "${tab} + 1")
    string(SUBSTRING "${line}" ${tab} -1 line)
endforeach()
set(reason "${line}")
set(file "${DIR}/${NAME}")

execute_process(COMMAND "${CLI}" info "${file}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 60)
if(NOT rc STREQUAL "1")
    message(FATAL_ERROR "exit status ${rc} (expected 1)\nstdout: ${out}\nstderr: ${err}")
endif()
string(FIND "${err}" "heapscope-cli: ${file}: " at)
if(NOT at EQUAL 0)
    message(FATAL_ERROR "stderr does not start with the file name: ${err}")
endif()
string(FIND "${err}" "${reason}" at)
if(at EQUAL -1)
    message(FATAL_ERROR "stderr lacks the reason \"${reason}\": ${err}")
endif()
string(STRIP "${out}" out)
if(NOT out STREQUAL "")
    message(FATAL_ERROR "unexpected output on stdout: ${out}")
endif()
