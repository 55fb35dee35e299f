import { expect, it } from 'vitest';
import '../plugins/file/index.js';
import '../plugins/npm/index.js';
import { concreteTypeName } from '../core/db/entities/concrete-type.js';
import { Remote } from '../core/db/entities/remote.js';
import { Repository } from '../core/db/entities/repository.js';
import { FileRepository } from '../plugins/file/entities/file-repository.js';

/**
 * A full run once answered `repository(id)` with "Abstract type Repository was resolved to a non-object type
 * Repository": the object came back from MikroORM as an instance of the base class (not reproduced on its own since).
 * Its discriminator still says what it is, so it answers as its own type.
 */
it('an object that MikroORM hands back as its base class answers as the type its discriminator names', () => {
  const asBase = Object.assign(Object.create(Repository.prototype) as Repository, { id: 'x', type: 'file.file' });
  expect(concreteTypeName(asBase)).toBe('FileRepository');
  const npm = Object.assign(Object.create(Repository.prototype) as Repository, { id: 'y', type: 'npm.npm' });
  expect(concreteTypeName(npm)).toBe('NpmRepository');
  // The same discriminator names one type per base: a remote's is the remote type.
  expect(concreteTypeName(Object.assign(Object.create(Remote.prototype) as Remote, { type: 'file.file' }))).toBe('FileRemote');
  expect(concreteTypeName(Object.assign(new FileRepository(), { type: 'file.file' }))).toBe('FileRepository');
});
