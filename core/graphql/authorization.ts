import type { GraphQLContext } from './context.js';

export type Action = 'view' | 'list' | 'create' | 'update' | 'delete' | (string & {});

export interface AccessRequest {
  action: Action;
  /** GraphQL type name, e.g. `FileRepository`, `Task`. */
  type: string;
  id?: string;
}

/**
 * The one place that decides who may do what to which object; every generated and plugin
 * operation asks it first. Larder has no users or roles yet, so every request is allowed: this
 * is where the security issue will check the principal in `ctx` and throw `forbidden(...)`.
 */
export async function authorize(_ctx: GraphQLContext, _request: AccessRequest): Promise<void> {}
