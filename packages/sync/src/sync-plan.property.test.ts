import { isDeepStrictEqual } from 'node:util';
import { IapError } from '@iap/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyPatches, buildBoundary, buildInput, comparable, fieldName, RUNS, scenarioArb, SEED } from './__fixtures__/sync-scenarios.js';
import { caseInsensitive } from './normalizers.js';
import { defineSyncBoundary } from './sync-boundary.js';

describe('plan properties (fast-check, seeded)', () => {
  it('applying the patches makes every synced field equal in every system, except those left for manual review', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const plan = built.boundary.plan(input);
        const applied = applyPatches(input.records, plan);
        const queued = new Set(plan.manualReview.map((review) => review.field));
        scenario.fields.forEach((_, f) => {
          if (queued.has(fieldName(f))) return;
          const first = comparable(scenario, built, applied[built.systems[0]!]!, f, 0);
          for (let s = 1; s < built.systems.length; s++) {
            expect(isDeepStrictEqual(comparable(scenario, built, applied[built.systems[s]!]!, f, s), first)).toBe(true);
          }
          // The next base holds the value the systems now share.
          const next = plan.nextBase[fieldName(f)];
          expect(isDeepStrictEqual(scenario.fields[f]!.caseInsensitive ? caseInsensitive(next) : next, first)).toBe(true);
        });
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('planning again right after applying (with the next base) gives an empty plan, apart from the same manual reviews', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const plan = built.boundary.plan(input);
        const again = built.boundary.plan({ ...input, base: plan.nextBase, records: applyPatches(input.records, plan) });
        for (const patch of Object.values(again.patches)) expect(patch).toEqual({});
        expect(again.decisions.every((decision) => decision.action === 'manual-review')).toBe(true);
        expect(again.manualReview.map((review) => review.field)).toEqual(plan.manualReview.map((review) => review.field));
        if (plan.manualReview.length === 0) expect(again.empty).toBe(true);
      }),
      { seed: SEED + 1, numRuns: RUNS },
    );
  });

  it('is deterministic and keeps values out of audit records', () => {
    fc.assert(
      fc.property(scenarioArb, (scenario) => {
        const built = buildBoundary(scenario);
        const input = buildInput(scenario, built);
        const plan = built.boundary.plan(input);
        expect(built.boundary.plan(structuredClone(input))).toEqual(plan);
        expect(plan.audit).toHaveLength(plan.decisions.length);
        expect(JSON.stringify(plan.audit).toLowerCase()).not.toContain('val-');
      }),
      { seed: SEED + 2, numRuns: RUNS },
    );
  });

  it('never throws anything but an IapError on arbitrary plan input', () => {
    const boundary = defineSyncBoundary({ recordType: 'thing', systems: ['a', 'b'], fields: { x: { owner: 'a', conflict: 'last-writer-wins' }, y: 'b', constructor: 'manual' as const } });
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (base, a, b, modifiedAt) => {
        try {
          boundary.plan({ base, records: { a, b }, modifiedAt } as never);
        } catch (error) {
          expect(IapError.isInstance(error)).toBe(true);
        }
      }),
      { seed: SEED + 3, numRuns: RUNS },
    );
  });

  it('never throws anything but an IapError on arbitrary definitions', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), fc.anything(), (systems, fields, excluded, mappings) => {
        try {
          defineSyncBoundary({ recordType: 'thing', systems, fields, excluded, mappings } as never);
        } catch (error) {
          expect(IapError.isInstance(error)).toBe(true);
        }
      }),
      { seed: SEED + 4, numRuns: RUNS },
    );
  });
});
