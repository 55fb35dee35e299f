import type { GraphQLClient } from './graphql-client.js';
import { runTask, storedCounts } from './content.js';
import type { TaskView } from './tasks.js';

/** The steps of the user's story with a file repository, each a GraphQL call as a user's script would make it. */
export class FileRepositorySteps {
  constructor(private readonly client: GraphQLClient) {}

  async remote(name: string, url: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { createFileRemote } = await this.client.data(
      `mutation ($input: CreateFileRemoteInput!) { createFileRemote(input: $input) { id } }`,
      { input: { name, url, ...extra } },
    );
    return createFileRemote.id;
  }

  async repository(name: string, extra: Record<string, unknown> = {}): Promise<string> {
    const { createFileRepository } = await this.client.data(
      `mutation ($input: CreateFileRepositoryInput!) { createFileRepository(input: $input) { id } }`,
      { input: { name, ...extra } },
    );
    return createFileRepository.id;
  }

  sync(repositoryId: string, remoteId: string, mirror = false): Promise<TaskView> {
    return runTask(this.client, `mutation ($id: ID!, $remote: ID!, $mirror: Boolean) { syncFileRepository(id: $id, remoteId: $remote, mirror: $mirror) { id } }`,
      { id: repositoryId, remote: remoteId, mirror });
  }

  async publish(repositoryId: string): Promise<string> {
    const task = await runTask(this.client, `mutation ($id: ID!) { createFilePublication(repositoryId: $id) { id } }`, { id: repositoryId });
    if (task.state !== 'COMPLETED') throw new Error(`publish failed: ${JSON.stringify(task.error)}`);
    return task.createdResources[0]!;
  }

  /** Creates a distribution; returns its base URL. */
  async distribute(name: string, basePath: string, target: { publicationId?: string; repositoryId?: string }): Promise<string> {
    const task = await runTask(this.client, `mutation ($input: CreateFileDistributionInput!) { createFileDistribution(input: $input) { id } }`,
      { input: { name, basePath, ...target } });
    if (task.state !== 'COMPLETED') throw new Error(`distribute failed: ${JSON.stringify(task.error)}`);
    const { fileDistribution } = await this.client.data(`query ($id: ID!) { fileDistribution(id: $id) { baseUrl } }`, { id: task.createdResources[0] });
    return fileDistribution.baseUrl;
  }

  async latest(repositoryId: string): Promise<{ number: number; contentSummary: Record<string, Array<{ type: string; count: number }>> }> {
    const { fileRepository } = await this.client.data(
      `query ($id: ID!) { fileRepository(id: $id) { latestVersion { number contentSummary { added { type count } removed { type count } present { type count } } } } }`,
      { id: repositoryId },
    );
    return fileRepository.latestVersion;
  }

  stored(): ReturnType<typeof storedCounts> {
    return storedCounts(this.client);
  }
}
