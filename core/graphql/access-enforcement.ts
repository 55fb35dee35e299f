import { defaultFieldResolver, type GraphQLFieldConfig, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { AccessRule } from '../access/rules.js';
import { ExpectedFailure } from '../expected-failure.js';
import type { GraphQLContext } from './context.js';
import { apiError, type ErrorCode } from './errors.js';

type Resolver = GraphQLFieldResolver<unknown, GraphQLContext, Record<string, unknown>>;

/** The access rule a root operation declared with `@Access`, if any. */
export function accessRule(field: { extensions?: Readonly<Record<string, unknown>> | null }): AccessRule | undefined {
  return field.extensions?.access as AccessRule | undefined;
}

/**
 * Puts the authorization hook in front of every root operation: its declared rule is decided
 * before the resolver runs, and the resolver then acts for the caller with the permission it
 * needed (what it creates is theirs; what it dispatches records both). A root operation without
 * a rule stops the schema from building: nothing is reachable undecided.
 */
export function enforceAccess(schema: GraphQLSchema): GraphQLSchema {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    for (const field of Object.values(root?.getFields() ?? {})) {
      const rule = accessRule(field);
      if (!rule) throw new Error(`${root!.name}.${field.name} declares no access rule: give its resolver method @Access(...)`);
      const type = typeName(field.type.toString());
      const guard = (run: Resolver): Resolver => async (source, args, ctx, info) => {
        try {
          const permission = await ctx.access.decide(rule, args, ctx.em, type);
          return await ctx.access.act(permission, () => run(source, args, ctx, info));
        } catch (error) {
          throw error instanceof ExpectedFailure ? apiError(error.code as ErrorCode, error.message, { ...error.details }) : error;
        }
      };
      const config = field as unknown as GraphQLFieldConfig<unknown, GraphQLContext>;
      if (config.subscribe) config.subscribe = guard(config.subscribe as Resolver);
      else config.resolve = guard((config.resolve ?? defaultFieldResolver) as Resolver);
    }
  }
  return schema;
}

/** `[FileRepository!]!` → `FileRepository`: what a NOT_FOUND names. */
function typeName(printed: string): string {
  return printed.replace(/[[\]!]/g, '');
}
