/**
 * Where a command sends its requests, and with which key. Precedence: an explicit `--profile` (or
 * `SIBYL_PROFILE`) uses that profile as saved; otherwise `SIBYL_URL` / `SIBYL_KEY` win over the default
 * profile, so scripts and CI need no login.
 *
 * @example
 *   const { url, key } = resolveConnection({ profile: 'prod' });
 */
import { UsageError } from './cliErrors';
import { readKey } from './keyStore';
import { loadConfig } from './profileStore';
import { assertSecureUrl } from './transportPolicy';

export interface Connection {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:7071`. */
  url: string;
  /** The control-plane (function) key; absent for hosts without auth. */
  key?: string;
  /** The profile used, if any. */
  profile?: string;
}

/** Resolves the connection for `--profile` (may be undefined). */
export function resolveConnection(
  options: { profile?: string; insecure?: boolean },
  env: NodeJS.ProcessEnv = process.env,
): Connection {
  const connection = findConnection(options, env);
  const profile = connection.profile ? loadConfig(env).profiles[connection.profile] : undefined;
  assertSecureUrl(connection.url, options.insecure === true || profile?.insecure === true);
  return connection;
}

function findConnection(options: { profile?: string }, env: NodeJS.ProcessEnv): Connection {
  const config = loadConfig(env);
  const named = options.profile ?? env.SIBYL_PROFILE;
  if (named) {
    const profile = config.profiles[named];
    if (!profile) {
      const known = Object.keys(config.profiles);
      const listed = known.length ? ` (profiles: ${known.join(', ')})` : '';
      throw new UsageError(`no profile named '${named}'${listed}; run 'sibyl login --url URL --profile ${named}'.`);
    }
    return { url: normalizeUrl(profile.url), key: readKey(named, profile), profile: named };
  }
  const fallback = config.defaultProfile ? config.profiles[config.defaultProfile] : undefined;
  const url = env.SIBYL_URL || fallback?.url;
  if (!url) throw new UsageError("not logged in: run 'sibyl login --url URL' (or set SIBYL_URL and SIBYL_KEY).");
  const key = env.SIBYL_KEY || (env.SIBYL_URL || !fallback ? undefined : readKey(config.defaultProfile!, fallback));
  return { url: normalizeUrl(url), key, profile: env.SIBYL_URL ? undefined : config.defaultProfile };
}

/** Checks a base URL and drops trailing slashes. */
export function normalizeUrl(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UsageError(`'${text}' is not a URL; give the base URL, e.g. http://127.0.0.1:7071.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`'${text}' must start with http:// or https://.`);
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}
