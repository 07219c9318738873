/**
 * Work split into numbered chunks, handed out to worker threads one chunk at a time: each worker
 * gets the next chunk when it answers its last, so a slow worker never holds the others up.
 */
import type { Worker } from 'node:worker_threads';

/** A worker's answer that a chunk failed. */
export interface FailedReply {
  type: 'failed';
  id: number;
  message: string;
}

/**
 * Runs chunks 0 … chunks − 1 on `workers` and terminates them at the end (also on failure).
 * Resolves once every chunk is answered; rejects on the first failed chunk, crash or early exit.
 *
 * @param name how errors name the workers, e.g. 'morpho worker'.
 * @param send posts chunk `id` to `worker`.
 * @param receive takes one successful answer (each chunk answers exactly once).
 */
export async function runChunks<Reply extends { type: string; id: number }>(
  workers: readonly Worker[],
  chunks: number,
  name: string,
  send: (worker: Worker, id: number) => void,
  receive: (reply: Exclude<Reply, FailedReply>) => void,
): Promise<void> {
  let next = 0;
  let answered = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error): void => {
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      const sendNext = (worker: Worker): void => {
        if (next < chunks) send(worker, next++);
      };
      for (const worker of workers) {
        worker.on('message', (reply: Reply | FailedReply) => {
          if (reply.type === 'failed') {
            fail(
              new Error(`${name} failed on chunk ${reply.id}: ${(reply as FailedReply).message}`),
            );
            return;
          }
          try {
            receive(reply as Exclude<Reply, FailedReply>);
          } catch (e) {
            fail(e as Error);
            return;
          }
          if (++answered === chunks) {
            settled = true;
            resolve();
          } else sendNext(worker);
        });
        worker.on('error', (e) => fail(new Error(`${name} crashed: ${e.message}`)));
        worker.on('exit', (code) => {
          if (answered < chunks) fail(new Error(`${name} exited (code ${code}) before the end`));
        });
        sendNext(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}
