// Where runs that share series start looking for claims (collect/claimed-work.ts spreadStart): any few consecutive
// runs — workers started together get consecutive run ids — start far apart in their list, so they claim different
// series at once instead of racing for the same first ones.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { spreadStart } from '../../src/collect/claimed-work.ts';

/** The smallest distance between two of the starts, around the list. */
function closest(starts: readonly number[]): number {
  const sorted = [...starts].sort((a, b) => a - b);
  const gaps = sorted.map((x, i) => (i + 1 < sorted.length ? (sorted[i + 1] as number) - x : 1 - x + (sorted[0] as number)));
  return Math.min(...gaps);
}

it('a fraction of the list, and any 2, 4 or 8 consecutive runs start well apart', () => {
  assert.equal(spreadStart(1).toFixed(6), '0.618034');
  assert.equal(spreadStart(2).toFixed(6), '0.236068');
  for (let first = 1; first <= 200; first++) {
    for (const [n, apart] of [
      [2, 0.38],
      [4, 0.14],
      [8, 0.05],
    ] as const) {
      const starts = Array.from({ length: n }, (_, i) => spreadStart(first + i));
      for (const s of starts) assert.ok(s >= 0 && s < 1);
      assert.ok(closest(starts) >= apart, `runs ${first}…${first + n - 1}: ${starts.map((s) => s.toFixed(3)).join(' ')}`);
    }
  }
});
