// The service's CPU time (and its user part) per GET of a large cached To Do list (GET /todo/tasks/projects/:id of
// 10,000 tasks, ~1.3 MB), from its /proc/<pid>/stat: N reads of the unchanged list, then N rounds
// of one PUT of a task's text (the cache patches the body) and one read. Reads go over one
// keep-alive node:http connection and are drained, not parsed. Runs the built service of
// BENCH_DIR (default: the current folder), so one script measures two builds alike.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 [N=200] [BENCH_DIR=<tree>] node bench/todo/list-cpu.mjs
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { connect, createDatabase, dropDatabase, SERVER, serviceEnv, startService } from '../lib/service.mjs';

const admin = await connect(SERVER);
const db = await createDatabase(admin, 'cw_lcpu');
const token = `bench_${randomBytes(16).toString('hex')}`;
const env = serviceEnv(db.url, token, { DATABASE_POOL_SIZE: '20' });
const nodeArgs = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : [];
const service = await startService({ env, nodeArgs, cwd: process.env.BENCH_DIR ?? process.cwd() });
// [user, system] CPU in ms: a body's copies in the service are user time, the socket's are system.
const cpu = () => {
  const f = fs.readFileSync(`/proc/${service.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(f[11]) * 10, Number(f[12]) * 10];
};
const per = (a, b, n) =>
  `${((b[0] - a[0] + b[1] - a[1]) / n).toFixed(2)} (user ${((b[0] - a[0]) / n).toFixed(2)})`;
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const call = (method, path, body) =>
  new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        host: '127.0.0.1',
        port: service.port,
        method,
        path: `/todo${path}`,
        agent,
        headers: { 'remote-token': token, 'content-type': 'application/json' },
      },
      (res) => {
        const chunks = [];
        let length = 0;
        res.on('data', (c) => {
          length += c.length;
          if (method !== 'GET') chunks.push(c);
        });
        res.on('end', () => {
          if (res.statusCode !== 200) reject(new Error(`${method} ${path}: ${res.statusCode}`));
          else resolve(method === 'GET' ? length : JSON.parse(Buffer.concat(chunks).toString() || '{}'));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
try {
  const project = (await call('POST', '/projects', { label: 'L' })).id;
  const batch = Array.from({ length: 10000 }, (_, i) => ({
    id: `temp://t${i}`,
    parent: i < 100 ? null : `temp://t${Math.floor(i / 100) - 1}`,
    text: `list task ${i} #bench with some words of text to read`,
    checked: i % 3 === 0,
  }));
  const ids = await call('POST', '/clone', { project, batch });
  const tasks = Object.values(ids).map(Number);
  const url = `/tasks/projects/${project}`;
  const N = Number(process.env.N ?? 200);
  let bytes = 0;
  for (let i = 0; i < 5; i++) bytes = await call('GET', url);
  const c0 = cpu();
  for (let i = 0; i < N; i++) await call('GET', url);
  const c1 = cpu();
  for (let i = 0; i < N; i++) {
    await call('PUT', `/tasks/${tasks[(i * 37) % tasks.length]}`, { text: `edited ${i}` });
    await call('GET', url);
  }
  const c2 = cpu();
  const puts = cpu();
  for (let i = 0; i < N; i++)
    await call('PUT', `/tasks/${tasks[(i * 41) % tasks.length]}`, { text: `again ${i}` });
  const c3 = cpu();
  console.log(
    `list of ${bytes} bytes, n=${N}: service CPU ms ${per(c0, c1, N)} per unchanged GET, ` +
      `${per(c1, c2, N)} per PUT + GET, ${per(puts, c3, N)} per PUT alone`,
  );
} finally {
  agent.destroy();
  await service.stop();
  await dropDatabase(admin, db.name);
  await admin.end();
}
