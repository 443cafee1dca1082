// `npm test`: builds (multi-process tests start dist/main.js), then runs every suite with Jest.
// SQLite always; MySQL/MariaDB too when TEST_DATABASE_URL names a server; the Swagger UI test in
// Chromium when Chromium is installed — and says so either way.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const run = (cmd, args) => spawnSync(cmd, args, { stdio: 'inherit', env: process.env }).status ?? 1;
const mysql = process.env.TEST_DATABASE_URL;

if (run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
const resultsFile = join(mkdtempSync(join(tmpdir(), 'cloneworks-jest-')), 'results.json');
const status = run('npx', ['jest', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)]);

console.log('');
console.log('SQLite suite: ran (embedded, in memory).');
console.log(
  mysql
    ? `MySQL/MariaDB suite: ran against ${mysql.replace(/\/\/[^@]*@/, '//***@')}.`
    : 'MySQL/MariaDB suite: DID NOT RUN. Set TEST_DATABASE_URL=mysql://root@127.0.0.1:3306/test to run it (CI always does).',
);
if (process.env.TEST_REDIS_URL) {
  console.log(
    `v2 request limits counted in Redis at ${process.env.TEST_REDIS_URL.replace(/\/\/[^@]*@/, '//***@')}.`,
  );
}
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  // The test of test/e2e/foundation/swagger-ui-browser.e2e-spec.ts that drives Chromium.
  const browser = results.testResults
    .flatMap((file) => file.assertionResults)
    .find((test) => test.title.includes('in Swagger UI in Chromium'));
  console.log(
    !browser
      ? 'Browser test (Swagger UI in Chromium): DID NOT RUN (not selected).'
      : browser.status === 'passed'
        ? 'Browser test (Swagger UI in Chromium): ran and passed.'
        : browser.status === 'failed'
          ? 'Browser test (Swagger UI in Chromium): ran and FAILED.'
          : 'Browser test (Swagger UI in Chromium): DID NOT RUN: /usr/bin/chromium is missing (apt-get install chromium; CI installs it).',
  );
  console.log(
    `${results.numPassedTests} passed, ${results.numFailedTests} failed, ${results.numPendingTests} skipped`,
  );
}
process.exit(status);
