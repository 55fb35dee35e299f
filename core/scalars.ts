import { DateTimeResolver, GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';

/**
 * The contract's scalars: `DateTime` (ISO 8601), `SafeInt` (sizes and counts past 2^31), `JSON`.
 * Outside the GraphQL layer because entities are the API's object types too and declare their
 * fields with them.
 */
export const DateTime = DateTimeResolver;
export const SafeInt = GraphQLSafeInt;
export const JSONScalar = GraphQLJSON;
