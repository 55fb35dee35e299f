import { runTask, type GraphQLClient, type TaskView } from '../../../../test/plugin-testing.js';

/** The steps of the user's story with npm repositories, each a GraphQL call as a user's script would make it. */
export class NpmSteps {
  constructor(private readonly client: GraphQLClient) {}

  async remote(name: string, url: string, packages: string[], extra: Record<string, unknown> = {}): Promise<string> {
    const { createNpmRemote } = await this.client.data(
      `mutation ($input: CreateNpmRemoteInput!) { createNpmRemote(input: $input) { id } }`,
      { input: { name, url, packages, ...extra } },
    );
    return createNpmRemote.id;
  }

  async repository(name: string): Promise<string> {
    const { createNpmRepository } = await this.client.data(
      `mutation ($input: CreateNpmRepositoryInput!) { createNpmRepository(input: $input) { id } }`, { input: { name } },
    );
    return createNpmRepository.id;
  }

  sync(repositoryId: string, remoteId: string, mirror = false): Promise<TaskView> {
    return runTask(this.client, `mutation ($id: ID!, $remote: ID!, $mirror: Boolean) { syncNpmRepository(id: $id, remoteId: $remote, mirror: $mirror) { id } }`,
      { id: repositoryId, remote: remoteId, mirror });
  }

  /** Serves the repository under `basePath`; returns the registry URL npm installs from. */
  async distribute(name: string, basePath: string, repositoryId: string): Promise<string> {
    const task = await runTask(this.client, `mutation ($input: CreateNpmDistributionInput!) { createNpmDistribution(input: $input) { id } }`,
      { input: { name, basePath, repositoryId } });
    if (task.state !== 'COMPLETED') throw new Error(`distribute failed: ${JSON.stringify(task.error)}`);
    const { npmDistribution } = await this.client.data(`query ($id: ID!) { npmDistribution(id: $id) { baseUrl } }`, { id: task.createdResources[0] });
    return npmDistribution.baseUrl;
  }

  /** `name@version` of every package in the repository's latest version, sorted, and its dist-tags as `name:tag=version`. */
  async content(repositoryId: string): Promise<{ number: number; packages: string[]; tags: string[] }> {
    const { npmRepository } = await this.client.data(`query ($id: ID!) { npmRepository(id: $id) { latestVersion { number content(first: 1000) { nodes {
      ... on NpmPackage { name version } ... on NpmDistTag { name tag tagged: version } } } } } }`, { id: repositoryId });
    const nodes = npmRepository.latestVersion.content.nodes as Array<{ name: string; version?: string; tag?: string; tagged?: string }>;
    return {
      number: npmRepository.latestVersion.number,
      packages: nodes.filter((n) => n.version).map((n) => `${n.name}@${n.version}`).sort(),
      tags: nodes.filter((n) => n.tag).map((n) => `${n.name}:${n.tag}=${n.tagged}`).sort(),
    };
  }
}
