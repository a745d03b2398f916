/**
 * One recorded or planned point of a ride or route, whatever file it came from
 * (GPX trkpt/rtept, TCX Trackpoint, FIT record). Every field is optional because
 * every source leaves some out; units are in the names.
 */
export interface Sample {
  /** Epoch milliseconds (UTC). */
  timeMs?: number;
  lat?: number;
  lon?: number;
  eleM?: number;
  hrBpm?: number;
  cadenceRpm?: number;
  powerW?: number;
  tempC?: number;
  speedMps?: number;
  /** Cumulative distance as recorded by the device, when the file has it. */
  distanceM?: number;
}
