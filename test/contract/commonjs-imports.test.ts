// A CommonJS package loaded lazily (`await import('pkg')`) must be taken from its default export. Node also offers
// its exports by name, so the sources work either way — in the suite's in-process runs too — but the bundle the
// installed program runs (dist/bin) offers only the default: a named export is undefined there (prom-client's was,
// and --metrics-file failed for every user). This reads every lazy import of a package in src/ and asks Node how the
// package resolves as ESM; for a CommonJS one the import's statement must reach for `default`.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const LAZY_IMPORT = /import\('([^.'][^']*)'\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Whether Node loads the package's ESM entry as CommonJS: a .cjs file, or a .js one outside a `"type": "module"` package. */
function isCommonJs(specifier: string): boolean {
  const file = fileURLToPath(import.meta.resolve(specifier));
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs')) return false;
  for (let dir = path.dirname(file); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { type?: string };
      return pkg.type !== 'module';
    } catch {
      // no package.json here: look further up
    }
  }
  return true;
}

it('every lazily imported CommonJS package is taken from its default export (all the bundle offers)', () => {
  const lazy: string[] = [];
  const wrong: string[] = [];
  for (const file of sourceFiles(SRC)) {
    const lines = readFileSync(file, 'utf8').split('\n');
    lines.forEach((line, i) => {
      // Type positions (`typeof import('got')`) load nothing.
      for (const m of line.matchAll(LAZY_IMPORT)) {
        const specifier = m[1]!;
        if (specifier.startsWith('node:') || line.slice(0, m.index).trimEnd().endsWith('typeof')) continue;
        lazy.push(specifier);
        // The statement, or the two lines after it where the namespace is picked apart (`loaded.default`).
        const statement = lines.slice(i, i + 3).join('\n');
        if (isCommonJs(specifier) && !/\bdefault\b/.test(statement)) wrong.push(`${path.relative(SRC, file)}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  // The packages loaded lazily today, so that the check cannot pass by finding none.
  for (const p of ['prom-client', 'pino', 'pg', 'pg-copy-streams', 'pg-cursor', 'picocolors']) assert.ok(lazy.includes(p), `no lazy import of ${p} found`);
  assert.deepEqual(wrong, []);
});
