import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { GraphQLArmorCallbackConfiguration } from '@escape.tech/graphql-armor-types';
import {
  getNullableType, GraphQLError, isInputObjectType, isListType, parse, specifiedRules, validate, valueFromASTUntyped,
  type DocumentNode, type ExecutionArgs, type GraphQLInputType, type GraphQLSchema, type ParseOptions, type ValidationRule,
} from 'graphql';
import { createComplexityRule, type ComplexityEstimator } from 'graphql-query-complexity';
import type { SubscribePayload } from 'graphql-ws';
import type { QueryLimitSettings } from '../config.js';
import { DEFAULT_PAGE_SIZE, pageSize } from './pagination.js';

export type QueryLimitCode =
  | 'QUERY_TOO_DEEP' | 'TOO_MANY_ALIASES' | 'TOO_MANY_TOKENS' | 'TOO_MANY_DIRECTIVES' | 'QUERY_TOO_COMPLEX'
  | 'INPUT_TOO_LONG' | 'INPUT_TOO_DEEP';

/** The refusal of an operation that breaks a limit, before any of it runs; `extensions.limit` is the limit's setting. */
export class QueryLimitError extends GraphQLError {
  constructor(readonly code: QueryLimitCode, message: string, limit?: number) {
    super(message, { extensions: { code, limit } });
  }
}

/**
 * Input fields that legitimately carry long text, by name: type-graphql drops the extensions of
 * the fields an input type inherits, and every remote input inherits its certificates.
 */
const longTextFields = new Set<string>();

/** Marks an input field meant for long text (PEM certificates and keys): it gets the larger string limit. */
export function LongText(): PropertyDecorator {
  return (_prototype, property) => {
    longTextFields.add(String(property));
  };
}

/**
 * graphql's parser enforces `maxTokens` itself, with a syntax error that only its wording tells
 * apart from a real one (graphql is pinned; the hostile-client test notices a new wording).
 */
const TOKEN_LIMIT = /^Syntax Error: Document contains more th(?:an|at) (\d+) tokens\. Parsing aborted\.$/;

/** What graphql's validation says, and no more, when comparing fields of the same name spends its fixed budget. */
const VALIDATION_BUDGET_SPENT = 'Validation aborted.';

/** The limit's own error for a refusal, also when Apollo wrapped it or graphql's parser or validation raised it; else undefined. */
export function limitRefusal(error: unknown): QueryLimitError | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  if (error instanceof QueryLimitError) return error;
  if (error.originalError instanceof QueryLimitError) return error.originalError;
  if (error.message === VALIDATION_BUDGET_SPENT) {
    return new QueryLimitError('QUERY_TOO_COMPLEX', 'The operation is too costly to validate: it repeats the same fields too often; ask for each field once.');
  }
  const tokens = TOKEN_LIMIT.exec(error.message);
  if (!tokens) return undefined;
  const limit = Number(tokens[1]);
  return new QueryLimitError('TOO_MANY_TOKENS', `The document has more than ${limit} tokens, the most accepted.`, limit);
}

/** A place in an argument's value as a client writes it: `filter.and[2].name.eq`. */
function shown(path: ReadonlyArray<string | number>): string {
  return path.map((step, i) => (typeof step === 'number' ? `[${step}]` : i === 0 ? step : `.${step}`)).join('');
}

/** graphql-armor's rules report through us (with a code), and never throw out of graphql's validation. */
function reportAs(code: QueryLimitCode, limit: number): GraphQLArmorCallbackConfiguration & { n: number } {
  return {
    n: limit,
    propagateOnRejection: false,
    onReject: [(context, error) => context?.reportError(new QueryLimitError(code, error.message.replace(/^Syntax Error: /, ''), limit))],
  };
}

/**
 * A list field with a page (`first`) costs its page size times what each item selects, so nested
 * pages multiply; any other field costs one plus what it selects.
 */
const pagedCost: ComplexityEstimator = ({ field, args, childComplexity }) => {
  const paged = field.args.some((a) => a.name === 'first');
  return 1 + (paged ? pageSize(Math.max(0, (args.first as number | null | undefined) ?? DEFAULT_PAGE_SIZE)) : 1) * childComplexity;
};

/**
 * The limits on one GraphQL operation, for every transport: graphql's parser counts tokens, the
 * document rules (depth, aliases, directives) run with graphql's own validation, and the checks
 * that need the variables (string lengths, input nesting, cost) run on the operation about to execute.
 */
export class QueryLimits {
  readonly parseOptions: ParseOptions;
  readonly documentRules: readonly ValidationRule[];

  constructor(private readonly schema: GraphQLSchema, private readonly limits: QueryLimitSettings) {
    this.parseOptions = { maxTokens: limits.maxTokens };
    this.documentRules = [
      maxDepthRule(reportAs('QUERY_TOO_DEEP', limits.maxDepth)),
      maxAliasesRule(reportAs('TOO_MANY_ALIASES', limits.maxAliases)),
      maxDirectivesRule(reportAs('TOO_MANY_DIRECTIVES', limits.maxDirectives)),
    ];
  }

