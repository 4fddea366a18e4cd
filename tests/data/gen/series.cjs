// SPDX-License-Identifier: MIT
// Makes the series-* snapshots for the leak hunt over a series: a small service whose heap holds
// two leaks and three things that only look like leaks.
//   - a true leak through an object graph: RequestRecord objects pushed on `records` of Session
//     objects kept in a Map (`sessions`), +1,000 per step;
//   - a leak held by a closure: the callback of a timer pushes Sample objects on an array it closes
//     over (`samples`), +500 per step;
//   - a bounded LRU cache (CacheEntry, at most 600 entries): 400 new entries per step, so it fills,
//     then stays flat while its entries churn;
//   - a transient batch (BatchItem): 800 made in step 2, dropped in step 3;
//   - a queue whose length goes up and down (QueueJob): 300, 900, 400, 700.
// CommonJS, no dependencies, so that any Node.js from 12 on runs it.
//   node series.cjs DIR              one process: a snapshot after each of 4 steps, in DIR, with
//                                    Node's own names (Heap.<date>.<time>.<pid>.<thread>.<seq>)
//   node series.cjs DIR --steps N    N steps, then one snapshot (a series of separate processes is
//                                    made by running it with N = 1, 2, 3)
//   --scale K                        K times as many objects of every kind
//   --count N                        N snapshots (steps) in one process instead of 4
//   --ballast K                      K thousand more objects made at the start and kept: a heap that
//                                    is big before it leaks (the benchmark's series: --count 5
//                                    --scale 40 --ballast 400 writes five snapshots of 117 to
//                                    178 MB; give Node --max-old-space-size=8192)
'use strict';
const path = require('path');
const v8 = require('v8');

const dir = process.argv[2];
const stepsIndex = process.argv.indexOf('--steps');
const singleAfter = stepsIndex > 0 ? Number(process.argv[stepsIndex + 1]) : 0;
const scaleIndex = process.argv.indexOf('--scale');
const scale = scaleIndex > 0 ? Number(process.argv[scaleIndex + 1]) : 1;
const countIndex = process.argv.indexOf('--count');
const snapshotCount = countIndex > 0 ? Number(process.argv[countIndex + 1]) : 4;
const ballastIndex = process.argv.indexOf('--ballast');
const ballastCount = ballastIndex > 0 ? Number(process.argv[ballastIndex + 1]) * 1000 : 0;
if (!dir || (stepsIndex > 0 && !(singleAfter >= 1)) || !(scale >= 1)) {
  console.error('usage: node series.cjs DIR [--steps N] [--scale K]');
  process.exit(2);
}
process.chdir(dir);

class RequestRecord {
  constructor(i, session) {
    this.id = i;
    this.session = session.id;
    this.url = '/api/items/' + i;
    this.startedAt = 1700000000000 + i;
  }
}
class Session {
  constructor(id) {
    this.id = id;
    this.records = [];
  }
}
class Sample {
  constructor(i) {
    this.index = i;
    this.value = i * 0.5;
  }
}
class CacheEntry {
  constructor(key) {
    this.key = key;
    this.payload = 'payload-' + key;
  }
}
class BatchItem {
  constructor(i) {
    this.i = i;
    this.label = 'batch-' + i;
  }
}
class QueueJob {
  constructor(i) {
    this.i = i;
  }
}
class LruCache {
  constructor(max) {
    this.max = max;
    this.entries = new Map();
  }
  set(key, value) {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value);
  }
}

class Ballast {
  constructor(i) {
    this.i = i;
    this.name = 'ballast-' + i;
  }
}
const ballast = Array.from({length: ballastCount}, (_, i) => new Ballast(i));

const sessions = new Map();
for (let s = 0; s < 10; ++s) sessions.set('s' + s, new Session(s));
const cache = new LruCache(600 * scale);
const queue = [];
let batch = null;

// The closure leak: only the timer holds the callback, and the callback holds `samples`.
function startSampler() {
  const samples = [];
  let next = 0;
  const timer = setInterval(function sampleTick() {
    for (let i = 0; i < 500 * scale; ++i) samples.push(new Sample(next++));
  }, 1e9);
  return timer;
}
const sampler = startSampler();

let requestCounter = 0;
let cacheCounter = 0;
const queueLengths = [300, 900, 400, 700].map((n) => n * scale);

function step(n) {
  for (let i = 0; i < 1000 * scale; ++i) {
    const session = sessions.get('s' + (i % 10));
    session.records.push(new RequestRecord(requestCounter++, session));
  }
  sampler._onTimeout();
  for (let i = 0; i < 400 * scale; ++i) cache.set('k' + cacheCounter, new CacheEntry(cacheCounter++));
  batch = n === 2 ? Array.from({length: 800 * scale}, (_, i) => new BatchItem(i)) : null;
  const want = queueLengths[(n - 1) % queueLengths.length];
  while (queue.length > want) queue.shift();
  while (queue.length < want) queue.push(new QueueJob(queue.length));
}

if (singleAfter) {
  for (let n = 1; n <= singleAfter; ++n) step(n);
  console.log(path.resolve(v8.writeHeapSnapshot()));
} else {
  for (let n = 1; n <= snapshotCount; ++n) {
    step(n);
    console.log(path.resolve(v8.writeHeapSnapshot()));
  }
}
clearInterval(sampler);
if (batch) batch.length = 0;
ballast.length = 0;
