#!/usr/bin/env node
// SPDX-License-Identifier: MIT
// Heap snapshots of Chromium pages for the closure-context analysis and the realms (native
// contexts): Chromium 156 writes the `scopes`, `scope_context_vars` and `scope_uses` sections.
//
// Serves closures/ on loopback, starts Debian's chromium headless with a fresh, empty profile,
// loads each page and takes a snapshot over the DevTools protocol as DevTools does
// (HeapProfiler.collectGarbage, then HeapProfiler.takeHeapSnapshot streamed as
// HeapProfiler.addHeapSnapshotChunk events). Writes to OUTDIR:
//   closures-leak-chromium.heapsnapshot     the classic closure leak (closures/leak.js)
//   closures-noleak-chromium.heapsnapshot   closures that read all they capture (closures/noleak.js)
//   closures-multi-chromium.heapsnapshot    contexts from several scripts, three iframes (realms)
//
// Usage: node --experimental-websocket tests/data/gen/closures.mjs OUTDIR   (Node 22+: no flag)
// Needs: apt-get install -y chromium
import {spawn} from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const pagesDir = path.join(here, 'closures');
const outDir = process.argv[2] ?? '.';
const port = 9333;
const httpPort = 9334;
const pages = [
  ['leak.html', 'closures-leak-chromium.heapsnapshot'],
  ['noleak.html', 'closures-noleak-chromium.heapsnapshot'],
  ['multi.html', 'closures-multi-chromium.heapsnapshot'],
];

const server = http.createServer((req, res) => {
  const name = path.basename(new URL(req.url, 'http://x').pathname);
  const file = path.join(pagesDir, name);
  if (!fs.existsSync(file)) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, {'content-type': name.endsWith('.js') ? 'text/javascript' : 'text/html'});
  res.end(fs.readFileSync(file));
});
await new Promise(r => server.listen(httpPort, '127.0.0.1', r));

// One browser per page: a page left behind (the back-forward cache keeps it) would show in the next
// page's snapshot.
async function snapshotPage(page, out) {
  const profileDir = fs.mkdtempSync(path.join(os.tmpdir(), 'heapscope-closures-'));
  const chrome = spawn('chromium', [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--disable-sync', '--no-first-run', '--disable-extensions', '--disable-dev-shm-usage',
    '--remote-debugging-address=127.0.0.1', `--remote-debugging-port=${port}`, `--user-data-dir=${profileDir}`,
    'about:blank',
  ], {stdio: ['ignore', 'ignore', 'pipe']});
  let chromeErr = '';
  chrome.stderr.on('data', d => chromeErr += d);
  let cdp;
  try {
    const version = await getJson('/json/version', () => chromeErr);
    const target = (await getJson('/json/list', () => chromeErr)).find(t => t.type === 'page');
    cdp = new Cdp(target.webSocketDebuggerUrl);
    await cdp.opened;
    let chunks = [];
    cdp.on('HeapProfiler.addHeapSnapshotChunk', p => chunks.push(p.chunk));
    let onLoad = null;
    cdp.on('Page.loadEventFired', () => onLoad?.());
    await cdp.send('Page.enable');
    await cdp.send('Runtime.enable');
    await cdp.send('HeapProfiler.enable');
    const loaded = new Promise(r => onLoad = r);
    await cdp.send('Page.navigate', {url: `http://127.0.0.1:${httpPort}/${page}`});
    await loaded;
    const r = await cdp.send('Runtime.evaluate', {expression: 'window.__ready', awaitPromise: true, returnByValue: true});
    if (r.result.value !== 'ready') {
      throw new Error(`${page} is not ready: ${JSON.stringify(r)}`);
    }
    chunks = [];
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.takeHeapSnapshot', {reportProgress: false});
    fs.writeFileSync(path.join(outDir, out), chunks.join(''));
    console.log(`${out}: ${version.Browser}, V8 ${version['V8-Version'] ?? '?'}, ${chunks.length} chunks`);
  } finally {
    cdp?.ws.close();
    const exited = new Promise(r => chrome.once('exit', r));
    chrome.kill('SIGTERM');
    await exited;
    fs.rmSync(profileDir, {recursive: true, force: true, maxRetries: 20, retryDelay: 250});
  }
}

async function getJson(p, errors) {
  for (let i = 0; i < 100; ++i) {
    try {
      return await (await fetch(`http://127.0.0.1:${port}${p}`)).json();
    } catch {
      await new Promise(r => setTimeout(r, 200));
    }
  }
  throw new Error(`no DevTools endpoint: ${errors()}`);
}
class Cdp {
  constructor(url) {
    this.ws = new WebSocket(url);
    this.nextId = 1;
    this.pending = new Map();
    this.listeners = new Map();
    this.ws.addEventListener('message', event => {
      const msg = JSON.parse(event.data);
      if (msg.id && this.pending.has(msg.id)) {
        const {resolve, reject} = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
      } else if (msg.method) {
        for (const fn of this.listeners.get(msg.method) ?? []) {
          fn(msg.params);
        }
      }
    });
    this.opened = new Promise((resolve, reject) => {
      this.ws.addEventListener('open', resolve, {once: true});
      this.ws.addEventListener('error', reject, {once: true});
    });
  }
  on(method, fn) {
    this.listeners.set(method, [...(this.listeners.get(method) ?? []), fn]);
  }
  send(method, params = {}) {
    const id = this.nextId++;
    this.ws.send(JSON.stringify({id, method, params}));
    return new Promise((resolve, reject) => this.pending.set(id, {resolve, reject}));
  }
}

try {
  for (const [page, out] of pages) {
    await snapshotPage(page, out);
  }
} finally {
  server.close();
}
