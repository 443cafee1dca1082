import 'dotenv/config';
import type { AddressInfo } from 'node:net';
import { createRootLogger, logDestination } from './common/logger';
import type { AccountsService } from './accounts/accounts.service';
import { AppConfig, ConfigError, loadConfig, settingsHelp } from './config/app-config';

type Bootstrap = Awaited<ReturnType<AccountsService['ensureBootstrapAccount']>>;

function fail(message: string, code = 1): never {
  process.stderr.write(`cloneworks: ${message}\n`);
  process.exit(code);
}

/** The address to put in URLs: where a wildcard bind is reachable, brackets around IPv6. */
function urlHost(config: AppConfig, address: AddressInfo): string {
  if (config.HOST === '0.0.0.0' || config.HOST === '::') return 'localhost';
  return address.family === 'IPv6' ? `[${address.address}]` : address.address;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(settingsHelp());
    return;
  }
  if (args.length > 0) fail(`unknown argument ${args[0]} (see --help)`, 2);

  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  // Loaded only now: --help and a bad setting answer without loading the whole application.
  const [{ createApp }, { AccountsService }] = await Promise.all([
    import('./app.factory'),
    import('./accounts/accounts.service'),
  ]);
  const out = logDestination();
  const logger = createRootLogger(config.LOG_LEVEL, out);
  const app = await createApp(config, { logger }).catch((error: Error) =>
    fail(
      `could not start: ${error.message.split('\n')[0]} (DATABASE_URL scheme ${config.DATABASE_URL.split(':')[0]})`,
    ),
  );

  const accounts = app.get(AccountsService);
  const bootstrap = await accounts.ensureBootstrapAccount();
  // Made by an earlier start that stopped before printing the token (a port in use, say).
  const locked = (await accounts.accountsWithoutShownToken()).filter(
    (id) => !bootstrap?.generated || id !== bootstrap.issued.accountId,
  );

  await app
    .listen({ port: config.PORT, host: config.HOST })
    .catch((error: NodeJS.ErrnoException) =>
      fail(
        error.code === 'EADDRINUSE'
          ? `could not listen on ${config.HOST}:${config.PORT}: the address is in use (set PORT or HOST)`
          : `could not listen on ${config.HOST}:${config.PORT}: ${error.message.split('\n')[0]}`,
      ),
    );

  // Graceful shutdown: stop accepting, let in-flight requests and jobs finish (Nest's shutdown
  // hooks), close the pool, exit 0. A drain that hangs past SHUTDOWN_TIMEOUT_MS exits 1. One
  // line says so; a repeated signal changes nothing.
  let stopping = false;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      logger.info(
        `${signal}: stopping (finishing requests and jobs for up to ${config.SHUTDOWN_TIMEOUT_MS} ms)`,
      );
      setTimeout(
        () => fail(`shutdown took longer than ${config.SHUTDOWN_TIMEOUT_MS} ms`),
        config.SHUTDOWN_TIMEOUT_MS,
      ).unref();
      app.close().then(
        () => process.exit(0),
        (error: Error) => fail(`shutdown failed: ${error.message}`),
      );
    });
  }

  // The summary is the last thing printed before serving: through the log's stream, after
  // every line logged so far. PORT=0 listens on a free port: the URLs show the real one.
  const address = app.getHttpServer().address() as AddressInfo;
  const base = `http://${urlHost(config, address)}:${address.port}`;
  out.write(startSummary(base, bootstrap, locked));
  if (bootstrap?.generated) {
    await accounts
      .markShown(bootstrap.issued.tokenId)
      .catch((error: Error) => logger.warn(`could not record that the token was shown: ${error.message}`));
  }
}

function startSummary(base: string, bootstrap: Bootstrap, locked: number[]): string {
  const lines = [
    `cloneworks is listening on ${base}`,
    `  Swagger UI:   ${base}/docs  (OpenAPI JSON: ${base}/docs-json)`,
  ];
  if (bootstrap?.generated) {
    const { accountId, token } = bootstrap.issued;
    lines.push(
      `  API token of the default account (id ${accountId}), shown only now:`,
      `    ${token}`,
      `  Try it:       curl -H 'Authorization: OAuth ${token}' ${base}/api/v1/requester`,
      `  In Swagger UI: Authorize, paste the token into XAuthToken and ${accountId} into OrganizationId.`,
      `  Demo data that every Swagger example names: npm run seed:demo`,
    );
  } else {
    if (bootstrap) {
      lines.push(
        `  Created the default account (id ${bootstrap.issued.accountId}) with BOOTSTRAP_API_TOKEN.`,
      );
    }
    lines.push(`  Try it:       curl -H 'Authorization: OAuth <token>' ${base}/api/v1/requester`);
  }
  for (const accountId of locked) {
    lines.push(
      `  Account ${accountId} has no token that was ever shown (did its first start fail?). Make one with:`,
      // dist/cli.js is beside the running dist/main.js, in a checkout and in the image alike.
      `    node dist/cli.js token:create ${accountId}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

main().catch((error: Error) => fail(error.message.split('\n')[0]));
