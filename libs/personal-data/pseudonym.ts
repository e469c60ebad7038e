import { createHmac, type KeyObject } from 'node:crypto';

/** The name of the export key in the key store's secrets (`KeyStore.secret`). */
export const EXPORT_PSEUDONYM_SECRET = 'export-pseudonym';

/**
 * A de-identified stand-in for a `user_id` in exports: `anon_` and 128 bits of
 * HMAC-SHA256(export key, user id) in base64url. Stable for one export key (the same person
 * always gets the same pseudonym, so rows still join), not reversible without the key.
 *
 * @example pseudonym(await keyStore.secret(EXPORT_PSEUDONYM_SECRET), 'p1') // 'anon_Xq3…' (22 characters after the prefix)
 */
export function pseudonym(exportKey: KeyObject, userId: string): string {
  const mac = createHmac('sha256', exportKey).update('caretrack:user-id:v1\0').update(userId, 'utf8').digest();
  return `anon_${mac.subarray(0, 16).toString('base64url')}`;
}
