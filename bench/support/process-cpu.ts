import { readdirSync, readFileSync } from 'node:fs';

/** /proc counts CPU time in USER_HZ ticks, which Linux fixes at 100 per second. */
const TICKS_PER_SECOND = 100;

/** A way to pick processes from /proc: by pid, or by what their command line says. */
export type ProcessSelector = { pids: number[] } | { commandIncludes: string };

/**
 * CPU time (user + system, ms) used so far by the selected live processes, read from /proc
 * (Linux). Benchmarks take it before and after a round, per part of the system, to say where
 * the machine's time went: a process that exits between the readings takes its share with it,
 * so the parts measured must live through the round (the pools keep their connections).
 */
export function cpuMs(selector: ProcessSelector): number {
  const pids = 'pids' in selector ? selector.pids : readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map(Number);
  let ticks = 0;
  for (const pid of pids) {
    try {
      if ('commandIncludes' in selector
        && !readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(selector.commandIncludes)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Gone between listing and reading: it no longer uses the CPU.
    }
  }
  return (ticks * 1000) / TICKS_PER_SECOND;
}
