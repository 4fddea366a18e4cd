# SPDX-License-Identifier: MIT
# heapscope-cli realms, contexts and summary --filter with the realm filters: exit status and output.
# Usage: cmake -DCLI=heapscope-cli -DDATA=tests/data -DMALFORMED=tests/malformed/files -P run_realms_cli.cmake
function(expect_run rc_expected pattern)
    execute_process(COMMAND "${CLI}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
    if(NOT rc STREQUAL "${rc_expected}")
        message(FATAL_ERROR "${ARGN}: exit status ${rc} (expected ${rc_expected})\nstdout: ${out}\nstderr: ${err}")
    endif()
    if(NOT "${out}${err}" MATCHES "${pattern}")
        message(FATAL_ERROR "${ARGN}: output does not match '${pattern}'\nstdout: ${out}\nstderr: ${err}")
    endif()
endfunction()

set(multi "${DATA}/closures-multi-chromium.heapsnapshot.gz")
set(leak "${DATA}/closures-leak-chromium.heapsnapshot.gz")
# Five realms: the page, two live iframes, a removed iframe whose window is kept, and one more.
expect_run(0 "\"nodeIndex\": 23406.*\"sharedSize\": 203907.*\"filter\": \"nativeContext_23406\"" realms "${multi}" --json)
expect_run(0 "nativeContext_23406.*sharedNativeContext.*noNativeContext" realms "${multi}")
expect_run(0 "\"object_count\": [1-9]" summary "${multi}" --filter nativeContext_23406 --json)
expect_run(0 "\"object_count\": [1-9]" summary "${multi}" --filter sharedNativeContext --json)
expect_run(2 "has no native context 'nativeContext_7'.*nativeContext_23406" summary "${multi}" --filter nativeContext_7)
expect_run(0 "\"name\": \"bigData\".*\"valueType\": \"object\"" contexts "${leak}" --json)
expect_run(0 "leak.js:5:21" contexts "${leak}")
expect_run(0 "no scope data" contexts "${DATA}/tiny-node20.heapsnapshot.gz")
expect_run(0 "closure analysis was skipped: scope 0 has depth 3" contexts "${MALFORMED}/scopes-depth-too-deep.heapsnapshot")
expect_run(2 "contexts needs exactly one FILE" contexts)
expect_run(1 "heapscope-cli: " realms "${MALFORMED}/empty.heapsnapshot")
