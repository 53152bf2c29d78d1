import { describe, expect, it, vi } from 'vitest';
import { TypedEmitter } from './typed-emitter.js';

describe('TypedEmitter', () => {
  it('delivers payloads, unsubscribes and reports whether anyone listens', () => {
    const emitter = new TypedEmitter<{ opened: { failures: number }; closed: undefined }>();
    const seen: number[] = [];
    expect(emitter.has('opened')).toBe(false);
    const off = emitter.on('opened', (e) => seen.push(e.failures));
    expect(emitter.has('opened')).toBe(true);
    emitter.emit('opened', { failures: 3 });
    off();
    emitter.emit('opened', { failures: 4 });
    expect(seen).toEqual([3]);
    expect(emitter.has('opened')).toBe(false);
  });

  it('isolates listener errors from the emitter and other listeners', () => {
    const onListenerError = vi.fn();
    const emitter = new TypedEmitter<{ tick: number }>({ onListenerError });
    const seen: number[] = [];
    emitter.on('tick', () => {
      throw new Error('telemetry bug');
    });
    emitter.on('tick', (n) => seen.push(n));
    expect(() => emitter.emit('tick', 1)).not.toThrow();
    expect(seen).toEqual([1]);
    expect(onListenerError).toHaveBeenCalledWith(expect.any(Error), 'tick');
  });

  it('is unaffected by subscription changes during an emit', () => {
    const emitter = new TypedEmitter<{ tick: number }>();
    const seen: string[] = [];
    const offA = emitter.on('tick', () => {
      seen.push('a');
      offA();
      emitter.on('tick', () => seen.push('late'));
    });
    emitter.on('tick', () => seen.push('b'));
    emitter.emit('tick', 1);
    expect(seen).toEqual(['a', 'b']);
    emitter.removeAllListeners();
    emitter.emit('tick', 2);
    expect(seen).toEqual(['a', 'b']);
  });
});
