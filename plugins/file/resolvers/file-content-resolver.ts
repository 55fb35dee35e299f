import { Resolver } from 'type-graphql';
import { createReadResolver } from '../../../core/plugin-api.js';
import { FileContent } from '../entities/file-content.js';

/** Content is immutable: it is listed and read here, and made by sync and upload tasks. */
@Resolver(() => FileContent)
export class FileContentResolver extends createReadResolver({ entity: FileContent }) {}
