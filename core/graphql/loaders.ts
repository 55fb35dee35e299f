import DataLoader from 'dataloader';
import type { EntityClass } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { CallerAccess } from '../access/access.js';

/**
 * Per-request batching: every lookup of the same kind made while resolving one level of a
 * query becomes one SQL query, so a page of 100 objects costs the same few queries as a page of 1.
 */
export class Loaders {
  private readonly loaders = new Map<unknown, DataLoader<unknown, unknown, unknown>>();

  constructor(private readonly em: EntityManager, private readonly access: CallerAccess) {}

  /** Loads objects of `entity` by id; one the caller may not see loads as null. */
  byId<T extends object>(entity: EntityClass<T>): DataLoader<string, T | null> {
    return this.custom(entity, async (ids: readonly string[]) => {
      const visible = await this.access.visible(entity);
      const found = await this.em.find(entity, { $and: [{ id: { $in: [...ids] } }, visible()] } as never);
      const byId = new Map(found.map((e) => [(e as unknown as { id: string }).id, e as T]));
      return ids.map((id) => byId.get(id) ?? null);
    });
  }

  /** A loader of any kind, created once per request under `key`. */
  custom<K, V>(key: unknown, batch: (keys: readonly K[]) => Promise<V[]>, cacheKey?: (key: K) => unknown): DataLoader<K, V, unknown> {
    let loader = this.loaders.get(key) as DataLoader<K, V, unknown> | undefined;
    if (!loader) {
      loader = new DataLoader<K, V, unknown>(batch, { cacheKeyFn: cacheKey ?? ((k: K) => k) });
      this.loaders.set(key, loader as DataLoader<unknown, unknown, unknown>);
    }
    return loader;
  }

  async load<T extends object>(entity: EntityClass<T>, id: string | null | undefined): Promise<T | null> {
    return id ? this.byId(entity).load(id) : null;
  }
}
