/**
 * The @iap demo. Runs with no services (embedded defaults) and prints what happens as it happens.
 * `pnpm demo` from the repository root.
 */
import { runCoreChapter } from './chapters/core-chapter.js';
import { printSummary, type ChapterResult } from './print.js';

const results: ChapterResult[] = [];
results.push(await runCoreChapter());
printSummary(results);
