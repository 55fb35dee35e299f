import { Redis } from 'ioredis';
import type { Task } from '../db/entities/task.js';
import type { Logger } from '../logger.js';
import { logOutages } from '../redis/outage-log.js';
import { taskFromRow, type TaskRow } from './task-row.js';

type Listener = (task: Task) => void;
type EndingListener = (taskIds: string[]) => void;

/**
 * Task state changes and cancel requests travel through Redis pub/sub, so a subscriber on any
 * api process hears a task run by a worker anywhere, and a worker hears that its task was
 * cancelled. One Redis subscription per process fans out locally. Pub/sub keeps nothing for a
 * subscriber that was disconnected, so after a reconnection `onResync` listeners re-read what
 * they follow from PostgreSQL.
 *
 * Before tasks' final states are committed, their ending is announced (and delivered to every
 * listening process, as far as Redis goes): a process that caches what tasks change stops
 * trusting its cache before any client can see that the tasks ended.
 */
export class TaskEventBus {
  private readonly eventChannel: string;
  private readonly cancelChannel: string;
  private readonly endingChannel: string;
  private readonly byTask = new Map<string, Set<Listener>>();
  private readonly all = new Set<Listener>();
  private readonly cancelListeners = new Set<(taskId: string) => void>();
  private readonly endingListeners = new Set<EndingListener>();
  private readonly resyncListeners = new Set<() => void>();
  private readonly lostListeners = new Set<() => void>();
  private readonly channels = new Set<string>();
  private subscriber: Redis | null = null;

  constructor(private readonly publisher: Redis, private readonly redisUrl: string, prefix: string, private readonly log: Logger) {
    this.eventChannel = `${prefix}:task-events`;
    this.cancelChannel = `${prefix}:task-cancel`;
    this.endingChannel = `${prefix}:tasks-ending`;
  }

  /**
   * Publishes the rows, in order, as one message: changes made together (a batch of dispatches,
   * starts or settles) cost one PUBLISH and one delivery per subscriber, not one per task.
   * Arguments stay in PostgreSQL: they may hold secrets and no subscriber needs them.
   */
  async publish(rows: readonly TaskRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.publisher.publish(this.eventChannel, JSON.stringify(rows.map((row) => ({ ...row, args: {} }))));
  }

  /** Whether the publisher's connection to Redis is up now (what it sends while down waits for Redis). */
  get connected(): boolean {
    return this.publisher.status === 'ready';
  }

  /** Says that these tasks are about to reach a final state; resolves once Redis has passed it on. */
  async announceEnding(taskIds: string[]): Promise<void> {
    await this.publisher.publish(this.endingChannel, JSON.stringify(taskIds));
  }

  /** Asks whichever worker runs the task to abort it. */
  async requestCancel(taskId: string): Promise<void> {
    await this.publisher.publish(this.cancelChannel, taskId);
  }

  /** Starts hearing task events and endings; only processes that serve clients need to. */
  async listen(): Promise<void> {
    await this.subscribe(this.eventChannel);
    await this.subscribe(this.endingChannel);
  }

  /** Starts hearing cancel requests; only processes that run tasks need to. */
  listenForCancels(): Promise<void> {
    return this.subscribe(this.cancelChannel);
  }

  onTask(id: string, listener: Listener): () => void {
    let listeners = this.byTask.get(id);
    if (!listeners) this.byTask.set(id, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0) this.byTask.delete(id);
    };
  }

  onAny(listener: Listener): () => void {
    this.all.add(listener);
    return () => this.all.delete(listener);
  }

  onEnding(listener: EndingListener): () => void {
    this.endingListeners.add(listener);
    return () => this.endingListeners.delete(listener);
  }

  onCancel(listener: (taskId: string) => void): () => void {
    this.cancelListeners.add(listener);
    return () => this.cancelListeners.delete(listener);
  }

  /** Called after the subscription is back from a lost connection: events may have been missed. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  /** Called when the subscription's connection is lost: events are being missed until `onResync`. */
  onLost(listener: () => void): () => void {
    this.lostListeners.add(listener);
    return () => this.lostListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private async subscribe(channel: string): Promise<void> {
    this.channels.add(channel);
    if (!this.subscriber) {
      const subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
      subscriber.on('message', (from: string, message: string) => this.deliver(from, message));
      logOutages(subscriber, this.log, 'task event subscriber');
      let connections = 0;
      subscriber.on('ready', () => {
        if (++connections > 1) this.resubscribed(subscriber);
      });
      subscriber.on('close', () => {
        for (const listener of this.lostListeners) listener();
      });
      this.subscriber = subscriber;
      await subscriber.connect();
    }
    await this.subscriber.subscribe(channel);
  }

  /** ioredis resubscribes by itself; subscribing again tells us when it is done. */
  private resubscribed(subscriber: Redis): void {
    subscriber.subscribe(...this.channels).then(
      () => {
        for (const listener of this.resyncListeners) listener();
      },
      (error: unknown) => this.log.warn({ err: error }, 'task events: resubscribing failed'),
    );
  }

  private deliver(channel: string, message: string): void {
    if (channel === this.cancelChannel) {
      for (const listener of this.cancelListeners) listener(message);
      return;
    }
    if (channel === this.endingChannel) {
      const taskIds = JSON.parse(message) as string[];
      for (const listener of this.endingListeners) listener(taskIds);
      return;
    }
    for (const row of JSON.parse(message) as TaskRow[]) {
      const task = taskFromRow(row);
      for (const listener of this.byTask.get(task.id) ?? []) listener(task);
      for (const listener of this.all) listener(task);
    }
  }
}
