import { readFile } from 'node:fs/promises';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { prompts } from '../../src/db/schema.ts';
import { InvalidInput } from '../../src/domain/errors.ts';
import { PROMPT_ACTION_NAMES } from '../../src/domain/prompts.ts';
import { PromptLibrary, seedFile } from '../../src/services/prompts.ts';
import { openTestDatabase } from '../support/database.ts';

let database: Database;
let close: () => Promise<void>;
let library: PromptLibrary;
const CHAT_TEMPLATE = 'You coach. {{today}} {{athlete}} {{fitness}} {{recent_rides}} {{plan}} {{rules}}';

beforeAll(async () => {
  ({ database, close } = await openTestDatabase());
  library = new PromptLibrary(database.db);
});

afterAll(async () => close?.());

describe('PromptLibrary', () => {
  it('seeds every action from prompts/ as version 1, once', async () => {
    await library.seed();
    await library.seed();
    const rows = await database.db.select().from(prompts);
    expect(rows.map((r) => r.actionType).sort()).toEqual([...PROMPT_ACTION_NAMES].sort());
    for (const action of PROMPT_ACTION_NAMES) {
      const active = await library.active(action);
      expect(active).toMatchObject({ version: 1, active: true, source: 'seed', model: null });
      expect(active.promptText).toBe((await readFile(seedFile(action), 'utf8')).trim());
    }
  });

  it('takes a changed seed file as the next version while the rider never touched that prompt', async () => {
    // as if version 1 came from an older prompts/coach_chat.md
    await database.db.update(prompts).set({ promptText: 'an older seed' }).where(eq(prompts.actionType, 'coach_chat'));
    await library.seed();
    const versions = await library.versions('coach_chat');
    expect(versions.map((v) => [v.version, v.active, v.source])).toEqual([
      [2, true, 'seed'],
      [1, false, 'seed'],
    ]);
  });

  it('refuses a template with an unknown or missing placeholder, with the list, and keeps the current one', async () => {
    const refused = library.replace('coach_chat', 'Hi {{athlete}} {{ride_gps}}');
    await expect(refused).rejects.toBeInstanceOf(InvalidInput);
    await expect(refused).rejects.toHaveProperty(
      'riderMessage',
      'I kept the current prompt: unknown placeholder {{ride_gps}}; missing {{today}}, {{fitness}}, {{recent_rides}}, {{plan}}, {{rules}}. ' +
        'A coach_chat prompt uses each of these once or more, and no others: {{today}}, {{athlete}}, {{fitness}}, {{recent_rides}}, {{plan}}, {{rules}}.',
    );
    expect((await library.active('coach_chat')).version).toBe(2);
  });

  it('makes a new text version N+1 and the only active one; the rider text survives a later seed', async () => {
    const row = await library.replace('coach_chat', `  ${CHAT_TEMPLATE}\n`);
    expect(row).toMatchObject({ version: 3, active: true, source: 'chat', promptText: CHAT_TEMPLATE });
    const active = await database.db.select().from(prompts).where(eq(prompts.active, true));
    expect(active.filter((r) => r.actionType === 'coach_chat')).toHaveLength(1);
    await library.seed();
    expect((await library.active('coach_chat')).version).toBe(3);
  });

  it('sets a model per action as a new version, and rolls back to any older version', async () => {
    const withModel = await library.setModel('coach_chat', 'openai/gpt-4o-mini');
    expect(withModel).toMatchObject({ version: 4, model: 'openai/gpt-4o-mini', promptText: CHAT_TEMPLATE });
    const back = await library.activate('coach_chat', 1);
    expect(back).toMatchObject({ version: 1, active: true, model: null });
    expect((await library.active('coach_chat')).id).toBe(back.id);
    await library.seed(); // chosen by the rider: a seed does not override it
    expect((await library.active('coach_chat')).version).toBe(1);
    await expect(library.activate('coach_chat', 99)).rejects.toHaveProperty('riderMessage', 'coach_chat has no version 99. /prompt coach_chat lists them.');
  });

  it('refuses a text longer than one Telegram message', async () => {
    const long = `${CHAT_TEMPLATE} ${'x'.repeat(4000)}`;
    await expect(library.replace('coach_chat', long)).rejects.toHaveProperty('code', 'prompt_too_long');
  });
});
