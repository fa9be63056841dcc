/**
 * Login profiles, kept in `<config dir>/sibyl/config.json` with owner-only permissions (file 0600,
 * folder 0700): the config dir is `$XDG_CONFIG_HOME`, else `%APPDATA%` on Windows, else `~/.config`.
 *
 * @example
 *   saveProfile('local', { url: 'http://127.0.0.1:7071', key: '…' }, { makeDefault: true });
 *   loadConfig().profiles.local?.url; // 'http://127.0.0.1:7071'
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UsageError } from './cliErrors';

/** One profile: where Sibyl is and the control-plane (function) key. */
export interface Profile {
  url: string;
  /** The key, when no OS keychain holds it (the file is owner-only). */
  key?: string;
  /** The key is in the OS keychain (`keyStore.ts`), not in this file. */
  keyInKeychain?: boolean;
  /** The user allowed plain http to a non-local host (`--insecure`) at login. */
  insecure?: boolean;
}

/** The config file's content. Changing it breaks users' saved logins. */
export interface CliConfig {
  defaultProfile?: string;
  profiles: Record<string, Profile>;
}

/** Profile names: letters, digits, `_`, `.`, `-`. */
export const PROFILE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** The folder the config file lives in. */
export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XDG_CONFIG_HOME) return path.join(env.XDG_CONFIG_HOME, 'sibyl');
  if (process.platform === 'win32' && env.APPDATA) return path.join(env.APPDATA, 'sibyl');
  return path.join(os.homedir(), '.config', 'sibyl');
}

/** The config file's path. */
export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(configDir(env), 'config.json');
}

/** Reads the config; a missing file is an empty config, a corrupt one a usage error naming the file. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): CliConfig {
  const file = configPath(env);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { profiles: {} };
    throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as Partial<CliConfig>;
    return {
      defaultProfile: parsed.defaultProfile,
      profiles: parsed.profiles && typeof parsed.profiles === 'object' ? parsed.profiles : {},
    };
  } catch {
    throw new UsageError(`${file} is not valid JSON; fix it or delete it and run 'sibyl login' again.`);
  }
}

/** Writes the config atomically, owner-only (the file holds keys). */
export function saveConfig(config: CliConfig, env: NodeJS.ProcessEnv = process.env): string {
  const dir = configDir(env);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = configPath(env);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  // The mode given to open is masked by umask; chmod makes 0600 exact whatever the umask.
  fs.chmodSync(temp, 0o600);
  fs.renameSync(temp, file);
  return file;
}

/** Adds or replaces a profile; it becomes the default when asked, or when there is none yet. */
export function saveProfile(
  name: string,
  profile: Profile,
  options: { makeDefault?: boolean } = {},
  env: NodeJS.ProcessEnv = process.env,
): { file: string; isDefault: boolean } {
  if (!PROFILE_NAME.test(name))
    throw new UsageError(`'${name}' is not a valid profile name: use letters, digits, '_', '.', '-'.`);
  const config = loadConfig(env);
  config.profiles[name] = profile;
  const isDefault = options.makeDefault === true || !config.defaultProfile || !config.profiles[config.defaultProfile];
  if (isDefault) config.defaultProfile = name;
  return { file: saveConfig(config, env), isDefault };
}

/** Removes a profile; false when there was none of that name. */
export function removeProfile(name: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const config = loadConfig(env);
  if (!config.profiles[name]) return false;
  delete config.profiles[name];
  if (config.defaultProfile === name) config.defaultProfile = Object.keys(config.profiles)[0];
  saveConfig(config, env);
  return true;
}
