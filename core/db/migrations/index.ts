import type { MigrationObject } from '@mikro-orm/core';
import { CoreTables } from './0001-core-tables.js';
import { Tasking } from './0002-tasking.js';
import { TaskReliability } from './0003-task-reliability.js';
import { ContentLifecycle } from './0004-content-lifecycle.js';
import { IncompleteVersionIndex } from './0005-incomplete-version-index.js';
import { StartByKey } from './0006-start-by-key.js';
import { SetBasedTasking } from './0007-set-based-tasking.js';
import { SetBasedTaskingCatchUp } from './0008-set-based-tasking-catch-up.js';
import { WriteFencing } from './0009-write-fencing.js';
import { Identity } from './0010-identity.js';
import { ArtifactHolders } from './0012-artifact-holders.js';
import { TokenLookup } from './0013-token-lookup.js';
import { GroupMemberIndex } from './0014-group-member-index.js';
import { ContentGuards } from './0011-content-guards.js';

export const coreMigrations: MigrationObject[] = [
  { name: 'core-0001-tables', class: CoreTables },
  { name: 'core-0002-tasking', class: Tasking },
  { name: 'core-0003-task-reliability', class: TaskReliability },
  { name: 'core-0004-content-lifecycle', class: ContentLifecycle },
  { name: 'core-0005-incomplete-version-index', class: IncompleteVersionIndex },
  { name: 'core-0006-start-by-key', class: StartByKey },
  { name: 'core-0007-set-based-tasking', class: SetBasedTasking },
  { name: 'core-0008-set-based-tasking-catch-up', class: SetBasedTaskingCatchUp },
  { name: 'core-0009-write-fencing', class: WriteFencing },
  { name: 'core-0010-identity', class: Identity },
  { name: 'core-0011-content-guards', class: ContentGuards },
  { name: 'core-0012-artifact-holders', class: ArtifactHolders },
  { name: 'core-0013-token-lookup', class: TokenLookup },
  { name: 'core-0014-group-member-index', class: GroupMemberIndex },
];
