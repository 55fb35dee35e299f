import { escapeLike } from '../db/sql.js';
import type { ExtraFilterField } from './filter-input.js';
import { labelSelectWhere, parseLabelSelect } from './label-select.js';
import type { FieldFilter, Operator } from './types/operator-filters.js';

type FilterValue = Record<string, unknown>;

const SQL_OPERATOR: Partial<Record<Operator, string>> = { ne: '$ne', in: '$in', lt: '$lt', lte: '$lte', gt: '$gt', gte: '$gte' };

function fieldWhere(name: string, ops: FieldFilter): object[] {
  return Object.entries(ops).filter(([, v]) => v !== undefined && v !== null).map(([op, value]) => {
    switch (op as Operator) {
      case 'eq': return { [name]: value };
      case 'contains': return { [name]: { $like: `%${escapeLike(String(value))}%` } };
      case 'startsWith': return { [name]: { $like: `${escapeLike(String(value))}%` } };
      case 'isNull': return { [name]: value ? null : { $ne: null } };
      default: return { [name]: { [SQL_OPERATOR[op as Operator]!]: value } };
    }
  });
}

function combine(parts: object[]): object {
  return parts.length === 0 ? {} : parts.length === 1 ? parts[0]! : { $and: parts };
}

/** A `<Type>Filter` value as a MikroORM condition. */
export function filterWhere(filter: FilterValue | null | undefined, extra: Record<string, ExtraFilterField> = {}): object {
  if (!filter) return {};
  const parts: object[] = [];
  for (const [key, value] of Object.entries(filter)) {
    if (value === undefined || value === null) continue;
    if (key === 'and') parts.push({ $and: (value as FilterValue[]).map((f) => filterWhere(f, extra)) });
    else if (key === 'or') parts.push({ $or: (value as FilterValue[]).map((f) => filterWhere(f, extra)) });
    else if (key === 'not') parts.push({ $not: filterWhere(value as FilterValue, extra) });
    else if (key === 'labelSelect') parts.push(...labelSelectWhere(parseLabelSelect(value as string)));
    else if (extra[key]) parts.push(extra[key].where(value as never));
    else parts.push(...fieldWhere(key, value as FieldFilter));
  }
  return combine(parts);
}

function comparable(value: unknown): unknown {
  return value instanceof Date ? value.getTime() : value;
}

function fieldMatches(actual: unknown, ops: FieldFilter): boolean {
  const a = comparable(actual);
  return Object.entries(ops).every(([op, raw]) => {
    if (raw === undefined || raw === null) return true;
    const v = comparable(raw);
    switch (op as Operator) {
      case 'eq': return a === v;
      case 'ne': return a !== null && a !== undefined && a !== v;
      case 'in': return (raw as unknown[]).map(comparable).includes(a);
      case 'contains': return typeof a === 'string' && a.includes(String(v));
      case 'startsWith': return typeof a === 'string' && a.startsWith(String(v));
      case 'lt': return a !== null && (a as number) < (v as number);
      case 'lte': return a !== null && (a as number) <= (v as number);
      case 'gt': return a !== null && (a as number) > (v as number);
      case 'gte': return a !== null && (a as number) >= (v as number);
      case 'isNull': return (a === null || a === undefined) === raw;
    }
  });
}

/** The same filter applied to an object in memory, for event streams. */
export function filterMatches(
  object: Record<string, unknown>,
  filter: FilterValue | null | undefined,
  extra: Record<string, (object: never, value: never) => boolean> = {},
): boolean {
  if (!filter) return true;
  return Object.entries(filter).every(([key, value]) => {
    if (value === undefined || value === null) return true;
    if (key === 'and') return (value as FilterValue[]).every((f) => filterMatches(object, f, extra));
    if (key === 'or') return (value as FilterValue[]).some((f) => filterMatches(object, f, extra));
    if (key === 'not') return !filterMatches(object, value as FilterValue, extra);
    if (extra[key]) return extra[key](object as never, value as never);
    return fieldMatches(object[key], value as FieldFilter);
  });
}
