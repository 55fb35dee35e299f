import { JsonType, Type, type Platform, type TransformContext } from '@mikro-orm/core';
import { open, seal } from './secret-box.js';

/** A text column whose value is stored sealed (core/secrets/secret-box.ts) and read back in clear. */
export class SecretText extends Type<string | null | undefined, string | null> {
  override convertToDatabaseValue(value: string | null | undefined): string | null {
    return value === null || value === undefined ? null : seal(value);
  }

  override convertToJSValue(value: string | null): string | null {
    return value === null ? null : open(value);
  }

  override getColumnType(): string {
    return 'text';
  }

  override compareAsType(): string {
    return 'string';
  }
}

/** A jsonb map whose names are stored as they are and whose values are sealed (a remote's headers carry tokens). */
export class SecretMap extends JsonType {
  override convertToDatabaseValue(value: unknown, platform: Platform, context?: TransformContext): string | null {
    return super.convertToDatabaseValue(mapValues(value, seal), platform, context);
  }

  override convertToJSValue(value: unknown, platform: Platform, context?: TransformContext): unknown {
    return mapValues(super.convertToJSValue(value, platform, context), open);
  }
}

/** `value` sealed as a column of `type` stores it; unchanged for a type that seals nothing. */
export function sealedAs(type: unknown, value: unknown): unknown {
  if (type instanceof SecretText && typeof value === 'string') return seal(value);
  if (type instanceof SecretMap) return mapValues(value, seal);
  return value;
}

function mapValues(value: unknown, change: (text: string) => string): unknown {
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value as Record<string, string>).map(([name, text]) => [name, change(String(text))]));
}
