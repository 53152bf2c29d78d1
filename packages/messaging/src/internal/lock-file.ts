import { readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { ErrorCode, IapError } from '@iap/core';

/** A held lock file; `release()` removes it (only if it is still ours). */
export interface LockFile {
  readonly path: string;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to somebody else
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Creates `path` exclusively with our pid in it. A lock left by a dead process is taken over.
 *
 * @throws IapError `STORE_LOCKED` when a live process (this one included) holds it.
 */
export function acquireLockFile(path: string, what: string): LockFile {
  const token = `${process.pid}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(path, token, { flag: 'wx' });
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          if (readOwner(path) === process.pid) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return { path, release };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new IapError(ErrorCode.STORE_FAILED, `cannot create the lock file ${path} for ${what} (${(error as Error).message})`, { cause: error, details: { path } });
      }
    }
    const owner = readOwner(path);
    if (owner !== undefined && isAlive(owner)) {
      const who = owner === process.pid ? 'this process already has it open (one gateway per data directory)' : `process ${owner} has it open`;
      throw new IapError(ErrorCode.STORE_LOCKED, `${what} is locked: ${who}. PGlite supports one process per data directory; stop the other process or point DATABASE_URL at PostgreSQL to share the data`, {
        details: { path, pid: owner },
      });
    }
    // stale: its owner is gone (or the file is half-written): take it over
    try {
      unlinkSync(path);
    } catch {
      // somebody else removed it first; retry
    }
  }
  throw new IapError(ErrorCode.STORE_LOCKED, `${what} is locked: could not take over the stale lock file ${path}`, { details: { path } });
}
