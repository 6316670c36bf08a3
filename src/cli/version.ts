import { readFileSync } from 'node:fs';

/**
 * The version users report bugs with: package.json's, read at run time so a release bump needs no code change.
 * src/cli/ and dist/cli/ both sit two levels below the package root. A package.json gone missing must not turn
 * every command into a crash: the version is then "unknown".
 */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : 'unknown';
  } catch {
    return 'unknown';
  }
}
