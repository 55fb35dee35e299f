/** Names a new plugin's files and classes are made of, from its plugin name (e.g. `recipe_box`). */
export interface PluginNames {
  /** `recipe_box`: discriminators, task names, column prefix. */
  plugin: string;
  /** `RecipeBox`: class and GraphQL type prefix. */
  pascal: string;
  /** `recipe-box`: file names. */
  kebab: string;
  /** `recipeBox`: GraphQL field names (`recipeBoxRepository`). */
  camel: string;
}

export function pluginNames(plugin: string): PluginNames {
  const words = plugin.split('_').filter(Boolean);
  return {
    plugin,
    pascal: words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(''),
    kebab: words.join('-'),
    camel: words.map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join(''),
  };
}

/**
 * The files of a new notes plugin (`new-plugin --notes`), by path under `plugins/<name>/`: a content
 * type and a repository type (subclassing the core's bases), their migration, resolvers extending the
 * base resolvers, a task deployed from a mutation with its reservation, a test of the whole round, and a README.
 */
export function noteFiles({ plugin, pascal, kebab, camel }: PluginNames): Record<string, string> {
  const api = "'../../../core/plugin-api.js'";
  return {
    'index.ts': `import { definePlugin } from '../../core/plugin-api.js';
import { ${pascal}Note } from './entities/${kebab}-note.js';
import { ${pascal}Repository } from './entities/${kebab}-repository.js';
import { ${pascal}Columns } from './migrations/0001-${kebab}-columns.js';
import { ${pascal}NoteResolver } from './resolvers/${kebab}-note-resolver.js';
import { ${pascal}RepositoryResolver } from './resolvers/${kebab}-repository-resolver.js';
import { addNoteTask } from './tasks/add-note-task.js';

/** ${pascal}: repositories of notes. Made by \`npm run new-plugin\`; grow it from here. */
export default definePlugin({
  name: '${plugin}',
  entities: [${pascal}Note, ${pascal}Repository],
  resolvers: [${pascal}NoteResolver, ${pascal}RepositoryResolver],
  tasks: [addNoteTask],
  migrations: [{ name: '${plugin}-0001-columns', class: ${pascal}Columns }],
});
`,
    [`entities/${kebab}-note.ts`]: `import { Entity, Property, Unique } from '@mikro-orm/core';
import { Field, ObjectType } from 'type-graphql';
import { Content } from ${api};

/** A note: immutable content, stored once per (title, text) however many repositories hold it. */
@ObjectType({ implements: Content })
@Entity({ discriminatorValue: '${plugin}.note' })
@Unique({ properties: ['title', 'text'] })
export class ${pascal}Note extends Content {
  @Field()
  @Property({ type: 'text', fieldName: '${plugin}_title' })
  title!: string;

  @Field()
  @Property({ type: 'text', fieldName: '${plugin}_text' })
  text!: string;

  /** A repository version holds one note per title; a new note with a title replaces the old one. */
  static override readonly repositoryKey = ['title'];
}
`,
    [`entities/${kebab}-repository.ts`]: `import { Entity } from '@mikro-orm/core';
import { ObjectType } from 'type-graphql';
import { Repository } from ${api};

@ObjectType({ implements: Repository })
@Entity({ discriminatorValue: '${plugin}.${plugin}' })
export class ${pascal}Repository extends Repository {}
`,
    [`migrations/0001-${kebab}-columns.ts`]: `import { Migration } from '@mikro-orm/migrations';

/** The ${plugin} plugin's columns on the core's single-table-inheritance tables. */
export class ${pascal}Columns extends Migration {
  override async up(): Promise<void> {
    this.addSql(\`
alter table "content" add column "${plugin}_title" text null, add column "${plugin}_text" text null;
alter table "content" add constraint "content_${plugin}_title_${plugin}_text_unique" unique ("${plugin}_title", "${plugin}_text");
\`);
  }
}
`,
    [`resolvers/${kebab}-note-resolver.ts`]: `import { Resolver } from 'type-graphql';
import { createReadResolver } from ${api};
import { ${pascal}Note } from '../entities/${kebab}-note.js';

/** Notes are immutable: read and listed here, made by the add-note task. */
@Resolver(() => ${pascal}Note)
export class ${pascal}NoteResolver extends createReadResolver({ entity: ${pascal}Note }) {}
`,
    [`resolvers/${kebab}-repository-resolver.ts`]: `import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { Access, badInput, createRepositoryResolver, objectArg, objectResource, Role, Task, type GraphQLContext } from ${api};
import { ${pascal}Note } from '../entities/${kebab}-note.js';
import { ${pascal}Repository } from '../entities/${kebab}-repository.js';
import type { AddNoteArgs } from '../tasks/add-note-task.js';

/** The generated CRUD and modify, plus one operation of this plugin's own. */
@Resolver(() => ${pascal}Repository)
export class ${pascal}RepositoryResolver extends createRepositoryResolver({
  entity: ${pascal}Repository,
  contentTypes: [${pascal}Note],
}) {
  @Mutation(() => Task, { description: 'Adds a note to the repository in a new version, in a task holding the repository exclusively.' })
  @Access({ role: Role.CONTRIBUTOR, on: objectArg(${pascal}Repository, 'repositoryId') })
  async add${pascal}Note(
    @Arg('repositoryId', () => ID) repositoryId: string,
    @Arg('title') title: string,
    @Arg('text') text: string,
    @Ctx() ctx: GraphQLContext,
  ): Promise<Task> {
    await this.existing(ctx, repositoryId);
    if (title.trim() === '') throw badInput('title must not be blank', 'title');
    const args: AddNoteArgs = { repositoryId, title, text };
    return ctx.services.tasks.dispatch('${plugin}.add-note', { ...args }, {
      exclusiveResources: [objectResource(ctx.em, ${pascal}Repository, repositoryId)],
    });
  }
}
`,
    'tasks/add-note-task.ts': `import { contentShape, defineTask, saveContent, writeVersion } from ${api};
import { ${pascal}Note } from '../entities/${kebab}-note.js';

export interface AddNoteArgs {
  repositoryId: string;
  title: string;
  text: string;
}

/** Stores the note (once) and adds it to a new version of the repository. */
export const addNoteTask = defineTask<AddNoteArgs>({
  name: '${plugin}.add-note',
  async run(ctx) {
    const { repositoryId, title, text } = ctx.args;
    const [noteId] = await saveContent(ctx.em, contentShape(ctx.em, ${pascal}Note), [{ fields: { title, text }, files: [] }]);
    ctx.created(noteId!);
    await writeVersion(ctx, repositoryId, (version) => version.add([noteId!]));
  },
});
`,
    [`test/${kebab}.test.ts`]: `import { afterAll, beforeAll, expect, it } from 'vitest';
import { finished, startTestLarder, type TestLarder } from '../../../test/plugin-testing.js';

let t: TestLarder;
beforeAll(async () => {
  t = await startTestLarder();
});
afterAll(async () => {
  await t?.stop();
});

it('adds notes to a repository, one version each, a new note replacing one with its title', async () => {
  const { create${pascal}Repository: repo } = await t.client.data(\`mutation { create${pascal}Repository(input: { name: "notes" }) { id } }\`);
  const add = async (title: string, text: string) => {
    const { add${pascal}Note: task } = await t.client.data(
      \`mutation ($repo: ID!, $title: String!, $text: String!) { add${pascal}Note(repositoryId: $repo, title: $title, text: $text) { id } }\`,
      { repo: repo.id, title, text },
    );
    return finished(t.client, task);
  };
  expect((await add('shopping', 'eggs')).state).toBe('COMPLETED');
  expect((await add('todo', 'write a plugin')).state).toBe('COMPLETED');
  expect((await add('shopping', 'eggs, milk')).state).toBe('COMPLETED');
  const { ${camel}Repository: found } = await t.client.data(
    \`query ($id: ID!) { ${camel}Repository(id: $id) { latestVersion { number content { nodes { ... on ${pascal}Note { title text } } } } } }\`,
    { id: repo.id },
  );
  expect(found.latestVersion.number).toBe(3);
  expect(found.latestVersion.content.nodes).toEqual(expect.arrayContaining([
    { title: 'shopping', text: 'eggs, milk' }, { title: 'todo', text: 'write a plugin' },
  ]));
  expect(found.latestVersion.content.nodes).toHaveLength(2);
});
`,
    'README.md': `# The ${plugin} plugin

Repositories of notes: a starting point made by \`npm run new-plugin -- ${plugin} --notes\`.

- \`entities/\`: \`${pascal}Note\` (content, natural key title + text, one per title in a version) and
  \`${pascal}Repository\`, subclassing the core's bases; their columns come from \`migrations/\`.
- \`resolvers/\`: the generated queries and mutations (\`${camel}Repositories\`, \`create${pascal}Repository\`,
  \`modify${pascal}Repository\`, …) and \`add${pascal}Note\`, which deploys the \`${plugin}.add-note\` task.
- \`test/\`: the plugin's story, run by \`npm test\`.

See docs/plugins.md for what to grow next: remotes and sync, publications, distributions and content handlers.
`,
  };
}
