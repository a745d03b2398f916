import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InvalidInput } from '../../domain/errors.ts';

/**
 * Garmin's tokens in the shapes garmin-connect 1.6.2 keeps them (and garth, which it copied):
 * the OAuth1 pair lives about a year and buys new OAuth2 access tokens (about a day each).
 * Extra fields the library or garth add (mfa_token, jti, expires_date, …) ride along.
 */
export interface GarminOAuth1Token {
  oauth_token: string;
  oauth_token_secret: string;
  [field: string]: unknown;
}

export interface GarminOAuth2Token {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  /** Unix seconds; set by the library when it made the token. */
  expires_at?: number;
  refresh_token_expires_at?: number;
  [field: string]: unknown;
}

export interface GarminTokens {
  oauth1: GarminOAuth1Token;
  oauth2: GarminOAuth2Token;
}

export interface GarminTokenInfo {
  present: boolean;
  savedAt?: Date;
  accessExpiresAt?: Date;
  refreshExpiresAt?: Date;
}

// The library's own file names (exportTokenToFile / loadTokenByFile), so a directory it wrote works here and back.
const OAUTH1_FILE = 'oauth1_token.json';
const OAUTH2_FILE = 'oauth2_token.json';

/**
 * The tokens on disk. They are as good as the password (better: no MFA), so the directory is
 * 0700 and each file 0600, written to a temporary file and renamed so a crash never leaves
 * half a token behind.
 */
export class GarminTokenStore {
  /** Why the last `load()` found no usable tokens although files were there; undefined otherwise. */
  problem: string | undefined;

  constructor(readonly dir: string) {}

  async load(): Promise<GarminTokens | undefined> {
    this.problem = undefined;
    try {
      const [oauth1, oauth2] = await Promise.all([this.readFile(OAUTH1_FILE), this.readFile(OAUTH2_FILE)]);
      if (oauth1 === undefined && oauth2 === undefined) return undefined;
      if (oauth1 === undefined || oauth2 === undefined) throw new Error(`only ${oauth1 === undefined ? OAUTH2_FILE : OAUTH1_FILE} is there`);
      const json = (file: string, text: string) => {
        const value = parseJson(text);
        if (value === undefined) throw new Error(`${file} is not valid JSON`);
        return value;
      };
      const tokens = asTokens(json(OAUTH1_FILE, oauth1), json(OAUTH2_FILE, oauth2));
      if (typeof tokens === 'string') throw new Error(`the saved files hold ${tokens}`);
      return tokens;
    } catch (error) {
      this.problem = (error as Error).message;
      return undefined;
    }
  }

  async save(tokens: GarminTokens): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await chmod(this.dir, 0o700); // mkdir's mode does nothing for a directory that already exists
    await this.writeFile(OAUTH1_FILE, JSON.stringify(tokens.oauth1));
    await this.writeFile(OAUTH2_FILE, JSON.stringify(tokens.oauth2));
  }

  async clear(): Promise<void> {
    await Promise.all([OAUTH1_FILE, OAUTH2_FILE].map((file) => rm(join(this.dir, file), { force: true })));
  }

  async info(): Promise<GarminTokenInfo> {
    const tokens = await this.load();
    if (!tokens) return { present: false };
    const saved = await stat(join(this.dir, OAUTH2_FILE));
    const seconds = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? new Date(value * 1000) : undefined);
    return {
      present: true,
      savedAt: saved.mtime,
      accessExpiresAt: seconds(tokens.oauth2.expires_at),
      refreshExpiresAt: seconds(tokens.oauth2.refresh_token_expires_at),
    };
  }

  private async readFile(file: string): Promise<string | undefined> {
    try {
      return await readFile(join(this.dir, file), 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new Error(`${file} cannot be read (${code ?? 'error'})`);
    }
  }

  private async writeFile(file: string, text: string): Promise<void> {
    const target = join(this.dir, file);
    const temporary = `${target}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, text, { mode: 0o600 });
      await chmod(temporary, 0o600); // the umask may have taken bits away; the rename carries this mode over
      await rename(temporary, target);
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
}

const TOKENS_EXPECTED =
  'Please send your Garmin tokens as the contents of the two files oauth1_token.json and oauth2_token.json, or as the one-line token string garth prints.';

/**
 * Tokens a rider pastes into the chat, in any of the forms the tools make:
 * (a) the contents of oauth1_token.json and oauth2_token.json, in either order;
 * (b) one JSON object {oauth1, oauth2} (garmin-connect's exportToken());
 * (c) garth's `garth.dumps()` string: base64 of the JSON array [oauth1, oauth2].
 * The error never repeats what was sent: it may hold half a secret.
 */
export function parseGarminTokens(texts: string[]): GarminTokens {
  const parts = texts.map((text) => text.trim()).filter((text) => text !== '');
  let tokens: GarminTokens | string;
  if (parts.length === 2) {
    const [first, second] = parts.map(parseJson);
    tokens = isOAuth1(second) || isOAuth2(first) ? asTokens(second, first) : asTokens(first, second);
  } else if (parts.length === 1) {
    const value = parseJson(parts[0]!) ?? parseJson(fromBase64(parts[0]!));
    if (Array.isArray(value) && value.length === 2) tokens = asTokens(value[0], value[1]);
    else if (isObject(value) && 'oauth1' in value && 'oauth2' in value) tokens = asTokens(value.oauth1, value.oauth2);
    else tokens = 'neither a token pair, an {oauth1, oauth2} object nor a garth string';
  } else {
    tokens = `${parts.length} non-empty texts`;
  }
  if (typeof tokens === 'string') throw new InvalidInput('garmin_tokens', TOKENS_EXPECTED, tokens);
  return tokens;
}

/** The tokens, or what is wrong with them (in words that never quote them). */
function asTokens(oauth1: unknown, oauth2: unknown): GarminTokens | string {
  if (!isOAuth1(oauth1)) return 'no valid OAuth1 token (oauth_token, oauth_token_secret)';
  if (!isOAuth2(oauth2)) return 'no valid OAuth2 token (access_token, refresh_token, expires_in)';
  return { oauth1, oauth2 };
}

function isOAuth1(value: unknown): value is GarminOAuth1Token {
  return isObject(value) && isText(value.oauth_token) && isText(value.oauth_token_secret);
}

function isOAuth2(value: unknown): value is GarminOAuth2Token {
  return isObject(value) && isText(value.access_token) && isText(value.refresh_token) && typeof value.expires_in === 'number';
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function fromBase64(text: string): string {
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64').toString('utf8') : '';
}
