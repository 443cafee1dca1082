import { ConfigError, loadConfig } from '../../../src/config/app-config';

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
