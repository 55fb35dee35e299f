import type { TaskDefinition } from './task-definition.js';

/** Task functions by name: the core's and every loaded plugin's. */
export class TaskRegistry {
  private readonly definitions = new Map<string, TaskDefinition>();

  register(definition: TaskDefinition): void {
    if (this.definitions.has(definition.name)) throw new Error(`task "${definition.name}" is registered twice`);
    this.definitions.set(definition.name, definition);
  }

  get(name: string): TaskDefinition | undefined {
    return this.definitions.get(name);
  }

  has(name: string): boolean {
    return this.definitions.has(name);
  }
}
