import { QueryOrder } from '@mikro-orm/core';
import { badInput } from './errors.js';
import { OrderDirection } from './types/operator-filters.js';

export interface OrderSpec {
  field: string;
  direction: OrderDirection;
}

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (first < 0) throw badInput('first must not be negative', 'first');
  return Math.min(first, MAX_PAGE_SIZE);
}

/** The ordering with `id` appended, so that every row has one place and cursors are exact. */
export function totalOrder(order: OrderSpec[]): OrderSpec[] {
  const fields = order.filter((o) => o.field !== 'id');
  const id = order.find((o) => o.field === 'id') ?? { field: 'id', direction: OrderDirection.ASC };
  return [...fields, id];
}

/** NULLs sort last going up and first going down, as PostgreSQL does by default, stated explicitly. */
export function orderBy(order: OrderSpec[]): Record<string, QueryOrder>[] {
  return order.map((o) => ({
    [o.field]: o.direction === OrderDirection.ASC ? QueryOrder.ASC_NULLS_LAST : QueryOrder.DESC_NULLS_FIRST,
  }));
}

export function encodeCursor(node: Record<string, unknown>, order: OrderSpec[]): string {
  const values = order.map((o) => {
    const v = node[o.field];
    return v instanceof Date ? v.toISOString() : (v ?? null);
  });
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: string, order: OrderSpec[]): unknown[] {
  try {
    const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(values) && values.length === order.length) return values;
  } catch {
    // fall through to the error below
  }
  throw badInput('after is not a cursor of this list with this orderBy', 'after');
}

const NOTHING = { $and: [{ id: null }, { id: { $ne: null } }] };

function strictlyAfter(o: OrderSpec, value: unknown): object {
  if (o.direction === OrderDirection.ASC) {
    return value === null ? NOTHING : { $or: [{ [o.field]: { $gt: value } }, { [o.field]: null }] };
  }
  return value === null ? { [o.field]: { $ne: null } } : { [o.field]: { $lt: value } };
}

/** Keyset condition: rows that sort after the cursor's row (stable under inserts, cheap at any depth). */
export function afterWhere(order: OrderSpec[], values: unknown[]): object {
  return {
    $or: order.map((o, i) => ({
      $and: [
        ...order.slice(0, i).map((prev, j) => ({ [prev.field]: values[j] ?? null })),
        strictlyAfter(o, values[i] ?? null),
      ],
    })),
  };
}
