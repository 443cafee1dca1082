import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, ROOT, runCli, startService, tempDir } from '../../support/processes';

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
