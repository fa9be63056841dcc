/** A request body's bytes as JSON, on the common path without the copies and checks a refusal needs. */
import { parseJsonBody } from '../../api/validate';

/**
 * The body as JSON; empty or malformed → the same 400 as `parseJsonBody` (`what` names the body).
 * Well-formed JSON is parsed straight from the bytes' UTF-8; only a failure goes the long way, which
 * strips a byte-order mark and says where the JSON breaks.
 */
export function parseJsonBytes(bytes: Uint8Array, what: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as unknown;
  } catch {
    return parseJsonBody(new TextDecoder().decode(bytes), what);
  }
}
