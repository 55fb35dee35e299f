import { randomBytes } from 'node:crypto';
import { isInterfaceType } from 'graphql';
import { Query, Resolver } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rank, Role } from '../core/access/roles.js';
import type { AccessRule } from '../core/access/rules.js';
import { buildLarderSchema } from '../core/graphql/schema.js';
import { loadPlugins } from '../core/plugin/loader.js';
import { publishDocument } from '../plugins/npm/test/support/publish-document.js';
import { packTarball } from '../plugins/npm/test/support/tarball.js';
import { runTask, uploadArtifact } from './support/content.js';
import type { GraphQLClient, GraphQLResponse } from './support/graphql-client.js';
import { grantRole, makeUser, tokenFor, type TestUser } from './support/identities.js';
import { Fixtures, type Maker, type ObjectSet } from './support/object-fixtures.js';
import { argumentsFor, documentOf, rootOperations, subjectOf, type Operation, type ValueSource } from './support/schema-operations.js';
import { startTestLarder, type TestLarder } from './support/test-larder.js';
import { WsSession } from './support/ws-session.js';

/*
 * Every root operation of the schema, called by every kind of caller, answers what its declared
 * access rule and the access contract say. The operations, their arguments and the objects they
 * act on all come from the schema, so a new generated operation is in the matrix without a line
 * here; only what generation cannot know is in the tables below.
 */

const schema = await buildLarderSchema(await loadPlugins());
const operations = rootOperations(schema);

type Answer = 'ok' | 'hidden' | 'FORBIDDEN' | 'UNAUTHENTICATED';

/** Objects only their creator sees (core/access/visibility.ts): "its own" plays the part of a role on it. */
const OWN_TYPES = new Set(['Upload', 'ApiToken']);

/** Types roles are granted on: those whose create operation needs a role granted globally. */
const ROLE_HOLDERS = new Set(operations.filter((op) => op.kind === 'mutation' && op.rule && 'global' in op.rule)
  .map((op) => subjectOf(schema, op)!));

/** Operations that use up the object they act on: each call gets objects made for it alone. */
const usesUp = (op: Operation) => /^(delete|cancel)[A-Z]/.test(op.name);

/** Values generation cannot guess, by argument or input field name. */
const BY_NAME: Record<string, () => unknown> = {
  // Never synced here (the matrix's tasks on a repository wait behind the hold), only stored.
  url: () => 'http://127.0.0.1:9/matrix/PULP_MANIFEST',
  sha256: () => 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
};

/** Optional arguments and input fields a call needs besides the required ones. */
const ALSO_FILL: Record<string, string[]> = {
  createFileContent: ['artifactId'],
  RoleAssignmentInput: ['userId', 'objectId'],
};

/**
 * Operations whose resolver decides more than their declared rule, with what it decides for the
 * objects the matrix makes for them (as a role needed on those objects; 4: beyond any role).
 */
const DECIDED_BY_RESOLVER: Record<string, { needs: number; why: string }> = {
  cancelTask: { needs: rank(Role.CONTRIBUTOR), why: 'cancelling needs the permission the dispatch needed; the task is a modify (contributor on its repository)' },
  cancelTaskGroup: { needs: 4, why: "the group's task is a test task admin dispatched: its permission, signed-in, is the dispatcher's alone" },
};

/** Calls that pass the access hook and are then refused for a reason of their own, with that reason. */
const PRECONDITIONS: Record<string, string> = {
  signedContentUrl: 'BAD_USER_INPUT: the distribution has no SignedUrlContentGuard',
};

let counter = 0;
const unique = () => `m${++counter}-${randomBytes(3).toString('hex')}`;

interface Caller {
  label: string;
  client: GraphQLClient;
  signedIn: boolean;
  refused: boolean;
  admin: boolean;
  /** The rank of the role granted on every object. */
  global: number;
  /** The rank of the role held on the objects a call acts on (0: the role is on another object). */
  role: number;
  /** Where the role is: on the objects the call acts on, on another object, or nowhere. */
  scope: 'it' | 'another' | null;
  /** The user whose role it is, given on the objects made for a call that uses them up. */
  user: TestUser | null;
}

