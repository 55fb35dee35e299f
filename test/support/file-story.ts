import { FileRepositorySteps } from './file-repository.js';
import { startTestLarder, type TestLarder } from './test-larder.js';
import { Upstream } from './upstream.js';

/** What a file-repository story needs: a Larder, an upstream server for remotes, and the user's steps. */
export interface FileStory {
  t: TestLarder;
  upstream: Upstream;
  steps: FileRepositorySteps;
  stop(): Promise<void>;
}

export async function startFileStory(): Promise<FileStory> {
  const t = await startTestLarder();
  const upstream = await Upstream.start();
  return {
    t,
    upstream,
    steps: new FileRepositorySteps(t.client),
    async stop() {
      await upstream.close();
      await t.stop();
    },
  };
}
