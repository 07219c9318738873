import { describe, expect, it } from 'vitest';
import {
  emptyModelIndex,
  parseModelIndex,
  sha256Hex,
  upsertModelEntry,
  weightsSha256,
  type ModelEntry,
} from '../../src/lib/models/manifest';

// FIPS 180-2, Appendix B: SHA-256 test vectors.
const ABC = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const TWO_BLOCK = '248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1';
const EMPTY = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function entry(id: string, kind: ModelEntry['kind'] = 'classifier'): ModelEntry {
  return {
    id,
    kind,
    architecture: 'test',
    files: [{ path: `${id}/model.json`, sha256: EMPTY, size: 0 }],
    command: 'npm run train',
    config: {},
    wallTimeSeconds: 1,
    metrics: {},
    createdAt: '2024-01-01T00:00:00.000Z',
  };
}

describe('sha256Hex', () => {
  it('matches the published test vectors', async () => {
    const enc = new TextEncoder();
    expect(await sha256Hex(enc.encode('abc'))).toBe(ABC);
    expect(await sha256Hex(enc.encode('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))).toBe(
      TWO_BLOCK,
    );
    expect(await sha256Hex(new Uint8Array(0))).toBe(EMPTY);
  });

  it('hashes only the bytes a subarray views', async () => {
    const bytes = new TextEncoder().encode('xxabcxx');
    expect(await sha256Hex(bytes.subarray(2, 5))).toBe(ABC);
  });
});

describe('model index', () => {
  it('upserts by id and keeps entries sorted', () => {
    let index = upsertModelEntry(emptyModelIndex(), entry('vae-mnist', 'classifier'));
    index = upsertModelEntry(index, entry('dcgan-mnist'));
    index = upsertModelEntry(index, { ...entry('vae-mnist'), wallTimeSeconds: 9 });
    expect(index.models.map((m) => m.id)).toEqual(['dcgan-mnist', 'vae-mnist']);
    expect(index.models[1].wallTimeSeconds).toBe(9);
  });

  it('parses a valid index and rejects broken ones', () => {
    const good = { version: 1, models: [{ ...entry('g', 'generator'), latentDim: 100, outputRange: 'tanh' }] };
    expect(parseModelIndex(JSON.parse(JSON.stringify(good))).models[0].latentDim).toBe(100);
    expect(() => parseModelIndex({ version: 2, models: [] })).toThrow(/version/);
    expect(() => parseModelIndex({ version: 1, models: [entry('g', 'generator')] })).toThrow(/latentDim/);
    expect(() => parseModelIndex({ version: 1, models: [{ ...entry('x'), kind: 'other' }] })).toThrow(/kind/);
  });
});

describe('weightsSha256', () => {
  it("is the model's own weights file, not a sub-model's", () => {
    const files = [
      { path: 'g/encoder/weights.bin', sha256: TWO_BLOCK, size: 1 },
      { path: 'g/model.json', sha256: EMPTY, size: 0 },
      { path: 'g/weights.bin', sha256: ABC, size: 3 },
    ];
    expect(weightsSha256({ id: 'g', files })).toBe(ABC);
    expect(weightsSha256({ id: 'g', files: files.slice(0, 2) })).toBeUndefined();
  });
});
