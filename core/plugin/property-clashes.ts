import 'reflect-metadata';
import { MetadataStorage, ReferenceKind, UnderscoreNamingStrategy } from '@mikro-orm/core';
import { coreEntities } from '../db/entities/index.js';
import { StartupError } from '../startup-error.js';
import type { LarderPlugin } from './definition.js';

/** What a property decorator recorded, before MikroORM's discovery fills anything in. */
interface DeclaredProperty {
  kind?: ReferenceKind;
  type?: string | Function;
  entity?: string | (() => Function | Function[]);
  fieldName?: string;
  fieldNames?: string[];
  joinColumn?: string;
  joinColumns?: string[];
  persist?: boolean;
  owner?: boolean;
}

interface DeclaredEntity {
  /** Set by @Entity on a class with a table of its own (or the root of a single table). */
  name?: string;
  tableName?: string;
  collection?: string;
  properties: Record<string, DeclaredProperty>;
}

/** One class's mapping of one property: who declared it, and where it lands. */
interface Mapping {
  owner: string;
  className: string;
  columns: string[];
  type: string;
}

// The ORM's own default (core/db/orm.ts sets none): a property without a fieldName gets this column.
const naming = new UnderscoreNamingStrategy();

function classChain(target: Function): Function[] {
  const chain: Function[] = [];
  for (let c: Function | null = target; c && c !== Function.prototype && c !== Object; c = Object.getPrototypeOf(c)) {
    chain.push(c);
  }
  return chain;
}

/** The core's entities and the classes they extend: what no plugin owns. */
const coreClasses = new Set(coreEntities.flatMap(classChain));

function decorated(type: Function): DeclaredEntity | null {
  return Object.hasOwn(type, MetadataStorage.PATH_SYMBOL)
    ? MetadataStorage.getMetadataFromDecorator(type as never) as unknown as DeclaredEntity
    : null;
}

/** The class whose table `entity` is stored in: the topmost @Entity it extends (a core base for a plugin's type). */
function tableRoot(entity: Function): Function {
  return classChain(entity).filter((c) => decorated(c)?.name).at(-1) ?? entity;
}

function tableName(root: Function): string {
  const meta = decorated(root)!;
  return meta.tableName ?? meta.collection ?? naming.classToTableName(root.name);
}

function columnsOf(name: string, prop: DeclaredProperty): string[] {
  const declared = prop.fieldNames ?? prop.joinColumns ?? [prop.fieldName ?? prop.joinColumn].filter((c) => c !== undefined);
  if (declared.length > 0) return declared;
  const toOne = prop.kind === ReferenceKind.MANY_TO_ONE || prop.kind === ReferenceKind.ONE_TO_ONE;
  return [toOne ? naming.joinKeyColumnName(name, 'id') : naming.propertyToColumnName(name)];
}

/**
 * The type as MikroORM compares it when it merges a single table's classes: the declared type,
 * else the reflected one; for a relation, the table its target lives in, since narrowing a
 * relation to a subclass keeps its column.
 */
function typeOf(type: Function, name: string, prop: DeclaredProperty): string {
  if (typeof prop.entity === 'string') return prop.entity;
  if (prop.entity) return [prop.entity()].flat().map((t) => tableRoot(t).name).sort().join(' | ');
  if (prop.type) return typeof prop.type === 'string' ? prop.type : prop.type.name;
  const reflected = (Reflect.getMetadata('design:type', type.prototype, name) as Function | undefined)?.name ?? 'unknown';
  return ['String', 'Number', 'Boolean', 'Array', 'Object'].includes(reflected) ? reflected.toLowerCase() : reflected;
}

/** Properties with a column in the class's table (not inverse sides, not computed ones). */
function storedProperties(meta: DeclaredEntity): Array<[string, DeclaredProperty]> {
  return Object.entries(meta.properties).filter(([, prop]) => prop.persist !== false
    && prop.kind !== ReferenceKind.ONE_TO_MANY
    && !((prop.kind === ReferenceKind.MANY_TO_MANY || prop.kind === ReferenceKind.ONE_TO_ONE) && prop.owner === false));
}

function mapped(a: Mapping, b: Mapping): string {
  return a.columns.join() !== b.columns.join()
    ? `to columns "${a.columns.join('", "')}" and "${b.columns.join('", "')}"`
    : `to column "${a.columns.join('", "')}" as types "${a.type}" and "${b.type}"`;
}

/** One line naming who maps `property` twice, where to, and what to change. */
function clashMessage(table: string, property: string, a: Mapping, b: Mapping): string {
  const where = `property "${property}" of the ${table} table`;
  if (b.owner === 'core') [a, b] = [b, a];
  if (a.owner === 'core') {
    return `plugin "${b.owner}" (${b.className}) maps ${where}, which the core (${a.className}) maps, ${mapped(a, b)}: rename it in ${b.className}`;
  }
  if (a.owner === b.owner) {
    return `plugin "${a.owner}" maps ${where} twice (${a.className} and ${b.className}), ${mapped(a, b)}: give one of them another property name`;
  }
  return `plugins "${a.owner}" (${a.className}) and "${b.owner}" (${b.className}) both map ${where}, ${mapped(a, b)}: give one of them another property name`;
}

/**
 * Refuses plugins that map one property name of a shared table differently. The core's bases are
 * single tables that every plugin's subclasses share, and MikroORM keeps one property per name for
 * the whole table: two classes mapping "digest" to two columns (or as two types) leave one of them
 * reading the other's column, with nothing said until a query returns the wrong values. Classes
 * that map a name to the same column with the same type share it, as npm's package and dist-tag
 * share `name`, and stay legal.
 */
export function checkPropertyClashes(plugins: readonly LarderPlugin[]): void {
  const tables = new Map<Function, { declared: Set<Function>; properties: Map<string, Mapping[]> }>();
  for (const plugin of plugins) {
    for (const entity of plugin.entities as Function[]) {
      const root = tableRoot(entity);
      const table = tables.get(root) ?? { declared: new Set<Function>(), properties: new Map<string, Mapping[]>() };
      tables.set(root, table);
      for (const type of classChain(entity)) {
        const meta = decorated(type);
        if (!meta || table.declared.has(type)) continue;
        table.declared.add(type);
        const owner = coreClasses.has(type) ? 'core' : plugin.name;
        for (const [name, prop] of storedProperties(meta)) {
          const mapping = { owner, className: type.name, columns: columnsOf(name, prop), type: typeOf(type, name, prop) };
          table.properties.set(name, [...(table.properties.get(name) ?? []), mapping]);
        }
      }
    }
  }
  const clashes: string[] = [];
  for (const [root, { properties }] of tables) {
    for (const [name, [first, ...others]] of properties) {
      const other = others.find((m) => m.columns.join() !== first!.columns.join() || m.type !== first!.type);
      if (other) clashes.push(clashMessage(tableName(root), name, first!, other));
    }
  }
  if (clashes.length > 0) throw new StartupError(clashes.join('; '));
}
