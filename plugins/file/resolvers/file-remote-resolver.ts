import { InputType, Resolver } from 'type-graphql';
import { createBaseResolver, CreateRemoteInput, UpdateRemoteInput } from '../../../core/plugin-api.js';
import { FileRemote } from '../entities/file-remote.js';

@InputType()
export class CreateFileRemoteInput extends CreateRemoteInput {}

@InputType()
export class UpdateFileRemoteInput extends UpdateRemoteInput {}

@Resolver(() => FileRemote)
export class FileRemoteResolver extends createBaseResolver({
  entity: FileRemote,
  createInput: CreateFileRemoteInput,
  updateInput: UpdateFileRemoteInput,
}) {}
