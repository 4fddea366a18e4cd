// SPDX-License-Identifier: MIT
// Makes secrets-node20.heapsnapshot.gz, the fixture of the redacted copy (heapscope-cli redact):
// a small heap holding planted secrets of every kind a snapshot can hold as a value: a token
// (a plain string), an e-mail address, a concatenated string, a URL with a path and a query,
// a slice of a long secret (a sliced string), a regular expression, and this file's own source
// with a secret in a comment. Their names (the class PlantedHolder, the properties apiToken,
// contactEmail, endpoint...) are kept by a redacted copy; the values must not appear in it.
// The script's path is also a property name (a key of the require cache): a redacted copy
// replaces file paths and URL paths in names too.
//   node secrets.cjs OUT.heapsnapshot && gzip -9 OUT.heapsnapshot
// The planted values are listed in tests/core/test_redact.cpp (kPlantedSecrets).
'use strict';
const v8 = require('v8');

// A secret only this comment holds: PLANTED-COMMENT-SECRET-7c1f
class PlantedHolder {
    constructor(token, email, endpoint, excerpt, pattern) {
        this.apiToken = token;
        this.contactEmail = email;
        this.endpoint = endpoint;
        this.excerpt = excerpt;
        this.pattern = pattern;
    }
}

// Built at run time so that only the heap holds the whole values, not the source.
const part = (s) => s.split('').reverse().join('');
const token = part('TERCES-dtnalp-0123456789abcdef_phg'); // ghp_fedcba9876543210-plantd-SECRET
const email = [part('ecila'), '.planted@', part('moc.terces-elpmaxe')].join('');
const joined = part('TFEL-SNOC-DETNALP') + part('THGIR-SNOC-DETNALP'); // a concatenated string
const endpoint = 'https://api.example.com/' + part('htap-terces-detnalp/sresu/1v') + '?key=' + part('yreuQdetnalP');
const longSecret = part('ssap-deddebme-detnalp') + '-'.repeat(40) + part('TERCES-GNOL-DETNALP');
const excerpt = longSecret.slice(3, 60); // a sliced string of a long one
const pattern = new RegExp(part('+d\\xeger-detnalp'));

const holders = [];
for (let i = 0; i < 3; ++i)
    holders.push(new PlantedHolder(token, email, endpoint + '#' + i, excerpt, pattern));
globalThis.keep = { holders, plain: part('enola-terces-detnalp'), joined };

v8.writeHeapSnapshot(process.argv[2]);
