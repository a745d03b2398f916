/** Dates and durations as a rider reads them, in their own time zone. */
export function formatDateTime(date: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

/** "45 s", "12 min", "1 h 05 min": one home, shared with the coach's words. */
export { duration as formatDuration } from '../domain/coach/words.ts';
