import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import type { Labels } from '../../db/entities/named-entity.js';
import { JSONScalar } from '../../scalars.js';
import { IsBasePath, IsLabels } from '../validation.js';
import { NameRules, NotNullIfGiven } from './name-rules.js';

/** Fields of every distribution type's create and update input; a plugin's inputs extend these. */
function distributionInput(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}DistributionFields`)
  class DistributionInput {
    @Field(() => String, { nullable: update })
    @NotNullIfGiven()
    @NameRules()
    name!: string;

    @Field(() => String, { nullable: update, description: 'Path under /content/, e.g. "fedora/40"; may not nest with another.' })
    @NotNullIfGiven()
    @IsBasePath()
    basePath!: string;

    @Field(() => String, { nullable: true })
    @IsOptional()
    description?: string | null;

    @Field(() => ID, { nullable: true, description: 'Serve this publication.' })
    @IsOptional()
    publicationId?: string | null;

    @Field(() => ID, { nullable: true, description: "Or serve this repository's latest version." })
    @IsOptional()
    repositoryId?: string | null;

    @Field(() => JSONScalar, { nullable: true })
    @NotNullIfGiven()
    @IsLabels()
    labels?: Labels;
  }
  return DistributionInput;
}

export const CreateDistributionInput = distributionInput(false);
export const UpdateDistributionInput = distributionInput(true);
