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
  },
};
