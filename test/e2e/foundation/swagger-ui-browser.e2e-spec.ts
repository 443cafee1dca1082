import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { DEMO } from '../../../src/demo/demo-ids';
import { runCli, ServiceProcess, startService, tempDir } from '../../support/processes';

// What a newcomer does: start the built service on a fresh database, add the demo with the CLI,
// open /docs in a real browser, paste the bare token into "Authorize", and run one example per
// face with "Try it out" → "Execute". Debian's Chromium, driven by playwright-core (which brings
// no browser of its own); without it the browser test is skipped, except in CI, and `npm test`
// says at its end whether it ran.

const CHROMIUM = '/usr/bin/chromium';
const BROWSER_TEST = 'runs one example per face in Swagger UI in Chromium, authorized with the bare token';
const ACTION_TIMEOUT_MS = 15_000;

const runBrowser = existsSync(CHROMIUM) || process.env.CI === 'true';

describe('Swagger UI on the built service after seed:demo', () => {
  let service: ServiceProcess | undefined;
  let dir: string;
  let token: string;
  let seed: { accountId: number; ids: unknown };

  beforeAll(async () => {
    dir = tempDir('cloneworks-docs-');
    const env = { DATABASE_URL: `sqlite:${join(dir, 'cloneworks.sqlite')}` };
    service = await startService(env);
    // The first start made account 1; a token of it from the CLI, as a newcomer could also make one.
    const issued = runCli(['token:create', '1', '--label', 'browser', '--json'], env);
    expect(issued.stderr).toBe('');
    token = JSON.parse(issued.stdout).token;
    const seeded = runCli(['seed:demo', '--json'], env);
    expect(seeded.stderr).toBe('');
    seed = JSON.parse(seeded.stdout);
  }, 60_000);

  afterAll(async () => {
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('seed:demo gives the account made at first start the ids the examples name', () => {
    expect(seed.accountId).toBe(DEMO.accountId);
    expect(seed.ids).toEqual(DEMO);
  });

  (runBrowser ? it : it.skip)(
    BROWSER_TEST,
    async () => {
      expect(existsSync(CHROMIUM)).toBe(true);
      const profile = mkdtempSync(join(tmpdir(), 'cloneworks-chromium-'));
      let context: BrowserContext | undefined;
      try {
        context = await chromium.launchPersistentContext(profile, {
          executablePath: CHROMIUM,
          headless: true,
          args: [
            '--no-sandbox',
            '--disable-background-networking',
            '--disable-gpu',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
            '--disable-quic',
          ],
        });
        context.setDefaultTimeout(ACTION_TIMEOUT_MS);
        const page = await context.newPage();
        const problems: string[] = [];
        page.on('console', (message) => {
          if (message.type() === 'error') problems.push(message.text());
        });
        await page.goto(`${service!.url}/docs`);
        await page.locator('.opblock').first().waitFor();

        // The bare token in every token field (each is sent; any one would do), and the account id.
        await authorize(page, {
          XAuthToken: token,
          OrganizationId: String(DEMO.accountId),
          Authorization: token,
          RemoteToken: token,
        });

        expect(await execute(page, 'POST', '/todo/clone')).toBe('200');
        expect(await execute(page, 'POST', '/api/v1/pools/{id}/clone')).toBe('202');
        expect(await execute(page, 'POST', '/api/v2/tasks/copy')).toBe('201');
        // A page that Content-Security-Policy blocked would have said so on the console.
        expect(problems.filter((text) => /Content Security Policy|Refused to/i.test(text))).toEqual([]);
      } finally {
        await context?.close();
        rmSync(profile, { recursive: true, force: true });
      }
    },
    120_000,
  );
});

/** Fills the named fields of the "Authorize" dialog, as a person pastes them, and applies them. */
async function authorize(page: Page, values: Record<string, string>): Promise<void> {
  await page.locator('.auth-wrapper button.authorize').click();
  const dialog = page.locator('.modal-ux');
  for (const [scheme, value] of Object.entries(values)) {
    // One form per scheme, each with its own Authorize button.
    const form = dialog.locator('form', {
      has: page.locator('h4 code', { hasText: new RegExp(`^${scheme}$`) }),
    });
    await form.locator('input').fill(value);
    await form.locator('button.authorize').click();
    await form.locator('button.authorize').waitFor({ state: 'detached' });
  }
  await dialog.locator('button.btn-done').first().click();
  await dialog.waitFor({ state: 'detached' });
}

/**
 * Opens an operation, "Try it out" → "Execute" without editing anything: the status shown, and
 * the body too when it is not a success.
 */
async function execute(page: Page, method: string, path: string): Promise<string> {
  const block = page
    .locator('.opblock', { has: page.locator(`.opblock-summary-path[data-path="${path}"]`) })
    .filter({ has: page.locator('.opblock-summary-method', { hasText: new RegExp(`^${method}$`) }) });
  await block.locator('.opblock-summary').first().click();
  await block.locator('button.try-out__btn').click();
  await block.locator('button.execute').click();
  const row = block.locator('.live-responses-table tbody tr.response').first();
  await row.waitFor();
  const status = (await row.locator('td.response-col_status').innerText()).trim().split(/\s/)[0];
  if (status.startsWith('2')) return status;
  return `${status} ${(await row.locator('.response-col_description').innerText()).slice(0, 300)}`;
}
