import { IsOptional, Length } from 'class-validator';
import { Field, InputType, Resolver } from 'type-graphql';
import { createRepositoryResolver, CreateRepositoryInput, NotNullIfGiven, UpdateRepositoryInput } from '../../../core/plugin-api.js';
import { FileContent } from '../entities/file-content.js';
import { FileRemote } from '../entities/file-remote.js';
import { FileRepository } from '../entities/file-repository.js';

@InputType()
export class CreateFileRepositoryInput extends CreateRepositoryInput {
  @Field(() => String, { nullable: true, description: 'Manifest file name for publications (default PULP_MANIFEST).' })
  @IsOptional()
  @Length(1, 255)
  manifest?: string;

  @Field(() => Boolean, { nullable: true })
  @IsOptional()
  autopublish?: boolean;
}

@InputType()
export class UpdateFileRepositoryInput extends UpdateRepositoryInput {
  @Field(() => String, { nullable: true })
  @NotNullIfGiven()
  @Length(1, 255)
  manifest?: string;

  @Field(() => Boolean, { nullable: true })
  @NotNullIfGiven()
  autopublish?: boolean;
}

@Resolver(() => FileRepository)
export class FileRepositoryResolver extends createRepositoryResolver({
  entity: FileRepository,
  createInput: CreateFileRepositoryInput,
  updateInput: UpdateFileRepositoryInput,
  contentTypes: [FileContent],
  sync: { remote: FileRemote, task: 'file.sync' },
}) {}
