import { IsOptional } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { IsBasePath } from '../validation.js';
import { NamedFields } from './named-fields.js';
import { NotNullIfGiven } from './name-rules.js';

/**
 * Fields of every distribution type's create and update input; a plugin's inputs extend these, or
 * the `Repository…` ones for a type without publications, which serves a repository's latest version.
 */
function distributionInput(update: boolean) {
  @InputType(`${update ? 'Update' : 'Create'}RepositoryDistributionFields`)
  class RepositoryDistributionInput extends NamedFields(update) {
    @Field(() => String, { nullable: update, description: 'Path under /content/, e.g. "fedora/40"; may not nest with another.' })
    @NotNullIfGiven()
    @IsBasePath()
    basePath!: string;

    @Field(() => ID, { nullable: true, description: "Serve this repository's latest version." })
    @IsOptional()
    repositoryId?: string | null;

    @Field(() => ID, { nullable: true, description: 'What downloads need: this content guard; null: anyone may download.' })
    @IsOptional()
    contentGuardId?: string | null;
  }

  @InputType(`${update ? 'Update' : 'Create'}DistributionFields`)
  class DistributionInput extends RepositoryDistributionInput {
    @Field(() => ID, { nullable: true, description: 'Serve this publication.' })
    @IsOptional()
    publicationId?: string | null;

    // Said again only to read as the alternative to a publication.
    @Field(() => ID, { nullable: true, description: "Or serve this repository's latest version." })
    @IsOptional()
    declare repositoryId?: string | null;
  }
  return { RepositoryDistributionInput, DistributionInput };
}

const create = distributionInput(false);
const update = distributionInput(true);
export const CreateDistributionInput = create.DistributionInput;
export const UpdateDistributionInput = update.DistributionInput;
export const CreateRepositoryDistributionInput = create.RepositoryDistributionInput;
export const UpdateRepositoryDistributionInput = update.RepositoryDistributionInput;
