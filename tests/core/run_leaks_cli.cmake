# SPDX-License-Identifier: MIT
# `heapscope-cli leaks`: the leak groups of tests/data/series-node20 (made by gen/series.cjs) as
# JSON, the exit status of --fail-on-leak (3) and --min-growth, bad usage (2); and the warning of
# `diff` on a Bun pair, whose object ids never carry over between snapshots.
# Usage: cmake -DCLI=path/to/heapscope-cli -DDATA=tests/data -P run_leaks_cli.cmake
file(GLOB series "${DATA}/series-node20/*.heapsnapshot.gz")
list(SORT series)
list(LENGTH series count)
if(NOT count EQUAL 4)
    message(FATAL_ERROR "expected 4 snapshots in ${DATA}/series-node20, found ${count}")
endif()
list(REVERSE series) # given newest first

function(run_cli expected_rc)
    execute_process(COMMAND "${CLI}" ${ARGN}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
    if(NOT rc STREQUAL "${expected_rc}")
        message(FATAL_ERROR "${ARGN}: exit status ${rc} (expected ${expected_rc})\nstdout: ${out}\nstderr: ${err}")
    endif()
    set(out "${out}" PARENT_SCOPE)
    set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect_equal what actual expected)
    if(NOT "${actual}" STREQUAL "${expected}")
        message(FATAL_ERROR "${what}: '${actual}' (expected '${expected}')")
    endif()
endfunction()

run_cli(3 leaks ${series} --json --fail-on-leak)
string(JSON ids_match GET "${out}" ids_match)
expect_equal("ids_match" "${ids_match}" "ON")
string(JSON leaks LENGTH "${out}" leaks)
expect_equal("leaks" "${leaks}" "2")
string(JSON class GET "${out}" leaks 0 class)
expect_equal("leaks[0].class" "${class}" "RequestRecord")
foreach(i expected IN ZIP_LISTS "0;1;2;3" "1000;2000;3000;4000")
    string(JSON value GET "${out}" leaks 0 counts ${i})
    expect_equal("leaks[0].counts[${i}]" "${value}" "${expected}")
endforeach()
foreach(i holder edge IN ZIP_LISTS "0;1;2" "Session;Map;system / Context" "records;table;sessions")
    string(JSON value GET "${out}" leaks 0 path ${i} holder)
    expect_equal("leaks[0].path[${i}].holder" "${value}" "${holder}")
    string(JSON value GET "${out}" leaks 0 path ${i} edge)
    expect_equal("leaks[0].path[${i}].edge" "${value}" "${edge}")
endforeach()
string(JSON survivors GET "${out}" leaks 0 survivors)
expect_equal("leaks[0].survivors" "${survivors}" "2000")
string(JSON reason GET "${out}" leaks 0 reason)
string(FIND "${reason}" "grows in every interval" at)
if(at EQUAL -1)
    message(FATAL_ERROR "leaks[0].reason: ${reason}")
endif()
string(JSON class GET "${out}" leaks 1 class)
expect_equal("leaks[1].class" "${class}" "Sample")
string(JSON retained TYPE "${out}" leaks 1 retained_size)
expect_equal("leaks[1].retained_size" "${retained}" "NUMBER")

# The look-alikes are in the classes with their verdict.
string(JSON classes LENGTH "${out}" classes)
set(seen "")
math(EXPR last "${classes} - 1")
foreach(i RANGE ${last})
    string(JSON name GET "${out}" classes ${i} name)
    if(name MATCHES "^(CacheEntry|BatchItem|QueueJob)$")
        string(JSON verdict GET "${out}" classes ${i} verdict)
        list(APPEND seen "${name}=${verdict}")
    endif()
endforeach()
list(SORT seen)
expect_equal("verdicts" "${seen}" "BatchItem=freed;CacheEntry=plateau;QueueJob=oscillates")

# Text: the groups with their holders; without --fail-on-leak, exit status 0.
run_cli(0 leaks ${series})
string(FIND "${out}" "RequestRecord ← records in Session ← table in Map ← sessions in system / Context" at)
if(at EQUAL -1)
    message(FATAL_ERROR "no RequestRecord group in the text:\n${out}")
endif()
string(FIND "${out}" "plateau" at)
if(at EQUAL -1)
    message(FATAL_ERROR "no plateau reason in the text:\n${out}")
endif()

# A minimum growth above both leaks': no candidate, so --fail-on-leak passes.
run_cli(0 leaks ${series} --json --min-growth 5000 --fail-on-leak)
string(JSON leaks LENGTH "${out}" leaks)
expect_equal("leaks with --min-growth 5000" "${leaks}" "0")

# Bad usage.
list(GET series 0 one)
run_cli(2 leaks ${one})
run_cli(2 leaks ${series} --min-growth 0)
run_cli(2 leaks ${series} --min-growth)
run_cli(2 leaks ${series} --csv)

# Bun's pair: one process, but ids that never carry over: the Comparison says so.
run_cli(0 diff "${DATA}/mixed-pair-bun1-A.heapsnapshot.gz" "${DATA}/mixed-pair-bun1-B.heapsnapshot.gz")
string(FIND "${err}" "do not share object ids" at)
if(at EQUAL -1)
    message(FATAL_ERROR "diff of the Bun pair gives no warning:\n${err}")
endif()
