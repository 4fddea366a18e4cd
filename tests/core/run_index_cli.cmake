# SPDX-License-Identifier: MIT
# heapscope-cli and its kept index, with a private cache folder: `cache build` writes the index and
# `info --timings` then maps it; a damaged index (truncated, a byte changed in the header or in a
# column, garbage, empty, a folder in its place) gives one warning naming the snapshot and the
# reason, the same Summary as without an index, and no warning on the next run, and is written
# again; a cache folder that is a plain file changes no answer; `cache list --json`,
# `cache clear`, `--no-cache` and HEAPSCOPE_NO_CACHE=1.
# Usage: cmake -DCLI=heapscope-cli -DDATA=tests/data -DWORK=scratch-dir -P run_index_cli.cmake
cmake_minimum_required(VERSION 3.25)

# Runs the CLI; fails unless the exit status is `rc_expected`. Leaves stdout in `out`, stderr in `err`.
function(run rc_expected)
    execute_process(COMMAND "${CLI}" ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e TIMEOUT 120)
    if(NOT rc STREQUAL "${rc_expected}")
        message(FATAL_ERROR "${ARGN}: exit status ${rc} (expected ${rc_expected})\nstdout: ${o}\nstderr: ${e}")
    endif()
    set(out "${o}" PARENT_SCOPE)
    set(err "${e}" PARENT_SCOPE)
endfunction()

# The index files in the cache folder.
function(index_files var)
    file(GLOB found LIST_DIRECTORIES true "${cache}/heapscope/*.hsidx")
    set(${var} "${found}" PARENT_SCOPE)
endfunction()

# Waits (up to a minute) for the index that the CLI writes in the background once it has answered.
function(wait_for_index)
    foreach(i RANGE 600)
        index_files(found)
        if(found AND NOT IS_DIRECTORY "${found}")
            return()
        endif()
        execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 0.1)
    endforeach()
    message(FATAL_ERROR "no index was written in the background")
endfunction()

# Expects no index file for a while (the background writer would have written it by then).
function(expect_no_index why)
    execute_process(COMMAND ${CMAKE_COMMAND} -E sleep 2)
    index_files(found)
    if(found)
        message(FATAL_ERROR "${why}: an index was written (${found})")
    endif()
endfunction()

function(expect_index_outcome outcome)
    run(0 info "${snapshot}" --timings ${ARGN})
    if(NOT out MATCHES "\nkept index +${outcome}\n")
        message(FATAL_ERROR "info --timings ${ARGN}: no 'kept index ${outcome}' line\n${out}")
    endif()
endfunction()

# stats --json (an open of the whole graph: summary reads only the index's checksummed Summary)
# must answer as without an index, with exactly one warning naming the snapshot,
# its index file and a reason matching the regular expression `reason`; the next run must warn no
# more, and the index must be written again.
function(expect_rejected damage reason)
    run(0 stats "${snapshot}" --json)
    if(NOT out STREQUAL stats_reference)
        message(FATAL_ERROR "${damage}: stats --json differs from the --no-cache run\n${out}")
    endif()
    string(REGEX MATCHALL "warning:" warnings "${err}")
    list(LENGTH warnings count)
    if(NOT count EQUAL 1)
        message(FATAL_ERROR "${damage}: ${count} warnings (expected one)\n${err}")
    endif()
    set(prefix "heapscope-cli: warning: the kept index of ${snapshot} (${index}) could not be used: ")
    string(FIND "${err}" "${prefix}" at)
    string(LENGTH "${prefix}" length)
    string(SUBSTRING "${err}" ${length} -1 rest)
    if(NOT at EQUAL 0 OR NOT rest MATCHES "^(${reason}); it was deleted and the snapshot was read again\n$")
        message(FATAL_ERROR "${damage}: the warning does not name the snapshot, its index and '${reason}'\n${err}")
    endif()
    run(0 stats "${snapshot}" --json)
    if(NOT out STREQUAL stats_reference OR NOT err STREQUAL "")
        message(FATAL_ERROR "${damage}: the run after the warning\nstdout: ${out}\nstderr: ${err}")
    endif()
    wait_for_index()
    expect_index_outcome(used)
endfunction()

# A little-endian number of `bytes` bytes at `offset` of the index file.
function(read_le var offset bytes)
    file(READ "${index}" hex OFFSET ${offset} LIMIT ${bytes} HEX)
    set(be "")
    foreach(i RANGE 0 ${bytes})
        if(i EQUAL bytes)
            break()
        endif()
        math(EXPR at "${i} * 2")
        string(SUBSTRING "${hex}" ${at} 2 byte)
        set(be "${byte}${be}")
    endforeach()
    math(EXPR value "0x${be}")
    set(${var} ${value} PARENT_SCOPE)
