import { describe, expect, it } from 'vitest';
import { holdUntilBatchEnd } from './write-batch';

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('holdUntilBatchEnd', () => {
  it('releases every connection held in a turn once, after that turn, in the order held', async () => {
    const released: string[] = [];
    const held = (name: string) => ({ release: () => released.push(name) });
    holdUntilBatchEnd(held('a'));
    holdUntilBatchEnd(held('b'));
    await Promise.resolve();
    // Microtasks belong to the same turn: nothing is released yet.
    expect(released).toEqual([]);
    await turn();
    expect(released).toEqual(['a', 'b']);
    // A later turn's writes are held and released on their own.
    holdUntilBatchEnd(held('c'));
    await turn();
    expect(released).toEqual(['a', 'b', 'c']);
  });
});
