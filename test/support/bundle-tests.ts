// The test files as plain JavaScript, one bundle each, so the test processes need no TypeScript loader. Under
// `--import tsx` every module a test file reaches (the fake exchange, the support code, the sources under test: some
// two hundred) is resolved and loaded through the loader's thread, which cost about a CPU-second per scenario file
// before its first test; the same file bundled starts in a quarter of that. Packages stay imports of node_modules, so
// they are the very modules the CLI runs; each module's `import.meta.url` is its own source file's, so paths made
// from it (fixtures, the repository, the built CLI) are those of the source tree; the inline source maps put the
// source files' lines into stack traces and failure reports.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';

const OWN_IMPORT_META_URL: Plugin = {
  name: 'own-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.split(path.sep).includes('node_modules')) return undefined;
      const text = await readFile(args.path, 'utf8');
      if (!text.includes('import.meta')) return undefined;
      return {
        contents: text.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href)),
        loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js',
      };
    });
  },
};

/**
 * Bundles `files` (test files under `root`) into `outDir`, keeping their paths relative to `root`; returns each
 * bundle's path, in the order of `files`.
 */
export async function bundleTestFiles(files: readonly string[], root: string, outDir: string): Promise<string[]> {
  const entries = files.map((f) => path.resolve(f));
  await build({
    entryPoints: entries,
    outbase: root,
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'inline',
    logLevel: 'warning',
    plugins: [OWN_IMPORT_META_URL],
  });
  return entries.map((f) => path.join(outDir, path.relative(root, f)).replace(/\.[cm]?ts$/, '.mjs'));
}
