export interface Holder {
  id: string;
  exclusive: string[];
  shared: string[];
}

/**
 * Every pair of tasks that conflict on a resource (one of them holds it exclusively), the earlier
 * first, given the tasks in dispatch (seq) order: what a reservation test checks for overlaps.
 */
export function* conflictingPairs<T extends Holder>(tasks: readonly T[]): Generator<[resource: string, earlier: T, later: T]> {
  const byResource = new Map<string, T[]>();
  for (const task of tasks) {
    for (const resource of [...task.exclusive, ...task.shared]) byResource.set(resource, [...(byResource.get(resource) ?? []), task]);
  }
  for (const [resource, holders] of byResource) {
    for (let i = 0; i < holders.length; i++) {
      for (let j = i + 1; j < holders.length; j++) {
        const [a, b] = [holders[i]!, holders[j]!];
        if (a.exclusive.includes(resource) || b.exclusive.includes(resource)) yield [resource, a, b];
      }
    }
  }
}
