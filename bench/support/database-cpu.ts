import { cpuMs } from './process-cpu.js';

type Sql = <Row>(text: string, values?: unknown[]) => Promise<Row[]>;

/** CPU time (ms) used so far by each PostgreSQL backend serving the database `sql` reaches, by pid. */
export type BackendCpu = Map<number, number>;

/**
 * Where a machine's PostgreSQL serves other databases too (other test runs), only the backends of
 * the benchmark's own database tell what the benchmark cost it (the asking backend left out).
 */
export async function backendCpu(sql: Sql): Promise<BackendCpu> {
  const backends = await sql<{ pid: number }>('select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()');
  return new Map(backends.map(({ pid }) => [pid, cpuMs({ pids: [pid] })]));
}

/**
 * CPU time (ms) the backends used between two readings: a backend that started in between counts
 * whole, one that ended in between takes its share with it (pools keep theirs through a round).
 */
export function backendCpuBetween(before: BackendCpu, after: BackendCpu): number {
  let used = 0;
  for (const [pid, ms] of after) used += ms - (before.get(pid) ?? 0);
  return used;
}
