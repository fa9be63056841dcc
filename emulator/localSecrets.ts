/**
 * The host's keys and the app's secrets for local runs: taken from settings when given, else
 * generated once and kept (owner-only) in the data dir — the local stand-in for Key Vault and the
 * host's key store. In Azure these come from Key Vault references and the host's own keys.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface LocalSecrets {
  /** Admin level (`_master`). */
  masterKey: string;
  /** The default function key (control plane). */
  functionKey: string;
  /** The Durable extension's system key: grants the `runtime/webhooks/durabletask` routes only. */
  durableKey: string;
  /** App secrets (`SIBYL_TOKEN_SIGNING_KEY`, `SIBYL_KEY_ENCRYPTION_KEY`). */
  tokenSigningKey: string;
  keyEncryptionKey: string;
}

const newSecret = (): string => randomBytes(32).toString('base64url');

export function loadLocalSecrets(dataDir: string, overrides: Partial<LocalSecrets>): LocalSecrets {
  const file = path.join(dataDir, 'secrets.json');
  const stored = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LocalSecrets>) : {};
  const generated: LocalSecrets = {
    masterKey: stored.masterKey ?? newSecret(),
    functionKey: stored.functionKey ?? newSecret(),
    durableKey: stored.durableKey ?? newSecret(),
    tokenSigningKey: stored.tokenSigningKey ?? newSecret(),
    keyEncryptionKey: stored.keyEncryptionKey ?? newSecret(),
  };
  if (Object.keys(generated).some((k) => stored[k as keyof LocalSecrets] === undefined)) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(generated, null, 2), { mode: 0o600 });
  }
  const secrets = { ...generated };
  for (const [key, value] of Object.entries(overrides)) if (value) secrets[key as keyof LocalSecrets] = value;
  return secrets;
}
