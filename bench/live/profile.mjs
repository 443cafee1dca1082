// Splits the service's CPU profile of a live bench run (BENCH_CPU_PROF=<dir>) by the segments the
// run wrote beside it (segments-<pid>.json): the samples taken during the segments with sockets
// and those without, each function's self time in both (ms per second of segment), and the
// functions that gained the most with sockets. Nothing outside the segments counts.
//
//   node bench/live/profile.mjs <dir> [top, default 25]
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dir = process.argv[2];
const TOP = Number(process.argv[3] ?? 25);
if (!dir) throw new Error('usage: node bench/live/profile.mjs <dir> [top]');

for (const file of readdirSync(dir).filter((f) => f.startsWith('segments-'))) {
  const pid = file.slice('segments-'.length, -'.json'.length);
  const profileFile = readdirSync(dir).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${pid}.`));
  if (!profileFile) continue;
  const spans = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const profile = JSON.parse(readFileSync(path.join(dir, profileFile), 'utf8'));
  const names = new Map();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    names.set(
      node.id,
      `${functionName || '(anonymous)'} ${url ? `${path.basename(url)}:${lineNumber + 1}` : ''}`.trim(),
    );
  }
  const seconds = { with: 0, without: 0 };
  for (const s of spans) seconds[s.kind] += (s.to - s.from) / 1e6;
  const self = new Map(); // name → { with, without } in ms
  const totals = { with: 0, without: 0 };
  let t = profile.startTime;
  let span = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i];
    t += dt;
    while (span < spans.length && spans[span].to < t) span++;
    if (span >= spans.length) break;
    const { kind, from } = spans[span];
    if (t < from) continue;
    const name = names.get(profile.samples[i]);
    if (!self.has(name)) self.set(name, { with: 0, without: 0 });
    self.get(name)[kind] += dt / 1000;
    totals[kind] += dt / 1000;
  }
  const rate = (ms, kind) => ms / seconds[kind];
  console.log(
    `${profileFile}: ${seconds.with.toFixed(1)} s with sockets, ${seconds.without.toFixed(1)} s without; ` +
      `sampled ms per s of segment (idle included): with ${rate(totals.with, 'with').toFixed(0)}, without ${rate(totals.without, 'without').toFixed(0)}`,
  );
  const rows = [...self].map(([name, v]) => ({
    name,
    with: rate(v.with, 'with'),
    without: rate(v.without, 'without'),
  }));
  console.log(`\nself ms per s of segment, the ${TOP} largest with sockets: with / without`);
  for (const r of rows.sort((a, b) => b.with - a.with).slice(0, TOP))
    console.log(`${r.with.toFixed(1).padStart(7)} ${r.without.toFixed(1).padStart(7)}  ${r.name}`);
  console.log(`\nthe ${TOP} that gained most with sockets: with − without (with / without)`);
  for (const r of rows.sort((a, b) => b.with - b.without - (a.with - a.without)).slice(0, TOP))
    console.log(
      `${(r.with - r.without).toFixed(1).padStart(7)}  (${r.with.toFixed(1)} / ${r.without.toFixed(1)})  ${r.name}`,
    );
}
