import { concreteTypeName } from './concrete-type.js';
import { Entity, Enum, OptionalProps, Property, Unique } from '@mikro-orm/core';
import { Field, Float, Int, InterfaceType } from 'type-graphql';
import type { RemoteSettings } from '../../download/remote-settings.js';
import { SecretMap, SecretText } from '../../secrets/secret-types.js';
import { NamedEntity } from './named-entity.js';
import { RemotePolicy } from './remote-policy.js';

/**
 * Where and how to fetch content from outside. Secrets (password, client key) are stored
 * but never exposed through the API.
 */
@InterfaceType({ resolveType: concreteTypeName })
@Entity({ tableName: 'remote', discriminatorColumn: 'type', abstract: true })
@Unique({ properties: ['type', 'name'] })
export abstract class Remote extends NamedEntity implements RemoteSettings {
  [OptionalProps]?:
    | 'id' | 'createdAt' | 'updatedAt' | 'labels' | 'type' | 'policy' | 'downloadConcurrency'
    | 'maxRetries' | 'headers' | 'tlsValidation';

  @Field()
  @Property({ type: 'text' })
  type!: string;

  @Field()
  @Property({ type: 'text' })
  url!: string;

  @Field(() => RemotePolicy)
  @Enum({ items: () => RemotePolicy, nativeEnumName: undefined })
  policy: RemotePolicy = RemotePolicy.IMMEDIATE;

  @Field(() => Int)
  @Property({ type: 'int' })
  downloadConcurrency: number = 10;

  @Field(() => Int)
  @Property({ type: 'int' })
  maxRetries: number = 3;

  @Field(() => Float, { nullable: true, description: 'Seconds a whole download may take.' })
  @Property({ type: 'double', nullable: true })
  totalTimeout?: number | null;

  @Field(() => Float, { nullable: true, description: 'Seconds to wait for a connection.' })
  @Property({ type: 'double', nullable: true })
  connectTimeout?: number | null;

  /** Extra request headers, name → value: values are often tokens, so they are sealed and never shown. */
  @Property({ type: SecretMap, columnType: 'jsonb' })
  headers: Record<string, string> = {};

  @Field(() => [String], { description: 'The names of its extra request headers (their values are stored sealed and never shown).' })
  get headerNames(): string[] {
    return Object.keys(this.headers ?? {});
  }

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  username?: string | null;

  @Property({ type: SecretText, nullable: true, hidden: true })
  password?: string | null;

  @Field({ description: 'Whether a password is stored (it is sealed and never shown).' })
  get hasPassword(): boolean {
    return this.password != null;
  }

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  caCert?: string | null;

  @Field(() => String, { nullable: true })
  @Property({ type: 'text', nullable: true })
  clientCert?: string | null;

  @Property({ type: SecretText, nullable: true, hidden: true })
  clientKey?: string | null;

  @Field({ description: 'Whether a client key is stored (it is sealed and never shown).' })
  get hasClientKey(): boolean {
    return this.clientKey != null;
  }

  @Field()
  @Property({ type: 'boolean' })
  tlsValidation: boolean = true;
}
