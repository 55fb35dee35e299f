import { Resolver } from 'type-graphql';
import { Remote } from '../../db/entities/remote.js';
import { createReadResolver } from '../base-resolver.js';

/** `remote(id)` and `remotes` across every plugin's remote types. */
@Resolver(() => Remote)
export class RemoteResolver extends createReadResolver({ entity: Remote }) {}
