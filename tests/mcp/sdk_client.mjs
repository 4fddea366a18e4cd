// SPDX-License-Identifier: MIT
// The official MCP TypeScript SDK's client against `heapscope-cli mcp`: it starts the server over
// stdio, lists the tools, opens the fixtures and calls every tool, checking the results against the
// CLI's --json. Run by run_sdk_client.sh from the directory the SDK is installed in.
//
// usage: node sdk_client.mjs HEAPSCOPE_CLI DATA_DIR
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { EmptyResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { checkProgress, tapProgress } from './wire_progress.mjs';

const [cli, data] = process.argv.slice(2);
const fixture = name => path.join(data, name);
const tiny = fixture('tiny-node20.heapsnapshot.gz');
const leakA = fixture('leak-A-node20.heapsnapshot.gz');
const leakB = fixture('leak-B-node20.heapsnapshot.gz');
const series = ['A', 'B', 'C'].map(x => fixture(`leak2-${x}-node20.heapsnapshot.gz`));
const cliJson = (...args) => JSON.parse(execFileSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 28 }));

const transport = new StdioClientTransport({ command: cli, args: ['mcp'], stderr: 'inherit' });
const client = new Client({ name: 'heapscope-sdk-test', version: '1.0.0' });
const wire = tapProgress(transport);
await client.connect(transport);
assert.equal(client.getServerVersion().name, 'heapscope');
assert.ok(client.getServerCapabilities().tools, 'tools capability');

const { tools } = await client.listTools();
assert.deepEqual(tools.map(t => t.name).sort(), ['close_snapshot', 'compare', 'leaks', 'list_snapshots', 'node',
    'open_snapshot', 'retainer_paths', 'statistics', 'summary', 'trend']);

let calls = 0;
async function call(name, args, options) {
    const result = await client.callTool({ name, arguments: args }, undefined, options);
    calls++;
    assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
    assert.deepEqual(JSON.parse(result.content[0].text), result.structuredContent, `${name}: text = structured`);
    return result.structuredContent;
}

await client.ping();

// open_snapshot with progress
const progress = [];
wire.take();
const opened = await call('open_snapshot', { path: tiny }, { onprogress: p => progress.push(p) });
assert.equal(opened.handle, 1);
assert.equal(opened.node_count, cliJson('info', tiny, '--json').node_count);
checkProgress(wire.take(), progress, 'open_snapshot');

// summary, paged
const full = cliJson('summary', tiny, '--json');
const page1 = await call('summary', { handle: 1, top: 10 });
const page2 = await call('summary', { handle: 1, top: 10, offset: page1.next_offset });
assert.deepEqual(page1.totals, full.totals);
assert.deepEqual([...page1.classes, ...page2.classes], full.classes.slice(0, 20));

// node, statistics
assert.deepEqual((await call('node', { handle: 1, ids: [1, '@3'] })).nodes, cliJson('node', tiny, '1,3', '--json'));
assert.deepEqual(await call('statistics', { handle: 1 }), cliJson('stats', tiny, '--json'));

// two more snapshots: list, compare, retainer paths
const a = (await call('open_snapshot', { path: leakA })).handle;
const b = (await call('open_snapshot', { path: leakB })).handle;
assert.deepEqual((await call('list_snapshots', {})).snapshots.map(s => s.handle), [1, a, b]);
const diff = cliJson('diff', leakA, leakB, '--json', '--top', '5', '--ids');
const comparison = await call('compare', { base: a, handle: b, top: 5, ids: true });
assert.deepEqual(comparison.totals, diff.totals);
assert.deepEqual(comparison.classes, diff.classes);
const id = diff.classes[0].new_ids[0];
assert.deepEqual(await call('retainer_paths', { handle: b, id, max: 3 }),
    cliJson('paths', leakB, String(id), '--max', '3', '--format', 'json'));

// a series: trend and leaks
const trend = await call('trend', { paths: series, top: 5 });
const trendCli = cliJson('trend', ...series, '--json', '--top', '5');
assert.deepEqual(trend.classes, trendCli.classes);
assert.deepEqual(trend.snapshots, trendCli.snapshots);
const leaks = await call('leaks', { paths: series });
assert.ok(leaks.leaks.length > 0, 'the leaking series has leak candidates');
assert.deepEqual(leaks.leaks, cliJson('leaks', ...series, '--json').leaks);

// close
assert.deepEqual(await call('close_snapshot', { handle: a }), { handle: a, closed: true });
assert.deepEqual((await call('list_snapshots', {})).snapshots.map(s => s.handle), [1, b]);

// errors: tool errors as results, protocol errors as rejections; the server stays up
const unknownTool = await client.callTool({ name: 'no_such_tool', arguments: {} });
assert.equal(unknownTool.isError, true);
const notOpen = await client.callTool({ name: 'summary', arguments: { handle: a } });
assert.equal(notOpen.isError, true);
assert.match(notOpen.content[0].text, /no open snapshot with handle/);
const wrongType = await client.callTool({ name: 'summary', arguments: { handle: 'one' } });
assert.equal(wrongType.isError, true);
const notSnapshot = await client.callTool({ name: 'open_snapshot', arguments: { path: fixture('tiny-node20.summary.json') } });
assert.equal(notSnapshot.isError, true);
await assert.rejects(client.request({ method: 'resources/list' }, EmptyResultSchema), err => err.code === -32601);
await client.ping();

assert.equal(calls, 14);
await client.close();
console.log(`sdk client: ${tools.length} tools listed, ${calls} tool calls checked`);
