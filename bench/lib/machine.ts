import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

/** What the figures were measured on. */
export const machine = () => {
  const java = spawnSync('java', ['-version'], { encoding: 'utf8' });
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    java: (java.stderr || java.stdout || 'not found').split('\n')[0]!.trim(),
    os: `${process.platform} ${process.arch}`,
  };
};

/** A process's resident set size in MB (its threads included), from /proc; 0 where there is none. */
export const rssMb = (pid: number): number => {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
};

/** Samples a process's RSS every 100 ms until stopped; answers the peak. */
export const rssPeak = (pid: number) => {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100);
  return () => {
    clearInterval(timer);
    return Math.max(peak, rssMb(pid));
  };
};

/** CPU time a process has used, its threads included (user and system), in ms, from /proc; 0 where there is none. */
export const cpuMs = (pid: number): number => {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks of 10 ms.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
};
