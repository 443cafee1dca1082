// The service's CPU time and the wall time per POST /todo/clone of 10,000 tasks (run.mjs's
// connected temp-id subtree, after a task of a 200-task list), from the service's /proc/<pid>/stat:
// on a shared machine its own CPU time varies less than the wall time. Runs the built service of
// the current folder (no build), 3 warm-up clones, then N (default 8). Also the database server's
// CPU per clone when its process is found (mysqld or mariadbd on this host; others' queries count
// too), and BENCH_NODE_ARGS passes options to the service's node (e.g. a CPU profile).
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 [N=8] [BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=<dir>"] \
//     node bench/todo/clone-cpu.mjs
import { randomBytes } from 'node:crypto';
import { subtree } from './batches.mjs';
import {
  connect,
  createDatabase,
  databaseCpuMs,
  dropDatabase,
  processCpuMs,
  SERVER,
  serviceEnv,
  startService,
  stats,
} from '../lib/service.mjs';

const admin = await connect(SERVER);
const db = await createDatabase(admin, 'cw_c10k');
const token = `bench_${randomBytes(16).toString('hex')}`;
const env = serviceEnv(db.url, token, { DATABASE_POOL_SIZE: '20' });
const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
const service = await startService({ env, nodeArgs });
const cpu = () => processCpuMs(service.pid);
const dbCpu = databaseCpuMs;
const call = async (method, path, body) => {
  const started = performance.now();
  const res = await fetch(`http://127.0.0.1:${service.port}/todo${path}`, {
    method,
    headers: { 'remote-token': token, 'content-type': 'application/json' },
    body: body && JSON.stringify(body),
  });
  const text = await res.text();
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
  return { json: JSON.parse(text), ms };
};
try {
  const project = (await call('POST', '/projects', { label: 'C' })).json.id;
  const a = (
    await call('POST', '/clone', { project, batch: subtree(200, 'a').map((x) => ({ ...x, parent: null })) })
  ).json;
  const anchors = Array.from({ length: 200 }, (_, i) => a[String(i)]);
  const N = Number(process.env.N ?? 8);
  for (let i = 0; i < 3; i++)
    await call('POST', '/clone', { targetId: anchors[i], batch: subtree(10000, `w${i}`) });
  const walls = [];
  const c0 = cpu();
  const d0 = dbCpu();
  for (let i = 0; i < N; i++)
    walls.push(
      (await call('POST', '/clone', { targetId: anchors[10 + i], batch: subtree(10000, `s${i}`) })).ms,
    );
  const perClone = (cpu() - c0) / N;
  const dbPerClone = (dbCpu() - d0) / N;
  const s = stats(walls);
  console.log(
    `clone of 10,000: p50 ${s.p50.toFixed(1)} ms (min ${Math.min(...walls).toFixed(1)}), service CPU ${perClone.toFixed(1)} ms, database CPU ${dbPerClone.toFixed(1)} ms per clone (n=${N})`,
  );
} finally {
  await service.stop();
  await dropDatabase(admin, db.name);
  await admin.end();
}
