import { cloneAnswerBytes } from './todo-clone-answer';
import { cloneAnswer } from './todo.presenter';

describe('the clone answer as JSON bytes', () => {
  const cases: Array<[string, string[]]> = [
    ['temp ids', ['temp://1', 'temp://2', 'temp://3']],
    [
      'ids to escape',
      ['a"b', 'back\\slash', 'line\nbreak', 'tab\t', '\u007f', 'ünï ✓', '\ud800', '__proto__', '$x'],
    ],
    ['numbers as strings', ['7', '12', '3', 'x']],
    ['a position of its own', ['0', 'b', 'c']],
    ['numbers that are no positions', ['-1', '1.5', '01', 'x']],
    ['large integer-like ids', ['4294967295', '4294967294', '99999999999999999999']],
  ];
  it.each(cases)('is the UTF-8 text of the answer object: %s', (_name, keys) => {
    const ids = new Map(keys.map((key, i) => [key, 1000 + i * 7]));
    expect(cloneAnswerBytes(keys, ids).toString('utf8')).toBe(JSON.stringify(cloneAnswer(keys, ids)));
  });

  it('writes ids of every width, 0 up to 2^53 - 1', () => {
    const values = [0, 9, 10, 99, 100, 2 ** 31 - 1, 2 ** 31, 10 ** 15, Number.MAX_SAFE_INTEGER];
    const keys = values.map((_v, i) => `temp://${i}`);
    const ids = new Map(keys.map((key, i) => [key, values[i]]));
    expect(cloneAnswerBytes(keys, ids).toString('utf8')).toBe(JSON.stringify(cloneAnswer(keys, ids)));
  });

  it('is the same text for a large paste, ids in the order the store gives them', () => {
    const keys = Array.from({ length: 10_000 }, (_, i) => `temp://${i}`);
    const ids = new Map([...keys].reverse().map((key, i) => [key, 50_000 + i]));
    expect(cloneAnswerBytes(keys, ids).toString('utf8')).toBe(JSON.stringify(cloneAnswer(keys, ids)));
  });
});
