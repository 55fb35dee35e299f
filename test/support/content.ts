import { createHash } from 'node:crypto';
import type { GraphQLClient } from './graphql-client.js';
import { finished, type TaskView } from './tasks.js';

export const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

/** Uploads bytes in one request (`POST /artifacts`); returns the artifact. */
export async function uploadArtifact(client: GraphQLClient, bytes: Buffer | string): Promise<{ id: string; sha256: string; size: number }> {
  const res = await fetch(`${client.url}/artifacts?sha256=${sha256(bytes)}`, { method: 'POST', body: bytes, headers: client.headers });
  if (res.status !== 201) throw new Error(`upload failed: ${res.status} ${await res.text()}`);
  return (await res.json()) as { id: string; sha256: string; size: number };
}

/** Runs a mutation that returns a task and waits for the task to end. */
export async function runTask(client: GraphQLClient, mutation: string, variables: Record<string, unknown> = {}): Promise<TaskView> {
  const data = await client.data<Record<string, { id: string }>>(mutation, variables);
  return finished(client, Object.values(data)[0]!);
}

/** Uploads a file and makes it FileContent (optionally in a new version of `repositoryId`); returns the content id. */
export async function createFile(client: GraphQLClient, relativePath: string, bytes: Buffer | string, repositoryId?: string): Promise<string> {
  const artifact = await uploadArtifact(client, bytes);
  const task = await runTask(client,
    `mutation ($path: String!, $artifact: ID!, $repo: ID) { createFileContent(relativePath: $path, artifactId: $artifact, repositoryId: $repo) { id } }`,
    { path: relativePath, artifact: artifact.id, repo: repositoryId ?? null });
  if (task.state !== 'COMPLETED') throw new Error(`createFileContent failed: ${JSON.stringify(task.error)}`);
  return task.createdResources[0]!;
}

/** The relative paths in a version of a repository, sorted. */
export async function versionPaths(client: GraphQLClient, repositoryId: string, number?: number): Promise<string[]> {
  const { fileRepository } = await client.data(
    `query ($id: ID!) { fileRepository(id: $id) { latestVersion { number } versions(first: 1000) { nodes { id number } } } }`,
    { id: repositoryId },
  );
  const wanted = number ?? fileRepository.latestVersion.number;
  const version = fileRepository.versions.nodes.find((v: { number: number }) => v.number === wanted);
  if (!version) throw new Error(`no version ${wanted}`);
  const { repositoryVersion } = await client.data(
    `query ($id: ID!) { repositoryVersion(id: $id) { content(first: 1000) { nodes { ... on FileContent { relativePath } } } } }`,
    { id: version.id },
  );
  return repositoryVersion.content.nodes.map((n: { relativePath: string }) => n.relativePath).sort();
}

/** How many artifacts, content units and repository versions exist: what "nothing stored" is checked against. */
export async function storedCounts(client: GraphQLClient): Promise<{ artifacts: number; contents: number; versions: number }> {
  const { artifacts, contents, repositoryVersions } = await client.data(
    `{ artifacts { totalCount } contents { totalCount } repositoryVersions { totalCount } }`,
  );
  return { artifacts: artifacts.totalCount, contents: contents.totalCount, versions: repositoryVersions.totalCount };
}
