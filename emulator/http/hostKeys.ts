/** Which auth level a presented key grants, compared in constant time. */
import { timingSafeEqual } from 'node:crypto';
import type { AuthLevel } from '../functionCatalog';

export interface HostKeys {
  masterKey: string;
  functionKey: string;
  /** Grants only the Durable webhooks (Azure's `durabletask_extension` system key). */
  durableKey: string;
}

export function same(a: string, b: string): boolean {
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
