import { IsOptional } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import type { Labels } from '../../db/entities/named-entity.js';
import { JSONScalar } from '../../scalars.js';
import { IsLabels } from '../validation.js';
import { NameRules, NotNullIfGiven } from './name-rules.js';

/**
 * What the inputs of every named type share (repositories, remotes, distributions, content
 * guards): in an update input every field is optional and a non-nullable one refuses `null`.
 */
function namedFields(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}NamedFields`)
  class NamedFields {
    @Field(() => String, { nullable: update })
    @NotNullIfGiven()
    @NameRules()
    name!: string;

    @Field(() => String, { nullable: true })
    @IsOptional()
    description?: string | null;

    @Field(() => JSONScalar, { nullable: true })
    @NotNullIfGiven()
    @IsLabels()
    labels?: Labels;
  }
  return NamedFields;
}

const create = namedFields(false);
const update = namedFields(true);

/** The base of a create (`false`) or update (`true`) input of a named type. */
export function NamedFields(isUpdate: boolean): typeof create {
  return isUpdate ? update : create;
}
