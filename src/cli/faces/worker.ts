/** Worker thread of the face pool: renders the chunks it is sent into the shared arrays. */
import { parentPort } from 'node:worker_threads';
import { FACE_ATTRIBUTES } from '../../lib/data/faces/index';
import type { FaceReply, FaceRequest } from './protocol';
import { faceBytes, renderFacesInto } from './render';

const port = parentPort;
if (!port) throw new Error('faces worker must run in a worker thread');
let target: Extract<FaceRequest, { type: 'init' }> | null = null;

port.on('message', (req: FaceRequest) => {
  if (req.type === 'init') {
    target = req;
    return;
  }
  let reply: FaceReply;
  try {
    if (!target) throw new Error('render before init');
    const { seed, size, start } = target;
    const bytes = faceBytes(size);
    const k = FACE_ATTRIBUTES.length;
    const images = new Uint8Array(target.images, req.from * bytes, req.count * bytes);
    const labels = new Uint8Array(target.labels, req.from * k, req.count * k);
    renderFacesInto(seed, start + req.from, req.count, size, images, labels);
    reply = { type: 'rendered', id: req.id, count: req.count };
  } catch (e) {
    reply = { type: 'failed', id: req.id, message: (e as Error).stack ?? String(e) };
  }
  port.postMessage(reply);
});