let t: TestLarder;
let fixtures: Fixtures;
/** Objects the role-holding callers hold their roles on ("it"), and others of the same kinds ("another"). */
let mine: ObjectSet;
let others: ObjectSet;
let stranger: TestUser;
let callers: Caller[];
let hold: Promise<string> | null = null;

/** A task holding `matrix-hold` until the end: tasks queued behind it stay WAITING, to be read and cancelled. */
function holdTask(): Promise<string> {
  return (hold ??= t.client.data<{ dispatchTestTask: { id: string } }>(
    'mutation { dispatchTestTask(sleepMs: 3600000, exclusiveResources: ["matrix-hold"]) { id } }',
  ).then((d) => d.dispatchTestTask.id));
}

/** A file stored in the set's file repository (a new version of it): its content and artifact. */
function storedFile(set: ObjectSet, step = 'file'): Promise<{ contentId: string; artifactId: string }> {
  return set.once(step, async () => {
    const repositoryId = await set.get('FileRepository');
    const artifact = await uploadArtifact(t.client, `${unique()}\n`);
    const task = await runTask(t.client,
      'mutation ($p: String!, $a: ID!, $r: ID!) { createFileContent(relativePath: $p, artifactId: $a, repositoryId: $r) { id } }',
      { p: `${unique()}.txt`, a: artifact.id, r: repositoryId });
    if (task.state !== 'COMPLETED') throw new Error(`createFileContent ended ${task.state}: ${JSON.stringify(task.error)}`);
    return { contentId: task.createdResources[0]!, artifactId: artifact.id };
  });
}

/** A version of the set's file repository that is neither its latest nor served (deleteRepositoryVersion takes it). */
async function olderVersion(set: ObjectSet): Promise<string> {
  await storedFile(set);
  await storedFile(set, 'second file');
  const { fileRepository } = await t.client.data('query ($id: ID!) { fileRepository(id: $id) { versions { nodes { id number } } } }',
    { id: await set.get('FileRepository') });
  return fileRepository.versions.nodes.find((v: { number: number }) => v.number === 1).id;
}

/** A package published into the set's npm repository: the content each npm content type has of it. */
function publishedPackage(set: ObjectSet): Promise<Record<string, string>> {
  return set.once('npm package', async () => {
    const repositoryId = await set.get('NpmRepository');
    const basePath = unique();
    const made = await runTask(t.client, 'mutation ($input: CreateNpmDistributionInput!) { createNpmDistribution(input: $input) { id } }',
      { input: { name: basePath, basePath, repositoryId } });
    if (made.state !== 'COMPLETED') throw new Error(`createNpmDistribution ended ${made.state}`);
    const name = unique();
    const tarball = packTarball({ 'package.json': JSON.stringify({ name, version: '1.0.0' }) });
    const res = await fetch(`${t.client.url}/npm/${basePath}/${name}`, {
      method: 'PUT', headers: { 'content-type': 'application/json', ...t.client.headers },
      body: JSON.stringify(publishDocument(name, '1.0.0', tarball)),
    });
    if (res.status !== 201) throw new Error(`publishing ${name}: ${res.status} ${await res.text()}`);
    const { npmRepository } = await t.client.data(
      'query ($id: ID!) { npmRepository(id: $id) { latestVersion { content { nodes { __typename id } } } } }', { id: repositoryId });
    return Object.fromEntries(npmRepository.latestVersion.content.nodes.map((n: { __typename: string; id: string }) => [n.__typename, n.id]));
  });
}

/** A modify of the set's file repository, WAITING behind the hold (its permission: contributor on the repository). */
async function waitingTask(set: ObjectSet): Promise<string> {
  const repositoryId = await set.get('FileRepository');
  await holdTask();
  await t.client.data('mutation ($r: [String!]) { dispatchTestTask(sleepMs: 0, exclusiveResources: $r) { id } }',
    { r: ['matrix-hold', `repository:${repositoryId}`] });
  const { modifyFileRepository } = await t.client.data('mutation ($id: ID!) { modifyFileRepository(id: $id) { id state } }', { id: repositoryId });
  return modifyFileRepository.id;
}

