// Import boundaries of src/, checked by `npm run lint` (docs/architecture.md#boundary-rules).
// test/unit/lint/boundaries.spec.ts runs these rules on small trees that break each one.

// A module is a folder: src/<name>/ for a domain module (pools, operations, tasks, …) and
// src/faces/<name>/ for an API face. Its public surface, what other modules may import:
const PUBLIC_SURFACE = [
  // by role, from the file name's suffix
  '\\.module\\.ts$', // the Nest module
  '\\.service\\.ts$', // services and the types they take and return
  '\\.errors\\.ts$', // error codes
  '\\.entit(y|ies)\\.ts$', // entities (the database module lists them all)
  '\\.guard\\.ts$', // guards the application installs
  '\\.decorators\\.ts$', // decorators faces put on routes (auth)
  '\\.openapi\\.ts$', // Swagger composites and tags (the Swagger document is built from them)
  '-error\\.mapper\\.ts$', // a face's error mapper (src/faces/faces.ts picks one per URL prefix)
  // and these files, by name
  '^src/auth/token-extractor\\.ts$', // the one way to read a token from the request headers
  '^src/operations/operation-handlers\\.ts$', // the handler contract and registry modules fill
  '^src/operations/operation-runner\\.ts$', // the job service, woken after an enqueue commits
  '^src/rate-limits/request-windows\\.ts$', // RequestCounter, what RequestLimitsModule provides
  '^src/demo/demo-ids\\.ts$', // the demo objects that Swagger examples name
  // Shared kernels: every file of src/common and src/config, the top level of src/database
  // (not its migrations), and the files directly in src/faces, which all faces share.
  '^src/common/',
  '^src/config/',
  '^src/database/[^/]+\\.ts$',
  '^src/faces/[^/]+\\.ts$',
];

const imports = (rule, pairs) =>
  pairs.map(([from, to]) => ({ type: 'dependency', from, to, rule: { name: rule, severity: 'error' } }));
const cycles = (list) =>
  list.map((files) => ({
    type: 'cycle',
    from: files[files.length - 1],
    to: files[0],
    rule: { name: 'no-circular', severity: 'error' },
    cycle: files.map((name) => ({ name, dependencyTypes: [] })),
  }));

// TEMPORARY: removed when the task store restructure lands (issue 12, items 1-3). The violations
// that exist today in src/tasks, src/task-details, src/faces/todo and src/faces/jsonapi, and the
// imports of task store files whose public surface that restructure defines (the demo seed's).
// Each entry is one exact import or one cycle, so any new violation still fails; nothing else
// belongs here.
const TASK_STORE_RESTRUCTURE_PENDING = [
  ...imports('faces-never-import-database', [
    ['src/faces/jsonapi/jsonapi-tasks.controller.ts', 'src/database/sql-like.ts'],
  ]),
  ...imports('faces-never-import-typeorm', [
    ['src/faces/jsonapi/jsonapi-graph.ts', 'node_modules/typeorm/index.js'],
  ]),
  ...cycles([
    ['src/task-details/task-read-model.ts', 'src/task-details/task-copy-plan.ts'],
    ['src/task-details/task-copy.service.ts', 'src/task-details/task-copy.operation.ts'],
    ['src/tasks/task-tree-reader.ts', 'src/tasks/task-sql.ts'],
  ]),
  ...imports('no-internal-imports', [
    ['src/demo/demo-seed.ts', 'src/task-details/task-copy-plan.ts'],
    ['src/demo/demo-seed.ts', 'src/tasks/task-content.ts'],
    ['src/faces/jsonapi/jsonapi-graph.ts', 'src/task-details/task-read-model.ts'],
    ['src/faces/jsonapi/jsonapi-operation.presenter.ts', 'src/task-details/task-copy.operation.ts'],
    ['src/faces/jsonapi/jsonapi-operations.controller.ts', 'src/task-details/task-copy.operation.ts'],
    ['src/faces/jsonapi/jsonapi-people-projects.controller.ts', 'src/task-details/task-read-model.ts'],
    ['src/faces/jsonapi/jsonapi-resource.controller.ts', 'src/task-details/record-query.ts'],
    ['src/faces/jsonapi/jsonapi-tasks.controller.ts', 'src/task-details/task-copy-plan.ts'],
    ['src/faces/jsonapi/jsonapi-tasks.controller.ts', 'src/task-details/task-read-model.ts'],
    ['src/faces/jsonapi/jsonapi.examples.ts', 'src/task-details/task-copy.operation.ts'],
    ['src/faces/todo/todo-input.ts', 'src/tasks/task-content.ts'],
    ['src/faces/todo/todo-input.ts', 'src/tasks/task-ids.ts'],
    ['src/faces/todo/todo-output.ts', 'src/tasks/task-content.ts'],
    ['src/faces/todo/todo-structure.controller.ts', 'src/tasks/clone-engine.ts'],
    ['src/faces/todo/todo-task-list.cache.ts', 'src/tasks/task-change-feed.ts'],
    ['src/faces/todo/todo-task-list.cache.ts', 'src/tasks/task-content.ts'],
    ['src/faces/todo/todo-task-list.cache.ts', 'src/tasks/task-tree-reader.ts'],
    ['src/faces/todo/todo-tasks.controller.ts', 'src/tasks/clone-engine.ts'],
    ['src/task-details/task-copy.service.ts', 'src/tasks/clone-engine.ts'],
    ['src/task-details/task-copy.service.ts', 'src/tasks/task-content.ts'],
    ['src/task-details/task-read-model.ts', 'src/tasks/task-content.ts'],
    ['src/task-details/task-write.service.ts', 'src/tasks/clone-engine.ts'],
    ['src/task-details/task-write.service.ts', 'src/tasks/task-content.ts'],
    ['src/task-details/task-write.service.ts', 'src/tasks/task-sql.ts'],
  ]),
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'domains-never-import-faces',
      comment: 'A domain module knows nothing of HTTP or of any face; faces call domains, never the reverse.',
      severity: 'error',
      from: { path: '^src/[^/]+/', pathNot: '^src/faces/' },
      to: { path: '^src/faces/' },
    },
    {
      name: 'faces-never-import-database',
      comment: 'A face calls domain services; SQL, the Database gateway and migrations stay behind them.',
      severity: 'error',
      from: { path: '^src/faces/' },
      to: { path: '^src/database/' },
    },
    {
      name: 'faces-never-import-typeorm',
      comment: 'No EntityManager, repository or query builder in a face: transactions are the domain’s.',
      severity: 'error',
      from: { path: '^src/faces/' },
      to: { path: '^node_modules/typeorm/' },
    },
    {
      name: 'no-internal-imports',
      comment: 'A module imports only the public surface of another module (PUBLIC_SURFACE above).',
      severity: 'error',
      // $1 is the importing module: src/faces/<face> or src/<name>.
      from: { path: '^src/(faces/[^/]+|[^/]+)/' },
      to: { path: '^src/[^/]+/', pathNot: ['^src/$1/', ...PUBLIC_SURFACE] },
    },
    {
      name: 'no-circular',
      comment: 'No file imports itself through others: cycles turn into undefined providers at start.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // `import type` counts: a type import is still a dependency on the other module's shape.
    tsPreCompilationDeps: true,
    knownViolations: TASK_STORE_RESTRUCTURE_PENDING,
  },
};
