import { IsOptional, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import type { Labels } from '../../db/entities/named-entity.js';
import { JSONScalar } from '../../scalars.js';
import { IsLabels } from '../validation.js';
import { NameRules, NotNullIfGiven } from './name-rules.js';

/**
 * Fields of every repository type's create and update input; a plugin's inputs extend these.
 * In an update input every field is optional and a non-nullable one refuses `null`.
 */
function repositoryInput(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}RepositoryFields`)
  class RepositoryInput {
    @Field(() => String, { nullable: update })
    @NotNullIfGiven()
    @NameRules()
    name!: string;

    @Field(() => String, { nullable: true })
    @IsOptional()
    description?: string | null;

    @Field(() => ID, { nullable: true, description: 'The default remote to sync from.' })
    @IsOptional()
    remoteId?: string | null;

    @Field(() => Int, { nullable: true, description: 'Keep only this many newest versions (at least 1); null keeps all.' })
    @IsOptional()
    @Min(1)
    retainRepoVersions?: number | null;

    @Field(() => JSONScalar, { nullable: true })
    @NotNullIfGiven()
    @IsLabels()
    labels?: Labels;
  }
  return RepositoryInput;
}

export const CreateRepositoryInput = repositoryInput(false);
export const UpdateRepositoryInput = repositoryInput(true);
