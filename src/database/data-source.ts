import 'dotenv/config';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { databaseOptions, TOOL_POOL } from '../config/database.options';

/** The DataSource the TypeORM CLI and `npm run migration:*` use (same options as the service). */
export function createDataSource(): DataSource {
  const config = loadConfig();
  return new DataSource(databaseOptions(config.DATABASE_URL, TOOL_POOL));
}

export default createDataSource();
