import { IsOptional, Min } from 'class-validator';
import { Field, ID, InputType, Int } from 'type-graphql';
import { NamedFields } from './named-fields.js';

/**
 * Fields of every repository type's create and update input; a plugin's inputs extend these.
 * In an update input every field is optional and a non-nullable one refuses `null`.
 */
function repositoryInput(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}RepositoryFields`)
  class RepositoryInput extends NamedFields(update) {
    @Field(() => ID, { nullable: true, description: 'The default remote to sync from.' })
    @IsOptional()
    remoteId?: string | null;

    @Field(() => Int, { nullable: true, description: 'Keep only this many newest versions (at least 1); null keeps all.' })
    @IsOptional()
    @Min(1)
    retainRepoVersions?: number | null;
  }
  return RepositoryInput;
}

export const CreateRepositoryInput = repositoryInput(false);
export const UpdateRepositoryInput = repositoryInput(true);
