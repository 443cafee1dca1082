// PUT /todo/tasks/:id with a batch of 1,000 full replacements, as bench/todo/run.mjs sends it (a
// 2,000-task project, read first so that the list cache holds it), alone: RUNS PUTs in sequence,
// each one's wall time, and the service's CPU per PUT (Linux /proc). Bounded by RUNS.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node <this tree>/bench/todo/put-batch.mjs
//   (run from the tree whose dist/main.js to measure) RUNS (default 30), ARGS (node options of the
//   service, e.g. "--trace-gc"), OUT (a file for the service's stdout, where --trace-gc writes),
//   NOCACHE=1 (the service without its list cache: TODO_LIST_CACHE_MB=0)
import { randomBytes } from 'node:crypto';
import { openSync, readFileSync } from 'node:fs';
import { subtree } from './batches.mjs';
import { connect, createDatabase, dropDatabase, SERVER, serviceEnv, startService } from '../lib/service.mjs';
const RUNS = Number(process.env.RUNS ?? 30);
const admin = await connect(SERVER);
const db = await createDatabase(admin, 'cw_putbatch', 'utf8mb4_bin');
const token = `b-${randomBytes(8).toString('hex')}`;
const service = await startService({
  nodeArgs: (process.env.ARGS ?? '').split(' ').filter(Boolean),
  env: serviceEnv(db.url, token, {
    JOBS_CONCURRENCY: '0',
    ...(process.env.NOCACHE ? { TODO_LIST_CACHE_MB: '0' } : {}),
  }),
  stdout: openSync(process.env.OUT ?? '/dev/null', 'w'),
});
const call = async (method, path, body) => {
  const t0 = performance.now();
  const res = await fetch(`${service.url}/todo${path}`, {
    method,
    headers: { 'remote-token': token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { ms: performance.now() - t0, ok: res.ok, json: text ? JSON.parse(text) : null, text };
};
try {
  const A = (await call('POST', '/projects', { label: 'A' })).json.id;
  const batch = subtree(2000, 'a')
    .map((item, i) => (i < 100 ? { ...item, parent: null } : item))
    .map((item, i) => (i >= 100 && i < 500 ? { ...item, parent: `temp://a-${(i - 100) % 100}` } : item));
  await call('POST', '/clone', { project: A, batch });
  for (let i = 0; i < 5; i++) await call('GET', `/tasks/projects/${A}`);
  const ids = (await call('GET', `/tasks/projects/${A}`)).json.slice(0, 1000).map((x) => x.id);
  const cpu = () => {
    const f = readFileSync(`/proc/${service.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  };
  const c0 = cpu();
  const samples = [];
  for (let i = 0; i < RUNS; i++) {
    const body = {
      text: `put ${i}`,
      batch: ids.slice(1).map((id) => ({ id, text: `put ${i} ${id}`, checked: i % 2 === 0 })),
    };
    const res = await call('PUT', `/tasks/${ids[0]}`, body);
    if (!res.ok) throw new Error(res.text);
    samples.push(res.ms);
  }
  console.log(`service CPU per PUT ${((cpu() - c0) / RUNS).toFixed(1)} ms`);
  console.log(samples.map((x) => x.toFixed(1)).join(' '));
  const s = [...samples].sort((a, b) => a - b);
  console.log(`p50 ${s[Math.floor(s.length / 2)].toFixed(1)} max ${s[s.length - 1].toFixed(1)}`);
} finally {
  await service.stop();
  await dropDatabase(admin, db.name);
  await admin.end();
}
