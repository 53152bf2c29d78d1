import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCode } from '@iap/core';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireLockFile } from './lock-file.js';

describe('acquireLockFile', () => {
  const dirs: string[] = [];
  const tempPath = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'iap-lock-'));
    dirs.push(dir);
    return join(dir, 'data.lock');
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('holds the file with our pid until released', () => {
    const path = tempPath();
    const lock = acquireLockFile(path, 'test store');
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    expect(() => acquireLockFile(path, 'test store')).toThrow(expect.objectContaining({ code: ErrorCode.STORE_LOCKED, details: { path, pid: process.pid } }));
    lock.release();
    lock.release();
    expect(existsSync(path)).toBe(false);
    acquireLockFile(path, 'test store').release();
  });

  it('takes over a lock left by a dead process', () => {
    const path = tempPath();
    const deadPid = spawnSync(process.execPath, ['-e', '0']).pid;
    writeFileSync(path, `${deadPid}\n`);
    const lock = acquireLockFile(path, 'test store');
    expect(readFileSync(path, 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('takes over an empty or garbled lock file', () => {
    const path = tempPath();
    writeFileSync(path, 'not a pid');
    acquireLockFile(path, 'test store').release();
  });

  it('reports a missing directory as STORE_FAILED', () => {
    expect(() => acquireLockFile(join(tempPath(), 'missing', 'x.lock'), 'test store')).toThrow(expect.objectContaining({ code: ErrorCode.STORE_FAILED }));
  });
});
