/**
 * Model sessions kept per deployment id: bounded (least recently used goes first), released when
 * evicted or deleted, and loaded once however many requests ask for the same key at the same time.
 */
import { SibylError } from '../errors';
import type { ModelSession } from './modelSession';

/** What the cache needs of a cached value; `ModelSession` by default. */
export interface Releasable {
  release(): Promise<void>;
}

export interface SessionCacheOptions<S> {
  /** Most sessions kept at once (loads in flight count too but are never evicted). Default 8. */
  maxEntries?: number;
  /** Told after a session left the cache and was released (`error` if its release failed). */
  onRelease?: (key: string, session: S, reason: 'evicted' | 'deleted', error?: unknown) => void;
}

/** A key was deleted (or the cache cleared) while its session was still loading. `ServiceUnavailable` (503). */
export class SessionRemovedError extends SibylError {
  constructor(key: string) {
    super('ServiceUnavailable', `The session for '${key}' was removed while it was loading`);
    this.name = 'SessionRemovedError';
  }
}

interface Entry<S> {
  promise: Promise<S>;
  session?: S;
  removed: boolean;
}

/**
 * A session handed out may be evicted later (it finishes its runs in flight, then refuses new ones
 * with `SessionClosedError`), so callers `get` per request rather than keep one.
 *
 * @example
 * const cache = new SessionCache({ maxEntries: 4 });
 * const session = await cache.get(deploymentId, async () => {
 *   const s = await ModelSession.load(bytes, settings);
 *   await s.warm();
 *   return s;
 * });
 */
export class SessionCache<S extends Releasable = ModelSession> {
  /** Map order is recency order: the first key is the least recently used. */
  private readonly entries = new Map<string, Entry<S>>();
  /** The last key of `entries` when known (undefined: unknown), so a hit on it moves nothing. */
  private newest: string | undefined;
  private readonly maxEntries: number;

  constructor(private readonly options: SessionCacheOptions<S> = {}) {
    this.maxEntries = options.maxEntries ?? 8;
    if (!Number.isInteger(this.maxEntries) || this.maxEntries < 1)
      throw new RangeError('maxEntries must be a whole number ≥ 1');
  }

  /**
   * The session for `key`, calling `loader` only when there is none and no load in flight.
   * A failed load is not cached: the next `get` tries again.
   */
  get(key: string, loader: () => Promise<S>): Promise<S> {
    const existing = this.entries.get(key);
    if (existing) {
      this.touch(key, existing);
      return existing.promise;
    }
    const entry = { removed: false } as Entry<S>;
    // In the map before the loader runs, so a loader that throws at once is not cached as a failure.
    this.touch(key, entry);
    entry.promise = this.load(key, entry, loader);
    return entry.promise;
  }

  private async load(key: string, entry: Entry<S>, loader: () => Promise<S>): Promise<S> {
    let session: S;
    try {
      session = await loader();
    } catch (error) {
      if (this.entries.get(key) === entry) this.forget(key);
      throw error;
    }
    if (entry.removed) {
      await this.releaseQuietly(key, session, 'deleted');
      throw new SessionRemovedError(key);
    }
    entry.session = session;
    this.evictOverflow(entry);
    return session;
  }

  /**
   * Loads a successor for `key` while the current session keeps serving, then swaps it in at once
   * and releases the old one (a release may drain first). A failed load leaves the current one.
   */
  async replace(key: string, loader: () => Promise<S>): Promise<S> {
    const session = await loader();
    const old = this.entries.get(key);
    const entry: Entry<S> = { promise: Promise.resolve(session), session, removed: false };
    this.touch(key, entry);
    if (old) {
      old.removed = true;
      if (old.session) void this.releaseQuietly(key, old.session, 'deleted');
    }
    this.evictOverflow(entry);
    return session;
  }

  /** The loaded session for `key`, if any, marked most recently used; never loads (a request's fast path). */
  hit(key: string): S | undefined {
    const entry = this.entries.get(key);
    if (!entry?.session) return undefined;
    // Already the most recent (a steady stream to one model): nothing to move.
    if (key !== this.newest) this.touch(key, entry);
    return entry.session;
  }

  /** The loaded session for `key`, if any, without loading or touching recency. */
  peek(key: string): S | undefined {
    return this.entries.get(key)?.session;
  }

  /** Whether `key` is loaded or loading. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Keys loaded or loading, least recently used first. */
  keys(): string[] {
    return [...this.entries.keys()];
  }

  get size(): number {
    return this.entries.size;
  }

  /** Removes `key` and releases its session (a load in flight is released when it lands). */
  async delete(key: string): Promise<boolean> {
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.forget(key);
    entry.removed = true;
    if (entry.session) await this.releaseQuietly(key, entry.session, 'deleted');
    return true;
  }

  /** Removes and releases everything. */
  async clear(): Promise<void> {
    await Promise.all(this.keys().map((key) => this.delete(key)));
  }

  /** Evicts least recently used loaded sessions past the bound, never `landed` (its caller is about to get it). */
  private evictOverflow(landed: Entry<S>): void {
    let excess = this.entries.size - this.maxEntries;
    for (const [key, entry] of this.entries) {
      if (excess <= 0) break;
      // Loads in flight have callers waiting on them; the bound is restored when they land.
      if (!entry.session || entry === landed) continue;
      this.forget(key);
      entry.removed = true;
      excess--;
      void this.releaseQuietly(key, entry.session, 'evicted');
    }
  }

  /** Makes `key` the most recent entry. */
  private touch(key: string, entry: Entry<S>): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
    this.newest = key;
  }

  private forget(key: string): void {
    this.entries.delete(key);
    if (this.newest === key) this.newest = undefined;
  }

  /** Release errors must not break the caller who happened to trigger the eviction. */
  private async releaseQuietly(key: string, session: S, reason: 'evicted' | 'deleted'): Promise<void> {
    let failure: unknown;
    try {
      await session.release();
    } catch (error) {
      failure = error;
    }
    try {
      this.options.onRelease?.(key, session, reason, failure);
    } catch {
      // A throwing listener must not become an unhandled rejection of a background eviction.
    }
  }
}
