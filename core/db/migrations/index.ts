import type { MigrationObject } from '@mikro-orm/core';
import { CoreTables } from './0001-core-tables.js';
import { Tasking } from './0002-tasking.js';
import { TaskReliability } from './0003-task-reliability.js';

export const coreMigrations: MigrationObject[] = [
  { name: 'core-0001-tables', class: CoreTables },
  { name: 'core-0002-tasking', class: Tasking },
  { name: 'core-0003-task-reliability', class: TaskReliability },
];
