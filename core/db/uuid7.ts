import { randomBytes } from 'node:crypto';

/**
 * A time-ordered UUID (RFC 9562 version 7): ids sort by creation time, which keeps
 * btree indexes compact and makes `orderBy id` a stable proxy for creation order.
 */
export function uuid7(now = Date.now()): string {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a string can be an object's id: PostgreSQL refuses anything but a UUID in an id column. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
