import { Redis } from 'ioredis';
import type { Task } from '../db/entities/task.js';
import { taskFromRow, type TaskRow } from './task-row.js';

type Listener = (task: Task) => void;

/**
 * Task state changes travel through Redis pub/sub, so a subscriber on any api process hears
 * a task run by a worker anywhere. One Redis subscription per process fans out locally.
 */
export class TaskEventBus {
  private readonly channel: string;
  private readonly byTask = new Map<string, Set<Listener>>();
  private readonly all = new Set<Listener>();
  private subscriber: Redis | null = null;

  constructor(private readonly publisher: Redis, private readonly redisUrl: string, prefix: string) {
    this.channel = `${prefix}:task-events`;
  }

  /** Arguments stay in PostgreSQL: they may hold secrets and no subscriber needs them. */
  async publish(row: TaskRow): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify({ ...row, args: {} }));
  }

  /** Starts hearing events; only processes that serve subscriptions need to. */
  async listen(): Promise<void> {
    if (this.subscriber) return;
    this.subscriber = new Redis(this.redisUrl, { maxRetriesPerRequest: null, lazyConnect: true });
    this.subscriber.on('message', (_channel: string, message: string) => this.deliver(message));
    await this.subscriber.connect();
    await this.subscriber.subscribe(this.channel);
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

  async close(): Promise<void> {
    this.subscriber?.disconnect();
    this.subscriber = null;
  }

  private deliver(message: string): void {
    const task = taskFromRow(JSON.parse(message) as TaskRow);
    for (const listener of this.byTask.get(task.id) ?? []) listener(task);
    for (const listener of this.all) listener(task);
  }
}
