/**
 * Coalesces concurrent calls into batches: calls made in the same turn of the event loop, or while
 * the writer is busy, share one batch, so under load many appends share one round trip and one
 * commit, and an append alone is written at once. A batch that fails as a whole is retried one request at a time, so one bad request
 * never fails its neighbours.
 */
export class Batcher<Request, Result> {
  private queue: { request: Request; resolve: (result: Result) => void; reject: (error: unknown) => void }[] =
    [];
  private inFlight = 0;
  private flushScheduled = false;

  constructor(
    /** Writes a batch; its answers are in request order, each a result or an error of its own. */
    private readonly write: (requests: Request[]) => Promise<(Result | Error)[]>,
    private readonly options: {
      maxInFlight: number;
      maxBatchWeight: number;
      weigh: (request: Request) => number;
    },
  ) {}

  submit(request: Request): Promise<Result> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.scheduleFlush();
    });
  }

  /**
   * Flushes once the current turn of the event loop is done, so that every request made in this turn
   * (typically by callers whose previous append just returned together) joins the same batch.
   */
  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) {
      let weight = 0;
      let size = 0;
      while (size < this.queue.length) {
        const next = this.queue[size];
        if (!next) break;
        weight += this.options.weigh(next.request);
        if (size > 0 && weight > this.options.maxBatchWeight) break;
        size++;
      }
      const batch = this.queue.splice(0, size);
      this.inFlight++;
      void this.writeBatch(batch).finally(() => {
        this.inFlight--;
        this.scheduleFlush();
      });
    }
  }

  private async writeBatch(batch: typeof this.queue): Promise<void> {
    let answers: (Result | Error)[];
    try {
      answers = await this.write(batch.map((entry) => entry.request));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(batch.map((entry) => this.writeBatch([entry])));
      return;
    }
    batch.forEach((entry, index) => {
      const answer = answers[index];
      if (answer === undefined) entry.reject(new Error('the batch returned no answer for this request'));
      else if (answer instanceof Error) entry.reject(answer);
      else entry.resolve(answer);
    });
  }
}
