/**
 * Why a fetch() got no answer: Node's fetch says only "fetch failed", the reason
 * (ECONNREFUSED, ENOTFOUND, a TLS error) is in its cause.
 */
export function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
