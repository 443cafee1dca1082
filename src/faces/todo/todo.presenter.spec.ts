import { cloneAnswer, cloneAnswerJson } from './todo.presenter';

describe('the clone answer as JSON', () => {
  const cases: Array<[string, string[]]> = [
    ['temp ids', ['temp://1', 'temp://2', 'temp://3']],
    ['ids to escape', ['a"b', 'back\\slash', 'line\nbreak', 'ünï ✓', '\ud800', '__proto__', '$x']],
    ['numbers as strings', ['7', '12', '3', 'x']],
    ['a position of its own', ['0', 'b', 'c']],
    ['large integer-like ids', ['4294967295', '4294967294', '99999999999999999999']],
  ];
  it.each(cases)('is the text of the answer object: %s', (_name, keys) => {
    const ids = new Map(keys.map((key, i) => [key, 1000 + i * 7]));
    const json = cloneAnswerJson(keys, ids);
    expect(json).toBe(JSON.stringify(cloneAnswer(keys, ids)));
    expect(Object.keys(JSON.parse(json) as object)).toHaveLength(
      new Set([...keys, ...keys.map((_k, i) => String(i))]).size,
    );
  });

  it('is the same text for a large paste, ids in the order the store gives them', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `temp://${i}`);
    const ids = new Map([...keys].reverse().map((key, i) => [key, 50_000 + i]));
    expect(cloneAnswerJson(keys, ids)).toBe(JSON.stringify(cloneAnswer(keys, ids)));
  });
});
