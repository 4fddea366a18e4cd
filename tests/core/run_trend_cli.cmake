# SPDX-License-Identifier: MIT
# `heapscope-cli trend`: the JSON of the three snapshots of one process given out of order, and the
# exit status of a series where fewer than two files load (1) and of bad usage (2).
# Usage: cmake -DCLI=path/to/heapscope-cli -DDATA=tests/data -DMALFORMED=tests/malformed/files
#              -P run_trend_cli.cmake
set(a "${DATA}/leak2-A-node20.heapsnapshot.gz")
set(b "${DATA}/leak2-B-node20.heapsnapshot.gz")
set(c "${DATA}/leak2-C-node20.heapsnapshot.gz")
set(broken "${MALFORMED}/bad-crc-gzip.heapsnapshot.gz")

function(run_cli expected_rc)
    execute_process(COMMAND "${CLI}" trend ${ARGN}
        RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err TIMEOUT 120)
    if(NOT rc STREQUAL "${expected_rc}")
        message(FATAL_ERROR "trend ${ARGN}: exit status ${rc} (expected ${expected_rc})\nstdout: ${out}\nstderr: ${err}")
    endif()
    set(out "${out}" PARENT_SCOPE)
    set(err "${err}" PARENT_SCOPE)
endfunction()

function(expect_equal what actual expected)
    if(NOT "${actual}" STREQUAL "${expected}")
        message(FATAL_ERROR "${what}: '${actual}' (expected '${expected}')")
    endif()
endfunction()

# Given C, B, A with a broken file among them: A, B, C in time order, the broken file last with its
# error, and one class row with three numbers of each kind.
run_cli(0 "${c}" "${broken}" "${b}" "${a}" --json --top 5)
string(JSON schema GET "${out}" schema)
expect_equal("schema" "${schema}" "heapscope-trend/1")
string(JSON order GET "${out}" order)
expect_equal("order" "${order}" "object ids")
string(JSON count LENGTH "${out}" snapshots)
expect_equal("snapshots" "${count}" "4")
set(positions 0 1 2 3)
set(names a b c broken)
foreach(i file IN ZIP_LISTS positions names)
    string(JSON path GET "${out}" snapshots ${i} path)
    expect_equal("snapshots[${i}].path" "${path}" "${${file}}")
endforeach()
string(JSON error TYPE "${out}" snapshots 0 error)
expect_equal("snapshots[0].error" "${error}" "NULL")
string(JSON error GET "${out}" snapshots 3 error)
string(FIND "${error}" "${broken}: " at)
expect_equal("snapshots[3].error names the file" "${at}" "0")
string(FIND "${err}" "heapscope-cli: ${broken}: " at)
if(at EQUAL -1)
    message(FATAL_ERROR "stderr does not name the broken file: ${err}")
endif()
string(JSON classes LENGTH "${out}" classes)
expect_equal("classes (--top 5)" "${classes}" "5")
foreach(member counts self_sizes retained_sizes)
    string(JSON length LENGTH "${out}" classes 0 ${member})
    expect_equal("classes[0].${member}" "${length}" "3")
endforeach()
string(JSON grows TYPE "${out}" classes 0 grows_every_interval)
expect_equal("classes[0].grows_every_interval" "${grows}" "BOOLEAN")

# CSV: a header row and the rows asked for.
run_cli(0 "${a}" "${b}" --csv --top 2)
string(REGEX MATCHALL "\n" lines "${out}")
list(LENGTH lines lines)
expect_equal("CSV lines" "${lines}" "3")
string(FIND "${out}" "key,name,count_1,count_2,self_size_1,self_size_2,retained_size_1,retained_size_2,grows_every_interval,verdict\n" at)
expect_equal("CSV header" "${at}" "0")

# Only one file loads: exit status 1, still the JSON of what was read.
run_cli(1 "${a}" "${broken}" --json)
string(JSON loaded GET "${out}" snapshots 0 path)
expect_equal("the loaded file" "${loaded}" "${a}")

# The same file twice is one snapshot: exit status 1.
run_cli(1 "${a}" "${a}" --json)
string(JSON error GET "${out}" snapshots 1 error)
string(FIND "${error}" "the same file as" at)
if(at EQUAL -1)
    message(FATAL_ERROR "no reason for the repeated file: ${error}")
endif()

# Bad usage: exit status 2.
run_cli(2 "${a}")
run_cli(2 "${a}" "${b}" --json --csv)
run_cli(2 "${a}" "${b}" --top)
run_cli(2 "${a}" "${b}" --top x)
run_cli(2 "${a}" "${b}" --frobnicate)
