import { chmod, mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import garminConnect from 'garmin-connect';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidInput } from '../../src/domain/errors.ts';
import { GarminTokenStore, parseGarminTokens, type GarminTokens } from '../../src/integrations/garmin/tokens.ts';

const OAUTH1 = { oauth_token: 'a1b2c3d4e5f60718293a4b5c6d7e8f90', oauth_token_secret: 'T0pSecretOAuth1Secret' };
const OAUTH2 = {
  scope: 'CONNECT_READ CONNECT_WRITE',
  jti: '55c3483b-jti',
  access_token: 'eyJhbGciOi.access-token-value',
  token_type: 'bearer',
  refresh_token: 'eyJyZWZyZXNo.refresh-token-value',
  expires_in: 105_487,
  refresh_token_expires_in: 2_591_999,
  expires_at: 1_796_298_502,
  refresh_token_expires_at: 1_798_785_014,
  last_update_date: '2026-12-02T06:30:15.056+00:00',
  expires_date: '2026-12-03T11:48:22.081+00:00',
};
const TOKENS: GarminTokens = { oauth1: OAUTH1, oauth2: OAUTH2 };
const SECRETS = [OAUTH1.oauth_token_secret, OAUTH2.access_token, OAUTH2.refresh_token];

let base: string;
let dir: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'garmin-tokens-'));
  dir = join(base, 'garmin');
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

const mode = async (path: string) => (await stat(path)).mode & 0o777;

describe('GarminTokenStore', () => {
  it('saves the library\'s two files, 0600 in a 0700 directory, and loads them back', async () => {
    const store = new GarminTokenStore(dir);
    expect(await store.load()).toBeUndefined();
    expect(store.problem).toBeUndefined();

    await store.save(TOKENS);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'oauth1_token.json'))).toBe(0o600);
    expect(await mode(join(dir, 'oauth2_token.json'))).toBe(0o600);
    expect((await readdir(dir)).sort()).toEqual(['oauth1_token.json', 'oauth2_token.json']); // no temporary files left
    expect(await new GarminTokenStore(dir).load()).toEqual(TOKENS);
  });

  it('tightens a directory and files that already existed with looser modes', async () => {
    await mkdir(dir, { mode: 0o755 });
    await chmod(dir, 0o755);
    await writeFile(join(dir, 'oauth2_token.json'), '{}', { mode: 0o644 });
    await chmod(join(dir, 'oauth2_token.json'), 0o644);

    await new GarminTokenStore(dir).save(TOKENS);
    expect(await mode(dir)).toBe(0o700);
    expect(await mode(join(dir, 'oauth2_token.json'))).toBe(0o600);
  });

  it('reads what the library itself wrote, and the library reads what we wrote', async () => {
    const library = new garminConnect.GarminConnect({ username: 'x', password: 'y' });
    library.loadToken(OAUTH1, OAUTH2);
    library.exportTokenToFile(dir);
    expect(await new GarminTokenStore(dir).load()).toEqual(TOKENS);

    const other = join(base, 'ours');
    await new GarminTokenStore(other).save(TOKENS);
    const reader = new garminConnect.GarminConnect({ username: 'x', password: 'y' });
    reader.loadTokenByFile(other);
    expect(reader.exportToken()).toEqual(TOKENS);
  });

  it('treats a corrupt or half-present pair as absent and says why, without quoting it', async () => {
    const store = new GarminTokenStore(dir);
    await store.save(TOKENS);
    await writeFile(join(dir, 'oauth2_token.json'), `{"access_token": "${OAUTH2.access_token}", `);
    expect(await store.load()).toBeUndefined();
    expect(store.problem).toBe('oauth2_token.json is not valid JSON');

    await writeFile(join(dir, 'oauth2_token.json'), JSON.stringify({ access_token: OAUTH2.access_token }));
    expect(await store.load()).toBeUndefined();
    expect(store.problem).toMatch(/no valid OAuth2 token/);
    expect(store.problem).not.toContain(OAUTH2.access_token);

    await rm(join(dir, 'oauth2_token.json'));
    expect(await store.load()).toBeUndefined();
    expect(store.problem).toBe('only oauth1_token.json is there');
    expect(await store.info()).toEqual({ present: false });
  });

  it('tells when the tokens were saved and when they expire; clear() removes them', async () => {
    const store = new GarminTokenStore(dir);
    const before = Date.now();
    await store.save(TOKENS);
    const info = await store.info();
    expect(info.present).toBe(true);
    expect(info.savedAt!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(info.accessExpiresAt).toEqual(new Date(OAUTH2.expires_at * 1000));
    expect(info.refreshExpiresAt).toEqual(new Date(OAUTH2.refresh_token_expires_at * 1000));

    await store.clear();
    expect(await store.load()).toBeUndefined();
    expect(await store.info()).toEqual({ present: false });
    await store.clear(); // nothing left to remove: still fine
  });
});

describe('parseGarminTokens', () => {
  it('takes the contents of the two files, in either order', () => {
    const files = [JSON.stringify(OAUTH1), JSON.stringify(OAUTH2, null, 2)];
    expect(parseGarminTokens(files)).toEqual(TOKENS);
    expect(parseGarminTokens([...files].reverse())).toEqual(TOKENS);
    expect(parseGarminTokens([`  ${files[0]}\n`, '', files[1]!])).toEqual(TOKENS);
  });

  it('takes garmin-connect\'s exportToken() object', () => {
    const library = new garminConnect.GarminConnect({ username: 'x', password: 'y' });
    library.loadToken(OAUTH1, OAUTH2);
    expect(parseGarminTokens([JSON.stringify(library.exportToken())])).toEqual(TOKENS);
  });

  it('takes garth.dumps(): base64 of [oauth1, oauth2] with garth\'s extra fields', () => {
    const garthOauth1 = { ...OAUTH1, mfa_token: null, mfa_expiration_timestamp: null, domain: 'garmin.com' };
    const dumped = Buffer.from(JSON.stringify([garthOauth1, OAUTH2])).toString('base64');
    expect(parseGarminTokens([dumped])).toEqual({ oauth1: garthOauth1, oauth2: OAUTH2 });
  });

  it.each([
    ['nothing', []],
    ['a greeting', ['hello coach']],
    ['only the oauth1 file', [JSON.stringify(OAUTH1)]],
    ['two oauth1 files', [JSON.stringify(OAUTH1), JSON.stringify(OAUTH1)]],
    ['an oauth2 token without its refresh token', [JSON.stringify(OAUTH1), JSON.stringify({ ...OAUTH2, refresh_token: undefined })]],
    ['three texts', [JSON.stringify(OAUTH1), JSON.stringify(OAUTH2), 'thanks']],
    ['base64 of something else', [Buffer.from(`{"token":"${OAUTH2.access_token}"}`).toString('base64')]],
    ['a truncated garth string', [Buffer.from(JSON.stringify([OAUTH1, OAUTH2])).toString('base64').slice(0, 60)]],
  ])('refuses %s with one sentence that repeats none of it', (_, texts) => {
    let error: unknown;
    try {
      parseGarminTokens(texts);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInput);
    const { riderMessage, message, code } = error as InvalidInput;
    expect(code).toBe('garmin_tokens');
    expect(riderMessage).toMatch(/^[A-Z][^\n]*oauth1_token\.json and oauth2_token\.json[^\n]*\.$/);
    for (const secret of SECRETS) {
      expect(riderMessage).not.toContain(secret);
      expect(message).not.toContain(secret);
    }
  });
});
