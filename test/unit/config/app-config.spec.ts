import { getMetadataStorage } from 'class-validator';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppConfig, ConfigError, loadConfig, SETTINGS, settingsHelp } from '../../../src/config/app-config';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.DATABASE_URL).toBe('sqlite:./data/cloneworks.sqlite');
    expect(config.MIGRATIONS_RUN).toBe(true);
    expect(config.CORS_ORIGINS).toEqual(['*']);
    // A hung database costs a request seconds (README, "Outages").
    expect(config.DATABASE_CONNECT_TIMEOUT_MS).toBe(2000);
    expect(config.DATABASE_ACQUIRE_TIMEOUT_MS).toBe(3000);
    expect(config.DATABASE_QUERY_TIMEOUT_MS).toBe(5000);
  });

  it('converts numbers, booleans and lists', () => {
    const config = loadConfig({
      PORT: '8080',
      MIGRATIONS_RUN: 'false',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(config.PORT).toBe(8080);
    expect(config.MIGRATIONS_RUN).toBe(false);
    expect(config.CORS_ORIGINS).toEqual(['https://a.example', 'https://b.example']);
  });

  it.each([
    ['DATABASE_URL', 'nonsense'],
    ['DATABASE_URL', 'postgres://localhost/db'],
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['MIGRATIONS_RUN', 'maybe'],
    ['BOOTSTRAP_API_TOKEN', 'short'],
    ['DATABASE_QUERY_TIMEOUT_MS', '-1'],
    ['REDIS_URL', 'localhost:6379'],
  ])('rejects %s=%s with one line naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    try {
      loadConfig({ [name]: value });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain(name);
      expect(message).not.toContain('\n');
      expect(message).not.toContain(value === 'short' ? value : '\u0000');
    }
  });

  it('keeps the lease heartbeat at most half of the lease', () => {
    expect(loadConfig({}).JOBS_LEASE_MS).toBe(3000);
    expect(loadConfig({}).JOBS_HEARTBEAT_MS).toBe(1000);
    expect(() => loadConfig({ JOBS_LEASE_MS: '1500', JOBS_HEARTBEAT_MS: '1000' })).toThrow(
      'JOBS_HEARTBEAT_MS must be at most half of JOBS_LEASE_MS',
    );
  });

  it('accepts MySQL, MariaDB and SQLite URLs', () => {
    for (const url of [
      'mysql://root@127.0.0.1:3306/test',
      'mariadb://u:p@db:3306/cw',
      'sqlite::memory:',
      'sqlite:/tmp/x.db',
    ]) {
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    }
  });
});

describe('integer settings', () => {
  const defaults = new AppConfig();
  const integers = SETTINGS.map((s) => s.name).filter(
    (name) => typeof defaults[name as keyof AppConfig] === 'number',
  );

  it('are all listed', () => {
    expect(integers).toContain('PORT');
    expect(integers).toContain('JOBS_POLL_MS');
    expect(integers.length).toBeGreaterThan(20);
  });

  it.each(integers)('%s says plainly when a value is not an integer', (name) => {
    for (const value of ['abc', '1.5', '12abc', '0x10']) {
      expect(() => loadConfig({ [name]: value })).toThrow(
        new ConfigError(`Invalid configuration: ${name} is not an integer`),
      );
    }
    // Beyond 2^31 - 1 every timer would fire at once: a range message instead.
    expect(() => loadConfig({ [name]: '99999999999' })).toThrow(/must not be greater than/);
  });
});

describe('settingsHelp', () => {
  it('lists every setting of AppConfig once, with its default and meaning', () => {
    const help = settingsHelp();
    const validated = new Set(
      getMetadataStorage()
        .getTargetValidationMetadatas(AppConfig, '', true, false)
        .map((m) => m.propertyName),
    );
    expect(SETTINGS.map((s) => s.name).sort()).toEqual([...validated].sort());
    for (const { name, meaning } of SETTINGS) {
      expect(help.split('\n').filter((line) => line.startsWith(`  ${name}=`))).toHaveLength(1);
      expect(help).toContain(`\n      ${meaning}\n`);
      expect(meaning.length).toBeGreaterThan(10);
    }
    expect(help).toContain('\n  PORT=3000\n      TCP port');
    expect(help).toContain('\n  CORS_ORIGINS=*\n');
    expect(help).toContain('\n  BOOTSTRAP_API_TOKEN=\n');
  });

  it('names every setting that .env.example documents, and no other', () => {
    const example = readFileSync(join(__dirname, '../../../.env.example'), 'utf8');
    const documented = [...example.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(SETTINGS.map((s) => s.name).sort());
  });
});
