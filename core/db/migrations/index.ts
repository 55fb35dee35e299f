import type { MigrationObject } from '@mikro-orm/core';
import { CoreTables } from './0001-core-tables.js';
import { Tasking } from './0002-tasking.js';
import { ContentLifecycle } from './0004-content-lifecycle.js';

export const coreMigrations: MigrationObject[] = [
  { name: 'core-0001-tables', class: CoreTables },
  { name: 'core-0002-tasking', class: Tasking },
  { name: 'core-0004-content-lifecycle', class: ContentLifecycle },
];
