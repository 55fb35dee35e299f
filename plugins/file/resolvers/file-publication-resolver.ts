import { Resolver } from 'type-graphql';
import { createReadResolver } from '../../../core/plugin-api.js';
import { FilePublication } from '../entities/file-publication.js';

/** Publications are immutable and made by publish tasks; only complete ones are visible. */
@Resolver(() => FilePublication)
export class FilePublicationResolver extends createReadResolver({ entity: FilePublication, scope: { complete: true } }) {}
