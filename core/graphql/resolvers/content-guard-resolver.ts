import { Resolver } from 'type-graphql';
import { ContentGuard } from '../../db/entities/content-guard.js';
import { HeaderContentGuard } from '../../db/entities/header-content-guard.js';
import { RbacContentGuard } from '../../db/entities/rbac-content-guard.js';
import { SignedUrlContentGuard } from '../../db/entities/signed-url-content-guard.js';
import { createBaseResolver, createReadResolver } from '../base-resolver.js';
import {
  CreateContentGuardInput, CreateHeaderContentGuardInput, UpdateContentGuardInput, UpdateHeaderContentGuardInput,
} from '../inputs/content-guard-inputs.js';
import { withInputs } from '../inputs/generated-inputs.js';

const fields = { create: CreateContentGuardInput, update: UpdateContentGuardInput };

/** `contentGuard(id)` and `contentGuards` across every guard type. */
@Resolver(() => ContentGuard)
export class ContentGuardResolver extends createReadResolver({ entity: ContentGuard }) {}

@Resolver(() => RbacContentGuard)
export class RbacContentGuardResolver extends createBaseResolver(withInputs({ entity: RbacContentGuard }, fields)) {}

@Resolver(() => HeaderContentGuard)
export class HeaderContentGuardResolver extends createBaseResolver({
  entity: HeaderContentGuard, createInput: CreateHeaderContentGuardInput, updateInput: UpdateHeaderContentGuardInput,
}) {}

@Resolver(() => SignedUrlContentGuard)
export class SignedUrlContentGuardResolver extends createBaseResolver(withInputs({ entity: SignedUrlContentGuard }, fields)) {}

export const contentGuardResolvers = [ContentGuardResolver, RbacContentGuardResolver, HeaderContentGuardResolver, SignedUrlContentGuardResolver];
