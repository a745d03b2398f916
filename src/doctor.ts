/**
 * coach doctor: one line per part of a self-hosted bot (configuration, database,
 * data folder, Telegram, fonts, AI, ride sources), each with the fix when it fails.
 * Read-only: nothing is created, migrated, sent or logged in to. Every line passes
 * through the same scrubber as the log, so no secret reaches the terminal, not even
 * inside a library's error message.
 */
import { randomBytes } from 'node:crypto';
import type { Stats } from 'node:fs';
import { rm, stat, statfs, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { ConfigError, loadConfig, secretsOf, type Config } from './config.ts';
import { DatabaseBusy, openDatabase, type Database, type Db } from './db/client.ts';
import { withDeadline } from './deadline.ts';
import { SourceError } from './integrations/activity-source.ts';
import { sourceCatalog, type SourceCatalog } from './integrations/sources.ts';
import { createLogger, createScrubber } from './logger.ts';
import { networkReason } from './network.ts';
import { MIGRATIONS_DIR } from './paths.ts';

/** ok and warn pass, off is a part not configured, skip a check that depends on one that failed. */
type Status = 'ok' | 'warn' | 'off' | 'skip' | 'FAIL';

interface Outcome {
  status: Status;
  detail: string;
  /** FAIL/warn: how to fix it; ok/off: how to turn it on or what to do next. */
  fix?: string;
}

interface Finding extends Outcome {
  name: string;
}

interface Context {
  config: Config;
  sources: SourceCatalog;
  /** Names of the checks that failed so far: later checks that need them skip. */
  failed: Set<string>;
}

interface Check {
  name: string;
  run(ctx: Context): Promise<Outcome>;
}

/** Long enough for a slow link, short enough that doctor never seems to hang. */
const NETWORK_TIMEOUT_MS = 5_000;
/** The embedded database loads a WASM postgres first: slower than a network round trip on a small board. */
const DATABASE_TIMEOUT_MS = 20_000;
const MB = 1024 * 1024;
const DAY_MS = 86_400_000;

export async function runDoctor(env: NodeJS.ProcessEnv, out: (line: string) => void): Promise<number> {
  let config: Config;
  try {
    config = loadConfig(env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    // the schema's messages name the variable and the fix, and never quote a value
    for (const line of error.lines) out(format({ status: 'FAIL', name: 'config', detail: line.replace(/^Configuration error: /, '') }));
    out(format({ status: 'skip', name: 'others', detail: `not checked until the configuration is valid: ${CHECKS.map((c) => c.name).join(', ')}` }));
    out(summary([{ status: 'FAIL', name: 'config', detail: '' }]));
    return 1;
  }
  const scrub = createScrubber(secretsOf(config));
  const print = (finding: Finding) => out(scrub(format(finding)));
  const findings: Finding[] = [{ status: 'ok', name: 'config', detail: 'every variable is valid' }];
  print(findings[0]!);
  const logger = createLogger({ level: 'silent', pretty: false, secrets: [] });
  // the sources with doctor's short deadline instead of SYNC_TIMEOUT_S
  const sources = sourceCatalog({ ...config, sync: { ...config.sync, timeoutMs: NETWORK_TIMEOUT_MS } }, logger);
  const ctx: Context = { config, sources, failed: new Set() };
  for (const check of CHECKS) {
    const outcome = await check.run(ctx).catch((error: unknown): Outcome =>
      error instanceof Unreachable
        ? { status: 'FAIL', detail: `no answer (${error.message})`, fix: "check the server's network and run doctor again" }
        : { status: 'FAIL', detail: `the check itself failed: ${messageOf(error)}` },
    );
    const finding = { name: check.name, ...outcome };
    if (finding.status === 'FAIL') ctx.failed.add(check.name);
    findings.push(finding);
    print(finding);
  }
  out(summary(findings));
  return findings.some((f) => f.status === 'FAIL') ? 1 : 0;
}

function format({ status, name, detail, fix }: Finding): string {
  const tail = fix === undefined ? '' : status === 'FAIL' || status === 'warn' ? ` — fix: ${fix}` : ` — ${fix}`;
  return `${status.padEnd(6)}${name.padEnd(11)}${detail}${tail}`;
}

function summary(findings: Finding[]): string {
  const count = (status: Status) => findings.filter((f) => f.status === status).length;
  const failed = findings.filter((f) => f.status === 'FAIL').map((f) => f.name);
  const notes = [count('warn') ? `${count('warn')} warning${count('warn') > 1 ? 's' : ''}` : '', count('off') ? `${count('off')} off` : '']
    .filter(Boolean)
    .join(', ');
  if (failed.length === 0) return `doctor: everything configured works${notes ? ` (${notes})` : ''}`;
  return `doctor: ${failed.length} failed (${failed.join(', ')})${notes ? `, ${notes}` : ''}; fix ${failed.length > 1 ? 'those' : 'that'} and run coach doctor again`;
}

const CHECKS: Check[] = [
  { name: 'database', run: database },
  { name: 'data dir', run: dataDir },
  { name: 'telegram', run: telegram },
  { name: 'chat', run: chat },
  { name: 'webhook', run: webhook },
  { name: 'fonts', run: fonts },
  { name: 'ai', run: ai },
  { name: 'garmin', run: garmin },
  { name: 'intervals', run: intervals },
];

// ---- database ------------------------------------------------------------------------------

async function database({ config }: Context): Promise<Outcome> {
  if (!config.databaseUrl) {
    const dir = path.resolve(config.dataDir, 'pgdata');
    // opening would create the folder: a diagnosis must not
    if (!(await existing(dir))?.isDirectory()) return { status: 'ok', detail: `embedded database in ${dir} not created yet; the first start creates it` };
  }
  const opening = openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, migrate: false });
  let db: Database;
  try {
    db = await within(opening, DATABASE_TIMEOUT_MS, 'the database');
  } catch (error) {
    // an open that finishes after the deadline still holds the folder (PGlite) or a pool: release it then
    void opening.then((late) => late.close()).catch(() => undefined);
    if (error instanceof DatabaseBusy) return { status: 'ok', detail: `embedded database in ${error.dir} is in use by the running bot (pid ${error.pid}); not opened` };
    if (config.databaseUrl) return { status: 'FAIL', detail: `cannot open PostgreSQL: ${messageOf(error)}`, fix: 'check DATABASE_URL (postgres://user:password@host:5432/database)' };
    return { status: 'FAIL', detail: `cannot open the embedded database in ${path.resolve(config.dataDir, 'pgdata')}: ${messageOf(error)}`, fix: 'check DATA_DIR and free disk space; stop any other process using that folder' };
  }
  try {
    const [version, applied] = await within(Promise.all([db.serverVersion(), appliedMigrations(db.db)]), NETWORK_TIMEOUT_MS, 'the database');
    const where = db.kind === 'postgres' ? `PostgreSQL ${version} at ${db.location}` : `embedded PGlite (PostgreSQL ${version}) in ${db.location}`;
    const state = migrationState(applied);
    return { ...state, detail: `${where}; ${state.detail}` };
  } catch (error) {
    if (db.kind === 'pglite') return { status: 'FAIL', detail: `the embedded database in ${db.location} does not answer: ${messageOf(error)}`, fix: 'run doctor again; if it persists, restore DATA_DIR from a backup' };
    return {
      status: 'FAIL',
      detail: `cannot use PostgreSQL at ${db.location}: ${messageOf(error)}`,
      fix: 'check that the server runs and DATABASE_URL (host, port, database, user, password), or unset DATABASE_URL for the embedded database',
    };
  } finally {
    await within(db.close(), NETWORK_TIMEOUT_MS, 'closing the database').catch(() => undefined);
  }
}

