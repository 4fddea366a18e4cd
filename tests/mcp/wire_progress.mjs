// SPDX-License-Identifier: MIT
// The progress notifications as the server wrote them, read off the transport before the SDK
// dispatches them. Both SDK clients hand a notification to its handler a microtask later but retire
// a request's progress handler as soon as they read its response, so progress written just before a
// quick answer may never reach `onprogress` (modelcontextprotocol/typescript-sdk#2580): what the
// server sent is checked on the wire, and what the client delivered only for consistency.
import assert from 'node:assert/strict';

/// Call before client.connect(transport): the client chains the handler set here.
export function tapProgress(transport) {
    const sent = [];
    transport.onmessage = message => {
        if (message.method === 'notifications/progress')
            sent.push(message.params);
    };
    return {
        /// The notifications read since the last take, and forgets them.
        take: () => sent.splice(0),
    };
}

/// `sent`: what the server wrote for one request (from take() after its answer); `delivered`:
/// what onprogress received.
export function checkProgress(sent, delivered, what) {
    assert.ok(sent.length >= 1, `${what}: progress notifications before the answer`);
    assert.ok(sent.every(p => p.progressToken === sent[0].progressToken), `${what}: one progress token`);
    assert.ok(sent.every(p => p.total === 1000 && typeof p.message === 'string'), `${what}: total and message`);
    assert.ok(sent.every((p, i) => i === 0 || p.progress > sent[i - 1].progress), `${what}: progress increases`);
    assert.equal(sent.at(-1).progress, 1000, `${what}: progress ends at the total`);
    const values = sent.map(p => p.progress);
    assert.ok(delivered.every(p => values.includes(p.progress)), `${what}: delivered progress was sent`);
    assert.ok(delivered.every((p, i) => i === 0 || p.progress > delivered[i - 1].progress),
        `${what}: delivered progress increases`);
}
