// SPDX-License-Identifier: MIT
// The workload of the sampling heap profiles in tests/data (sampling-*.heapprofile.gz):
//   node --heap-prof --heap-prof-interval=2048 --heap-prof-dir=DIR --heap-prof-name=NAME heapprofile.cjs [more]
// Several functions allocate (objects, strings, arrays, closures), one of them through direct
// recursion and two through mutual recursion, so that the Bottom-up view's callers and recursive
// totals are exercised; an anonymous function and a class constructor too. With the argument
// "more", makeStrings allocates three times as much (for the comparison of two profiles).
// CommonJS so that old Node versions run it.
'use strict';
const more = process.argv[2] === 'more';
// Kept reachable from the global object, or a collection before the profile is written drops it.
const keep = (globalThis.heapprofileKeep = []);

class Record {
  constructor(i) { this.id = i; this.tags = ['t' + i, 'u' + i]; }
}
function makeRecords(n) {
  for (let i = 0; i < n; ++i) keep.push(new Record(i));
}
function makeStrings(n) {
  for (let i = 0; i < n; ++i) keep.push('string-' + i + '-' + 'x'.repeat(i % 50));
}
function deep(level, n) {
  if (level === 0) {
    const a = [];
    for (let i = 0; i < n; ++i) a.push({ level, i });
    keep.push(a);
    return;
  }
  keep.push(new Array(8).fill(level));
  deep(level - 1, n);
}
function ping(k) { keep.push({ ping: k }); if (k > 0) pong(k - 1); }
function pong(k) { keep.push([k, k]); if (k > 0) ping(k - 1); }
const closures = (n) => {
  for (let i = 0; i < n; ++i) keep.push(() => i);
};
function main() {
  for (let round = 0; round < 20; ++round) {
    makeRecords(2000);
    makeStrings(more ? 6000 : 2000);
    deep(6, 500);
    for (let j = 0; j < 50; ++j) ping(10);
    closures(1000);
    (function () { keep.push(new Uint8Array(4096)); })();
  }
}
main();
