import { DateTimeResolver, GraphQLJSON, GraphQLSafeInt } from 'graphql-scalars';

/** The contract's scalars: `DateTime` (ISO 8601), `SafeInt` (sizes and counts past 2^31), `JSON`. */
export const DateTime = DateTimeResolver;
export const SafeInt = GraphQLSafeInt;
export const JSONScalar = GraphQLJSON;