/** A task group whose one task (reserving the set's file repository) waits behind the hold. */
async function waitingGroup(set: ObjectSet): Promise<string> {
  const repositoryId = await set.get('FileRepository');
  await holdTask();
  const { createTestTaskGroup } = await t.client.data('mutation { createTestTaskGroup(description: "matrix") { id } }');
  await t.client.data('mutation ($g: ID!, $r: [String!]) { dispatchTestTask(sleepMs: 0, taskGroupId: $g, exclusiveResources: $r) { id } }',
    { g: createTestTaskGroup.id, r: ['matrix-hold', `repository:${repositoryId}`] });
  return createTestTaskGroup.id;
}

/** Types the schema's create operations cannot make. */
const MAKERS: Record<string, Maker> = {
  FileContent: async (set) => (await storedFile(set)).contentId,
  Artifact: async (set) => (await storedFile(set)).artifactId,
  RepositoryVersion: olderVersion,
  NpmPackage: async (set) => (await publishedPackage(set)).NpmPackage!,
  NpmDistTag: async (set) => (await publishedPackage(set)).NpmDistTag!,
  Task: waitingTask,
  TaskGroup: waitingGroup,
  ApiToken: async (set) => (await tokenFor(set.creator)).tokenId,
};

function valuesFor(set: ObjectSet): ValueSource {
  return { unique, byName: BY_NAME, alsoFill: ALSO_FILL, id: (type) => set.get(type) };
}

/** The object types a call of `op` names, in argument order (nothing is made). */
async function namedTypes(op: Operation): Promise<string[]> {
  const types: string[] = [];
  await argumentsFor(schema, op, { unique, byName: BY_NAME, alsoFill: ALSO_FILL, id: async (type) => (types.push(type), '') }, ROLE_HOLDERS);
  return types;
}

/** Tasks and task groups wait behind the hold on their repository: nothing made there after them could finish. */
const WAITING_TYPES = ['TaskGroup', 'Task'];

async function makeAll(set: ObjectSet, ops: Operation[]): Promise<void> {
  const types = new Set((await Promise.all(ops.map(namedTypes))).flat());
  await Promise.all([...types].filter((type) => !WAITING_TYPES.includes(type)).map((type) => set.get(type)));
  for (const type of WAITING_TYPES.filter((type) => types.has(type))) await set.get(type);
}

const ROLES = [Role.VIEWER, Role.CONTRIBUTOR, Role.OWNER];

const grant = (user: TestUser, role: Role, objectId?: string) => grantRole(t.client, user, role.toUpperCase(), objectId);

async function grantOnRoleHolders(set: ObjectSet, user: TestUser, role: Role): Promise<void> {
  const objects = (await set.all()).filter((o) => ROLE_HOLDERS.has(o.type));
  await Promise.all(objects.map((o) => grant(user, role, o.id)));
}

beforeAll(async () => {
  t = await startTestLarder();
  const users = await Promise.all(['nobody', 'viewer', 'contributor', 'owner', 'gviewer', 'gcontributor', 'gowner', 'stranger']
    .map((name) => makeUser(t.client, name)));
  const [nobody, viewer, contributor, owner, gViewer, gContributor, gOwner] = users as [TestUser, ...TestUser[]];
  stranger = users[7]!;
  fixtures = new Fixtures({
    schema, admin: t.client, makers: MAKERS, ownTypes: OWN_TYPES, roleHolders: ROLE_HOLDERS,
    values: { unique, byName: BY_NAME, alsoFill: ALSO_FILL },
  });
  mine = fixtures.set();
  others = fixtures.set();
  const shared = operations.filter((op) => !usesUp(op));
  await Promise.all([makeAll(mine, shared), makeAll(others, shared)]);
  const holders = [viewer!, contributor!, owner!];
  await Promise.all(holders.map((user, i) => grantOnRoleHolders(mine, user, ROLES[i]!)));
  await Promise.all([gViewer!, gContributor!, gOwner!].map((user, i) => grant(user, ROLES[i]!)));

  const base = { refused: false, admin: false, global: 0, role: 0, scope: null, signedIn: true };
  callers = [
    { ...base, label: 'anonymous', client: t.client.as(null), signedIn: false, user: null },
    { ...base, label: 'refused credentials', client: t.client.as('Bearer larder_not-a-token'), signedIn: false, refused: true, user: null },
    { ...base, label: 'no role', client: nobody.client, user: nobody },
    ...holders.flatMap((user, i) => [
      { ...base, label: `${ROLES[i]} on it`, client: user.client, role: i + 1, scope: 'it' as const, user },
      { ...base, label: `${ROLES[i]} on another`, client: user.client, scope: 'another' as const, user },
    ]),
    ...[gViewer!, gContributor!, gOwner!].map((user, i) => ({ ...base, label: `${ROLES[i]} globally`, client: user.client, global: i + 1, user })),
    { ...base, label: 'admin', client: t.client, admin: true, user: null },
  ];
}, 180_000);

