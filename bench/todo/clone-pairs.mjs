// POST /todo/clone of 10,000 tasks (clone-cpu.mjs's batch and target list) against two built trees
// at once, in alternated pairs: both services run side by side, each on a database of its own, and
// each round clones once into each, the order swapped every round. On a shared machine the load
// then falls on both builds alike, which runs of one build after the other cannot promise. Prints
// each build's p50 and p90 wall time, its service's CPU per clone (/proc/<pid>/stat) and the
// database server's CPU during its clones (others' statements count too), and the ratios.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 [N=20] node bench/todo/clone-pairs.mjs <base tree> [<new tree>]
//
// <new tree> defaults to the current folder; each runs its own build (no build here) with its
// own `npm start` options; BENCH_NODE_ARGS is passed to both.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { subtree } from './batches.mjs';
import {
  connect,
  createDatabase,
  databaseCpuMs,
  dropDatabase,
  percentile,
  processCpuMs,
  SERVER,
  serviceEnv,
  startService,
} from '../lib/service.mjs';

const trees = [path.resolve(process.argv[2] ?? '.'), path.resolve(process.argv[3] ?? '.')];
const names = ['base', 'new'];
const N = Number(process.env.N ?? 20);
const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];

const dbCpu = databaseCpuMs;

const admin = await connect(SERVER);
const runs = [];
try {
  for (const [i, cwd] of trees.entries()) {
    const db = await createDatabase(admin, `cw_cpair${i}`);
    const token = `bench_${randomBytes(16).toString('hex')}`;
    const env = serviceEnv(db.url, token, { DATABASE_POOL_SIZE: '20' });
    const run = { name: names[i], cwd, db, token, walls: [], cpu: 0, dbCpu: 0 };
    runs.push(run);
    run.service = await startService({ env, cwd, nodeArgs, stdout: 'ignore' });
  }
  const call = async (run, method, route, body) => {
    const started = performance.now();
    const res = await fetch(`http://127.0.0.1:${run.service.port}/todo${route}`, {
      method,
      headers: { 'remote-token': run.token, 'content-type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    const text = await res.text();
    const ms = performance.now() - started;
    if (!res.ok) throw new Error(`${run.name} ${method} ${route}: ${res.status} ${text}`);
    return { json: JSON.parse(text), ms };
  };
  for (const run of runs) {
    const project = (await call(run, 'POST', '/projects', { label: 'C' })).json.id;
    const a = (
      await call(run, 'POST', '/clone', {
        project,
        batch: subtree(200, 'a').map((x) => ({ ...x, parent: null })),
      })
    ).json;
    run.anchors = Array.from({ length: 200 }, (_, i) => a[String(i)]);
    for (let i = 0; i < 3; i++)
      await call(run, 'POST', '/clone', { targetId: run.anchors[i], batch: subtree(10000, `w${i}`) });
  }
  for (let i = 0; i < N; i++) {
    for (const run of i % 2 === 0 ? runs : [...runs].reverse()) {
      const batch = subtree(10000, `s${i}`);
      const c0 = processCpuMs(run.service.pid);
      const d0 = dbCpu();
      run.walls.push((await call(run, 'POST', '/clone', { targetId: run.anchors[10 + i], batch })).ms);
      run.cpu += processCpuMs(run.service.pid) - c0;
      run.dbCpu += dbCpu() - d0;
    }
  }
  const summary = runs.map((run) => {
    const sorted = [...run.walls].sort((a, b) => a - b);
    return {
      name: run.name,
      p50: percentile(sorted, 50),
      p90: percentile(sorted, 90),
      min: sorted[0],
      cpu: run.cpu / N,
      db: run.dbCpu / N,
    };
  });
  for (const s of summary)
    console.log(
      `${s.name}: clone of 10,000 p50 ${s.p50.toFixed(1)} ms, p90 ${s.p90.toFixed(1)} ms (min ${s.min.toFixed(1)}), service CPU ${s.cpu.toFixed(1)} ms, database CPU ${s.db.toFixed(1)} ms per clone (n=${N})`,
    );
  const [b, n] = summary;
  console.log(
    `new/base: p50 ${(n.p50 / b.p50).toFixed(3)}, p90 ${(n.p90 / b.p90).toFixed(3)}, service CPU ${(n.cpu / b.cpu).toFixed(3)}`,
  );
} finally {
  for (const run of runs) {
    await run.service?.stop();
    await dropDatabase(admin, run.db.name);
  }
  await admin.end();
}
