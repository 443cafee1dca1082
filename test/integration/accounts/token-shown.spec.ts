import { AccountsService } from '../../../src/accounts/accounts.service';
import { describeEachDialect } from '../../support/test-app';

// main.ts prints the default account's generated token once, then records it as shown; a start
// that stopped in between leaves an account whose only way in was never shown to anyone.
describeEachDialect('tokens that were never shown', (t) => {
  it('lists an account until one of its active tokens has been shown', async () => {
    const accounts = t().get(AccountsService);
    const bootstrap = await accounts.ensureBootstrapAccount();
    expect(bootstrap?.generated).toBe(true);
    const { accountId, tokenId } = bootstrap!.issued;
    const other = await t().newAccount('printed by the CLI');

    expect(await accounts.ensureBootstrapAccount()).toBeNull();
    expect(await accounts.accountsWithoutShownToken()).toEqual([accountId]);

    // A token made later (the CLI prints it) is a way in: the account is no longer listed.
    const second = await accounts.createToken(accountId);
    expect(await accounts.accountsWithoutShownToken()).toEqual([]);
    await accounts.revokeToken(String(second.tokenId));
    expect(await accounts.accountsWithoutShownToken()).toEqual([accountId]);

    await accounts.markShown(tokenId);
    expect(await accounts.accountsWithoutShownToken()).toEqual([]);
    expect(other.id).not.toBe(accountId);
  });
});
