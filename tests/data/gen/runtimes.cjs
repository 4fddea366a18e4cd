// SPDX-License-Identifier: MIT
// Makes the mixed-* golden snapshots: one workload (classes, closures, Map/Set/WeakMap/WeakSet,
// cons and sliced strings, lone surrogates, typed arrays, BigInt, Proxy, private fields...) run by
// Node.js 12 to 26, Deno and Bun, each writing its own heap snapshot. CommonJS so that Node 12 runs it.
//   RUNTIME runtimes.cjs OUT.heapsnapshot            one snapshot (v8.writeHeapSnapshot; in Bun,
//                                                    Bun.generateHeapSnapshot('v8'))
//   RUNTIME runtimes.cjs OUT pair                    OUT-A.heapsnapshot, then growth and garbage,
//                                                    then OUT-B.heapsnapshot (for the Comparison)
//   node runtimes.cjs OUT.heaptimeline timeline      allocation tracking through node:inspector
// The expected numbers (mixed-*.summary.json) are DevTools' own, from its heap snapshot worker.
'use strict';
const fs = require('fs');
const out = process.argv[2];
const mode = process.argv[3] || 'snapshot';

let session = null;
const chunks = [];
function post(method, params, cb) { session.post(method, params, (err, res) => { if (err) throw err; if (cb) cb(res); }); }
if (mode === 'timeline') {
  const inspector = require('inspector');
  session = new inspector.Session();
  session.connect();
  session.on('HeapProfiler.addHeapSnapshotChunk', (msg) => chunks.push(msg.params.chunk));
  post('HeapProfiler.enable', {});
  post('HeapProfiler.startTrackingHeapObjects', { trackAllocations: true });
}
class Point { constructor(x, y) { this.x = x; this.y = y; } }
class Shape { constructor(n) { this.name = n; this.points = []; } }
class Secret { #hidden = 42; constructor() { this.visible = 1; } get h() { return this.#hidden; } }
function Legacy(a) { this.a = a; }
const keep = { shapes: [], maps: [], closures: [], strings: [], arrays: [], misc: [] };
for (let i = 0; i < 2000; ++i) {
  const s = new Shape('shape-' + i);
  for (let j = 0; j < 5; ++j) s.points.push(new Point(i, j));
  keep.shapes.push(s);
}
for (let i = 0; i < 500; ++i) keep.misc.push({ alpha: i, beta: 'b' + i, gamma: [i] });
for (let i = 0; i < 300; ++i) keep.misc.push({ x: i, y: i + 1, z: i + 2, w: 0, v: 1, u: 2, t: 3, s: 4, r: 5, q: 6, p: 7,
                                               o: 8, n: 9, m: 10, l: 11, k: 12, j: 13, i: 14, h: 15, g: 16, f: 17 });
const m = new Map(); const st = new Set(); const wm = new WeakMap(); const ws = new WeakSet();
for (let i = 0; i < 1000; ++i) {
  const k = { key: i }; m.set('k' + i, k); st.add(k); wm.set(k, { value: i }); ws.add(k);
}
keep.maps.push(m, st, wm, ws);
for (let i = 0; i < 300; ++i) { const captured = { n: i, big: new Array(20).fill(i) }; keep.closures.push(() => captured.n); }
keep.closures.push(function* gen() { yield 1; }, async function asyncFn() { return 1; });
let cons = 'start';
for (let i = 0; i < 200; ++i) cons += '-' + i;
keep.strings.push(cons, 'x'.repeat(5000).slice(10, 3000), 'dup' + 'licate', 'dup' + 'licate', '\u{1F600} astral', 'lone \uD800 surrogate');
for (let i = 0; i < 100; ++i) keep.strings.push(('duplicate-' + (i % 10)).split('').join(''));
keep.arrays.push(new Uint8Array(100000), new Float64Array(5000), new ArrayBuffer(65536), new Array(10000).fill(0).map((_, i) => i * 1.5));
keep.misc.push(new Date(), /re(g)ex/g, new Error('kept'), Symbol('sym'), 12345678901234567890n, Promise.resolve(7),
               new Proxy({}, {}), new Secret(), new Legacy(3), Object.create(null), [1, 'two', { three: 3 }]);
if (typeof WeakRef !== 'undefined') keep.misc.push(new WeakRef(keep.shapes[0]));
if (typeof FinalizationRegistry !== 'undefined') keep.misc.push(new FinalizationRegistry(() => {}));
globalThis.__keep = keep;
let garbage = []; for (let i = 0; i < 10000; ++i) garbage.push({ g: i }); garbage = null; // unreachable if no GC before

function write(file) {
  if (typeof Bun !== 'undefined') fs.writeFileSync(file, Bun.generateHeapSnapshot('v8'));
  else require('v8').writeHeapSnapshot(file);
}
if (mode === 'pair') {
  write(out + '-A.heapsnapshot');
  // Growth: new shapes and a longer Map; deleted: half the first shapes and every closure.
  for (let i = 0; i < 700; ++i) keep.shapes.push(new Shape('later-' + i));
  for (let i = 0; i < 400; ++i) m.set('late' + i, { late: i, text: 'late text ' + i });
  keep.shapes.splice(0, 1000);
  keep.closures.length = 0;
  keep.strings.push(new Array(50).fill('grown').join('/'));
  write(out + '-B.heapsnapshot');
} else if (mode === 'timeline') {
  post('HeapProfiler.stopTrackingHeapObjects', { reportProgress: false }, () => { fs.writeFileSync(out, chunks.join('')); session.disconnect(); });
} else {
  write(out);
}
