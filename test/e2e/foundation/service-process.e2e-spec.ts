import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { settingsHelp } from '../../../src/config/app-config';
import { ensureBuilt, freePort, ROOT, runCli, startService, tempDir } from '../../support/processes';

/** Runs `node dist/main.js` to its end: for starts that must not get as far as serving. */
function runMain(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, [join(ROOT, 'dist/main.js'), ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 30000,
  });
}

const HINT = /Account (\d+) has no token that was ever shown.*\n\s+node dist\/cli\.js token:create (\d+)/;

// The service as an operator runs it: the built entry point, the embedded SQLite default, the CLI.
describe('the service process', () => {
  beforeAll(() => ensureBuilt());

  it('starts on SQLite with no setup, prints a working token, and shuts down cleanly', async () => {
    const dir = tempDir();
    const service = await startService({ DATABASE_URL: `sqlite:${join(dir, 'nested/folder/cw.sqlite')}` });
    try {
      expect(service.output()).toContain('/docs');
      const token = /shown only now:\n\s+(\S+)/.exec(service.output())?.[1];
      expect(token).toBeDefined();

      expect((await fetch(`${service.url}/health/ready`)).status).toBe(200);
      expect((await fetch(`${service.url}/docs`)).status).toBe(200);
      const ok = await fetch(`${service.url}/api/v1/requester`, {
        headers: { authorization: `OAuth ${token}` },
      });
      expect(ok.status).toBe(200);
      const denied = await fetch(`${service.url}/api/v1/requester`);
      expect(denied.status).toBe(401);
      expect(((await denied.json()) as { code: string }).code).toBe('AUTHENTICATION_ERROR');
      // The token is printed once, never written to the logs.
      expect(service.output().split(token!).length - 1).toBe(2); // the token line and the curl hint
    } finally {
      expect(await service.stop('SIGTERM')).toBe(0);
    }
    // The token was shown: the next start prints neither it nor a hint.
    const again = await startService({ DATABASE_URL: `sqlite:${join(dir, 'nested/folder/cw.sqlite')}` });
    await again.stop();
    expect(again.output()).not.toMatch(/cw_|token:create/);
  });

  it('prints the start summary last, with a curl line that works; / redirects to /docs; one line on SIGINT', async () => {
    const service = await startService({
      DATABASE_URL: `sqlite:${join(tempDir(), 'cw.sqlite')}`,
      LOG_LEVEL: 'info',
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      const output = service.output();
      const summary = output.slice(output.indexOf('cloneworks is listening on'));
      expect(summary.trim().split('\n')).toEqual([
        `cloneworks is listening on ${service.url}`,
        `  Swagger UI:   ${service.url}/docs  (OpenAPI JSON: ${service.url}/docs-json)`,
        '  API token of the default account (id 1), shown only now:',
        expect.stringMatching(/^ {4}cw_\S+$/),
        expect.stringMatching(
          /^ {2}Try it: +curl -H 'Authorization: OAuth cw_\S+' http:\S+\/api\/v1\/requester$/,
        ),
        '  In Swagger UI: Authorize, paste the token into XAuthToken and 1 into OrganizationId.',
        '  Demo data that every Swagger example names: npm run seed:demo',
      ]);
      // Nest's per-module and per-route lines are debug, not info.
      expect(output).not.toMatch(/Mapped \{|RoutesResolver|InstanceLoader|NestFactory/);

      const [, header, value, url] = /curl -H '([^:]+): ([^']+)' (\S+)/.exec(summary)!;
      const tried = await fetch(url, { headers: { [header]: value } });
      expect(tried.status).toBe(200);
      const root = await fetch(`${service.url}/`, { redirect: 'manual' });
      expect({ status: root.status, location: root.headers.get('location') }).toEqual({
        status: 302,
        location: '/docs',
      });
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      const before = service.output().length;
      expect(await service.stop('SIGINT')).toBe(0);
      const lines = service.output().slice(before).trim().split('\n');
      expect(lines).toEqual([expect.stringContaining('"msg":"SIGINT: stopping')]);
    }
  });

  it('tells the operator how to get a token after a first start that failed past making the account', async () => {
    const dir = tempDir();
    const env = { DATABASE_URL: `sqlite:${join(dir, 'cw.sqlite')}` };
    const port = await freePort();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    let failed;
    try {
      failed = runMain([], { ...env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    } finally {
      blocker.close();
    }
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain(`could not listen on 127.0.0.1:${port}: the address is in use`);
    expect(`${failed.stdout}${failed.stderr}`).not.toContain('cw_');

    // The account exists and its token was never shown: every start says how to make one.
    for (let i = 0; i < 2; i++) {
      const next = await startService(env);
      await next.stop();
      expect(HINT.exec(next.output())?.slice(1)).toEqual(['1', '1']);
      expect(next.output()).not.toContain('cw_');
    }
    expect(runCli(['token:create', '1'], env).status).toBe(0);
    const after = await startService(env);
    await after.stop();
    expect(after.output()).not.toContain('token:create');
  });

  it('prints every setting with --help and -h, and exits 0 without starting', () => {
    for (const flag of ['--help', '-h']) {
      const result = runMain([flag], { PORT: 'not even read' });
      expect(result.status).toBe(0);
      expect(result.stdout).toBe(settingsHelp());
      expect(result.stdout).toContain('\n  TODO_LIST_CACHE_MB=64\n');
      expect(result.stderr).toBe('');
    }
  });

  it.each([
    ['PORT', 'abc'],
    ['JOBS_LEASE_MS', '30s'],
    ['TODO_LIST_CACHE_MB', '1.5'],
  ])('stops with one line when %s=%s is not an integer', (name, value) => {
    const result = runMain([], { [name]: value });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(`cloneworks: Invalid configuration: ${name} is not an integer\n`);
  });

  it('uses BOOTSTRAP_API_TOKEN for the first account and does not print it', async () => {
    const dir = tempDir();
    const token = 'bootstrap-token-for-tests-0001';
    const service = await startService({
      DATABASE_URL: `sqlite:${join(dir, 'cw.sqlite')}`,
      BOOTSTRAP_API_TOKEN: token,
    });
    try {
      expect(service.output()).not.toContain(token);
      const res = await fetch(`${service.url}/api/v1/requester`, { headers: { 'remote-token': token } });
      expect(res.status).toBe(200);
    } finally {
      await service.stop();
    }
  });

  it('exits non-zero with one clear line for a bad DATABASE_URL', () => {
    const result = spawnSync(process.execPath, [join(ROOT, 'dist/main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', DATABASE_URL: 'nonsense' },
      encoding: 'utf8',
    });
    expect(result.status).not.toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('DATABASE_URL');
  });

  it('manages accounts and tokens from the CLI', () => {
    const env = { DATABASE_URL: `sqlite:${join(tempDir(), 'cli.sqlite')}` };
    const created = runCli(['account:create', 'acme', '--json'], env);
    expect(created.status).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const { accountId, token } = JSON.parse(lines[0]);
    expect(accountId).toBeGreaterThan(0);
    expect(token).toMatch(/^cw_/);

    const second = runCli(['token:create', String(accountId), '--label', 'ci', '--json'], env);
    expect(second.status).toBe(0);
    const { tokenId } = JSON.parse(second.stdout);

    const listed = runCli(['account:list', '--json'], env);
    expect(JSON.parse(listed.stdout)).toEqual([{ id: accountId, name: 'acme', activeTokens: 2 }]);

    expect(runCli(['token:revoke', String(tokenId)], env).status).toBe(0);
    expect(JSON.parse(runCli(['account:list', '--json'], env).stdout)[0].activeTokens).toBe(1);

    const unknown = runCli(['token:revoke', '999999'], env);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('No active token');
  });
});
