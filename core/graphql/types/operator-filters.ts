import { GraphQLScalarType } from 'graphql';
import { Field, Float, ID, InputType, Int, registerEnumType } from 'type-graphql';
import { DateTime, SafeInt } from '../../scalars.js';

/** Operators one field can be filtered with, by the field's GraphQL type. */
export type Operator = 'eq' | 'ne' | 'in' | 'contains' | 'startsWith' | 'lt' | 'lte' | 'gt' | 'gte' | 'isNull';

export type FieldFilter = Partial<Record<Operator, unknown>>;

@InputType({ description: 'Text comparisons; `contains` and `startsWith` are case-sensitive.' })
export class StringFilter {
  @Field(() => String, { nullable: true }) eq?: string;
  @Field(() => String, { nullable: true }) ne?: string;
  @Field(() => [String], { nullable: true }) in?: string[];
  @Field(() => String, { nullable: true }) contains?: string;
  @Field(() => String, { nullable: true }) startsWith?: string;
  @Field(() => Boolean, { nullable: true }) isNull?: boolean;
}

@InputType()
export class IDFilter {
  @Field(() => ID, { nullable: true }) eq?: string;
  @Field(() => ID, { nullable: true }) ne?: string;
  @Field(() => [ID], { nullable: true }) in?: string[];
  @Field(() => Boolean, { nullable: true }) isNull?: boolean;
}

@InputType()
export class BooleanFilter {
  @Field(() => Boolean, { nullable: true }) eq?: boolean;
  @Field(() => Boolean, { nullable: true }) ne?: boolean;
  @Field(() => Boolean, { nullable: true }) isNull?: boolean;
}

function rangeFilter(name: string, scalar: GraphQLScalarType) {
  @InputType(name)
  class RangeFilter {
    @Field(() => scalar, { nullable: true }) eq?: unknown;
    @Field(() => scalar, { nullable: true }) ne?: unknown;
    @Field(() => [scalar], { nullable: true }) in?: unknown[];
    @Field(() => scalar, { nullable: true }) lt?: unknown;
    @Field(() => scalar, { nullable: true }) lte?: unknown;
    @Field(() => scalar, { nullable: true }) gt?: unknown;
    @Field(() => scalar, { nullable: true }) gte?: unknown;
    @Field(() => Boolean, { nullable: true }) isNull?: boolean;
  }
  return RangeFilter;
}

export const IntFilter = rangeFilter('IntFilter', Int);
export const FloatFilter = rangeFilter('FloatFilter', Float);
export const SafeIntFilter = rangeFilter('SafeIntFilter', SafeInt);
export const DateTimeFilter = rangeFilter('DateTimeFilter', DateTime);

const enumFilters = new Map<object, Function>();

/** `<Enum>Filter { eq ne in isNull }`, made once per enum. */
export function enumFilter(enumObject: object, enumName: string): Function {
  let filter = enumFilters.get(enumObject);
  if (!filter) {
    @InputType(`${enumName}Filter`)
    class EnumFilter {
      @Field(() => enumObject, { nullable: true }) eq?: string;
      @Field(() => enumObject, { nullable: true }) ne?: string;
      @Field(() => [enumObject], { nullable: true }) in?: string[];
      @Field(() => Boolean, { nullable: true }) isNull?: boolean;
    }
    filter = EnumFilter;
    enumFilters.set(enumObject, filter);
  }
  return filter;
}

export enum OrderDirection {
  ASC = 'ASC',
  DESC = 'DESC',
}

registerEnumType(OrderDirection, { name: 'OrderDirection' });
