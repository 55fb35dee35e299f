import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Field, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { badInput } from './errors.js';
import { scalarFields } from './entity-fields.js';
import { createFilterInput, type ExtraFilterField } from './filter-input.js';
import { filterWhere } from './filter-where.js';
import {
  afterWhere, decodeCursor, encodeCursor, orderBy, pageSize, totalOrder, type OrderSpec,
} from './pagination.js';
import { PageInfo } from './types/page-info.js';
import { OrderDirection } from './types/operator-filters.js';

export interface ListArgs {
  filter?: Record<string, unknown> | null;
  orderBy?: OrderSpec[] | null;
  first?: number | null;
  after?: string | null;
  offset?: number | null;
}

export interface ConnectionValue<T> {
  nodes: T[];
  pageInfo: PageInfo;
  totalCount(): Promise<number>;
}

export interface ListingOptions {
  extraFilters?: Record<string, ExtraFilterField>;
  defaultOrder?: OrderSpec[];
}

function constantCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase();
}

/**
 * Everything a list of one type needs, generated once per type: `<T>Filter`, `<T>Order`,
 * `<T>Connection`, and `list()` which runs it with a constant number of queries (the page,
 * and the count only when `totalCount` is asked for).
 */
export function createListing<T extends object>(entity: EntityClass<T>, typeName: string, options: ListingOptions = {}) {
  const extra = options.extraFilters ?? {};
  const Filter = createFilterInput(entity, typeName, extra);

  const orderFields = Object.fromEntries(scalarFields(entity).map((f) => [constantCase(f.name), f.name]));
  registerEnumType(orderFields, { name: `${typeName}OrderField` });

  @InputType(`${typeName}Order`)
  class Order {
    @Field(() => orderFields)
    field!: string;

    @Field(() => OrderDirection, { defaultValue: OrderDirection.ASC })
    direction!: OrderDirection;
  }

  @ObjectType(`${typeName}Connection`)
  class Connection implements ConnectionValue<T> {
    @Field(() => [entity])
    nodes!: T[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    count!: () => Promise<number>;

    @Field(() => Int, { description: 'How many objects match the filter, over all pages.' })
    totalCount(): Promise<number> {
      return this.count();
    }
  }

  const defaultOrder = options.defaultOrder ?? [{ field: 'id', direction: OrderDirection.ASC }];

  /**
   * `scope` restricts the list (e.g. to one version's content). MikroORM's raw() fragments are
   * single-use, so conditions are built afresh for the page query and for the count.
   */
  async function list(em: EntityManager, args: ListArgs, scope: object | (() => object) = {}): Promise<Connection> {
    const limit = pageSize(args.first);
    if (args.offset !== null && args.offset !== undefined && args.offset < 0) {
      throw badInput('offset must not be negative', 'offset');
    }
    const order = totalOrder(args.orderBy?.length ? args.orderBy : defaultOrder);
    const cursor = args.after ? decodeCursor(args.after, order) : null;
    const where = () => ({ $and: [typeof scope === 'function' ? scope() : scope, filterWhere(args.filter, extra)] });
    const page = cursor ? { $and: [where(), afterWhere(order, cursor)] } : where();
    const rows = await em.find(entity, page as never, {
      orderBy: orderBy(order) as never, limit: limit + 1, offset: args.offset ?? 0,
    });
    return connection(rows, limit, order, () => em.count(entity, where() as never));
  }

  /** A page from `rows`, which hold one more row than the page when there is a next page. */
  function connection(rows: T[], limit: number, order: OrderSpec[], count: () => Promise<number>): Connection {
    const nodes = rows.slice(0, limit);
    const last = nodes.at(-1);
    return Object.assign(new Connection(), {
      nodes,
      pageInfo: Object.assign(new PageInfo(), {
        hasNextPage: rows.length > limit,
        endCursor: last ? encodeCursor(last as Record<string, unknown>, order) : null,
      }),
      count,
    });
  }

  /**
   * The same list for many parents at once (e.g. the versions of every repository on a page), in
   * two statements whatever the number of parents: the pages, ranked per parent by a window
   * function, and (when asked for) the counts, grouped by parent.
   */
  async function listEach(
    em: EntityManager, parent: string, parentIds: readonly string[], args: ListArgs, scope: object | (() => object) = {},
  ): Promise<Connection[]> {
    const limit = pageSize(args.first);
    const offset = args.offset ?? 0;
    if (offset < 0) throw badInput('offset must not be negative', 'offset');
    const order = totalOrder(args.orderBy?.length ? args.orderBy : defaultOrder);
    const cursor = args.after ? decodeCursor(args.after, order) : null;
    const where = () => ({
      $and: [typeof scope === 'function' ? scope() : scope, { [parent]: { $in: [...parentIds] } }, filterWhere(args.filter, extra)],
    });
    const meta = em.getMetadata().get(entity.name);
    const column = (property: string) => `e.${meta.properties[property as never]!.fieldNames[0]}`;
    const rank = order.map((o) => `${column(o.field)} ${o.direction === OrderDirection.ASC ? 'asc nulls last' : 'desc nulls first'}`);
    const knex = em.getKnex();
    const ranked = em.createQueryBuilder(entity, 'e')
      .select('e.*')
      .where((cursor ? { $and: [where(), afterWhere(order, cursor)] } : where()) as never)
      .getKnexQuery()
      .select(knex.raw(`row_number() over (partition by ${column(parent)} order by ${rank.join(', ')}) as larder_rank`));
    const rows: Array<Record<string, unknown>> = await knex.select('*').from(ranked.as('ranked'))
      .where('larder_rank', '>', offset).andWhere('larder_rank', '<=', offset + limit + 1).orderBy('larder_rank');
    const parentColumn = meta.properties[parent as never]!.fieldNames[0]!;
    let counts: Promise<Map<string, number>> | null = null;
    const countAll = () => (counts ??= (async () => {
      const grouped: Array<{ parent: string; n: string }> = await em.createQueryBuilder(entity, 'e')
        .where(where() as never)
        .getKnexQuery()
        .clearSelect()
        .select(knex.raw(`${column(parent)} as parent, count(*) as n`))
        .groupBy(column(parent));
      return new Map(grouped.map((r) => [String(r.parent), Number(r.n)]));
    })());
    return parentIds.map((id) => {
      const mine = rows.filter((r) => String(r[parentColumn]) === id).map(({ larder_rank: _, ...row }) => em.map(entity, row as never));
      return connection(mine, limit, order, async () => (await countAll()).get(id) ?? 0);
    });
  }

  return { Filter, Order, Connection, list, listEach };
}

export type Listing<T extends object> = ReturnType<typeof createListing<T>>;