afterAll(async () => {
  if (hold) await t.client.request('mutation ($id: ID!) { cancelTask(id: $id) { id } }', { id: await hold });
  await t?.stop();
});

/** One call: the objects its arguments name (made for it when it uses them up), and whether the caller made them. */
interface Call {
  args: Record<string, unknown>;
  /** The type of the object the call names first, if any. */
  target: string | null;
  ownedByCaller: boolean;
}

async function prepare(op: Operation, caller: Caller): Promise<Call> {
  const target = (await namedTypes(op))[0] ?? null;
  let set: ObjectSet;
  let ownedByCaller = false;
  if (usesUp(op) || (target !== null && OWN_TYPES.has(target))) {
    ownedByCaller = caller.scope === 'it';
    set = fixtures.set(ownedByCaller ? caller.client : stranger.client);
  } else {
    set = caller.scope === 'another' ? others : mine;
  }
  const args = await argumentsFor(schema, op, valuesFor(set), ROLE_HOLDERS);
  if (set !== mine && set !== others && caller.scope === 'it') await grantOnRoleHolders(set, caller.user!, ROLES[caller.role - 1]!);
  return { args, target, ownedByCaller };
}

/** What the declared rule (and, where the resolver decides more, the table) says this caller gets. */
function expected(op: Operation, caller: Caller, call: Call): Answer {
  if (caller.refused) return 'UNAUTHENTICATED';
  const rule = op.rule!;
  if ('anyone' in rule) return 'ok';
  if (!caller.signedIn) return 'UNAUTHENTICATED';
  const held = caller.admin ? Infinity : Math.max(caller.global, caller.role);
  const decided = DECIDED_BY_RESOLVER[op.name];
  if (decided) return held < 1 ? 'hidden' : held >= decided.needs ? 'ok' : 'FORBIDDEN';
  if ('signedIn' in rule) {
    if (call.target === null) return 'ok';
    const sees = OWN_TYPES.has(call.target) ? call.ownedByCaller : held >= 1;
    return sees ? 'ok' : 'hidden';
  }
  if ('admin' in rule) return caller.admin ? 'ok' : 'FORBIDDEN';
  if ('global' in rule) return caller.admin || caller.global >= rank(rule.global) ? 'ok' : 'FORBIDDEN';
  if (held < 1) return 'hidden';
  return held >= rank(rule.role) ? 'ok' : 'FORBIDDEN';
}

const ACCESS_CODES = new Set(['UNAUTHENTICATED', 'FORBIDDEN']);

/** The class of an answer; a refusal after the access hook (bad input, a conflict) passed it, and says so. */
function classify(op: Operation, call: Call, result: GraphQLResponse<Record<string, unknown>>): { answer: string; refusal?: string } {
  const error = result.errors?.[0];
  if (error) {
    const code = error.extensions?.code ?? 'NO CODE';
    if (code === 'NOT_FOUND') return { answer: 'hidden' };
    if (ACCESS_CODES.has(code)) return { answer: code };
    if (code === 'BAD_USER_INPUT' || code === 'CONFLICT') return { answer: 'ok', refusal: `${code}: ${error.message}` };
    return { answer: `${code}: ${error.message}` };
  }
  const value = result.data?.[op.name];
  if (call.target !== null && (value === null || (Array.isArray(value) && value.length === 0))) return { answer: 'hidden' };
  return { answer: 'ok' };
}

