import { Field, InputType } from 'type-graphql';
import { hasLabels, scalarFields, type ScalarField } from './entity-fields.js';
import {
  BooleanFilter, DateTimeFilter, enumFilter, FloatFilter, IDFilter, IntFilter, SafeIntFilter, StringFilter,
} from './types/operator-filters.js';

/** A field a filter offers beyond the entity's own columns, with how it becomes a condition. */
export interface ExtraFilterField {
  type: () => Function | object;
  description?: string;
  where(value: never): object;
}

function operatorInput(field: ScalarField): Function {
  switch (field.kind) {
    case 'String': return StringFilter;
    case 'ID': return IDFilter;
    case 'Boolean': return BooleanFilter;
    case 'Int': return IntFilter;
    case 'Float': return FloatFilter;
    case 'SafeInt': return SafeIntFilter;
    case 'DateTime': return DateTimeFilter;
    case 'Enum': return enumFilter(field.enumObject!, field.enumName!);
  }
}

/**
 * Builds `<Type>Filter`: an operator input per stored scalar field, `labelSelect` when the
 * type has labels, any extra fields, and `and`/`or`/`not` over the same filter.
 */
export function createFilterInput(entity: Function, typeName: string, extra: Record<string, ExtraFilterField> = {}): Function {
  const Filter = { [`${typeName}Filter`]: class {} }[`${typeName}Filter`]!;
  InputType(`${typeName}Filter`)(Filter);
  const proto = Filter.prototype as object;
  for (const field of scalarFields(entity)) {
    // Made now, not in the thunk: type-graphql snapshots its metadata when the schema is built.
    const input = operatorInput(field);
    Field(() => input, { nullable: true })(proto, field.name);
  }
  if (hasLabels(entity)) {
    Field(() => String, {
      nullable: true, description: 'Pulp label selector, e.g. "env=prod,tier!=db,team,!legacy,owner~ops".',
    })(proto, 'labelSelect');
  }
  for (const [name, spec] of Object.entries(extra)) {
    Field(spec.type, { nullable: true, description: spec.description })(proto, name);
  }
  Field(() => [Filter], { nullable: true, description: 'Every filter matches.' })(proto, 'and');
  Field(() => [Filter], { nullable: true, description: 'At least one filter matches.' })(proto, 'or');
  Field(() => Filter, { nullable: true, description: 'The filter does not match.' })(proto, 'not');
  return Filter;
}
