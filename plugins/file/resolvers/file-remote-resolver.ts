import { Resolver } from 'type-graphql';
import { createRemoteResolver } from '../../../core/plugin-api.js';
import { FileRemote } from '../entities/file-remote.js';

@Resolver(() => FileRemote)
export class FileRemoteResolver extends createRemoteResolver({ entity: FileRemote }) {}
