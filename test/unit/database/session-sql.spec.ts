import { isMariaDbVersion, sessionSql } from '../../../src/database/bounded-mysql';

describe('the session variables a new MySQL/MariaDB connection sets', () => {
  it('tells MariaDB from MySQL by the version string of the server greeting', () => {
    expect(isMariaDbVersion('5.5.5-10.11.19-MariaDB-0+deb12u1')).toBe(true);
    expect(isMariaDbVersion('11.4.2-MariaDB')).toBe(true);
    expect(isMariaDbVersion('8.0.36')).toBe(false);
    expect(isMariaDbVersion('8.4.0-0ubuntu0.24.04.1')).toBe(false);
    expect(isMariaDbVersion(undefined)).toBe(false);
  });

  it('sends MariaDB’s IN-list variable to MariaDB only', () => {
    expect(sessionSql(true)).toContain('in_predicate_conversion_threshold = 0');
    expect(sessionSql(true)).toContain('eq_range_index_dive_limit = 0');
    expect(sessionSql(false)).not.toContain('in_predicate_conversion_threshold');
    expect(sessionSql(false)).toContain('eq_range_index_dive_limit = 0');
  });
});
