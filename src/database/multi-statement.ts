/**
 * The answer to the statements asked for, of a text that sent statements of its own ahead of them
 * (`first` of them: a START TRANSACTION, held statements). mysql2 answers a multi-statement text
 * with an array per part of its callback (results, fields), one item per statement; each part is
 * passed through here. One statement left is answered as if it had been sent alone.
 */
export function answersAfter(answer: unknown, first: number): unknown {
  if (!Array.isArray(answer)) return answer;
  const rest = answer.slice(first);
  return rest.length === 1 ? (rest[0] as unknown) : rest;
}
