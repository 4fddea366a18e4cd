#!/usr/bin/env node
// Usage: node alloc.mjs [--stacks N] [--max-callers N] SNAPSHOT > NAME.alloc.json
//
// Prints, as JSON, what Chrome DevTools' heap snapshot worker computes for the Allocation view of
// SNAPSHOT (a .heaptimeline, or a snapshot with allocation traces):
//   tops        allocationTracesTops(): every allocating function, DevTools' fields
//   callers     per top (by its id), allocationNodeCallers() expanded the way the view expands it:
//               the chain of single callers (nestedCallers), then the branching callers, each of
//               those expanded again (depth first, in list order) until --max-callers rows are out;
//               each caller row with `summary`, the object count and self size of the Summary
//               filtered by that row (NodeFilter.allocationNodeId)
//   live        per top, the Summary filtered to the objects that function allocated
//               (NodeFilter.allocationNodeId): object count, self size and classes
//   stacks      allocationStack() of a sample of objects: one per distinct trace_node_id, plus an
//               even spread over all nodes (objects without a trace give null)
//   samples     getSamples(): the timeline overview's timestamps, last assigned ids and sizes
// Files whose header trace_function_count is below their data (Node 12, 20, 22, 26) are loaded with
// the count repaired; `repairs` says so, as summary.mjs does.
// Lives in the oracle directory (needs its lib/ and dist/); a copy is kept in Heapscope's tests/data/gen.
import * as path from 'node:path';

import {loadSnapshotRobust} from './lib/load.mjs';

const args = process.argv.slice(2);
let file = null;
let stackSpread = 300;
let maxCallers = 20000;
for (let i = 0; i < args.length; ++i) {
  if (args[i] === '--stacks') {
    stackSpread = Number(args[++i]);
  } else if (args[i] === '--max-callers') {
    maxCallers = Number(args[++i]);
  } else {
    file = args[i];
  }
}
if (!file) {
  process.stderr.write('usage: node alloc.mjs [--stacks N] [--max-callers N] SNAPSHOT\n');
  process.exit(2);
}

const {snapshot, devtools, loadError, repairs} = await loadSnapshotRobust(file, {});
const HeapSnapshotModel = devtools.HeapSnapshotModel;

const plain = n => ({
  id: n.id,
  name: n.name,
  scriptName: n.scriptName,
  scriptId: n.scriptId,
  line: n.line,
  column: n.column,
  count: n.count,
  size: n.size,
  liveCount: n.liveCount,
  liveSize: n.liveSize,
  hasChildren: n.hasChildren,
});

let tops = null;
let callers = null;
let live = null;
let stacks = null;
let callerRows = 0;
let truncated = false;
if (snapshot.profile.snapshot.trace_function_count) {
  tops = snapshot.allocationTracesTops().map(plain);
  // The Summary filtered by a row (what DevTools shows below the grid when the row is selected):
  // its object count and self size.
  const liveOf = id => {
    const filter = new HeapSnapshotModel.NodeFilter();
    filter.allocationNodeId = id;
    const agg = snapshot.aggregatesWithFilter(filter);
    let count = 0;
    let self = 0;
    for (const key of Object.keys(agg)) {
      count += agg[key].count;
      self += agg[key].self;
    }
    return {object_count: count, self_size: self};
  };
  // Expand as AllocationGridNode does: the view asks for the callers of a row when it is expanded.
  const expand = id => {
    const c = snapshot.allocationNodeCallers(id);
    const nested = c.nodesWithSingleCaller.map(n => ({...plain(n), summary: liveOf(n.id)}));
    callerRows += nested.length + c.branchingCallers.length;
    const branching = [];
    for (const b of c.branchingCallers) {
      const row = {...plain(b), summary: liveOf(b.id)};
      if (b.hasChildren) {
        if (callerRows < maxCallers) {
          row.callers = expand(b.id);
        } else {
          truncated = true;
        }
      }
      branching.push(row);
    }
    return {nestedCallers: nested, branchingCallers: branching};
  };
  callers = {};
  live = {};
  for (const top of tops) {
    // The Summary filtered by this function first (DevTools' traceIds() of a fresh top), then its
    // callers, so both ask for the same bottom-up node.
    const filter = new HeapSnapshotModel.NodeFilter();
    filter.allocationNodeId = top.id;
    const agg = snapshot.aggregatesWithFilter(filter);
    let count = 0;
    let self = 0;
    const classes = {};
    for (const key of Object.keys(agg).sort()) {
      count += agg[key].count;
      self += agg[key].self;
      classes[key] = {count: agg[key].count, self_size: agg[key].self};
    }
    live[top.id] = {object_count: count, self_size: self, classes};
    callers[top.id] = top.hasChildren ? expand(top.id) : null;
  }

  // Allocation stacks: the first object of every trace node id, and an even spread.
  const F = snapshot.nodeFieldCount;
  const N = snapshot.nodeCount;
  const picked = new Set();
  const seenTrace = new Set();
  const node = snapshot.rootNode();
  for (let i = 0; i < N; ++i) {
    node.nodeIndex = i * F;
    const t = node.traceNodeId();
    if (!seenTrace.has(t)) {
      seenTrace.add(t);
      picked.add(i);
    }
  }
  const step = Math.max(1, Math.floor(N / Math.max(1, stackSpread)));
  for (let i = 0; i < N; i += step) {
    picked.add(i);
  }
  stacks = [];
  for (const i of [...picked].sort((a, b) => a - b)) {
    node.nodeIndex = i * F;
    const st = snapshot.allocationStack(i * F);
    stacks.push({
      ordinal: i,
      id: node.id(),
      trace_node_id: node.traceNodeId(),
      stack: st ? st.map(f => ({
                        functionName: f.functionName,
                        scriptName: f.scriptName,
                        scriptId: f.scriptId,
                        line: f.line,
                        column: f.column,
                      })) :
                  null,
    });
  }
}

const s = snapshot.getSamples();
const result = {
  file: path.basename(file),
  devtools_load_error: loadError ? loadError.split('\n')[0] : null,
  repairs,
  oracle: {devtools_frontend: devtools.devtoolsVersion, node: process.version},
  tops,
  callers,
  caller_rows: callerRows,
  callers_truncated: truncated,
  live,
  stacks,
  samples: s ? {timestamps: s.timestamps, lastAssignedIds: s.lastAssignedIds, sizes: s.sizes} : null,
};
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
