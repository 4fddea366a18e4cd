// SPDX-License-Identifier: MIT
// Leaks on purpose for the capture tests: every tick keeps 100 more LeakedRecord objects forever.
'use strict';

class LeakedRecord {
    constructor(n) {
        this.n = n;
        this.label = 'record ' + n;
    }
}

const kept = [];
let next = 0;
setInterval(() => {
    for (let i = 0; i < 100; i++)
        kept.push(new LeakedRecord(next++));
}, 20);
