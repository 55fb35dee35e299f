import { describe, expect, it } from 'vitest';
import { batches } from '../core/sync/batches.js';

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of source) out.push(item);
  return out;
}

describe('batches of a sync\'s units', () => {
  it('groups an array as it groups a stream', async () => {
    async function* stream() { yield* [1, 2, 3, 4, 5]; }
    expect(await collect(batches([1, 2, 3, 4, 5], 2))).toEqual([[1, 2], [3, 4], [5]]);
    expect(await collect(batches(stream(), 2))).toEqual([[1, 2], [3, 4], [5]]);
  });
});
