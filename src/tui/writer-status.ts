import { readFileSync } from 'node:fs';

/**
 * Whether an `index` or `watch` process is writing the database: it holds `<db>.lock` with its PID
 * (src/store/writer-lock.ts). A lock left by a process that has gone does not count.
 */
export function isWriterRunning(dbPath: string): boolean {
  let pid: number;
  try {
    pid = Number.parseInt(readFileSync(`${dbPath}.lock`, 'utf8'), 10);
  } catch {
    return false; // no lock file: nobody is writing
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
