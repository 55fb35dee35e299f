import { readFileSync } from 'node:fs';

/** One figure, as one JSON line on stdout (what the benchmarks print and nothing else). */
export function report(figure: string, value: number, context: Record<string, unknown> = {}): void {
  console.log(JSON.stringify({ figure, value: Math.round(value * 100) / 100, ...context }));
}

/** The p-th percentile (0-100) of some numbers, by nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** A process's peak resident set (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Runs `work(i)` for i in [0, count), at most `limit` at a time, in order of i. */
export async function inParallel(limit: number, count: number, work: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) await work(next++);
  }));
}

/**
 * Rounds of `a` and `b` in the order A, B, B, A (`cycles` times over), so that a drift of the
 * machine's load weighs on both alike.
 */
export async function abba<R>(a: () => Promise<R>, b: () => Promise<R>, cycles = 1): Promise<{ a: R[]; b: R[] }> {
  const rounds: { a: R[]; b: R[] } = { a: [], b: [] };
  for (let cycle = 0; cycle < cycles; cycle++) {
    rounds.a.push(await a());
    rounds.b.push(await b());
    rounds.b.push(await b());
    rounds.a.push(await a());
  }
  return rounds;
}

export const round2 = (n: number) => Math.round(n * 100) / 100;