/** The first answer of a subscription; for an event stream, provoked by the caller dispatching tasks of its own. */
async function subscribeOnce(op: Operation, caller: Caller, call: Call): Promise<GraphQLResponse<Record<string, unknown>> | string> {
  if (!caller.signedIn) {
    const { session, acknowledged } = await WsSession.open(t.client.url, caller.client.authorization);
    if (acknowledged) {
      session.close();
      return 'acknowledged';
    }
    const { code } = await session.closed;
    return code === (caller.refused ? 4403 : 4401) ? 'UNAUTHENTICATED' : `closed ${code}`;
  }
  const client = caller.client.as(caller.client.authorization);
  const first = client.subscription<Record<string, unknown>>(documentOf(op, call.args), call.args).next();
  let answered = false;
  const provoke = (async () => {
    while (!answered) {
      await client.request('mutation { dispatchTestTask(sleepMs: 0) { id } }');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  })();
  try {
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('no answer within 10 s'), 10_000));
    const answer = await Promise.race([first.then((r) => r.value as GraphQLResponse<Record<string, unknown>>, (errors: unknown) => ({
      errors: (Array.isArray(errors) ? errors : [{ message: String(errors) }]) as GraphQLResponse<never>['errors'],
    })), timeout]);
    return answer;
  } finally {
    answered = true;
    await provoke;
    await client.close();
  }
}

interface Row {
  caller: string;
  expected: Answer;
  answer: string;
  refusal?: string;
}

async function callAs(op: Operation, caller: Caller): Promise<Row> {
  const call = await prepare(op, caller);
  const want = expected(op, caller, call);
  const result = op.kind === 'subscription'
    ? await subscribeOnce(op, caller, call)
    : await caller.client.request<Record<string, unknown>>(documentOf(op, call.args), call.args);
  const got = typeof result === 'string' ? { answer: result } : classify(op, call, result);
  return { caller: caller.label, expected: want, ...got };
}

describe.concurrent('every root operation answers each caller as its declared rule says', () => {
  for (const op of operations) {
    it(`${op.kind} ${op.name}`, async () => {
      const rows = await Promise.all(callers.map((caller) => callAs(op, caller)));
      expect(rows.map((r) => `${r.caller}: ${r.answer}`), DECIDED_BY_RESOLVER[op.name]?.why)
        .toEqual(rows.map((r) => `${r.caller}: ${r.expected}`));
      // A call expected to pass did what it was asked, unless the operation is known to need more than generated arguments.
      const refused = rows.filter((r) => r.refusal && !PRECONDITIONS[op.name]?.startsWith(r.refusal.split(':')[0]!));
      expect(refused.map((r) => `${r.caller}: ${r.refusal}`), 'a refusal the PRECONDITIONS table does not explain').toEqual([]);
    }, 120_000);
  }
});

/** A rule as the contract's table words it: `anyone`, `signedIn`, `admin`, `contributor globally`, `owner`, `owner, else admin`. */
function wording(rule: AccessRule | undefined): string {
  if (!rule) return 'none';
  if ('anyone' in rule) return 'anyone';
  if ('signedIn' in rule) return 'signedIn';
  if ('admin' in rule) return 'admin';
  if ('global' in rule) return `${rule.global} globally`;
  return rule.unnamed ? `${rule.role}, else ${wording(rule.unnamed)}` : rule.role;
}

