import type { Remote } from '../db/entities/remote.js';
import { createBaseResolver, type BaseResolverOptions } from './base-resolver.js';
import { withInputs, type InputsOptional } from './inputs/generated-inputs.js';
import { CreateRemoteInput, UpdateRemoteInput } from './inputs/remote-inputs.js';

export type RemoteResolverOptions<T extends Remote> = InputsOptional<BaseResolverOptions<T>>;

/** The base resolver of a remote type: the generated CRUD, with the core's remote inputs unless it has its own. */
export function createRemoteResolver<T extends Remote>(options: RemoteResolverOptions<T>) {
  return createBaseResolver(withInputs(options, { create: CreateRemoteInput, update: UpdateRemoteInput }));
}
