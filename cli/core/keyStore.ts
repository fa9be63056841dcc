/**
 * Where `sibyl login` keeps a profile's function key: the OS keychain (libsecret on Linux, the macOS
 * Keychain, Windows Credential Manager, through `@napi-rs/keyring`) when one answers, else the profile in
 * the owner-only config file (0600 in a 0700 folder). The caller is told which, in words.
 * `SIBYL_KEYCHAIN=0` skips the keychain (CI machines, containers).
 *
 * @example
 *   const stored = storeKey('prod', key); // { where: 'keychain', description: 'the OS keychain (…)' } or { where: 'none', reason }
 *   const key = readKey('prod', profile);
 */
import { Entry } from '@napi-rs/keyring';
import type { Profile } from './profileStore';

const SERVICE = 'sibyl-cli';

/** Where `storeKey` put the key: the keychain, or nowhere (and why), so the profile file must hold it. */
export type KeyLocation = { where: 'keychain'; description: string } | { where: 'none'; reason: string };

function keychainDisabled(env: NodeJS.ProcessEnv): boolean {
  return /^(0|false|no)$/i.test(env.SIBYL_KEYCHAIN ?? '');
}

/** Saves `key` for `profile` in the keychain; on failure says why, so the caller falls back to the file. */
export function storeKey(profile: string, key: string, env: NodeJS.ProcessEnv = process.env): KeyLocation {
  if (keychainDisabled(env)) return { where: 'none', reason: 'SIBYL_KEYCHAIN=0' };
  try {
    new Entry(SERVICE, profile).setPassword(key);
    return { where: 'keychain', description: `the OS keychain (service '${SERVICE}', account '${profile}')` };
  } catch (error) {
    return { where: 'none', reason: (error as Error).message.split('\n')[0] ?? 'no keychain' };
  }
}

/** The key of a profile: from the keychain when the profile says so, else from the file. */
export function readKey(name: string, profile: Profile): string | undefined {
  if (!profile.keyInKeychain) return profile.key;
  try {
    return new Entry(SERVICE, name).getPassword() ?? undefined;
  } catch {
    return undefined;
  }
}

/** Forgets a profile's keychain entry, if any (best effort: a missing entry is fine). */
export function forgetKey(name: string): void {
  try {
    new Entry(SERVICE, name).deletePassword();
  } catch {
    // Nothing stored, or no keychain: nothing to forget.
  }
}
