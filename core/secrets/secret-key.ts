import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LarderConfig } from '../config.js';
import type { Logger } from '../logger.js';
import { StartupError } from '../startup-error.js';

/**
 * LARDER_SECRET_KEY, or for the embedded quick start a key kept in `$LARDER_HOME/secret-key`
 * (mode 0600), made by the first process that needs it. Every process of an installation must
 * use the same key: the log says so whenever the key comes from the file.
 */
export function loadSecretKey(config: Pick<LarderConfig, 'secretKey' | 'home'>, log: Logger): Buffer {
  if (config.secretKey) return config.secretKey;
  const file = join(config.home, 'secret-key');
  mkdirSync(config.home, { recursive: true });
  try {
    writeFileSync(file, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    log.warn({ file }, `made a key that seals stored secrets in ${file}: every process of this installation must use it (set LARDER_SECRET_KEY to its content)`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    log.info({ file }, `secrets are sealed with the key in ${file}: every process of this installation must use it`);
  }
  const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  if (key.length !== 32) throw new StartupError(`${file} does not hold 32 bytes in base64: restore it, or set LARDER_SECRET_KEY`);
  return key;
}
