#!/usr/bin/env node
// Thin shim: the program lives in dist/ (built by `npm ci` through the prepare script).
import('../dist/cli.js').then((m) => m.main(process.argv));
