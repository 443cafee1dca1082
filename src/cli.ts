import 'dotenv/config';
import { DynamicModule, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { AccountsModule } from './accounts/accounts.module';
import { AccountsService } from './accounts/accounts.service';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { databaseOptions, TOOL_POOL } from './config/database.options';
import { assertUtf8mb4Database } from './database/charset';
import { DatabaseModule } from './database/database.module';
import { DemoModule } from './demo/demo.module';
import { DemoSeeder } from './demo/demo-seed';

const USAGE = `Usage: npm run --silent cli -- <command> [options]

  account:create <name> [--json]           create an account and its first token
  account:list [--json]                    list accounts with their number of active tokens
  token:create <accountId> [--label L] [--json]
                                           issue another token for an account
  token:revoke <tokenId | token>           revoke a token
  migration:run                            apply pending migrations
  migration:revert                         revert the last migration
  seed:demo [accountId] [--json]           add demo data for every face (To Do projects, users and tasks;
                                           a v2 workflow, task lists and a checklist task with its
                                           details; v1 projects and pools) to an account (default: the
                                           first one); on a fresh database, the Swagger examples name it
`;

/** Only what the commands need: no HTTP, no background workers. */
@Module({})
class CliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, AccountsModule, DemoModule],
    };
  }
}

function option(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

async function withApp<T>(
  config: AppConfig,
  work: (get: <S>(type: new (...a: never[]) => S) => S) => Promise<T>,
) {
  const app = await NestFactory.createApplicationContext(CliModule.forRoot(config), { logger: ['error'] });
  try {
    return await work((type) => app.get(type));
  } finally {
    await app.close();
  }
}

async function migrations(config: AppConfig, direction: 'run' | 'revert', quiet = false): Promise<void> {
  const dataSource = await new DataSource(databaseOptions(config.DATABASE_URL, TOOL_POOL)).initialize();
  try {
    if (direction === 'run') {
      await assertUtf8mb4Database(dataSource);
      const applied = await dataSource.runMigrations({ transaction: 'each' });
      if (!quiet)
        console.log(
          applied.length ? applied.map((m) => `applied ${m.name}`).join('\n') : 'no pending migrations',
        );
    } else {
      await dataSource.undoLastMigration({ transaction: 'each' });
      console.log('reverted the last migration');
    }
  } finally {
    await dataSource.destroy();
  }
}

async function run(argv: string[]): Promise<void> {
  const [command, ...args] = argv;
  const json = args.includes('--json');
  // No background jobs here: a running instance of the service picks up what a command queues.
  const config = loadConfig({ ...process.env, JOBS_CONCURRENCY: '0' });
  switch (command) {
    case 'account:create': {
      const name = args.find((a) => !a.startsWith('--'));
      if (!name) throw new Error('account:create needs a name');
      // The schema must exist for a fresh database file; the service would apply the same migrations.
      if (config.MIGRATIONS_RUN) await migrations(config, 'run', true);
      const issued = await withApp(config, (get) => get(AccountsService).createAccount(name));
      console.log(
        json
          ? JSON.stringify({ accountId: issued.accountId, token: issued.token })
          : `account ${issued.accountId} created; token (shown once): ${issued.token}`,
      );
      return;
    }
    case 'account:list': {
      const accounts = await withApp(config, (get) => get(AccountsService).listAccounts());
      if (json)
        console.log(
          JSON.stringify(accounts.map((a) => ({ id: a.id, name: a.name, activeTokens: a.activeTokens }))),
        );
      else for (const a of accounts) console.log(`${a.id}\t${a.name}\t${a.activeTokens} active token(s)`);
      return;
    }
    case 'token:create': {
      const accountId = Number(args[0]);
      if (!Number.isInteger(accountId) || accountId <= 0) throw new Error('token:create needs an account id');
      const issued = await withApp(config, (get) =>
        get(AccountsService).createToken(accountId, option(args, '--label') ?? null),
      );
      console.log(
        json
          ? JSON.stringify({ accountId: issued.accountId, tokenId: issued.tokenId, token: issued.token })
          : `token ${issued.tokenId} for account ${accountId} (shown once): ${issued.token}`,
      );
      return;
    }
    case 'token:revoke': {
      if (!args[0]) throw new Error('token:revoke needs a token id or a token');
      await withApp(config, (get) => get(AccountsService).revokeToken(args[0]));
      console.log('token revoked');
      return;
    }
    case 'migration:run':
      return migrations(config, 'run');
    case 'migration:revert':
      return migrations(config, 'revert');
    case 'seed:demo': {
      if (config.MIGRATIONS_RUN) await migrations(config, 'run', true);
      const summary = await withApp(config, async (get) => {
        const accounts = await get(AccountsService).listAccounts();
        const named = args.find((a) => !a.startsWith('--'));
        const accountId = named ? Number(named) : accounts[0]?.id;
        if (!accountId || !accounts.some((a) => a.id === accountId)) {
          throw new Error(
            named ? `account ${named} does not exist` : 'no account yet: run account:create first',
          );
        }
        return { accountId, ...(await get(DemoSeeder).seed(accountId)) };
      });
      console.log(
        json
          ? JSON.stringify(summary)
          : `demo added to account ${summary.accountId}: ${summary.projects} projects, ${summary.users} users, ` +
              `${summary.tasks} tasks, ${summary.pools} v1 pools`,
      );
      return;
    }
    default:
      process.stderr.write(USAGE);
      process.exitCode = command ? 2 : 0;
  }
}

run(process.argv.slice(2)).catch((error: Error) => {
  process.stderr.write(
    `cloneworks cli: ${error instanceof ConfigError ? error.message : error.message.split('\n')[0]}\n`,
  );
  process.exit(1);
});
