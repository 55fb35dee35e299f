import { basePathPrefixes } from '../content/base-paths.js';
import { isFinalTaskState } from '../db/entities/task-state.js';
import type { Orm } from '../db/orm.js';
import type { TaskEventBus } from '../tasking/task-events.js';
import { findFile, type ServedFile } from './content-lookup.js';
import { LruCache } from '../lru-cache.js';
import { distributionServing, targetAt, urlSegments, type DistributionServing, type ServingTarget } from './serving-target.js';

/** Base paths (found, or known to be no distribution's) and files remembered, at most. */
const BASE_PATHS = 10_000;
const FILES = 50_000;
/** A task announced as ending whose final state never arrives stops holding the cache back after this. */
const ENDING_TIMEOUT_MS = 30_000;

/**
 * The content app's lookups, remembered so that serving a file costs no query.
 *
 * Which version and publication a base path serves, and its content guard, change only in tasks
 * (distributions, versions, publications and guards are all changed by tasks; a new guard guards
 * nothing until a distribution's update attaches it), so that part is trusted only while no task
 * is ending: an ending is announced before it is committed, and every api process drops what it
 * remembered, asks PostgreSQL until the tasks' final states arrive, then remembers again. While
 * the event subscription is down, nothing is trusted. A lookup that raced with an announcement
 * keeps what it read to itself: the generation it began in is gone.
 *
 * Which stored file a path of a version is never changes (versions are immutable, their numbers
 * never reused), so files are remembered whatever tasks do; not those still upstream (on demand),
 * whose artifact arrives without a task.
 */
export class ServingCache {
  private generation = 0;
  private subscribed = true;
  /** Tasks announced as ending, and when. */
  private readonly ending = new Map<string, number>();
  private readonly distributions = new LruCache<string, DistributionServing | null>(BASE_PATHS);
  private readonly files = new LruCache<string, ServedFile>(FILES);

  constructor(private readonly orm: Orm, events: TaskEventBus) {
    events.onEnding((taskIds) => {
      for (const id of taskIds) this.ending.set(id, Date.now());
      this.forget();
    });
    events.onAny((task) => {
      if (!isFinalTaskState(task.state)) return;
      this.ending.delete(task.id);
      this.forget();
    });
    events.onLost(() => {
      this.subscribed = false;
      this.forget();
    });
    events.onResync(() => {
      this.subscribed = true;
      this.ending.clear();
      this.forget();
    });
  }

  /** The distribution a path below `/content/` falls under, and the rest of the path; null when none. */
  async target(urlPath: string): Promise<ServingTarget | null> {
    const segments = urlSegments(urlPath);
    if (!segments) return null;
    const prefixes = basePathPrefixes(segments.join('/'));
    const trusted = this.trusted();
    if (trusted) {
      let allKnown = true;
      for (const prefix of prefixes) {
        const known = this.distributions.get(prefix);
        if (known) return targetAt(known, segments);
        if (known === undefined) allKnown = false;
      }
      if (allKnown) return null;
    }
    const generation = this.generation;
    const found = await distributionServing(this.orm, prefixes);
    if (trusted && generation === this.generation) {
      for (const prefix of prefixes) this.distributions.set(prefix, prefix === found?.basePath ? found : null);
    }
    return found ? targetAt(found, segments) : null;
  }

  async file(target: ServingTarget, path: string): Promise<ServedFile | null> {
    const key = JSON.stringify([target.publicationId, target.repositoryId, target.versionNumber, path]);
    const known = this.files.get(key);
    if (known) return known;
    const found = await findFile(this.orm, target, path);
    if (found?.artifact) this.files.set(key, found);
    return found;
  }

  private trusted(): boolean {
    if (!this.subscribed) return false;
    for (const [id, at] of this.ending) if (Date.now() - at > ENDING_TIMEOUT_MS) this.ending.delete(id);
    return this.ending.size === 0;
  }

  private forget(): void {
    this.generation++;
    this.distributions.clear();
  }
}
