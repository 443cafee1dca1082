// The summary of `run.mjs --trace` (trace-statements.mjs): the service's transactions that wrote at
// least `minLength` characters of text (a 1,000-task copy writes ~1 MB), grouped by their texts'
// sequence; per group the median time of each text on the wire and of the connection's idle time
// before it, and of the whole transaction (its first text's start to its last text's answer).
import { existsSync, readFileSync } from 'node:fs';

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Lines to print: one header per group, then one line per text. */
export function statementTimes(file, minLength = 100_000) {
  if (!existsSync(file)) return [`statement times: none written (${file})`];
  const groups = new Map();
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line) continue;
    const texts = JSON.parse(line);
    if (texts.reduce((sum, t) => sum + t[2], 0) < minLength) continue;
    // Texts named by their first three words (an INSERT by its table): no values in the key.
    const key = texts
      .map((t) =>
        t[3]
          .replace(/^\/\* with next \*\/ /, '')
          .split(/[ (]/)
          .slice(0, 3)
          .join(' '),
      )
      .join(' | ');
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(texts);
  }
  const lines = [];
  for (const [key, runs] of groups) {
    const idle = runs.map((texts) => texts.slice(1).reduce((sum, t, i) => sum + (t[0] - texts[i][1]), 0));
    lines.push(
      `statement times, ${runs.length} transactions: whole ${median(runs.map((r) => r.at(-1)[1])).toFixed(1)} ms, ` +
        `connection idle ${median(idle).toFixed(1)} ms (medians)`,
    );
    key.split(' | ').forEach((head, i) => {
      const gap = i === 0 ? 0 : median(runs.map((texts) => texts[i][0] - texts[i - 1][1]));
      const wire = median(runs.map((texts) => texts[i][1] - texts[i][0]));
      const kb = median(runs.map((texts) => texts[i][2])) / 1000;
      lines.push(
        `  idle ${gap.toFixed(1).padStart(5)} ms, then ${wire.toFixed(1).padStart(5)} ms  ${head} (${kb.toFixed(0)} kB)`,
      );
    });
  }
  return lines;
}
