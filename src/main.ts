import 'dotenv/config';
import { AccountsService } from './accounts/accounts.service';
import { createApp } from './app.factory';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';

function fail(message: string): never {
  process.stderr.write(`cloneworks: ${message}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  const app = await createApp(config).catch((error: Error) =>
    fail(
      `could not start: ${error.message.split('\n')[0]} (DATABASE_URL scheme ${config.DATABASE_URL.split(':')[0]})`,
    ),
  );

  const bootstrap = await app.get(AccountsService).ensureBootstrapAccount();
  await app.listen({ port: config.PORT, host: config.HOST });

  const shownHost = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  const base = `http://${shownHost}:${config.PORT}`;
  const lines = [
    `cloneworks is listening on ${base}`,
    `Swagger UI: ${base}/docs  (OpenAPI JSON: ${base}/docs-json)`,
  ];
  if (bootstrap?.generated) {
    // Printed once, on the first start of an empty database; it is stored only as a hash.
    lines.push(
      `Created the default account (id ${bootstrap.issued.accountId}). Its API token, shown only now:`,
      `  ${bootstrap.issued.token}`,
      `Try: curl -H 'Authorization: OAuth ${bootstrap.issued.token}' ${base}/api/v1/requester`,
    );
  } else if (bootstrap) {
    lines.push(`Created the default account (id ${bootstrap.issued.accountId}) with BOOTSTRAP_API_TOKEN.`);
  }
  process.stdout.write(`${lines.join('\n')}\n`);

  // Graceful shutdown: stop accepting, let in-flight requests and jobs finish (Nest's shutdown
  // hooks), close the pool, exit 0. A drain that hangs past SHUTDOWN_TIMEOUT_MS exits 1.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
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
}

main().catch((error: Error) => fail(error.message.split('\n')[0]));
