// SPDX-License-Identifier: MIT
// DevTools' numbers for a sampling heap profile (.heapprofile, optionally gzip):
//   node profile.mjs FILE [MIN_ORDINAL MAX_ORDINAL] > FILE-without-.heapprofile.gz[.ordinals-MIN-MAX].devtools.json
// The profile model is HeapProfileView.ts's SamplingHeapProfileModel (for the whole profile, or for
// the samples of an ordinal range as HeapProfileView's selection makes it), transcribed below because that file pulls in the whole UI; the tree model
// (totals) and the Bottom-up and Top-down grids are DevTools' own code (dist/, see build.mjs).
// Every Bottom-up row is expanded to the end, as a user clicking every expander would.
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

const {ProfileTreeModel, BottomUp, TopDown} = await import('./dist/devtools_profile.mjs');

class SamplingHeapProfileNode extends ProfileTreeModel.ProfileNode {
  constructor(node) {
    const callFrame = node.callFrame || {
      functionName: node['functionName'],
      scriptId: node['scriptId'],
      url: node['url'],
      lineNumber: node['lineNumber'] - 1,
      columnNumber: node['columnNumber'] - 1,
    };
    super(callFrame);
    this.self = node.selfSize;
  }
}

class SamplingHeapProfileModel extends ProfileTreeModel.ProfileTreeModel {
  constructor(profile, minOrdinal, maxOrdinal) {
    super();
    let nodeIdToSizeMap = null;
    if (minOrdinal || maxOrdinal) {
      nodeIdToSizeMap = new Map();
      minOrdinal = minOrdinal || 0;
      maxOrdinal = maxOrdinal || Infinity;
      for (const sample of profile.samples) {
        if (sample.ordinal < minOrdinal || sample.ordinal > maxOrdinal) {
          continue;
        }
        const size = nodeIdToSizeMap.get(sample.nodeId) || 0;
        nodeIdToSizeMap.set(sample.nodeId, size + sample.size);
      }
    }
    this.initialize(translateProfileTree(profile.head));

    function translateProfileTree(root) {
      const resultRoot = new SamplingHeapProfileNode(root);
      const sourceNodeStack = [root];
      const targetNodeStack = [resultRoot];
      while (sourceNodeStack.length) {
        const sourceNode = sourceNodeStack.pop();
        const targetNode = targetNodeStack.pop();
        targetNode.children = sourceNode.children.map(child => {
          const targetChild = new SamplingHeapProfileNode(child);
          if (nodeIdToSizeMap) {
            targetChild.self = nodeIdToSizeMap.get(child.id) || 0;
          }
          return targetChild;
        });
        sourceNodeStack.push(...sourceNode.children);
        targetNodeStack.push(...targetNode.children);
      }
      pruneEmptyBranches(resultRoot);
      return resultRoot;
    }

    function pruneEmptyBranches(node) {
      node.children = node.children.filter(pruneEmptyBranches);
      return Boolean(node.children.length || node.self);
    }
  }
}

const file = process.argv[2];
let bytes = fs.readFileSync(file);
if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
  bytes = zlib.gunzipSync(bytes);
}
const minOrdinal = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
const maxOrdinal = process.argv[4] === undefined ? undefined : Number(process.argv[4]);
const model = new SamplingHeapProfileModel(JSON.parse(bytes.toString('utf8')), minOrdinal, maxOrdinal);

function bottomUpRow(entry) {
  entry.populate();
  const row = {callUID: entry.callUID, name: entry.functionName, self: entry.self, total: entry.total};
  if (entry.children.length) {
    row.callers = entry.children.map(bottomUpRow);
  }
  return row;
}

function topDownRow(entry) {
  entry.populate();
  const row = {callUID: entry.callUID, name: entry.functionName, self: entry.self, total: entry.total};
  if (entry.children.length) {
    row.children = entry.children.map(topDownRow);
  }
  return row;
}

const bottomUp = new BottomUp.BottomUpProfileDataGridTree(null, null, model.root, model.total);
const topDown = new TopDown.TopDownProfileDataGridTree(null, null, model.root, model.total);
console.log(JSON.stringify({
  file: file.replace(/^.*\//, ''),
  minOrdinal: minOrdinal ?? null,
  maxOrdinal: maxOrdinal ?? null,
  total: model.total,
  bottomUp: bottomUp.children.map(bottomUpRow),
  topDown: topDown.children.map(topDownRow),
}));
