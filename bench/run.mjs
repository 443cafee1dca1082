// Runs the benchmarks in turn (BENCHMARKS.md): To Do face, v2 copies, v1 pool clones, live
// updates. Builds the service once (unless --no-build), then runs each script with --no-build and
// this process's environment (BENCH_DATABASE_URL, BENCH_* and the rest pass through as they are).
// Names pick some of them, in the order given.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node bench/run.mjs [--no-build] [todo tasks-copy pools live]
//   (or: npm run bench, npm run bench -- --no-build pools)
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { build, log } from './lib/service.mjs';

const ALL = ['todo', 'tasks-copy', 'pools', 'live'];

const names = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const unknown = names.filter((n) => !ALL.includes(n));
if (unknown.length) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; there are ${ALL.join(', ')}\n`);
  process.exit(2);
}

build();
const failed = [];
for (const name of names.length ? names : ALL) {
  log(`\n== bench/${name}`);
  const script = fileURLToPath(new URL(`./${name}/run.mjs`, import.meta.url));
  const result = spawnSync(process.execPath, [script, '--no-build'], { stdio: 'inherit', env: process.env });
  if (result.status !== 0) failed.push(`${name} (${result.signal ?? `exit ${result.status}`})`);
}
if (failed.length) {
  process.stderr.write(`failed: ${failed.join(', ')}\n`);
  process.exit(1);
}
