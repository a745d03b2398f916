import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/client.ts';
import { routes, sections } from '../../src/db/schema.ts';
import { InvalidInput } from '../../src/domain/errors.ts';
import { ProfileService } from '../../src/services/profile.ts';
import { ROUTE_LIBRARY_CAP, RouteLibrary } from '../../src/services/routes.ts';
import { openTestDatabase, type TestStorage } from '../support/database.ts';

/** A small climbing route; `n` moves it so every file (and its hash) differs. */
const routeGpx = (n: number) => {
  const points = Array.from({ length: 12 }, (_, i) => `<trkpt lat="${46 + i * 0.001}" lon="${14 + n * 0.0001}"><ele>${300 + i * 8}</ele></trkpt>`);
  return new TextEncoder().encode(`<gpx version="1.1" creator="test"><trk><name>Hill ${n}</name><trkseg>${points.join('')}</trkseg></trk></gpx>`);
};

let storage: TestStorage;
let database: Database;
let close: () => Promise<void>;
let library: RouteLibrary;

beforeAll(async () => {
  ({ storage, database, close } = await openTestDatabase());
  library = new RouteLibrary({ db: database.db, dataDir: storage.dataDir, profiles: new ProfileService(database.db, 'UTC') });
});

afterAll(async () => close?.());

const rowCount = async () => (await database.db.select({ n: count() }).from(routes))[0]!.n;
const gpxFiles = async () => (await readdir(path.join(storage.dataDir, 'gpx')).catch(() => [])).length;

describe('the route library', () => {
  it(`holds ${ROUTE_LIBRARY_CAP} routes; past that it says how to make room, and stores nothing`, async () => {
    for (let n = 0; n < ROUTE_LIBRARY_CAP; n++) {
      expect((await library.import(routeGpx(n), `hill-${n}.gpx`)).kind).toBe('saved');
    }
    expect(await rowCount()).toBe(ROUTE_LIBRARY_CAP);

    const refused = await library.import(routeGpx(ROUTE_LIBRARY_CAP)).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(InvalidInput);
    expect((refused as InvalidInput).riderMessage).toBe(
      `Your route library is full (${ROUTE_LIBRARY_CAP} routes): delete one from /routes, then send this file again.`,
    );
    expect(await rowCount()).toBe(ROUTE_LIBRARY_CAP);
    expect(await gpxFiles()).toBe(ROUTE_LIBRARY_CAP);

    // a file already in the library is still recognised when it is full
    expect((await library.import(routeGpx(7))).kind).toBe('duplicate');

    // deleting one removes its row, sections and file, and makes room
    const { routes: [first] } = await library.list(0, 1);
    const file = path.resolve(storage.dataDir, first!.gpxFilePath);
    const sectionsOfFirst = async () => (await database.db.select({ n: count() }).from(sections).where(eq(sections.routeId, first!.id)))[0]!.n;
    expect(existsSync(file)).toBe(true);
    expect(await sectionsOfFirst()).toBeGreaterThan(0);
    expect(await library.remove(first!.id)).toBe(true);
    expect(existsSync(file)).toBe(false);
    expect(await library.remove(first!.id)).toBe(false);
    expect(await sectionsOfFirst()).toBe(0);
    expect((await library.import(routeGpx(ROUTE_LIBRARY_CAP))).kind).toBe('saved');
    expect(await rowCount()).toBe(ROUTE_LIBRARY_CAP);
  }, 120_000);
});
