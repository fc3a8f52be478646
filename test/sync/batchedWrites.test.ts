import { describe, expect, it } from 'vitest';
import { BatchedWrites } from '../../electron/core/sync/batchedWrites';

describe('BatchedWrites', () => {
  it('makes a reader wait for room while more writes are queued than it holds, and lets it on as they commit', async () => {
    const writes = new BatchedWrites((fn) => fn(), 2, 4);
    const done: Promise<void>[] = [];
    await writes.room(); // an empty queue has room
    for (let n = 0; n < 5; n++) done.push(writes.write(() => undefined, () => undefined));
    let letOn = false;
    const waited = writes.room().then(() => (letOn = true));
    // five queued, four at most: the reader waits (past every promise already settled); the first
    // commit (two writes, on the loop's next turn) makes room
    for (let i = 0; i < 5; i++) await Promise.resolve();
    expect(letOn).toBe(false);
    await waited;
    expect(letOn).toBe(true);
    await Promise.all(done);
    await writes.room();
  });

  it('says when no write waits: at once when none does, else once every queued one (and any its after-step queued) is committed', async () => {
    const committed: number[] = [];
    const writes = new BatchedWrites((fn) => fn(), 2);
    await writes.idle();
    let more: Promise<void> | null = null;
    for (let n = 1; n <= 3; n++) {
      void writes.write(
        () => committed.push(n),
        () => {
          // the first one's after-step queues another write: idle waits for it too
          if (n === 1) more = writes.write(() => committed.push(4), () => undefined);
        },
      );
    }
    await writes.idle();
    expect(committed).toEqual([1, 2, 3, 4]);
    await more;
  });

  it('writes what arrives together in one transaction, in order, and runs each after-step once it is committed', async () => {
    const log: string[] = [];
    const writes = new BatchedWrites((fn) => {
      log.push('begin');
      fn();
      log.push('commit');
    });
    await Promise.all([1, 2, 3].map((n) => writes.write(() => log.push(`write ${n}`), () => log.push(`after ${n}`))));
    expect(log).toEqual(['begin', 'write 1', 'write 2', 'write 3', 'commit', 'after 1', 'after 2', 'after 3']);
  });

  it('after a transaction fails, fails every later write without running it: its state in memory is not what the store holds', async () => {
    const ran: number[] = [];
    let committed = 0;
    // one write a transaction, so the later ones wait for the next turns
    const writes = new BatchedWrites((fn) => {
      fn();
      committed++;
    }, 1);
    const results = await Promise.allSettled(
      [1, 2, 3].map((n) =>
        writes.write(
          () => {
            ran.push(n);
            if (n === 2) throw new Error('database or disk is full');
          },
          () => undefined,
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected']);
    expect(ran).toEqual([1, 2]);
    expect(committed).toBe(1);
    await expect(writes.write(() => ran.push(4), () => undefined)).rejects.toThrow('database or disk is full');
    expect(ran).toEqual([1, 2]);
  });
});