const ANYONE = ['me'];
const ADMIN_ONLY = [
  'cleanupOrphans', 'repairArtifacts', 'purgeTasks', 'workers', 'users', 'user', 'groups', 'group',
  'createUser', 'updateUser', 'deleteUser', 'createGroup', 'deleteGroup', 'addGroupMember', 'removeGroupMember',
];
const ANY_SIGNED_IN = [
  'dispatchTestTask', 'createTestTaskGroup', 'createUpload', 'commitUpload', 'upload', 'createApiToken', 'apiTokens', 'revokeApiToken',
  // Cancelling needs the permission the dispatch needed: the resolver decides, from the task.
  'cancelTask', 'cancelTaskGroup',
  // Answers what the caller may do; nothing when it may not see the object.
  'myPermissions',
];
const OWNER_OF_THE_OBJECT = ['roleAssignments', 'deleteRepositoryVersion'];

/** What the contract's table says an operation needs, or null for an operation it does not name. */
function implementing(name: string): Set<string> {
  const type = schema.getType(name);
  return new Set(isInterfaceType(type) ? schema.getPossibleTypes(type).map((t) => t.name) : []);
}

/** The types roles are granted on, as the contract names them. */
const CONTRACT_HOLDERS = new Set(['Repository', 'Remote', 'Distribution', 'ContentGuard'].flatMap((name) => [...implementing(name)]));

function contractFor(op: Operation): string | null {
  const repositories = implementing('Repository');
  if (ANYONE.includes(op.name)) return 'anyone';
  if (ADMIN_ONLY.includes(op.name)) return 'admin';
  if (ANY_SIGNED_IN.includes(op.name)) return 'signedIn';
  if (OWNER_OF_THE_OBJECT.includes(op.name)) return 'owner';
  if (op.name === 'grantRole' || op.name === 'revokeRole') return 'owner, else admin';
  // Downloads need viewer on the distribution.
  if (op.name === 'signedContentUrl') return 'viewer';
  const [, verb, type] = /^([a-z]+)([A-Z]\w*)$/.exec(op.name) ?? [];
  if (op.kind === 'mutation' && type && CONTRACT_HOLDERS.has(type)) {
    if (verb === 'create') return 'contributor globally';
    if (verb === 'update' || verb === 'delete') return 'owner';
  }
  if (op.kind === 'mutation' && type && repositories.has(type) && (verb === 'sync' || verb === 'modify')) return 'contributor';
  // Publishing, and creating content in a repository; content made in none is anyone's upload.
  if (op.kind === 'mutation' && type && verb === 'create' && implementing('Publication').has(type)) return 'contributor';
  if (op.kind === 'mutation' && type && verb === 'create' && implementing('Content').has(type)) return 'contributor, else signedIn';
  // Reading, listing and subscribing: any signed-in caller, answered only what they may see.
  if (op.kind !== 'mutation' && subjectOf(schema, op) !== null) return 'signedIn';
  return null;
}

describe('the declared rules', () => {
  it('are those of the schema the running server answers with', async () => {
    const { __schema } = await t.client.data(`{ __schema {
      queryType { fields { name } } mutationType { fields { name } } subscriptionType { fields { name } } } }`);
    const served = ['queryType', 'mutationType', 'subscriptionType']
      .flatMap((root) => __schema[root].fields.map((f: { name: string }) => f.name));
    expect(served.sort()).toEqual(operations.map((op) => op.name).sort());
  });

  it('are what the access contract says each operation needs', () => {
    const unnamed = operations.filter((op) => contractFor(op) === null).map((op) => op.name);
    expect(unnamed, 'operations the contract table here does not name').toEqual([]);
    const declared = operations.map((op) => `${op.name}: ${wording(op.rule)}`);
    expect(declared).toEqual(operations.map((op) => `${op.name}: ${contractFor(op)}`));
  });

  it('cover every operation: one declaring none stops the schema from building', async () => {
    class UndecidedResolver {
      undecided(): string {
        return 'nobody decided who may ask this';
      }
    }
    // As `@Resolver() class … { @Query(() => String) undecided() … }` would, without @Access.
    Query(() => String)(UndecidedResolver.prototype, 'undecided', Object.getOwnPropertyDescriptor(UndecidedResolver.prototype, 'undecided')!);
    Resolver()(UndecidedResolver);
    await expect(buildLarderSchema([{ name: 'undecided', entities: [], resolvers: [UndecidedResolver] }]))
      .rejects.toThrow('Query.undecided declares no access rule');
  });
});
