// Store errors as one type with a code, and the mapping of IndexedDB's failures onto it. A write
// that hits the storage quota becomes a 'quota' StoreError whose message says what could not be
// saved, how big it was and what the user can do; the transaction was aborted, so whatever was
// stored before (the previous good checkpoint in particular) is unchanged.

export type StoreErrorCode = 'quota' | 'not-found' | 'blocked' | 'failed';

export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
  ) {
    super(message);
  }
}

function errorName(e: unknown): string {
  if (typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string') return e.name;
  return '';
}

export function isQuotaError(e: unknown): boolean {
  if (errorName(e) === 'QuotaExceededError') return true;
  // Some engines report the aborted request as AbortError and put the quota error on `cause`.
  const cause = typeof e === 'object' && e !== null && 'cause' in e ? e.cause : undefined;
  return cause !== undefined && errorName(cause) === 'QuotaExceededError';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** Runs one write; a quota failure becomes a StoreError naming `what` and its size. */
export async function guardWrite<T>(what: string, bytes: number, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (isQuotaError(e)) {
      throw new StoreError(
        'quota',
        `Browser storage is full: could not save ${what} (${formatBytes(bytes)}). ` +
          'Delete old checkpoints or datasets to make room; what was saved before is kept.',
      );
    }
    if (e instanceof StoreError) throw e;
    const msg = e instanceof Error ? e.message : String(e);
    throw new StoreError('failed', `Could not save ${what}: ${msg}`);
  }
}