/** created_at of every migration drizzle recorded (the journal's `when`); none on a fresh database. */
async function appliedMigrations(db: Db): Promise<number[]> {
  const rows = async <T>(query: ReturnType<typeof sql>) => ((await db.execute(query)) as unknown as { rows: T[] }).rows;
  const [table] = await rows<{ present: boolean }>(sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (!table?.present) return [];
  return (await rows<{ created_at: string | number }>(sql`select created_at from drizzle.__drizzle_migrations`)).map((r) => Number(r.created_at));
}

/** drizzle applies the journal's migrations newer than the newest recorded one; one it does not know means a newer bot used this database. */
function migrationState(applied: number[]): Outcome {
  const known = readMigrationFiles({ migrationsFolder: MIGRATIONS_DIR }).map((m) => m.folderMillis);
  const unknown = applied.filter((at) => !known.includes(at));
  if (unknown.length > 0) {
    const newest = new Date(Math.max(...unknown)).toISOString().slice(0, 10);
    return {
      status: 'FAIL',
      detail: `${unknown.length} migration${unknown.length > 1 ? 's' : ''} this version does not know (the newest dated ${newest}): a newer version of the bot used this database`,
      fix: 'run that newer version again (going back is not supported), or restore a backup made before the upgrade',
    };
  }
  if (applied.length === 0) return { status: 'ok', detail: `empty; the first start applies the ${known.length} migrations` };
  const pending = known.filter((at) => at > Math.max(...applied)).length;
  if (pending > 0) return { status: 'ok', detail: `${pending} of ${known.length} migrations pending; the next start applies them` };
  return { status: 'ok', detail: `migrations current (${known.length})` };
}

// ---- data dir ------------------------------------------------------------------------------

async function dataDir({ config }: Context): Promise<Outcome> {
  const dir = path.resolve(config.dataDir);
  // the folder itself, or the nearest parent the first start would create it in
  let folder = dir;
  let stats = await existing(folder);
  while (!stats && path.dirname(folder) !== folder) {
    folder = path.dirname(folder);
    stats = await existing(folder);
  }
  if (!stats?.isDirectory()) {
    return { status: 'FAIL', detail: `${dir} cannot be created: ${folder} is not a folder`, fix: 'point DATA_DIR at a folder (or below one)' };
  }
  const probe = path.join(folder, `.doctor-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, 'ok', { flag: 'wx' });
    await rm(probe);
  } catch (error) {
    return { status: 'FAIL', detail: `${folder} is not writable (${codeOf(error)})`, fix: `let the user running the bot write there (chown/chmod), or point DATA_DIR elsewhere` };
  }
  const fs = await statfs(folder);
  const freeMb = (fs.bavail * fs.bsize) / MB;
  const free = freeMb >= 1024 ? `${(freeMb / 1024).toFixed(1)} GB free` : `${Math.floor(freeMb)} MB free`;
  const where = folder === dir ? `${dir} writable` : `${dir} does not exist yet; the first start creates it in ${folder} (writable)`;
  if (freeMb < 100) return { status: 'FAIL', detail: `${where}, but only ${free}`, fix: 'free some disk space or move DATA_DIR: the database stops writing when the disk is full' };
  if (freeMb < 1024) return { status: 'warn', detail: `${where}, ${free}`, fix: 'free some space soon: rides, routes and the database grow' };
  return { status: 'ok', detail: `${where}, ${free}` };
}

/** The stats of `file`, or undefined when there is nothing there (or a parent is a file). */
async function existing(file: string): Promise<Stats | undefined> {
  try {
    return await stat(file);
  } catch (error) {
    const code = codeOf(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw error;
  }
}

// ---- telegram ------------------------------------------------------------------------------

type BotApiAnswer<T> = { ok: true; result: T } | { ok: false; code: number; description: string };

async function botApi<T>(config: Config, method: string, params: object = {}): Promise<BotApiAnswer<T>> {
  const { status, body } = await fetchJson(`${config.telegram.apiRoot}/bot${config.telegram.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const answer = body as { ok?: unknown; result?: T; error_code?: unknown; description?: unknown } | undefined;
  if (answer?.ok === true) return { ok: true, result: answer.result as T };
  return {
    ok: false,
    code: typeof answer?.error_code === 'number' ? answer.error_code : status,
    description: typeof answer?.description === 'string' ? answer.description : `HTTP ${status}`,
  };
}

async function telegram({ config }: Context): Promise<Outcome> {
  const root = config.telegram.apiRoot;
  let me: BotApiAnswer<{ username: string }>;
  try {
    me = await botApi(config, 'getMe');
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    return { status: 'FAIL', detail: `cannot reach ${root} (${error.message})`, fix: "check the server's network, DNS, firewall or proxy, and TELEGRAM_API_ROOT if you set it" };
  }
  if (me.ok) return { status: 'ok', detail: `token accepted: @${me.result.username}${root === 'https://api.telegram.org' ? '' : ` via ${root}`}` };
  // Telegram answers 404 to a token it cannot even parse
  if (me.code === 401 || me.code === 404) {
    return { status: 'FAIL', detail: `the bot token was refused (${me.code})`, fix: 'copy the token from @BotFather (/mybots → API Token) into TELEGRAM_BOT_TOKEN' };
  }
  return { status: 'FAIL', detail: `Telegram answered ${me.code} (${me.description})`, fix: 'try again later; if it persists, check TELEGRAM_API_ROOT' };
}

const NEEDS_TELEGRAM: Outcome = { status: 'skip', detail: 'not checked: needs a working bot token (see telegram)' };

async function chat({ config, failed }: Context): Promise<Outcome> {
  const id = config.telegram.chatId;
  if (id === undefined) {
    return {
      status: 'off',
      detail: 'TELEGRAM_CHAT_ID unset: pairing mode, the bot only answers /start with the sender’s chat id',
      fix: 'start the bot, send it /start in a private chat, put that id in TELEGRAM_CHAT_ID and restart',
    };
  }
  if (failed.has('telegram')) return NEEDS_TELEGRAM;
  const answer = await botApi<{ type: string; title?: string; first_name?: string }>(config, 'getChat', { chat_id: id });
  if (answer.ok) {
    const name = answer.result.title ?? answer.result.first_name;
    return { status: 'ok', detail: `chat ${id} reachable (${answer.result.type}${name ? `, ${name}` : ''})` };
  }
  return {
    status: 'FAIL',
    detail: `the bot cannot reach chat ${id} (${answer.code}: ${answer.description})`,
    fix: 'send /start to the bot from that chat (a bot cannot write first), or correct TELEGRAM_CHAT_ID: unset it and send /start to learn yours',
  };
}

interface WebhookInfo {
  url: string;
  pending_update_count: number;
  last_error_date?: number;
  last_error_message?: string;
}

async function webhook({ config, failed }: Context): Promise<Outcome> {
  if (failed.has('telegram')) return NEEDS_TELEGRAM;
  const answer = await botApi<WebhookInfo>(config, 'getWebhookInfo');
  if (!answer.ok) return { status: 'FAIL', detail: `getWebhookInfo failed (${answer.code}: ${answer.description})`, fix: 'try again later' };
  const info = answer.result;
  const wanted = config.webhook?.url;
  if (!wanted) {
    if (!info.url) return { status: 'ok', detail: 'long polling (no webhook set)' };
    // grammY's bot.start deletes a webhook, but while one is set getUpdates answers 409 and polling stops
    return {
      status: 'FAIL',
      detail: `WEBHOOK_URL is unset (long polling) but Telegram has a webhook set to ${info.url}: a polling bot gets 409 Conflict and stops receiving messages`,
      fix: 'start (or restart) the bot: it deletes the webhook when it starts polling; if the webhook comes back, another deployment uses this token (stop it, or set WEBHOOK_URL to match it)',
    };
  }
  if (!info.url) return { status: 'warn', detail: `webhook mode, but Telegram has no webhook set yet`, fix: `start (or restart) the bot: it sets ${wanted} when it starts` };
  if (info.url !== wanted) {
    return {
      status: 'FAIL',
      detail: `Telegram sends updates to ${info.url}, not to WEBHOOK_URL ${wanted}`,
      fix: 'restart the bot: it sets WEBHOOK_URL when it starts; if it changes back, another deployment uses this token (stop it)',
    };
  }
  if (info.last_error_message && info.pending_update_count > 0) {
    const when = info.last_error_date ? ` at ${new Date(info.last_error_date * 1000).toISOString()}` : '';
    return {
      status: 'warn',
      detail: `webhook ${wanted}; Telegram's last delivery failed${when} (${info.last_error_message}), ${info.pending_update_count} update(s) waiting`,
      fix: `check that ${wanted} reaches HEALTH_PORT ${config.health.port} through your proxy`,
    };
  }
  return { status: 'ok', detail: `webhook ${wanted}` };
}

// ---- fonts ---------------------------------------------------------------------------------

const FONT_PACKAGES = 'install fonts-dejavu-core (Debian/Ubuntu), font-dejavu (Alpine) or dejavu-sans-fonts (Fedora)';

async function fonts(): Promise<Outcome> {
  // the chart engine registers its font when loaded, exactly as for the first chart (canvas and chart.js: loaded only here)
  const [{ FONT_FAMILY }, { GlobalFonts }] = await Promise.all([import('./charts/engine.ts'), import('@napi-rs/canvas')]);
  const families = FONT_FAMILY.split(',')
    .map((family) => family.trim().replace(/^'(.*)'$/, '$1'))
    .filter((family) => family !== 'sans-serif');
  const found = families.find((family) => GlobalFonts.has(family));
  if (found && found === families[0]) return { status: 'ok', detail: `chart text font available (${found})` };
  if (found) return { status: 'warn', detail: `no DejaVu or Liberation font file in /usr/share/fonts; charts use the system's ${found}`, fix: `${FONT_PACKAGES} for the same look everywhere` };
  const system = GlobalFonts.families[0]?.family;
  if (system) return { status: 'warn', detail: `none of ${families.join(', ')} found; chart text falls back to ${system}`, fix: FONT_PACKAGES };
  return { status: 'FAIL', detail: 'no fonts at all: every chart label, title and tick would be blank', fix: FONT_PACKAGES };
}

// ---- ai ------------------------------------------------------------------------------------

async function ai({ config }: Context): Promise<Outcome> {
  const { apiKey, baseUrl } = config.ai;
  if (!apiKey) return { status: 'off', detail: 'OPENROUTER_API_KEY unset: the built-in coach answers', fix: 'set OPENROUTER_API_KEY for the AI coach' };
  const origin = new URL(baseUrl).origin;
  // OpenRouter's /models is public, so only /key (free, documented) says whether the key is good;
  // another OpenAI-compatible server checks the key on /models, if it checks keys at all
  const openRouter = new URL(baseUrl).hostname === 'openrouter.ai';
  const endpoint = openRouter ? '/key' : '/models';
  let answer: { status: number; body: unknown };
  try {
    answer = await fetchJson(`${baseUrl}${endpoint}`, { headers: { authorization: `Bearer ${apiKey}` } });
  } catch (error) {
    if (!(error instanceof Unreachable)) throw error;
    return { status: 'FAIL', detail: `cannot reach ${origin} (${error.message})`, fix: "check the server's network, DNS or firewall, and AI_BASE_URL" };
  }
  const { status, body } = answer;
  if (status === 401 || status === 403) {
    return {
      status: 'FAIL',
      detail: `${origin} refused the key (${status})`,
      fix: openRouter ? 'create a key at https://openrouter.ai/settings/keys and put it in OPENROUTER_API_KEY' : 'put the key this server expects in OPENROUTER_API_KEY',
    };
  }
  if (status === 404) return { status: 'FAIL', detail: `${baseUrl}${endpoint} does not exist (404)`, fix: 'check AI_BASE_URL: the OpenAI-compatible API root, usually ending in /v1' };
  if (status < 200 || status >= 300) return { status: 'FAIL', detail: `${origin} answered ${status} to ${endpoint}`, fix: 'try again later; if it persists, check AI_BASE_URL' };
  if (!openRouter) return { status: 'ok', detail: `${origin} answers ${endpoint} with the key (model ${config.ai.model})` };
  const left = (body as { data?: { limit_remaining?: unknown } } | undefined)?.data?.limit_remaining;
  if (typeof left === 'number' && left <= 0) {
    return { status: 'warn', detail: 'key accepted, but its credit limit is used up: the built-in coach answers until it is raised', fix: 'raise the key’s limit at https://openrouter.ai/settings/keys' };
  }
  return { status: 'ok', detail: `key accepted by OpenRouter${typeof left === 'number' ? ` (${left.toFixed(2)} USD left of its limit)` : ''}; model ${config.ai.model}` };
}

// ---- ride sources ----------------------------------------------------------------------------

async function garmin({ config, sources, failed }: Context): Promise<Outcome> {
  if (failed.has('data dir')) return { status: 'skip', detail: 'not checked: the tokens live in DATA_DIR, which is not usable (see data dir)' };
  const tokens = sources.garminTokens;
  const info = await tokens.info();
  if (info.present) {
    const savedAt = info.savedAt ?? new Date();
    const days = Math.floor((Date.now() - savedAt.getTime()) / DAY_MS);
    const refresh = info.refreshExpiresAt ? `; refresh token until ${info.refreshExpiresAt.toISOString().slice(0, 10)}` : '';
    const detail = `tokens saved ${savedAt.toISOString().slice(0, 10)} (${days} day${days === 1 ? '' : 's'} ago)${refresh}${config.garmin ? '' : '; no password set, tokens only'}`;
    // the OAuth1 token buys the short-lived ones and lasts about a year
    if (days > 365) return { status: 'warn', detail, fix: 'Garmin may refuse tokens this old: send fresh ones with /garmin if the sync pauses' };
    return { status: 'ok', detail };
  }
  if (tokens.problem) {
    return {
      status: 'FAIL',
      detail: `the saved tokens in ${path.resolve(tokens.dir)} cannot be used: ${tokens.problem}`,
      fix: `send fresh tokens with /garmin${config.garmin ? ', or delete that folder so the next sync logs in with GARMIN_USERNAME and GARMIN_PASSWORD' : ''}`,
    };
  }
  if (config.garmin) return { status: 'ok', detail: 'no saved tokens yet; the first sync logs in with GARMIN_USERNAME and GARMIN_PASSWORD and saves them' };
  return { status: 'off', detail: 'not configured', fix: 'set GARMIN_USERNAME and GARMIN_PASSWORD, or send tokens with /garmin' };
}

async function intervals({ config, sources }: Context): Promise<Outcome> {
  if (!config.intervals) return { status: 'off', detail: 'not configured', fix: 'set INTERVALS_API_KEY and INTERVALS_ATHLETE_ID (intervals.icu → Settings → Developer settings)' };
  try {
    // the athlete profile: the cheapest call that needs the key, made by the sync's own client
    const thresholds = await (await sources.open('intervals')).thresholds();
    return { status: 'ok', detail: `API key accepted for athlete ${config.intervals.athleteId}${thresholds.ftpW ? ` (FTP ${thresholds.ftpW} W)` : ''}` };
  } catch (error) {
    if (!(error instanceof SourceError)) throw error;
    // the source's messages already say which variable to check
    if (error.kind === 'auth' || error.kind === 'blocked') return { status: 'FAIL', detail: error.message };
    if (error.kind === 'rate_limited') return { status: 'warn', detail: error.message, fix: 'nothing to do: the key could not be checked now, the sync waits on its own' };
    return { status: 'FAIL', detail: error.message, fix: "check the server's network, and INTERVALS_API_URL if you set it" };
  }
}

// ---- helpers -------------------------------------------------------------------------------

/** No HTTP answer at all; the message is the reason (ECONNREFUSED, ENOTFOUND, a timeout). */
class Unreachable extends Error {}

/** One request within NETWORK_TIMEOUT_MS: the status and the JSON body (undefined when the body is not JSON). */
async function fetchJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown }> {
  try {
    const response = await fetch(url, { ...init, signal: AbortSignal.timeout(NETWORK_TIMEOUT_MS) });
    const text = await response.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    return { status: response.status, body };
  } catch (error) {
    throw new Unreachable((error as Error).name === 'TimeoutError' ? `no answer within ${NETWORK_TIMEOUT_MS / 1000} s` : networkReason(error));
  }
}

function within<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  return withDeadline(work, ms, () => new Error(`${what} did not answer within ${ms / 1000} s`));
}

function codeOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? messageOf(error);
}

/** The innermost cause says what went wrong (drizzle wraps the driver's error in "Failed query: …"). */
function messageOf(error: unknown): string {
  let inner = error;
  while (inner instanceof Error && inner.cause instanceof Error) inner = inner.cause;
  // a refused connection to a name with two addresses is an AggregateError without a message
  return inner instanceof Error ? inner.message || ((inner as NodeJS.ErrnoException).code ?? inner.name) : String(inner);
}
