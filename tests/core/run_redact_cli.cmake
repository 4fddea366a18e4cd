# SPDX-License-Identifier: MIT
# heapscope-cli redact: exit status, the copy's numbers against the original's, no planted secret in
# the copy, gzip output, --keep-strings, and the input never written.
# Usage: cmake -DCLI=heapscope-cli -DDATA=tests/data -DWORK=scratch-dir -P run_redact_cli.cmake
function(expect_run rc_expected pattern)
    execute_process(COMMAND "${CLI}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
    if(NOT rc STREQUAL "${rc_expected}")
        message(FATAL_ERROR "${ARGN}: exit status ${rc} (expected ${rc_expected})\nstdout: ${out}\nstderr: ${err}")
    endif()
    if(NOT "${out}${err}" MATCHES "${pattern}")
        message(FATAL_ERROR "${ARGN}: output does not match '${pattern}'\nstdout: ${out}\nstderr: ${err}")
    endif()
    set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(secrets "${DATA}/secrets-node20.heapsnapshot.gz")
file(SHA256 "${secrets}" before)

expect_run(2 "redact needs exactly one FILE and -o OUT" redact "${secrets}")
expect_run(2 "--keep-strings: not a valid regular expression" redact "${secrets}" -o "${WORK}/x.heapsnapshot" --keep-strings "(")
expect_run(2 "unknown option --bogus" redact "${secrets}" -o "${WORK}/x.heapsnapshot" --bogus)
expect_run(1 "heapscope-cli: .*missing" redact "${WORK}/missing.heapsnapshot" -o "${WORK}/x.heapsnapshot")
expect_run(1 "is the input file" redact "${secrets}" -o "${secrets}")

expect_run(0 "\"redactedNodes\": [1-9][0-9]*" redact "${secrets}" -o "${WORK}/copy.heapsnapshot" --json)
expect_run(0 "wrote .*copy.heapsnapshot.gz: [0-9]+ node names" redact "${secrets}" -o "${WORK}/copy.heapsnapshot.gz")
file(READ "${WORK}/copy.heapsnapshot" copy)
foreach(secret ghp_fedcba9876543210-plantd-SECRET alice.planted@example-secret.com planted-secret-path PlantedQuery
               PLANTED-LONG-SECRET planted-regex PLANTED-COMMENT-SECRET-7c1f planted-secret-alone PLANTED-CONS-LEFT)
    string(FIND "${copy}" "${secret}" at)
    if(NOT at EQUAL -1)
        message(FATAL_ERROR "the copy holds ${secret}")
    endif()
endforeach()
string(FIND "${copy}" "\"PlantedHolder\"" at)
if(at EQUAL -1)
    message(FATAL_ERROR "the copy lost the class name PlantedHolder")
endif()

# the same Summary and Statistics, from the plain and the gzipped copy
foreach(command summary stats)
    expect_run(0 "." ${command} "${secrets}" --json)
    set(original "${last_output}")
    foreach(copyFile copy.heapsnapshot copy.heapsnapshot.gz)
        expect_run(0 "." ${command} "${WORK}/${copyFile}" --json)
        # the file's name is in the output: compare without it
        string(REPLACE "${WORK}/${copyFile}" "FILE" redacted "${last_output}")
        string(REPLACE "${secrets}" "FILE" expected "${original}")
        if(NOT redacted STREQUAL expected)
            message(FATAL_ERROR "${command} of ${copyFile} differs from the original's")
        endif()
    endforeach()
endforeach()

expect_run(0 "[1-9][0-9]* values kept by --keep-strings" redact "${secrets}" -o "${WORK}/kept.heapsnapshot"
           --keep-strings "planted-secret-.*")
file(READ "${WORK}/kept.heapsnapshot" kept)
string(FIND "${kept}" "\"planted-secret-alone\"" at)
if(at EQUAL -1)
    message(FATAL_ERROR "--keep-strings did not keep planted-secret-alone")
endif()

file(SHA256 "${secrets}" after)
if(NOT before STREQUAL after)
    message(FATAL_ERROR "the input was modified")
endif()
file(GLOB leftovers "${WORK}/.*")
if(leftovers)
    message(FATAL_ERROR "temporary files left: ${leftovers}")
endif()
file(REMOVE_RECURSE "${WORK}")
