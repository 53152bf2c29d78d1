import { describe, expect, it } from 'vitest';
import { buildTopicRoutes } from './topic-routes.js';

const retryTopic = (topic: string, level: number) => `${topic}.r${level}`;

describe('buildTopicRoutes', () => {
  it('routes only the main topics without retry topics', () => {
    const routes = buildTopicRoutes({ topics: ['a', 'b'], onRetriesExhausted: { mode: 'dead-letter' }, retryTopic });
    expect([...routes]).toEqual([
      ['a', { mainTopic: 'a', level: 0 }],
      ['b', { mainTopic: 'b', level: 0 }],
    ]);
  });

  it('adds each main topic its retry topics, level by level, after the main topics', () => {
    const routes = buildTopicRoutes({ topics: ['a', 'b'], onRetriesExhausted: { mode: 'retry-topics', delaysMs: [10, 20] }, retryTopic });
    expect([...routes.keys()]).toEqual(['a', 'b', 'a.r1', 'a.r2', 'b.r1', 'b.r2']);
    expect(routes.get('b.r2')).toEqual({ mainTopic: 'b', level: 2 });
  });
});
