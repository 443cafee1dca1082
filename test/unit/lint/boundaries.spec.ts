import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

// `npm run lint` enforces the import boundaries (.dependency-cruiser.js) and the size limits
// (eslint.config.mjs). These checks run the same tools on code that breaks each rule, so that a
// rule which could never fail (a typo in a path, a rule that matches nothing) fails here.

const ROOT = resolve(__dirname, '../../..');
const DEPCRUISE = join(ROOT, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs');
const ESLINT = join(ROOT, 'node_modules/eslint/bin/eslint.js');

/** A small src/ tree: each file's imports either break one rule or are allowed. */
const TREE: Record<string, string> = {
  // Allowed: a module's own files, another module's public surface, the shared kernels.
  'src/common/clock.ts': 'export const now = () => 0;\n',
  'src/database/database.ts': "export { now } from '../common/clock';\n",
  'src/operations/operations.service.ts':
    "import { now } from '../database/database';\nexport const op = now;\n",
  'src/operations/operations.module.ts': "export { op } from './operations.service';\n",
  'src/operations/claim-sql.ts': 'export const claim = 1;\n',
  'src/faces/toloka/toloka.module.ts': "export { op } from '../../operations/operations.module';\n",
  'src/faces/toloka/toloka-wire.ts':
    "import { op } from '../../operations/operations.service';\nexport const w = op;\n",
  // domains-never-import-faces: a domain reaches up into a face.
  'src/pools/pools.service.ts':
    "export { w } from '../faces/toloka/toloka-wire';\nexport { op } from '../operations/operations.module';\n",
  // faces-never-import-database: a face takes the database gateway.
  'src/faces/toloka/toloka-store.ts': "export { now } from '../../database/database';\n",
  // faces-never-import-typeorm: a face holds an EntityManager.
  'src/faces/toloka/toloka-manager.ts':
    "import type { EntityManager } from 'typeorm';\nexport type M = EntityManager;\n",
  // no-internal-imports: a module takes another module's internal file.
  'src/accounts/accounts.service.ts': "export { claim } from '../operations/claim-sql';\n",
  // no-circular: two files of one module import each other.
  'src/health/health-a.ts': "import { b } from './health-b';\nexport const a = () => b;\n",
  'src/health/health-b.ts': "import { a } from './health-a';\nexport const b = () => a;\n",
  'node_modules/typeorm/package.json': '{ "name": "typeorm", "main": "index.js" }\n',
  'node_modules/typeorm/index.js': 'exports.EntityManager = class {};\n',
};

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('import boundaries (dependency-cruiser)', () => {
  let dir: string;
  let status: number | null;
  let report: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cloneworks-boundaries-'));
    writeTree(dir, TREE);
    // As `npm run lint` runs it: the default reporter, whose exit status is the number of errors.
    const run = spawnSync(
      process.execPath,
      [DEPCRUISE, 'src', '--config', join(ROOT, '.dependency-cruiser.js')],
      {
        cwd: dir,
        encoding: 'utf8',
        timeout: 60_000,
      },
    );
    status = run.status;
    report = run.stdout;
  }, 90_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fails, reporting each broken rule and nothing that is allowed', () => {
    expect(status).not.toBe(0);
    // `error <rule>: <from> → <to>`; a cycle continues with one file per line.
    const found = [...report.matchAll(/error ([\w-]+): (\S+) →\s+(\S+)/g)].map(
      ([, rule, from, to]) => `${rule}: ${from} → ${to}`,
    );
    expect(found.sort()).toEqual(
      [
        'domains-never-import-faces: src/pools/pools.service.ts → src/faces/toloka/toloka-wire.ts',
        'faces-never-import-database: src/faces/toloka/toloka-store.ts → src/database/database.ts',
        'faces-never-import-typeorm: src/faces/toloka/toloka-manager.ts → node_modules/typeorm/index.js',
        'no-circular: src/health/health-a.ts → src/health/health-b.ts',
        'no-internal-imports: src/accounts/accounts.service.ts → src/operations/claim-sql.ts',
        // A face's wire file is not public either.
        'no-internal-imports: src/pools/pools.service.ts → src/faces/toloka/toloka-wire.ts',
      ].sort(),
    );
  });
});

describe('size limits (eslint)', () => {
  function lint(path: string, text: string): string[] {
    const run = spawnSync(
      process.execPath,
      [ESLINT, '--stdin', '--stdin-filename', path, '--format', 'json'],
      { cwd: ROOT, input: text, encoding: 'utf8', timeout: 60_000 },
    );
    const [result] = JSON.parse(run.stdout) as Array<{ messages: Array<{ ruleId: string | null }> }>;
    return result.messages.map((m) => m.ruleId ?? 'parse error');
  }

  const lines = (n: number, line: (i: number) => string) =>
    Array.from({ length: n }, (_, i) => line(i)).join('\n');

  it('refuses a file of src over 450 lines', () => {
    expect(lint('src/pools/long.ts', `${lines(451, (i) => `export const v${i} = ${i};`)}\n`)).toEqual([
      'max-lines',
    ]);
  });

  it('refuses a function of src over 80 lines', () => {
    const body = lines(80, (i) => `  const v${i} = ${i};`);
    const source = `export function long(): number {\n${body}\n  return v0;\n}\n`;
    expect(lint('src/pools/long.ts', source)).toEqual(expect.arrayContaining(['max-lines-per-function']));
  });

  it('accepts a function of exactly 80 lines', () => {
    const body = lines(77, (i) => `  const v${i} = ${i};`);
    const source = `export function short(): number {\n${body}\n  return v0;\n}\n`;
    expect(lint('src/pools/short.ts', source).filter((rule) => rule.startsWith('max-lines'))).toEqual([]);
  });
});

describe('exceptions', () => {
  // The task store restructure's temporary lists are gone: every rule holds everywhere.
  it('excuse no import from the boundary rules', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const config = require(join(ROOT, '.dependency-cruiser.js')) as {
      options: { knownViolations?: unknown[] };
    };
    expect(config.options.knownViolations ?? []).toEqual([]);
  });

  it('excuse no file from the size limits but by a comment on the line above the function', () => {
    const source = readFileSync(join(ROOT, 'eslint.config.mjs'), 'utf8');
    expect(source).not.toMatch(/'(max-lines|max-lines-per-function)': 'off'/);
  });
});
