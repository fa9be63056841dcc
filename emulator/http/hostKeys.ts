/**
 * Host keys, as the Functions host keeps them: a master key (admin level) and a default function
 * key. Taken from settings when given, else generated once and kept in the data dir.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AuthLevel } from '../functionCatalog';

export interface HostKeys {
  masterKey: string;
  functionKey: string;
}

function newKey(): string {
  return randomBytes(32).toString('base64url');
}

/** Loads `<dataDir>/host-keys.json`, creating it (owner-only) on first start. Settings win. */
export function loadHostKeys(dataDir: string, overrides: Partial<HostKeys>): HostKeys {
  const file = path.join(dataDir, 'host-keys.json');
  let stored: Partial<HostKeys> = {};
  if (fs.existsSync(file)) stored = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<HostKeys>;
  const keys: HostKeys = {
    masterKey: stored.masterKey ?? newKey(),
    functionKey: stored.functionKey ?? newKey(),
  };
  if (stored.masterKey !== keys.masterKey || stored.functionKey !== keys.functionKey) {
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(file, JSON.stringify(keys, null, 2), { mode: 0o600 });
  }
  return { masterKey: overrides.masterKey || keys.masterKey, functionKey: overrides.functionKey || keys.functionKey };
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The level a presented key grants: master → admin, function key → function, else anonymous. */
export function levelOf(keys: HostKeys, presented: string | undefined): AuthLevel {
  if (!presented) return 'anonymous';
  if (same(presented, keys.masterKey)) return 'admin';
  if (same(presented, keys.functionKey)) return 'function';
  return 'anonymous';
}

const RANK: Record<AuthLevel, number> = { anonymous: 0, function: 1, admin: 2 };

export function isAuthorized(required: AuthLevel, granted: AuthLevel): boolean {
  return RANK[granted] >= RANK[required];
}
