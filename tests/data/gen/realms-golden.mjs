#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Writes the realm and closure-context reference numbers of one snapshot, as DevTools' own heap
// snapshot worker computes them (the oracle of ../shared/oracle, chrome-devtools-frontend run under
// Node): its getNativeContextSizes(), the Summary's realm filters (nativeContext_<nodeIndex>,
// sharedNativeContext, noNativeContext: per class key its name, count, distance, self and retained
// size) and analyzeContexts() (ContextAnalyzer.ts).
//
// Usage: node tests/data/gen/realms-golden.mjs ORACLE_DIR SNAPSHOT > NAME.realms.json
//   ORACLE_DIR: a copy of the oracle after `npm ci` (it holds lib/load.mjs and the DevTools bundle).
import * as path from 'node:path';
import {pathToFileURL} from 'node:url';

const [oracleDir, file] = process.argv.slice(2);
if (!oracleDir || !file) {
  process.stderr.write('usage: node realms-golden.mjs ORACLE_DIR SNAPSHOT\n');
  process.exit(2);
}
const {loadSnapshotRobust} = await import(pathToFileURL(path.join(path.resolve(oracleDir), 'lib', 'load.mjs')).href);
const {snapshot, devtools} = await loadSnapshotRobust(file, {});
const Model = devtools.HeapSnapshotModel;

function classes(aggregates) {
  const keys = Object.keys(aggregates);
  keys.sort((a, b) => (aggregates[b].maxRet - aggregates[a].maxRet) || (aggregates[b].self - aggregates[a].self) ||
                (a < b ? -1 : a > b ? 1 : 0));
  const out = {};
  let count = 0;
  let self = 0;
  for (const key of keys) {
    const a = aggregates[key];
    count += a.count;
    self += a.self;
    out[key] = {name: a.name, count: a.count, distance: a.distance, self_size: a.self, retained_size: a.maxRet};
  }
  return {class_count: keys.length, object_count: count, self_size: self, classes: out};
}

const sizes = snapshot.getNativeContextSizes();
const filters = {};
for (const name of [...sizes.nativeContexts.map(c => `nativeContext_${c.nodeIndex}`), 'sharedNativeContext',
                    'noNativeContext']) {
  const filter = new Model.NodeFilter();
  filter.filterName = name;
  filters[name] = classes(snapshot.aggregatesWithFilter(filter));
}
const result = {
  file: path.basename(file),
  devtools_frontend: devtools.devtoolsVersion,
  node_field_count: snapshot.nodeFieldCount,
  native_context_sizes: sizes,
  native_context_filters: filters,
  context_analysis: snapshot.analyzeContexts(),
};
process.stdout.write(JSON.stringify(result, null, 1) + '\n');
process.exit(0);
