import { CreateAccounts1763800000000 } from './migrations/1763800000000-create-accounts';

// Every migration, oldest first. Never edit a migration that has landed; add a new one.
export const ALL_MIGRATIONS = [CreateAccounts1763800000000];
