/** Distances on the earth's surface. */

/** Mean earth radius (IUGG), the one the fixture reference distances use. */
export const EARTH_RADIUS_M = 6_371_008.8;

export const RAD = Math.PI / 180;

export function haversineM(lat1: number, lon1: number, lat2: number, lon2: number): number {
  return haversineCosM(lat1, lon1, Math.cos(lat1 * RAD), lat2, lon2, Math.cos(lat2 * RAD));
}

/** Haversine with the cosines of both latitudes given (each point's is computed once). */
export function haversineCosM(lat1: number, lon1: number, cos1: number, lat2: number, lon2: number, cos2: number): number {
  const sinLat = Math.sin(((lat2 - lat1) * RAD) / 2);
  const sinLon = Math.sin(((lon2 - lon1) * RAD) / 2);
  const a = sinLat * sinLat + cos1 * cos2 * sinLon * sinLon;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(a)));
}
