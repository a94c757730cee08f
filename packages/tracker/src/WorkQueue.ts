/** One unit of queued work: `step` runs until done or past `deadline`, and says which. */
export interface WorkTask {
  /** Does some work; returns `true` when the task is finished. */
  step(deadline: number): boolean;
}

/** Options of a {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** Milliseconds of work before yielding to the event loop. */
  budget: number;
  /** A monotonic clock in milliseconds. */
  now: () => number;
  /** Called with anything a task throws (the task is dropped). */
  onError: (error: unknown) => void;
}

/**
 * Runs tasks in order, synchronously while within the time budget, and yields to the event
 * loop with `setImmediate` when the budget is spent, so one large payload never blocks the
 * process for long. A task pushed while the queue is idle runs at once.
 */
export class WorkQueue {
  readonly #options: WorkQueueOptions;
  #tasks: WorkTask[] = [];
  #head = 0;
  #running = false;
  #scheduled = false;
  #idle: (() => void)[] = [];

  constructor(options: WorkQueueOptions) {
    this.#options = options;
  }

  /** Whether nothing is queued or running. */
  get idle(): boolean {
    return this.#head === this.#tasks.length && !this.#running;
  }

  /** Queues `task`; runs it (and what follows) at once when the queue was idle. */
  push(task: WorkTask): void {
    this.#tasks.push(task);
    if (!this.#running && !this.#scheduled) this.#run();
  }

  /**
   * Runs `fn(a, b)` as one step of work: at once, with no task object, when the queue is
   * idle (the common case for small dispatches); otherwise queued behind the work in flight,
   * so order is kept.
   */
  call<A, B>(fn: (a: A, b: B) => void, a: A, b: B): void {
    if (!this.idle || this.#scheduled) {
      this.push({ step: () => (fn(a, b), true) });
      return;
    }
    this.#running = true;
    try {
      fn(a, b);
    } catch (error) {
      try {
        this.#options.onError(error);
      } catch {
        // The error reporter itself failed (a throwing `error` listener): keep the queue going.
      }
    } finally {
      this.#running = false;
    }
    // Work that `fn` queued (it ran while the queue counted as running) starts now.
    if (this.#head < this.#tasks.length && !this.#scheduled) this.#run();
  }

  /** Resolves once every queued task is done. */
  whenIdle(): Promise<void> {
    if (this.idle) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Drops every queued task. */
  clear(): void {
    this.#tasks = [];
    this.#head = 0;
  }

  #run(): void {
    this.#running = true;
    const deadline = this.#options.now() + this.#options.budget;
    try {
      while (this.#head < this.#tasks.length) {
        const task = this.#tasks[this.#head]!;
        let done: boolean;
        try {
          done = task.step(deadline);
        } catch (error) {
          done = true;
          try {
            this.#options.onError(error);
          } catch {
            // The error reporter itself failed (a throwing `error` listener): keep the queue going.
          }
        }
        if (done) {
          this.#tasks[this.#head++] = undefined as never;
          if (this.#head > 1024 && this.#head * 2 > this.#tasks.length) {
            this.#tasks = this.#tasks.slice(this.#head);
            this.#head = 0;
          }
        }
        if (this.#head < this.#tasks.length && this.#options.now() >= deadline) {
          this.#scheduled = true;
          setImmediate(() => {
            this.#scheduled = false;
            this.#run();
          });
          return;
        }
      }
      this.#tasks = [];
      this.#head = 0;
    } finally {
      this.#running = false;
    }
    const waiters = this.#idle;
    this.#idle = [];
    for (const resolve of waiters) resolve();
  }
}
