// ESLint 9 flat config for cryptocollect. It lives in .ci/ to keep the repo's top level
// small; package.json runs `eslint -c .ci/eslint.config.js .` from the repo root.
// With an explicit -c, ESLint 9 resolves `files`/`ignores` patterns relative to the
// current working directory (the repo root), not to this file's directory.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';

// Node's own globals (process, console, URL, fetch, setTimeout, …) for plain .js files,
// taken from the running Node so no extra `globals` dependency is needed.
const nodeGlobals = Object.fromEntries(Object.getOwnPropertyNames(globalThis).map((name) => [name, 'readonly']));

export default defineConfig(
  { ignores: ['**/dist/', '**/node_modules/', 'bench-results/', 'coverage/'] },
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2023,
      sourceType: 'module',
      globals: nodeGlobals,
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { args: 'after-used', argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' },
      ],
    },
  },
  {
    // Promise mistakes need the types: a call whose promise nobody awaits (its rejection is lost, or crashes the
    // process), or an async function handed to something that ignores what it returns (an event listener).
    files: ['src/**/*.ts', 'test/**/*.ts'],
    languageOptions: {
      // Each file is checked with the tsconfig.json nearest it: the root one for src/, test/'s for test/.
      parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(new URL('..', import.meta.url)) },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': [
        'error',
        // node:test runs what describe/it return itself; awaiting them is not the way its suites are written.
        { allowForKnownSafeCalls: [{ from: 'package', package: 'node:test', name: ['describe', 'it', 'test', 'suite'] }] },
      ],
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
);
