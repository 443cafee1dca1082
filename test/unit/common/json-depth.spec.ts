import { nestsDeeperThan } from '../../../src/common/http-transport';

describe('nestsDeeperThan', () => {
  it('counts arrays and objects, not brackets inside strings or escaped quotes', () => {
    expect(nestsDeeperThan('{"a":"[[[[{{{{","b":"\\"[[[["}', 1)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 4)).toBe(false);
    expect(nestsDeeperThan('{"a":[{"b":[]}]}', 3)).toBe(true);
    expect(nestsDeeperThan('[1,[2],[3,[4]]]', 2)).toBe(true);
    expect(nestsDeeperThan('[1,[2],[3,[4]]]', 3)).toBe(false);
    expect(nestsDeeperThan('"\\\\"', 0)).toBe(false);
    expect(nestsDeeperThan('{"a\\\\":[]}', 1)).toBe(true);
    // A string ending in an escaped backslash, then real nesting; an unterminated string.
    expect(nestsDeeperThan('{"a":"x\\\\","b":[[]]}', 2)).toBe(true);
    expect(nestsDeeperThan('{"a":"x\\\\","b":[[]]}', 3)).toBe(false);
    expect(nestsDeeperThan('{"a":"[[[[', 1)).toBe(false);
  });
});
