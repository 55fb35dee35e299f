import { IsIn, IsOptional, IsUrl, Max, Min } from 'class-validator';
import { Field, Float, InputType, Int } from 'type-graphql';
import { RemotePolicy } from '../../db/entities/remote-policy.js';
import { JSONScalar } from '../../scalars.js';
import { LongText } from '../query-limits.js';
import { IsHeaders } from '../validation.js';
import { NamedFields } from './named-fields.js';
import { NotNullIfGiven } from './name-rules.js';

const URL_RULES = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/**
 * Fields of every remote's create and update input. In an update input every field is optional
 * and a non-nullable one refuses `null`.
 */
function remoteInput(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}RemoteFields`)
  class RemoteInput extends NamedFields(update) {
    @Field(() => String, { nullable: update, description: 'http(s) URL of the upstream repository.' })
    @NotNullIfGiven()
    @IsUrl(URL_RULES, { message: 'url must be an http:// or https:// URL' })
    url!: string;

    @Field(() => RemotePolicy, { nullable: true })
    @NotNullIfGiven()
    @IsIn(Object.values(RemotePolicy))
    policy?: RemotePolicy;

    @Field(() => Int, { nullable: true, description: 'Parallel downloads (1–100, default 10).' })
    @NotNullIfGiven()
    @Min(1)
    @Max(100)
    downloadConcurrency?: number;

    @Field(() => Int, { nullable: true, description: 'Retries of a failed download (0–20, default 3).' })
    @NotNullIfGiven()
    @Min(0)
    @Max(20)
    maxRetries?: number;

    @Field(() => Float, { nullable: true })
    @IsOptional()
    @Min(0.001)
    totalTimeout?: number | null;

    @Field(() => Float, { nullable: true })
    @IsOptional()
    @Min(0.001)
    connectTimeout?: number | null;

    @Field(() => JSONScalar, { nullable: true })
    @NotNullIfGiven()
    @IsHeaders()
    headers?: Record<string, string>;

    @Field(() => String, { nullable: true })
    @IsOptional()
    username?: string | null;

    @Field(() => String, { nullable: true, description: 'Stored, never shown.' })
    @IsOptional()
    password?: string | null;

    @Field(() => String, { nullable: true, description: 'PEM CA certificate(s) to trust.' })
    @IsOptional()
    @LongText()
    caCert?: string | null;

    @Field(() => String, { nullable: true, description: 'PEM client certificate.' })
    @IsOptional()
    @LongText()
    clientCert?: string | null;

    @Field(() => String, { nullable: true, description: 'PEM client key; stored, never shown.' })
    @IsOptional()
    @LongText()
    clientKey?: string | null;

    @Field(() => Boolean, { nullable: true })
    @NotNullIfGiven()
    tlsValidation?: boolean;
  }
  return RemoteInput;
}

export const CreateRemoteInput = remoteInput(false);
export const UpdateRemoteInput = remoteInput(true);
