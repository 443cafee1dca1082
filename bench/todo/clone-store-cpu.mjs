// The task store's own CPU per clone of 10,000 tasks, in process, without a database: planning
// the forest (planForest), its rows (newRows) and the texts of its INSERTs (insertTasks, with a
// manager that answers each statement at once, as MySQL/MariaDB's driver is given them). The nodes
// are clone-face-cpu.mjs's (cloneOf of clone-cpu.mjs's batch). Process CPU time (user + system,
// so the collector's parallel threads count) per clone, median of 20 after 10 warm-ups; also the
// bytes of statement text. Reads the built code of BENCH_DIR (default: the current folder), so
// base and new builds run the same script.
//
//   [BENCH_DIR=<tree>] node --max-semi-space-size=32 bench/todo/clone-store-cpu.mjs
import { createRequire } from 'node:module';
import path from 'node:path';
import { subtree } from './batches.mjs';

const dir = path.resolve(process.env.BENCH_DIR ?? '.');
const require = createRequire(path.join(dir, 'package.json'));
const { cloneOf } = require(path.join(dir, 'dist/faces/todo/todo-task.mapper.js'));
const { planForest } = require(path.join(dir, 'dist/tasks/store/task-tree.js'));
const { newRows } = require(path.join(dir, 'dist/tasks/store/clone-rows.js'));
const { insertTasks } = require(path.join(dir, 'dist/tasks/store/task-inserts.table.js'));
const config = { TODO_CLONE_BATCH_LIMIT: 10000, TODO_ASSIGNED_LIMIT: 200 };

let bytes = 0;
const manager = {
  connection: { options: { type: 'mysql', timezone: 'Z' } },
  query: async (sql, params) => {
    if (params !== undefined) throw new Error('values not written into the text');
    bytes += sql.length;
    return { affectedRows: 0 };
  },
};
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const dest = { projectId: 1, parentId: 450, place: { lo: 0, hi: null, side: 'after' }, anchor: 450 };
const bodies = Array.from({ length: 30 }, (_, k) =>
  JSON.parse(JSON.stringify({ targetId: 5, batch: subtree(10000, `s${k}`) })),
);
const samples = [];
for (const body of bodies) {
  const { nodes } = cloneOf(body, config);
  bytes = 0;
  const started = cpu();
  const plan = planForest(nodes);
  const ids = nodes.map((_, i) => 1_000_000 + i);
  const rootKeys = Array.from({ length: plan.rootCount }, (_, i) => 2 ** 52 + i * 65536);
  const rows = newRows([{ request: { nodes }, plan }], [dest], [0], [ids], [rootKeys]);
  await insertTasks(manager, 1, rows, new Date());
  samples.push(cpu() - started);
}
const median = samples
  .slice(10)
  .sort((a, b) => a - b)[10]
  .toFixed(1);
console.log(
  `${dir}: plan, rows and INSERT texts ${median} ms CPU per clone of 10,000 (${bytes} bytes of text)`,
);
