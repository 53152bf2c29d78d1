import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyChanges, applyPatches, buildBoundary, buildInput, changesArb, RUNS, scenarioArb, SEED } from './__fixtures__/sync-scenarios.js';
import type { SyncRecord } from './sync-boundary-definition.js';
import type { SyncPlan } from './sync-plan.js';

/** What a JSON snapshot store gives back. */
const viaJson = (base: SyncRecord): SyncRecord => JSON.parse(JSON.stringify(base)) as SyncRecord;

/** Everything a plan says but its next base (a patch's `undefined` clears a field, so it is compared as it is). */
const planBody = (plan: SyncPlan<string>): unknown => ({ patches: plan.patches, decisions: plan.decisions, conflicts: plan.conflicts, manualReview: plan.manualReview, empty: plan.empty });

describe('plan properties with nextBase stored as JSON between plans (fast-check, seeded)', () => {
  it('planning with the JSON copy of nextBase gives the same plan as with nextBase itself, round after round', () => {
    fc.assert(
      fc.property(scenarioArb, changesArb, changesArb, (scenario, firstChanges, secondChanges) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        let records = input.records;
        let base = input.base;
        let stored = base === undefined ? undefined : viaJson(base);
        for (const changes of [undefined, firstChanges, secondChanges]) {
          if (changes !== undefined) records = applyChanges(scenario, built, records, changes);
          const inMemory = built.boundary.plan({ base, records, modifiedAt: input.modifiedAt });
          const fromJson = built.boundary.plan({ base: stored, records, modifiedAt: input.modifiedAt });
          expect(planBody(fromJson)).toStrictEqual(planBody(inMemory));
          // the next bases store alike
          expect(viaJson(fromJson.nextBase)).toStrictEqual(viaJson(inMemory.nextBase));
          records = applyPatches(records, inMemory);
          base = inMemory.nextBase;
          stored = viaJson(fromJson.nextBase);
        }
      }),
      { seed: SEED + 10, numRuns: RUNS },
    );
  });

  it('after applying a plan, planning again with the JSON copy of nextBase gives an empty plan, apart from the same manual reviews', () => {
    fc.assert(
      fc.property(scenarioArb, changesArb, (scenario, changes) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const first = built.boundary.plan(input);
        const records = applyChanges(scenario, built, applyPatches(input.records, first), changes);
        const plan = built.boundary.plan({ base: viaJson(first.nextBase), records, modifiedAt: input.modifiedAt });
        const again = built.boundary.plan({ base: viaJson(plan.nextBase), records: applyPatches(records, plan), modifiedAt: input.modifiedAt });
        for (const patch of Object.values(again.patches)) expect(patch).toEqual({});
        expect(again.decisions.every((decision) => decision.action === 'manual-review')).toBe(true);
        expect(again.manualReview.map((review) => review.field)).toEqual(plan.manualReview.map((review) => review.field));
      }),
      { seed: SEED + 11, numRuns: RUNS },
    );
  });
});