endfunction()

# Changes the byte at `offset` of the index file in place.
function(flip_byte offset)
    file(READ "${index}" old OFFSET ${offset} LIMIT 1 HEX)
    math(EXPR new "0x${old} ^ 0x5A")
    if(new EQUAL 0)
        set(new 165)
    endif()
    string(ASCII ${new} byte)
    file(WRITE "${WORK}/byte.bin" "${byte}")
    execute_process(COMMAND dd "if=${WORK}/byte.bin" "of=${index}" bs=1 seek=${offset} count=1 conv=notrunc
                    RESULT_VARIABLE rc ERROR_QUIET)
    file(READ "${index}" now OFFSET ${offset} LIMIT 1 HEX)
    if(NOT rc EQUAL 0 OR now STREQUAL old)
        message(FATAL_ERROR "could not change byte ${offset} of ${index}")
    endif()
endfunction()

# The middle byte of a section of the index (`column`: its number in index_format.h, 0 for the
# largest section). The header's table says where each one is; the padding between sections is in
# none of them.
function(section_middle var column)
    read_le(sections 12 4)
    set(largest 0)
    set(middle "")
    math(EXPR last "${sections} - 1")
    foreach(i RANGE ${last})
        math(EXPR entry "64 + 32 * ${i}")
        read_le(kind ${entry} 4)
        math(EXPR at "${entry} + 4")
        read_le(element ${at} 4)
        math(EXPR at "${entry} + 8")
        read_le(offset ${at} 8)
        math(EXPR at "${entry} + 16")
        read_le(count ${at} 8)
        math(EXPR bytes "${element} * ${count}")
        if((column EQUAL 0 AND bytes GREATER largest) OR (column EQUAL kind AND bytes GREATER 0))
            set(largest ${bytes})
            math(EXPR middle "${offset} + ${bytes} / 2")
        endif()
    endforeach()
    if(middle STREQUAL "")
        message(FATAL_ERROR "the index has no section ${column}")
    endif()
    set(${var} ${middle} PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
file(MAKE_DIRECTORY "${WORK}")
set(cache "${WORK}/cache")
set(ENV{XDG_CACHE_HOME} "${cache}")
unset(ENV{HEAPSCOPE_NO_CACHE})
unset(ENV{HEAPSCOPE_CACHE_CAP})
# A copy of a small fixture: the index is keyed by the snapshot's path.
file(COPY_FILE "${DATA}/mixed-pair-bun1-B.heapsnapshot.gz" "${WORK}/snapshot.heapsnapshot.gz")
file(REAL_PATH "${WORK}/snapshot.heapsnapshot.gz" snapshot)

# --no-cache and HEAPSCOPE_NO_CACHE=1: no index read or written.
run(0 stats "${snapshot}" --json --no-cache)
set(stats_reference "${out}")
run(0 summary "${snapshot}" --json --no-cache)
set(reference "${out}")
if(NOT err STREQUAL "")
    message(FATAL_ERROR "summary --no-cache: unexpected stderr\n${err}")
endif()
expect_index_outcome(disabled --no-cache)
expect_no_index("--no-cache")
set(ENV{HEAPSCOPE_NO_CACHE} 1)
run(0 summary "${snapshot}" --json)
if(NOT out STREQUAL reference)
    message(FATAL_ERROR "HEAPSCOPE_NO_CACHE=1: summary --json differs\n${out}")
endif()
expect_index_outcome(disabled)
expect_no_index("HEAPSCOPE_NO_CACHE=1")
set(ENV{HEAPSCOPE_NO_CACHE} 0) # 0 means the cache is on
expect_index_outcome(absent)
unset(ENV{HEAPSCOPE_NO_CACHE})

# cache build writes it at once; info maps it; summary gives the same answer from it.
run(0 cache build "${snapshot}")
if(NOT out MATCHES "index written")
    message(FATAL_ERROR "cache build: ${out}")
endif()
index_files(index)
list(LENGTH index count)
if(NOT count EQUAL 1)
    message(FATAL_ERROR "cache build: ${count} index files (expected one): ${index}")
endif()
expect_index_outcome(used)
run(0 summary "${snapshot}" --json --timings)
if(NOT out MATCHES "\"kept_index\": \"used\"")
    message(FATAL_ERROR "summary --json --timings: no \"kept_index\": \"used\"\n${out}")
endif()
run(0 summary "${snapshot}" --json)
if(NOT out STREQUAL reference OR NOT err STREQUAL "")
    message(FATAL_ERROR "summary from the index differs from the --no-cache run\nstdout: ${out}\nstderr: ${err}")
endif()
run(0 cache build "${snapshot}")
if(NOT out MATCHES "the index is up to date")
    message(FATAL_ERROR "cache build of an indexed snapshot: ${out}")
endif()

# cache list --json: one readable entry, for this snapshot, in this folder.
run(0 cache list --json)
string(JSON folder GET "${out}" folder)
string(JSON entries LENGTH "${out}" indexes)
string(JSON listed GET "${out}" indexes 0 snapshot)
string(JSON file GET "${out}" indexes 0 file)
string(JSON readable GET "${out}" indexes 0 readable)
string(JSON bytes GET "${out}" indexes 0 bytes)
file(SIZE "${index}" size)
if(NOT folder STREQUAL "${cache}/heapscope" OR NOT entries EQUAL 1 OR NOT listed STREQUAL snapshot OR
   NOT file STREQUAL index OR NOT readable OR NOT bytes EQUAL size)
    message(FATAL_ERROR "cache list --json:\n${out}")
endif()
run(0 cache list)
if(NOT out MATCHES "1 indexes" OR NOT out MATCHES "${snapshot}")
    message(FATAL_ERROR "cache list:\n${out}")
endif()

# Damaged indexes.
file(SIZE "${index}" size)
math(EXPR half "${size} / 2")
execute_process(COMMAND truncate -s ${half} "${index}" RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "could not truncate ${index}")
endif()
expect_rejected("truncated to half"
                "it is ${half} bytes long, its header says ${size} \\(an interrupted or damaged write\\)")

execute_process(COMMAND truncate -s 40 "${index}")
expect_rejected("truncated into the header" "it is shorter than its header")

flip_byte(40) # the hash of the snapshot key, in the header
expect_rejected("a byte of the header changed" "its header is damaged")

section_middle(middle 18) # the retained sizes: no value is out of range, the checksum tells
flip_byte(${middle})
expect_rejected("a byte of the retained sizes changed" "the retained sizes are damaged \\(their checksum differs\\)")

section_middle(middle 0) # the largest section: a range check or the checksum
flip_byte(${middle})
expect_rejected("a byte changed at ${middle}" "the [a-zA-Z -]+ (are damaged \\(their checksum differs\\)|hold [0-9]+, out of their range \\(below [0-9]+\\)|name strings that do not exist|do not start at 0|do not end at [0-9]+|decrease at entry [0-9]+)")

string(REPEAT "not an index, " 5000 garbage)
file(WRITE "${index}" "${garbage}")
expect_rejected("garbage" "it is not a Heapscope index")

file(WRITE "${index}" "")
expect_rejected("empty" "it is empty or not a file")

file(REMOVE "${index}")
file(MAKE_DIRECTORY "${index}")
expect_rejected("a folder in its place" "it is empty or not a file")

# cache clear: nothing left, the next open reads the snapshot.
run(0 cache clear)
if(NOT out MATCHES "Deleted .* of indexes in ${cache}/heapscope")
    message(FATAL_ERROR "cache clear: ${out}")
endif()
index_files(found)
if(found)
    message(FATAL_ERROR "cache clear left ${found}")
endif()
run(0 cache list --json)
string(JSON entries LENGTH "${out}" indexes)
if(NOT entries EQUAL 0)
    message(FATAL_ERROR "cache list --json after clear:\n${out}")
endif()
expect_index_outcome(absent)

# The cache folder is a plain file: the answers do not change, nothing is written there, each run
# says why no index is kept, and cache build says why it cannot write.
file(REMOVE_RECURSE "${cache}/heapscope")
file(WRITE "${cache}/heapscope" "a file where the cache folder goes\n")
foreach(i RANGE 1)
    run(0 summary "${snapshot}" --json)
    if(NOT out STREQUAL reference)
        message(FATAL_ERROR "cache folder is a file: summary --json differs\n${out}")
    endif()
    if(NOT err MATCHES "^heapscope-cli: warning: no index kept: cannot create the cache folder ${cache}/heapscope: Not a directory\n$")
        message(FATAL_ERROR "cache folder is a file: no warning, or another one\n${err}")
    endif()
endforeach()
expect_index_outcome(absent)
run(1 cache build "${snapshot}")
if(NOT err MATCHES "cannot create the cache folder ${cache}/heapscope: Not a directory")
    message(FATAL_ERROR "cache build with the folder a file: ${err}")
endif()
file(READ "${cache}/heapscope" kept)
if(NOT kept STREQUAL "a file where the cache folder goes\n")
    message(FATAL_ERROR "the file in place of the cache folder was changed")
endif()

file(REMOVE_RECURSE "${WORK}")
