import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelFromBytes, type GeneratorBytes } from '../../src/lib/models/bytes';
import { packUnlearnedZip, readUnlearned } from '../../src/lib/share/unlearned-zip';
import { validProvenance } from '../fixtures/hostile/corpus';

const dir = fileURLToPath(new URL('../fixtures/foreign/grey28-sigmoid/', import.meta.url));
const fixture: GeneratorBytes = (() => {
  const w = readFileSync(`${dir}weights.bin`);
  return {
    modelJson: JSON.parse(readFileSync(`${dir}model.json`, 'utf8')),
    weights: w.slice().buffer,
  };
})();

let zip: Uint8Array;
let files: Record<string, Uint8Array>;
let server: Server;
let url: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  const provenance = await validProvenance(
    { id: 'sha256-0123456789abcdef', weights: fixture.weights },
    8,
  );
  zip = await packUnlearnedZip(fixture, provenance);
  files = unzipSync(zip);
  // The two files as any static host would serve them.
  server = createServer((request, response) => {
    const name = (request.url ?? '').replace(/^\/unpacked\//, '');
    const body = files[name];
    if (body === undefined) response.writeHead(404).end();
    else response.writeHead(200).end(Buffer.from(body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/unpacked/model.json`;
});

afterAll(() => server?.close());

async function samples(model: tf.LayersModel): Promise<Float32Array> {
  const out = tf.tidy(
    () => model.predict(tf.randomNormal([4, 8], 0, 1, 'float32', 3)) as tf.Tensor,
  );
  const values = (await out.data()) as Float32Array;
  out.dispose();
  return values;
}

describe('the export zip', () => {
  it('holds exactly model.json and weights.bin', () => {
    expect(Object.keys(files).sort()).toEqual(['model.json', 'weights.bin']);
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0].paths).toEqual(['weights.bin']);
    expect(json.userDefinedMetadata.unlearning.base.id).toBe('sha256-0123456789abcdef');
  });

  it('loads unchanged with stock tf.loadLayersModel over HTTP, metadata included', async () => {
    const stock = await tf.loadLayersModel(url);
    const original = await modelFromBytes(fixture.modelJson, fixture.weights);
    expect(Array.from(await samples(stock))).toEqual(Array.from(await samples(original)));
    const metadata = stock.getUserDefinedMetadata() as { unlearning: { tags: number[] } };
    expect(metadata.unlearning.tags).toEqual([1, 2, 3, 40]);
    stock.dispose();
    original.dispose();
  });

  it('loads with stock tf.io.fromMemory from the unpacked bytes', async () => {
    const json = JSON.parse(new TextDecoder().decode(files['model.json']));
    const w = files['weights.bin'];
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: w.slice().buffer,
      }),
    );
    expect(model.outputs[0].shape).toEqual([null, 28, 28, 1]);
    model.dispose();
  });

  it('reads back as a zip and as the model.json + weights.bin pair', async () => {
    const fromZip = await readUnlearned([{ name: 'run.zip', bytes: zip }], 8);
    const fromPair = await readUnlearned(
      Object.entries(files).map(([name, bytes]) => ({ name, bytes })),
      8,
    );
    for (const read of [fromZip, fromPair]) {
      expect(read.provenance.tags).toEqual([1, 2, 3, 40]);
      expect(new Uint8Array(read.model.weights)).toEqual(new Uint8Array(fixture.weights));
    }
  });
});
