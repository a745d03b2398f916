import path from 'node:path';

/** A name for a route or ride from its uploaded file name: "Saturday loop.gpx" -> "Saturday loop". */
export function nameFromFile(fileName: string | undefined): string | undefined {
  if (!fileName) return undefined;
  const base = path.basename(fileName).replace(/\.gz$/i, '').replace(/\.[^.]+$/, '').trim();
  return base || undefined;
}
