// SPDX-License-Identifier: MIT
// The MCP TypeScript SDK's 2.x client (@modelcontextprotocol/client) pinned to the stateless
// 2026-07-28 revision (server/discover, per-request _meta, no initialize) against
// `heapscope-cli mcp`, then the same client in its default mode (the initialize handshake).
// Run by run_sdk_client.sh from the directory the SDK is installed in.
//
// usage: node sdk_client_2026.mjs HEAPSCOPE_CLI DATA_DIR
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { checkProgress, tapProgress } from './wire_progress.mjs';

const [cli, data] = process.argv.slice(2);
const tiny = path.join(data, 'tiny-node20.heapsnapshot.gz');
const cliJson = (...args) => JSON.parse(execFileSync(cli, args, { encoding: 'utf8', maxBuffer: 1 << 28 }));

async function session(options, expectedVersion) {
    const client = new Client({ name: 'heapscope-sdk2-test', version: '1.0.0' }, options);
    const transport = new StdioClientTransport({ command: cli, args: ['mcp'], stderr: 'inherit' });
    const wire = tapProgress(transport);
    await client.connect(transport);
    assert.equal(client.getServerVersion().name, 'heapscope');
    assert.equal(client.getNegotiatedProtocolVersion(), expectedVersion);
    const { tools } = await client.listTools();
    assert.equal(tools.length, 10);
    const call = async (name, args, opts) => {
        const result = await client.callTool({ name, arguments: args }, opts);
        assert.notEqual(result.isError, true, `${name}: ${JSON.stringify(result.content)}`);
        return result.structuredContent;
    };
    const progress = [];
    wire.take();
    const opened = await call('open_snapshot', { path: tiny }, { onprogress: p => progress.push(p) });
    assert.equal(opened.node_count, cliJson('info', tiny, '--json').node_count);
    checkProgress(wire.take(), progress, 'open_snapshot');
    const full = cliJson('summary', tiny, '--json');
    assert.deepEqual((await call('summary', { handle: 1, top: 5, offset: 5 })).classes, full.classes.slice(5, 10));
    assert.deepEqual(await call('statistics', { handle: 1 }), cliJson('stats', tiny, '--json'));
    const failed = await client.callTool({ name: 'open_snapshot', arguments: { path: path.join(data, 'no-such.heapsnapshot') } });
    assert.equal(failed.isError, true);
    await client.close();
}

await session({ versionNegotiation: { mode: { pin: '2026-07-28' } } }, '2026-07-28');
await session({}, '2025-11-25');
console.log('sdk 2.x client: the 2026-07-28 revision and the initialize handshake checked');
