import type { ResolvedConsumerOptions } from '../consumer-options.js';

/** A subscribed topic: a main topic (level 0) or its retry topic `level`. */
export interface Route {
  readonly mainTopic: string;
  readonly level: number;
}

/**
 * Every topic the consumer subscribes, in order: the main topics, then (with
 * `onRetriesExhausted: { mode: 'retry-topics' }`) their retry topics, level by level per main topic.
 */
export function buildTopicRoutes(config: Pick<ResolvedConsumerOptions, 'topics' | 'onRetriesExhausted' | 'retryTopic'>): ReadonlyMap<string, Route> {
  const routes = new Map<string, Route>();
  for (const topic of config.topics) routes.set(topic, { mainTopic: topic, level: 0 });
  const exhausted = config.onRetriesExhausted;
  if (exhausted.mode === 'retry-topics') {
    for (const topic of config.topics) {
      for (let level = 1; level <= exhausted.delaysMs.length; level++) routes.set(config.retryTopic(topic, level), { mainTopic: topic, level });
    }
  }
  return routes;
}
