// The service's CPU per To Do write and its sequential latency, for the writes the live benchmark
// and the mix send: POST /todo/tasks into a project, PUT /todo/tasks/:id of the text, POST
// /todo/clone of 3 after a target (into a 200-task project, read once). N of each, after 50 to warm
// up, one at a time (Linux /proc for the CPU). Bounded by N.
//
//   BENCH_DATABASE_URL=mysql://root@127.0.0.1:3306 node <this tree>/bench/todo/write-cpu.mjs
//   (run from the tree whose dist/main.js to measure) N (default 400), ARGS (node options of the service)
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { connect, createDatabase, dropDatabase, SERVER, serviceEnv, startService } from '../lib/service.mjs';
const N = Number(process.env.N ?? 400);
const admin = await connect(SERVER);
const db = await createDatabase(admin, 'cw_writecpu', 'utf8mb4_bin');
const token = `b-${randomBytes(8).toString('hex')}`;
const service = await startService({
  nodeArgs: (process.env.ARGS ?? '').split(' ').filter(Boolean),
  env: serviceEnv(db.url, token, { JOBS_CONCURRENCY: '0' }),
  stdout: 'ignore',
});
const cpu = () => {
  const f = readFileSync(`/proc/${service.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};
const call = async (method, path, body) => {
  const res = await fetch(`${service.url}/todo${path}`, {
    method,
    headers: { 'remote-token': token, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(text);
  return text ? JSON.parse(text) : null;
};
try {
  const p = (await call('POST', '/projects', { label: 'p' })).id;
  const ids = [];
  for (let i = 0; i < 200; i++)
    ids.push((await call('POST', '/tasks', { text: `seed ${i}`, project: p })).id);
  await call('GET', `/tasks/projects/${p}`);
  const kinds = {
    create: (i) => call('POST', '/tasks', { text: `c ${i}`, project: p }),
    put: (i) => call('PUT', `/tasks/${ids[i % 200]}`, { text: `u ${i}` }),
    clone3: (i) =>
      call('POST', '/clone', {
        targetId: ids[(i * 7) % 200],
        batch: [
          { id: `a${i}`, parent: 1, text: 'r' },
          { id: `b${i}`, parent: `a${i}`, text: 'c' },
          { id: `c${i}`, parent: 1, text: 'r2' },
        ],
      }),
  };
  for (const [name, work] of Object.entries(kinds)) {
    for (let i = 0; i < 50; i++) await work(i);
    const c0 = cpu();
    const wall = [];
    for (let i = 0; i < N; i++) {
      const t0 = performance.now();
      await work(i);
      wall.push(performance.now() - t0);
    }
    wall.sort((a, b) => a - b);
    console.log(
      `${name}: service CPU ${((cpu() - c0) / N).toFixed(3)} ms/request, wall p50 ${wall[N >> 1].toFixed(2)} ms (n=${N})`,
    );
  }
} finally {
  await service.stop();
  await dropDatabase(admin, db.name);
  await admin.end();
}
