/**
 * The OpenTelemetry instruments behind core's counter, histogram and gauge hooks: created once per
 * @iap name on first use and kept, each with the conversion of its values and attributes.
 */
import type { Attributes, Counter, Gauge, Histogram, Meter } from '@opentelemetry/api';
import type { TelemetryAttributes } from '@iap/core';
import { metricMapping, type MetricMapping } from '../semantic-names.js';

/** One @iap metric bound to its instrument. */
interface Bound<I> {
  readonly instrument: I;
  readonly scale: number;
  /** The measurement's attributes in OpenTelemetry form. */
  readonly attributes: (input: TelemetryAttributes | undefined) => Attributes | undefined;
}

/** Attribute conversion of a mapping: as given when it adds and renames nothing. */
function attributeConverter(mapping: MetricMapping): Bound<unknown>['attributes'] {
  const { attributes: extra, renames } = mapping;
  if (extra === undefined && renames === undefined) return (input) => input;
  return (input) => {
    const out: Attributes = { ...extra };
    if (input !== undefined) {
      for (const key of Object.keys(input)) {
        const value = input[key];
        const renamed = renames?.[key];
        // a partition id is a string in the semantic conventions
        if (renamed === undefined) out[key] = value;
        else out[renamed] = renamed === 'messaging.destination.partition.id' ? String(value) : value;
      }
    }
    return out;
  };
}

/** The counters, histograms and gauges of one meter, by @iap name. */
export class MetricInstruments {
  readonly #meter: Meter;
  readonly #counters = new Map<string, Bound<Counter>>();
  readonly #histograms = new Map<string, Bound<Histogram>>();
  readonly #gauges = new Map<string, Bound<Gauge>>();
  /** Instruments by kind and OpenTelemetry name: several @iap names may report to one. */
  readonly #byOtelName = new Map<string, unknown>();

  constructor(meter: Meter) {
    this.#meter = meter;
  }

  counter(name: string): Bound<Counter> {
    return this.#bind(this.#counters, 'counter', name, (n, o) => this.#meter.createCounter(n, o));
  }

  histogram(name: string): Bound<Histogram> {
    return this.#bind(this.#histograms, 'histogram', name, (n, o) => this.#meter.createHistogram(n, o));
  }

  gauge(name: string): Bound<Gauge> {
    return this.#bind(this.#gauges, 'gauge', name, (n, o) => this.#meter.createGauge(n, o));
  }

  #bind<I>(cache: Map<string, Bound<I>>, kind: string, name: string, create: (name: string, options: { unit?: string }) => I): Bound<I> {
    const cached = cache.get(name);
    if (cached !== undefined) return cached;
    const mapping = metricMapping(name);
    const key = `${kind} ${mapping.name}`;
    let instrument = this.#byOtelName.get(key) as I | undefined;
    if (instrument === undefined) {
      instrument = create(mapping.name, mapping.unit === undefined ? {} : { unit: mapping.unit });
      this.#byOtelName.set(key, instrument);
    }
    const bound: Bound<I> = {
      instrument,
      scale: mapping.scale ?? 1,
      attributes: attributeConverter(mapping),
    };
    cache.set(name, bound);
    return bound;
  }
}
