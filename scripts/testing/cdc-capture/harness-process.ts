/**
 * Runs the Debezium capture harness jar (CdcCapture.java) as a child process for the PostgreSQL
 * and MariaDB captures: start it on a properties file, wait for lines in its output files, wait
 * for it to stop itself, and always kill it on the way out.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A running harness process. */
export interface HarnessProcess {
  /** Why it exited (code and the tail of its output), or undefined while it runs. */
  exitReason(): string | undefined;
  /** Waits until it exits by itself or the deadline passes; throws unless it exited with 0. */
  finish(deadline: number): Promise<void>;
  /** Kills it if it still runs and writes `capture.log` (its whole output so far). */
  kill(): void;
}

/** Starts `java -jar <jar> <propsFile>`; its output is kept for errors and `capture.log` in `outDir`. */
export function startHarness(jar: string, propsFile: string, outDir: string): HarnessProcess {
  const java = spawn('java', ['-Dorg.slf4j.simpleLogger.defaultLogLevel=warn', '-jar', jar, propsFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  java.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  java.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let exit: number | null | undefined;
  const exited = new Promise<void>((resolve) => java.on('exit', (code) => ((exit = code), resolve())));
  const exitReason = (): string | undefined => (exit === undefined ? undefined : `code ${exit}; ${output.slice(-2000)}`);
  return {
    exitReason,
    async finish(deadline) {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, deadline - Date.now()))));
      await Promise.race([exited, late]);
      clearTimeout(timer);
      if (exit === undefined) throw new Error(`[iap] capture harness did not stop by itself before the deadline: ${output.slice(-4000)}`);
      if (exit !== 0) throw new Error(`[iap] capture harness failed (${String(exit)}): ${output.slice(-4000)}`);
    },
    kill() {
      if (exit === undefined) java.kill('SIGKILL');
      writeFileSync(join(outDir, 'capture.log'), output);
    },
  };
}

/** How many lines of `file` match `pattern` (0 while the file does not exist). */
export function lineCount(file: string, pattern: RegExp): number {
  if (!existsSync(file)) return 0;
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => pattern.test(line)).length;
}

/** Polls `condition` every 100 ms until it holds; throws when the harness exited or the deadline passed. */
export async function waitFor(condition: () => boolean, deadline: number, what: string, harness: HarnessProcess): Promise<void> {
  while (!condition()) {
    const failure = harness.exitReason();
    if (failure !== undefined) throw new Error(`[iap] capture harness exited while waiting for ${what}: ${failure}`);
    if (Date.now() > deadline) throw new Error(`[iap] capture timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** What a capture produced. */
export interface CaptureResult {
  /** Setting name → JSONL file. */
  readonly files: Readonly<Record<string, string>>;
  /** Setting name → records written. */
  readonly counts: Readonly<Record<string, number>>;
}

/** The modes and converter settings every capture engine takes from its setting. */
export interface EngineModes {
  readonly name: string;
  readonly decimalHandlingMode: string;
  readonly binaryHandlingMode: string;
  readonly schemasEnable: boolean;
}

/** The `engine.<name>.` properties for a setting's handling modes and JsonConverter `schemas.enable`. */
export function modeProperties(setting: EngineModes): string[] {
  const prefix = `engine.${setting.name}.`;
  return [
    `${prefix}topic.prefix=${setting.name}`,
    `${prefix}decimal.handling.mode=${setting.decimalHandlingMode}`,
    `${prefix}binary.handling.mode=${setting.binaryHandlingMode}`,
    `${prefix}converter.schemas.enable=${setting.schemasEnable}`,
    `${prefix}key.converter.schemas.enable=${setting.schemasEnable}`,
    `${prefix}value.converter.schemas.enable=${setting.schemasEnable}`,
  ];
}

/** Creates `outDir` and removes the stream files of earlier runs of these settings. */
export function prepareOutDir(outDir: string, names: readonly string[]): void {
  mkdirSync(outDir, { recursive: true });
  for (const name of names) rmSync(join(outDir, `${name}.jsonl`), { force: true });
}

/** Waits until every setting's stream holds `rows` snapshot reads (`"op":"r"`). */
export async function waitForSnapshots(
  outDir: string,
  names: readonly string[],
  rows: number,
  deadline: number,
  harness: HarnessProcess,
): Promise<void> {
  for (const name of names) {
    const file = join(outDir, `${name}.jsonl`);
    await waitFor(() => lineCount(file, /\\"op\\":\\"r\\"/) >= rows, deadline, `the snapshot of ${name}`, harness);
  }
}

/** The files and record counts of the named streams in `outDir`. */
export function captureResult(outDir: string, names: readonly string[]): CaptureResult {
  const files: Record<string, string> = {};
  const counts: Record<string, number> = {};
  for (const name of names) {
    const file = join(outDir, `${name}.jsonl`);
    files[name] = file;
    counts[name] = lineCount(file, /./);
  }
  return { files, counts };
}
