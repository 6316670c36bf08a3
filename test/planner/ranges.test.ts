import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clipRanges, normalizeRanges, subtractRanges } from '../../src/planner/ranges.js';

const r = (from: number, to: number) => ({ from, to });

describe('ranges', () => {
  it('normalizes: sorts, merges overlapping and adjacent, drops empty', () => {
    assert.deepEqual(normalizeRanges([r(5, 7), r(0, 2), r(2, 3), r(6, 9), r(4, 4)]), [r(0, 3), r(5, 9)]);
    assert.deepEqual(normalizeRanges([]), []);
  });

  const subtractCases: Array<[string, ReturnType<typeof r>[], ReturnType<typeof r>[], ReturnType<typeof r>[]]> = [
    ['nothing removed', [r(0, 10)], [], [r(0, 10)]],
    ['middle', [r(0, 10)], [r(3, 5)], [r(0, 3), r(5, 10)]],
    ['edges', [r(0, 10)], [r(-5, 2), r(8, 20)], [r(2, 8)]],
    ['everything', [r(0, 10)], [r(0, 10)], []],
    ['several ranges', [r(0, 4), r(6, 10)], [r(3, 7)], [r(0, 3), r(7, 10)]],
    ['unsorted removal', [r(0, 10)], [r(7, 8), r(1, 2)], [r(0, 1), r(2, 7), r(8, 10)]],
  ];
  for (const [name, from, remove, expected] of subtractCases) {
    it(`subtracts: ${name}`, () => assert.deepEqual(subtractRanges(from, remove), expected));
  }

  it('clips to a bound', () => {
    assert.deepEqual(clipRanges([r(0, 5), r(8, 12), r(20, 30)], r(3, 10)), [r(3, 5), r(8, 10)]);
  });
});
