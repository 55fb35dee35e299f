import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** Sealed values name their scheme, so a key or cipher can change later and clear legacy values are told apart. */
const PREFIX = 'larder:v1:';

let key: Buffer | null = null;

/** The key every process of an installation shares; set once at start-up, before anything is read or written. */
export function useSecretKey(secretKey: Buffer): void {
  key = secretKey;
}

function currentKey(): Buffer {
  if (!key) throw new Error('no secret key: start-up sets one before the database is used');
  return key;
}

function isSealed(value: string): boolean {
  return value.startsWith(PREFIX);
}

/** AES-256-GCM with a fresh nonce: `larder:v1:<nonce>.<tag>.<ciphertext>`. A sealed value stays as it is. */
export function seal(value: string): string {
  if (isSealed(value)) return value;
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', currentKey(), nonce);
  const sealed = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
  return `${PREFIX}${nonce.toString('base64')}.${cipher.getAuthTag().toString('base64')}.${sealed.toString('base64')}`;
}

/** The clear value; one stored before secrets were sealed is returned as it is (it is sealed at the next start). */
export function open(value: string): string {
  if (!isSealed(value)) return value;
  const [nonce, tag, sealed] = value.slice(PREFIX.length).split('.');
  const decipher = createDecipheriv('aes-256-gcm', currentKey(), Buffer.from(nonce!, 'base64'));
  decipher.setAuthTag(Buffer.from(tag!, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(sealed!, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('a stored secret cannot be opened: every process must use the same LARDER_SECRET_KEY as the one that stored it');
  }
}
