// The To Do face's own CPU per POST /todo/clone of 10,000 tasks, in process, without HTTP or
// database: reading the parsed body into clone nodes (`cloneOf`) and writing the answer's bytes.
// The items are clone-cpu.mjs's (temp ids, a text, `checked`, a `creation_date` in the widget's
// form). Process CPU time (user + system, so the collector's helper threads count) per clone,
// median of 20 after 10 warm-ups: on a shared machine it varies far less than the wall time.
// Reads the built code of BENCH_DIR (default: the current folder), so base and new builds run the
// same script.
//
//   [BENCH_DIR=<tree>] node --max-semi-space-size=32 bench/todo/clone-face-cpu.mjs
import fs from 'node:fs';
import { subtree } from './batches.mjs';
import { createRequire } from 'node:module';
import path from 'node:path';

const dir = path.resolve(process.env.BENCH_DIR ?? '.');
const require = createRequire(path.join(dir, 'package.json'));
const { cloneOf } = require(path.join(dir, 'dist/faces/todo/todo-task.mapper.js'));
const bytesModule = path.join(dir, 'dist/faces/todo/todo-clone-answer.js');
// Builds before the answer was written as bytes returned a string that the socket encoded.
const answerOf = fs.existsSync(bytesModule)
  ? require(bytesModule).cloneAnswerBytes
  : (keys, ids) =>
      Buffer.from(require(path.join(dir, 'dist/faces/todo/todo.presenter.js')).cloneAnswerJson(keys, ids));
const config = { TODO_CLONE_BATCH_LIMIT: 10000, TODO_ASSIGNED_LIMIT: 200 };

const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
const texts = Array.from({ length: 30 }, (_, k) =>
  JSON.stringify({ targetId: 5, batch: subtree(10000, `s${k}`) }),
);
const read = [];
const answer = [];
for (const text of texts) {
  const body = JSON.parse(text);
  let started = cpu();
  const { nodes } = cloneOf(body, config);
  read.push(cpu() - started);
  const ids = new Map(nodes.map((node, i) => [node.key, 1_000_000 + i]));
  const keys = nodes.map((node) => node.key);
  started = cpu();
  answerOf(keys, ids);
  answer.push(cpu() - started);
}
const median = (values) =>
  values
    .slice(10)
    .sort((a, b) => a - b)[10]
    .toFixed(1);
console.log(`${dir}: cloneOf ${median(read)} ms, answer ${median(answer)} ms CPU per clone of 10,000`);
