import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { routes, sections } from '../db/schema.ts';
import { InvalidInput } from '../domain/errors.ts';
import { parseGpx } from '../domain/gpx.ts';
import type { GearAdvice } from '../domain/physics.ts';
import { analyseRoute, type RouteAnalysis } from '../domain/route.ts';
import type { ProfileService } from './profile.ts';
import { nameFromFile } from './file-name.ts';

export const ROUTE_LIBRARY_CAP = 200;

export type RouteRow = typeof routes.$inferSelect;
export type SectionRow = typeof sections.$inferSelect;
export interface StoredRoute {
  route: RouteRow;
  sections: SectionRow[];
  analysis: RouteAnalysis;
}

export type ImportResult = { kind: 'saved'; stored: StoredRoute } | { kind: 'duplicate'; route: RouteRow };

/** How a gear reads in a table cell and the sections.min_gear column. */
export function gearLabel(advice: GearAdvice | null): string | null {
  if (!advice) return null;
  return advice.kind === 'ok' ? `${advice.gear.chainring}x${advice.gear.cog}` : 'beyond your gears';
}

/**
 * The rider's route library: GPX files kept under DATA_DIR/gpx/ (named by their
 * content hash, never by the uploaded name), a `routes` row with the analysis and
 * one `sections` row per section. The same file twice is the same route.
 */
export class RouteLibrary {
  constructor(
    private readonly deps: { db: Db; dataDir: string; profiles: ProfileService },
  ) {}

  async import(bytes: Uint8Array, sourceFileName?: string): Promise<ImportResult> {
    const { db } = this.deps;
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const existing = await this.findByHash(sha256);
    if (existing) return { kind: 'duplicate', route: existing };

    const [{ total } = { total: 0 }] = await db.select({ total: count() }).from(routes);
    if (total >= ROUTE_LIBRARY_CAP) {
      throw new InvalidInput(
        'route_library_full',
        `Your route library is full (${ROUTE_LIBRARY_CAP} routes): delete one from /routes, then send this file again.`,
      );
    }

    const gpx = parseGpx(bytes);
    const { profile, defaultsUsed } = await this.deps.profiles.resolved();
    const analysis = analyseRoute(gpx, profile, defaultsUsed);
    const name = (analysis.name ?? nameFromFile(sourceFileName) ?? 'Unnamed route').slice(0, 200);

    const relativePath = path.posix.join('gpx', `${sha256.slice(0, 32)}.gpx`);
    const absolutePath = path.resolve(this.deps.dataDir, relativePath);
    await mkdir(path.dirname(absolutePath), { recursive: true });
    await writeFile(`${absolutePath}.tmp`, bytes);
    await rename(`${absolutePath}.tmp`, absolutePath);

    try {
      const stored = await db.transaction(async (tx) => {
        const [route] = await tx
          .insert(routes)
          .values({
            name,
            contentSha256: sha256,
            gpxFilePath: relativePath,
            sourceFileName: sourceFileName ?? null,
            points: analysis.points,
            distanceM: analysis.distanceM,
            ascentM: analysis.hasElevation ? analysis.ascentM : null,
            descentM: analysis.hasElevation ? analysis.descentM : null,
            minElevationM: analysis.minElevationM,
            maxElevationM: analysis.maxElevationM,
            estTimeS: Math.round(analysis.estTimeS),
            analysis: analysis as unknown as Record<string, unknown>,
          })
          .onConflictDoNothing({ target: routes.contentSha256 })
          .returning();
        if (!route) return undefined; // the same file, saved a moment ago by a re-delivered update
        const sectionRows = analysis.sections.length
          ? await tx
              .insert(sections)
              .values(
                analysis.sections.map((s, seq) => ({
                  routeId: route.id,
                  seq,
                  kind: s.kind,
                  category: s.category,
                  gpxFilePath: relativePath,
                  startM: s.startM,
                  endM: s.endM,
                  distanceM: s.distanceM,
                  ascentM: analysis.hasElevation ? s.ascentM : null,
                  gradeAvg: analysis.hasElevation ? s.gradeAvgPct : null,
                  gradeMax: analysis.hasElevation ? s.gradeMaxPct : null,
                  minGear: gearLabel(s.minGear),
                  estTimeMinutes: s.estTimeS / 60,
                })),
              )
              .returning()
          : [];
        return { route, sections: sectionRows, analysis };
      });
      if (stored) return { kind: 'saved', stored };
      const winner = await this.findByHash(sha256);
      if (!winner) throw new Error(`route ${sha256} vanished after a conflicting insert`);
      return { kind: 'duplicate', route: winner };
    } catch (error) {
      // nothing half-stored: no row means no file (unless another row owns it)
      if (!(await this.findByHash(sha256))) await rm(absolutePath, { force: true });
      throw error;
    }
  }

  async list(offset: number, limit: number): Promise<{ routes: RouteRow[]; total: number }> {
    const { db } = this.deps;
    const [rows, [{ total } = { total: 0 }]] = await Promise.all([
      db.select().from(routes).orderBy(asc(routes.id)).offset(offset).limit(limit),
      db.select({ total: count() }).from(routes),
    ]);
    return { routes: rows, total };
  }

  async get(id: number): Promise<StoredRoute | undefined> {
    const { db } = this.deps;
    const [route] = await db.select().from(routes).where(eq(routes.id, id));
    if (!route) return undefined;
    const rows = await db.select().from(sections).where(eq(sections.routeId, id)).orderBy(asc(sections.seq));
    return { route, sections: rows, analysis: route.analysis as unknown as RouteAnalysis };
  }

  /**
   * The route ridden at today's profile (FTP, weight, gears): its estimated time
   * and its longest climb's, for a goal on it. undefined when the route is gone.
   */
  async predict(id: number): Promise<{ name: string; estTimeS: number; longestClimbS: number | null } | undefined> {
    const [route] = await this.deps.db.select().from(routes).where(eq(routes.id, id));
    if (!route) return undefined;
    const bytes = await readFile(path.resolve(this.deps.dataDir, route.gpxFilePath)).catch(() => undefined);
    if (!bytes) return undefined;
    const { profile, defaultsUsed } = await this.deps.profiles.resolved();
    const analysis = analyseRoute(parseGpx(bytes), profile, defaultsUsed);
    const climbs = analysis.sections.filter((s) => s.kind === 'climb').map((s) => s.estTimeS);
    return { name: route.name, estTimeS: analysis.estTimeS, longestClimbS: climbs.length ? Math.max(...climbs) : null };
  }

  /** Deletes the row (sections cascade) and its file; false when it was already gone. */
  async remove(id: number): Promise<boolean> {
    const [deleted] = await this.deps.db.delete(routes).where(eq(routes.id, id)).returning();
    if (!deleted) return false;
    await rm(path.resolve(this.deps.dataDir, deleted.gpxFilePath), { force: true });
    return true;
  }

  private async findByHash(sha256: string): Promise<RouteRow | undefined> {
    const [row] = await this.deps.db.select().from(routes).where(eq(routes.contentSha256, sha256));
    return row;
  }
}