  /** The first limit the operation breaks with these variables, or undefined. */
  checkOperation(document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): QueryLimitError | undefined {
    const cost = createComplexityRule({
      maximumComplexity: this.limits.maxCost,
      variables: variables ?? {},
      operationName: operationName ?? undefined,
      estimators: [pagedCost],
      createError: (max, actual) => new QueryLimitError('QUERY_TOO_COMPLEX',
        `The operation's estimated cost is ${actual}, above the ${max} accepted: a list's page size (first, ${DEFAULT_PAGE_SIZE} when not given) `
        + 'multiplies the cost of what each item selects; ask for smaller pages or fewer fields.', max),
    }) as unknown as ValidationRule;
    try {
      // Other errors (variables of the wrong type) are left to execution, which reports them as usual.
      return validate(this.schema, document, [this.inputRule(variables ?? {}), cost]).map(limitRefusal).find(Boolean);
    } catch (error) {
      // The complexity walk expands fragments and stops at 10,000 fields, by throwing.
      if (!(error instanceof GraphQLError)) throw error;
      return new QueryLimitError('QUERY_TOO_COMPLEX', `The operation is too large once its fragments are expanded: ${error.message}`);
    }
  }

  /** Every string in every argument (literal, or from the variables) within its length, and no value nested too deep. */
  private inputRule(variables: Record<string, unknown>): ValidationRule {
    return (context) => {
      const check = (name: string, value: unknown, type: GraphQLInputType | undefined) => {
        const refusal = this.inputRefusal(value, type, [name], false);
        if (refusal) context.reportError(refusal);
        return false;
      };
      return {
        Argument: (node) => check(node.name.value, valueFromASTUntyped(node.value, variables), context.getArgument()?.type),
        VariableDefinition: (node) => node.defaultValue && check(`$${node.variable.name.value}`, valueFromASTUntyped(node.defaultValue), context.getInputType() ?? undefined),
      };
    };
  }

  /** `path` is where `value` sits in the argument; each list or object adds a step, so its length is the nesting. */
  private inputRefusal(value: unknown, type: GraphQLInputType | undefined, path: Array<string | number>, longText: boolean): QueryLimitError | undefined {
    if (typeof value === 'string') {
      const max = longText ? this.limits.maxLongTextLength : this.limits.maxStringLength;
      return value.length > max
        ? new QueryLimitError('INPUT_TOO_LONG', `${shown(path)} is ${value.length} characters long, above the ${max} accepted.`, max)
        : undefined;
    }
    if (value === null || typeof value !== 'object') return undefined;
    if (path.length > this.limits.maxInputDepth) {
      return new QueryLimitError('INPUT_TOO_DEEP', `${shown(path)} nests lists and objects deeper than the ${this.limits.maxInputDepth} levels accepted.`, this.limits.maxInputDepth);
    }
    const nullable = type && getNullableType(type);
    const entries: Iterable<[string | number, unknown]> = Array.isArray(value) ? value.entries() : Object.entries(value);
    for (const [key, item] of entries) {
      const field = typeof key === 'string' && isInputObjectType(nullable) ? nullable.getFields()[key] : undefined;
      const itemType = field?.type ?? (typeof key === 'number' && isListType(nullable) ? nullable.ofType : undefined);
      path.push(key);
      const refusal = this.inputRefusal(item, itemType, path, field !== undefined && longTextFields.has(field.name));
      path.pop();
      if (refusal) return refusal;
    }
    return undefined;
  }

  /** For Apollo Server (HTTP), beside `parseOptions` and `documentRules`. */
  apolloPlugin<TContext extends BaseContext>(): ApolloServerPlugin<TContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ document, request }) => {
          const refusal = this.checkOperation(document, request.operationName, request.variables);
          // Apollo answers what is thrown here with a 500 unless the error says otherwise.
          if (refusal) throw new GraphQLError(refusal.message, { originalError: refusal, extensions: { ...refusal.extensions, http: { status: 400 } } });
        },
      }),
    };
  }

  /**
   * graphql-ws's `onSubscribe`: parses and validates as graphql-ws would, under the same limits,
   * and answers a syntax error as an error rather than by closing the socket.
   */
  readonly onSubscribe = (_ctx: unknown, _id: string, payload: SubscribePayload): ExecutionArgs | readonly GraphQLError[] => {
    let document: DocumentNode;
    try {
      document = parse(payload.query, this.parseOptions);
    } catch (error) {
      if (error instanceof GraphQLError) return [limitRefusal(error) ?? error];
      throw error;
    }
    const invalid = validate(this.schema, document, [...specifiedRules, ...this.documentRules]);
    if (invalid.length > 0) return invalid.map((error) => limitRefusal(error) ?? error);
    const refusal = this.checkOperation(document, payload.operationName, payload.variables);
    if (refusal) return [refusal];
    return { schema: this.schema, document, operationName: payload.operationName, variableValues: payload.variables };
  }
}
