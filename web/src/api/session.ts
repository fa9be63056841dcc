/**
 * The function key the dashboard signs in with, kept in `sessionStorage`: it lasts as long as the
 * browser tab, is never put in a URL and is sent only as the `x-functions-key` header.
 */
const STORAGE_KEY = 'sibyl.functionKey';

/** The stored key, or undefined when signed out. */
export function storedKey(): string | undefined {
  try {
    return sessionStorage.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Remembers the key for this browser session. */
export function storeKey(key: string): void {
  sessionStorage.setItem(STORAGE_KEY, key);
}

/** Forgets the key (sign out, or the server refused it). */
export function forgetKey(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
