import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { DomainError } from '../../../src/common/domain-error';
import type { DomainErrorCode } from '../../../src/faces/error-codes';
import { FaceError, KnownError, UnexpectedError } from '../../../src/common/face-error';
import { RequestValidationError } from '../../../src/common/request-validation.error';
import { loadConfig } from '../../../src/config/app-config';
import { toJsonApiError } from '../../../src/faces/jsonapi/jsonapi-error.mapper';
import { toTodoError } from '../../../src/faces/todo/todo-error.mapper';
import { toTolokaError } from '../../../src/faces/toloka/toloka-error.mapper';

// The docs/ pages state the contracts; these checks read the code to find what the pages must
// state, so that a new error code, setting or renamed test fails here until the docs follow.

const ROOT = resolve(__dirname, '../../..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function filesUnder(dir: string, ext: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return filesUnder(path, ext);
    return entry.name.endsWith(ext) ? [path] : [];
  });
}

const withoutComments = (source: string) =>
  source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** The markdown under a heading, down to the next heading of the same or a higher level. */
function section(markdown: string, heading: string): string {
  const level = heading.match(/^#+/)![0].length;
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`no heading "${heading}"`);
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && line.match(/^#+/)![0].length <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
}

/** Body rows of the markdown tables in `text`, as trimmed cells. */
function tableRows(text: string): string[][] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('|') && !/^\|\s*-/.test(line))
    .map((line) =>
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim()),
    );
}

/** `code` + status pairs of a face's errors table: rows whose first cell is one code in backticks. */
function documentedErrors(page: string): Set<string> {
  const pairs = new Set<string>();
  for (const [first, status] of tableRows(section(read(page), '## Errors'))) {
    const code = /^`([^`]+)`$/.exec(first)?.[1];
    if (code && /^\d{3}$/.test(status)) pairs.add(`${code} ${status}`);
  }
  return pairs;
}

/** Every code of the DomainErrorCode union, found through the unions it is made of. */
function domainErrorCodes(): DomainErrorCode[] {
  const union = /export type DomainErrorCode =([^;]+);/.exec(
    withoutComments(read('src/faces/error-codes.ts')),
  )![1];
  const parts = union
    .split('|')
    .map((part) => part.trim())
    .filter(Boolean);
  const sources = filesUnder('src', '.ts').map((path) => withoutComments(read(path)));
  return parts.flatMap((name) => {
    const source = sources.find((s) => new RegExp(`export type ${name}\\s*=`).test(s));
    if (!source) throw new Error(`no definition of ${name}`);
    const body = new RegExp(`export type ${name}\\s*=([^;]+);`).exec(source)![1];
    return [...body.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((m) => m[1] as DomainErrorCode);
  });
}

/** The snake_case codes a refused v2 copy reports, one per offending attribute. */
const copyViolationCodes = () => [
  ...new Set(
    filesUnder('src', '.ts').flatMap((path) =>
      [...read(path).matchAll(/\bcode: '([a-z][a-z_]*)'/g)].map((m) => m[1]),
    ),
  ),
];

/** String literals a function of a source file returns. */
function returnedCodes(path: string, fn: string): string[] {
  const body = new RegExp(`function ${fn}\\([^)]*\\)[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(read(path))![1];
  return [...body.matchAll(/return '([A-Za-z_]+)'/g)].map((m) => m[1]);
}

/** Every error each face can answer: its mapper over every domain code, validation and faults. */
function producedErrors(wire: (answer: FaceError) => Array<[string, number]>, mapper: MapperOf) {
  const violations = copyViolationCodes().map((code) => ({ field: 'title', code, detail: 'x' }));
  const errors: KnownError[] = [
    ...domainErrorCodes().map(
      (code) => new DomainError(code, 'message', { field: 'title', meta: { violations, count: 1 } }),
    ),
    RequestValidationError.single('title', 'isString', 'title must be a string'),
    new UnexpectedError(new Error('boom')),
  ];
  return new Set(errors.flatMap((error) => wire(mapper(error)).map(([code, status]) => `${code} ${status}`)));
}

type MapperOf = (error: KnownError) => FaceError;

const todoWire = (answer: FaceError): Array<[string, number]> => [
  [answer.headers!['x-todo-error'], answer.status],
];
const tolokaWire = (answer: FaceError): Array<[string, number]> => [
  [(answer.body as { code: string }).code, answer.status],
];
const jsonApiWire = (answer: FaceError): Array<[string, number]> =>
  (answer.body as { errors: Array<{ code: string; status: string }> }).errors.map((e) => [
    e.code,
    Number(e.status),
  ]);

