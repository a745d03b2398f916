import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { riderProfile } from '../db/schema.ts';
import { findProfileField, type ProfileField } from '../domain/profile-fields.ts';
import { resolveProfile, type ProfileResolution, type RiderProfile } from '../domain/profile.ts';

/** The rider's stored numbers (one row), and the defaults that fill the gaps. */
export class ProfileService {
  constructor(
    private readonly db: Db,
    private readonly fallbackTimeZone: string,
  ) {}

  async stored(): Promise<RiderProfile> {
    const [row] = await this.db.select().from(riderProfile).where(eq(riderProfile.id, 1));
    if (!row) return {};
    const { id: _id, updatedAt: _updatedAt, ...profile } = row;
    return profile;
  }

  async resolved(): Promise<ProfileResolution> {
    return resolveProfile(await this.stored(), this.fallbackTimeZone);
  }

  /** The zone days and times are shown in: the rider's own, else TZ from the config. */
  async timeZone(): Promise<string> {
    return (await this.resolved()).profile.timeZone;
  }

  /** Parses and stores one value; throws InvalidInput (with the rider's sentence) on a bad one. */
  async set(name: string, text: string): Promise<{ field: ProfileField; value: NonNullable<RiderProfile[keyof RiderProfile]> }> {
    const field = findProfileField(name);
    const value = field.parse(text) as NonNullable<RiderProfile[keyof RiderProfile]>;
    const patch = { [field.key]: value, updatedAt: new Date() };
    await this.db
      .insert(riderProfile)
      .values({ id: 1, ...patch })
      .onConflictDoUpdate({ target: riderProfile.id, set: patch });
    return { field, value };
  }
}
