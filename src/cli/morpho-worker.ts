/** Worker thread of the Morpho-MNIST pool: measures the chunks it is sent. */
import { parentPort } from 'node:worker_threads';
import { MorphoMeter } from '../lib/core/morpho/index';
import type { MeasureReply, MeasureRequest } from './morpho-protocol';

const port = parentPort;
if (!port) throw new Error('morpho-worker must run in a worker thread');
const meter = new MorphoMeter();

port.on('message', (req: MeasureRequest) => {
  let reply: MeasureReply;
  try {
    const measures = new Float64Array(4 * req.count);
    for (let i = 0; i < req.count; i++) {
      meter.measureInto(req.images.subarray(784 * i, 784 * (i + 1)), measures, 4 * i);
    }
    reply = { type: 'measured', id: req.id, measures };
    port.postMessage(reply, [measures.buffer]);
  } catch (e) {
    reply = { type: 'failed', id: req.id, message: (e as Error).stack ?? String(e) };
    port.postMessage(reply);
  }
});
