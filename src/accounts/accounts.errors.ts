export type AccountsErrorCode = 'ACCOUNT_NOT_FOUND' | 'ACCOUNT_TOKEN_NOT_FOUND';