describe('docs/ keeps up with the code', () => {
  describe.each([
    ['docs/todo.md', todoWire, (e: KnownError) => toTodoError(e)],
    ['docs/v1.md', tolokaWire, (e: KnownError) => toTolokaError(e, 'request-id')],
    ['docs/v2.md', jsonApiWire, (e: KnownError) => toJsonApiError(e)],
  ])('%s', (page, wire, mapper) => {
    function produced(): Set<string> {
      const pairs = producedErrors(wire, mapper);
      if (page === 'docs/v2.md') {
        // Attribute problems: one code per kind of issue, all answered with the same status.
        const [[, status]] = jsonApiWire(toJsonApiError(RequestValidationError.single('a', 'isString', 'm')));
        const path = 'src/faces/jsonapi/jsonapi-error.mapper.ts';
        for (const code of returnedCodes(path, 'issueCode')) pairs.add(`${code} ${status}`);
      }
      return pairs;
    }

    it('documents every error code the face answers, with its status, in its errors table', () => {
      const documented = documentedErrors(page);
      expect([...produced()].filter((pair) => !documented.has(pair))).toEqual([]);
    });

    it('documents no error code the face cannot answer', () => {
      const answered = produced();
      expect([...documentedErrors(page)].filter((pair) => !answered.has(pair))).toEqual([]);
    });
  });

  it('lists every payload code of a v1 validation error', () => {
    const mapper = 'src/faces/toloka/toloka-error.mapper.ts';
    const codes = new Set([
      ...returnedCodes(mapper, 'validationCode'),
      ...[...read(mapper).matchAll(/code: '([A-Z][A-Z_]*)'/g)].map((m) => m[1]),
    ]);
    const table = section(read('docs/v1.md'), '### Validation payload');
    expect([...codes].filter((code) => !table.includes(`\`${code}\``))).toEqual([]);
  });

  describe('docs/configuration.md', () => {
    const source = /export class AppConfig \{([\s\S]*?)\n\}/.exec(read('src/config/app-config.ts'))![1];
    const settings = [...source.matchAll(/^ {2}([A-Z][A-Z0-9_]*)[?!]?\s*[:=]/gm)].map((m) => m[1]);
    const defaults = loadConfig({}) as unknown as Record<string, unknown>;
    const rows = new Map(
      tableRows(section(read('docs/configuration.md'), '## Settings'))
        .map(([name, value]) => [/^`([A-Z][A-Z0-9_]*)`$/.exec(name)?.[1], value] as const)
        .filter((row): row is [string, string] => row[0] !== undefined),
    );

    it('finds the settings', () => {
      expect(settings.length).toBeGreaterThan(30);
    });

    it('documents every setting with its default', () => {
      const wrong = settings.filter((name) => {
        const cell = rows.get(name);
        if (cell === undefined) return true;
        const value = defaults[name];
        if (value === undefined) return !cell.includes('unset');
        const shown = Array.isArray(value) ? value.join(',') : String(value);
        return !cell.includes(`\`${shown}\``);
      });
      expect(wrong).toEqual([]);
    });

    it('documents no setting that does not exist', () => {
      expect([...rows.keys()].filter((name) => !settings.includes(name))).toEqual([]);
    });

    it('names only real settings in the README summary', () => {
      const named = tableRows(section(read('README.md'), '## Configuration')).flatMap(([first]) =>
        [...first.matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1]),
      );
      expect(named.length).toBeGreaterThan(5);
      expect(named.filter((name) => !settings.includes(name))).toEqual([]);
    });
  });

  describe('links and references', () => {
    const pages = ['README.md', ...filesUnder('docs', '.md')];

    /** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
    function anchors(markdown: string): Set<string> {
      const seen = new Map<string, number>();
      const out = new Set<string>();
      let fenced = false;
      for (const line of markdown.split('\n')) {
        if (line.startsWith('```')) fenced = !fenced;
        const heading = !fenced && /^#{1,6} (.+)$/.exec(line)?.[1];
        if (!heading) continue;
        const base = heading
          .trim()
          .toLowerCase()
          .replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '')
          .replace(/ /g, '-');
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
      }
      return out;
    }

    it.each(pages)('%s links only to files and headings of the repository', (page) => {
      const broken: string[] = [];
      for (const [, target] of read(page).matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z][a-z+.-]*:/i.test(target)) {
          broken.push(`${target} (outside the repository)`);
          continue;
        }
        const [path, anchor] = target.split('#');
        const file = path ? relative(ROOT, resolve(dirname(join(ROOT, page)), path)) : page;
        if (file.startsWith('..') || !existsSync(join(ROOT, file))) broken.push(`${target} (no such file)`);
        else if (anchor && file.endsWith('.md') && !anchors(read(file)).has(anchor))
          broken.push(`${target} (no such heading)`);
      }
      expect(broken).toEqual([]);
    });

    it.each(pages)('%s cites no working specs', (page) => {
      expect(read(page)).not.toMatch(/§|shared\/specs|seed 0\d\d/i);
    });

    it('names only tests that exist', () => {
      const missing: string[] = [];
      for (const page of pages) {
        // One line per paragraph, so that a test title may wrap.
        const text = read(page).replace(/\n(?!\n)/g, ' ');
        for (const [, file] of text.matchAll(/`(test\/[^`\s]+\.ts)`/g)) {
          if (!existsSync(join(ROOT, file))) missing.push(`${page}: ${file}`);
        }
        for (const [, file, titles] of text.matchAll(
          /`(test\/[^`\s]+\.ts)` › ("[^"]+"(?:,? (?:and )?"[^"]+")*)/g,
        )) {
          const source = existsSync(join(ROOT, file)) ? read(file) : '';
          for (const [, title] of titles.matchAll(/"([^"]+)"/g)) {
            if (!source.includes(title.replace(/\s+/g, ' '))) missing.push(`${page}: ${file} › ${title}`);
          }
        }
      }
      expect(missing).toEqual([]);
    });
  });
});
