/**
 * `work`, or `late()` thrown once `ms` have passed (the work itself is abandoned,
 * not stopped: callers that can abort pass their own signal too). For calls that
 * may hang: a health check, a source whose library can wait forever.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, late: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(late()), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
