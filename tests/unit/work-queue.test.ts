import { WorkQueue } from '../../src/domain/work-queue';

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((settle) => (resolve = settle));
  return { promise, resolve };
}

describe('WorkQueue', () => {
  it('runs at most `concurrency` tasks at once, the rest in arrival order', async () => {
    // Arrange
    const queue = new WorkQueue(2);
    const gates = [deferred(), deferred(), deferred(), deferred()];
    const started: number[] = [];
    let running = 0;
    let peak = 0;

    // Act
    const results = gates.map((gate, index) =>
      queue.run(async () => {
        started.push(index);
        running += 1;
        peak = Math.max(peak, running);
        await gate.promise;
        running -= 1;
        return index;
      }),
    );
    await Promise.resolve();
    const startedBeforeRelease = [...started];
    gates[1]?.resolve();
    gates[0]?.resolve();
    gates[3]?.resolve();
    gates[2]?.resolve();

    // Assert
    expect(await Promise.all(results)).toEqual([0, 1, 2, 3]);
    expect(startedBeforeRelease).toEqual([0, 1]);
    expect(started).toEqual([0, 1, 2, 3]);
    expect(peak).toBe(2);
  });

  it('frees the slot of a task that fails', async () => {
    // Arrange
    const queue = new WorkQueue(1);

    // Act
    const failed = queue.run(async () => {
      throw new Error('boom');
    });
    const next = queue.run(async () => 'ran');

    // Assert
    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });

  it('refuses a concurrency below one', () => {
    expect(() => new WorkQueue(0)).toThrow('WorkQueue: concurrency must be a positive integer');
  });
});
