import { isDatabaseUnavailable } from '../db/availability.js';

interface Call<I, O> {
  input: I;
  resolve(output: O): void;
  reject(error: unknown): void;
}

/**
 * Turns many concurrent calls into few: calls made while a batch is on its way join the next
 * one, sent as soon as the previous returns. Idle, a call goes out on the next turn of the event
 * loop; busy, batches grow by themselves, which is what makes PostgreSQL's commits (a WAL flush
 * each) and the network's round trips scale with load.
 *
 * `run` gets the inputs in call order and returns one output per input. If a batch of several
 * fails, each input is tried again alone, so one bad input fails only its own call, except when
 * the database is away: then every call gets that error, as it would alone, since the batch may
 * have committed with its answer lost (and each caller knows how to recover from that).
 */
export class MicroBatch<I, O> {
  private waiting: Array<Call<I, O>> = [];
  private sending = false;

  constructor(private readonly run: (inputs: I[]) => Promise<O[]>, private readonly maxSize = 200) {}

  call(input: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (!this.sending) {
        this.sending = true;
        setImmediate(() => void this.send());
      }
    });
  }

  private async send(): Promise<void> {
    while (this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.maxSize);
      await this.settle(batch);
    }
    this.sending = false;
  }

  private async settle(batch: Array<Call<I, O>>): Promise<void> {
    try {
      const outputs = await this.run(batch.map((c) => c.input));
      batch.forEach((c, i) => c.resolve(outputs[i]!));
    } catch (error) {
      if (batch.length === 1 || isDatabaseUnavailable(error)) {
        for (const c of batch) c.reject(error);
        return;
      }
      await Promise.all(batch.map((c) => this.settle([c])));
    }
  }
}
