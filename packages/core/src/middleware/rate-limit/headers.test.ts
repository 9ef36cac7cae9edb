import { describe, expect, it } from 'vitest';
import { FakeHost } from '../../_testing';
import { Context } from '../../context';
import { POLICY_FIELD, putItem, STATE_FIELD, stateItemOf } from './headers';

// One item per policy in the RateLimit fields (draft-ietf-httpapi-ratelimit-headers-10 §5),
// whatever the field held before.

function put(current: string | undefined, name: string, item: string): string | undefined {
  const host = new FakeHost({});
  if (current !== undefined) host.setHeader('RateLimit', current);
  putItem(new Context(host, {}), STATE_FIELD, name, item);
  return host.getHeader('ratelimit');
}

describe('putItem', () => {
  it('sets the field when it is absent or empty', () => {
    expect(put(undefined, 'a', '"a";r=1;t=2')).toBe('"a";r=1;t=2');
    expect(put('', 'a', '"a";r=1;t=2')).toBe('"a";r=1;t=2');
  });

  it('replaces the policy’s own item where it stands and keeps the others', () => {
    expect(put('"a";r=1;t=1, "b";r=2;t=2, "c";r=3;t=3', 'b', '"b";r=9;t=9')).toBe(
      '"a";r=1;t=1, "b";r=9;t=9, "c";r=3;t=3',
    );
    expect(put('"a";r=1;t=1,"b";r=2;t=2', 'b', '"b";r=0;t=5')).toBe('"a";r=1;t=1, "b";r=0;t=5');
  });

  it('puts a new policy first, drops empty members and a second item of its own', () => {
    expect(put('"a";r=1;t=1', 'b', '"b";r=2;t=2')).toBe('"b";r=2;t=2, "a";r=1;t=1');
    expect(put('"a";r=1;t=1,, ,', 'b', '"b";r=2;t=2')).toBe('"b";r=2;t=2, "a";r=1;t=1');
    expect(put('"b";r=1;t=1, "b";r=2;t=2', 'b', '"b";r=3;t=3')).toBe('"b";r=3;t=3');
  });

  it('tells a policy from one whose name it ends or starts', () => {
    expect(put('"xb";r=1;t=1', 'b', '"b";r=2;t=2')).toBe('"b";r=2;t=2, "xb";r=1;t=1');
    expect(put('"bx";r=1;t=1', 'b', '"b";r=2;t=2')).toBe('"b";r=2;t=2, "bx";r=1;t=1');
  });

  it('leaves the field unwritten when it already holds exactly the item', () => {
    const writes: string[] = [];
    const res = {
      get: () => '"a";r=1;t=2',
      set: (name: string, value: string) => writes.push(`${name}: ${value}`),
    };
    putItem({ res } as never, STATE_FIELD, 'a', '"a";r=1;t=2');
    expect(writes).toEqual([]);
  });

  it('writes the policy field under its own name', () => {
    const host = new FakeHost({});
    putItem(new Context(host, {}), POLICY_FIELD, 'a', '"a";q=1;w=1');
    expect(host.getHeader('ratelimit-policy')).toBe('"a";q=1;w=1');
  });
});

describe('stateItemOf', () => {
  it('writes name, remaining and reset', () => {
    expect(stateItemOf('api')(4, 12)).toBe('"api";r=4;t=12');
  });
});
