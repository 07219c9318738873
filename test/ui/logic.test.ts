import { describe, expect, it } from 'vitest';
import { moveFocus, tagRange, toggleTag, countTags } from '../../src/ui/logic/tag-selection';
import { isNamedBytes } from '../../src/ui/logic/files';
import { tagWarnings } from '../../src/ui/logic/tag-warnings';

describe('tag selection', () => {
  it('toggles one sample and shift-selects a range in either direction', () => {
    let tags = toggleTag(new Uint8Array(10), 2);
    expect(Array.from(tags)).toEqual([0, 0, 1, 0, 0, 0, 0, 0, 0, 0]);
    tags = tagRange(tags, 2, 6);
    expect(countTags(tags)).toBe(5);
    tags = tagRange(tags, 6, 4); // clicked sample 4 is tagged → the range is untagged
    expect(Array.from(tags)).toEqual([0, 0, 1, 1, 0, 0, 0, 0, 0, 0]);
  });

  it('moves focus with arrows and stops at the edges', () => {
    expect(moveFocus(0, 'ArrowLeft', 10, 100)).toBe(0);
    expect(moveFocus(5, 'ArrowDown', 10, 100)).toBe(15);
    expect(moveFocus(95, 'ArrowDown', 10, 100)).toBe(99);
    expect(moveFocus(3, 'x', 10, 100)).toBeNull();
  });
});

describe('tag warnings', () => {
  it('warns of no tags, all tags, too few negatives, and of too few tags with a larger grid to draw', () => {
    expect(tagWarnings(0, 500)[0]).toMatch(/No sample is tagged/);
    expect(tagWarnings(500, 500)[0]).toMatch(/Every sample is tagged/);
    expect(tagWarnings(495, 500)[0]).toMatch(/Only 5 samples are untagged/);
    expect(tagWarnings(20, 500)).toEqual([]);
    // A rare feature: 10 of 500 (the face ProgGAN's bangs) → draw 2,000; of 5,000 there is no larger grid.
    expect(tagWarnings(10, 500)[0]).toMatch(/Only 10 samples .* draw more samples \(2,000\)/);
    expect(tagWarnings(19, 2000)[0]).toContain('(5,000)');
    expect(tagWarnings(19, 5000)[0]).not.toContain('draw more');
  });
});

describe('picked files', () => {
  it('tells files already read from File objects, whose Blob may have a bytes() method', () => {
    expect(isNamedBytes([{ name: 'a', bytes: new Uint8Array(1) }])).toBe(true);
    const blobLike = Object.assign(new Blob(['x']), {
      name: 'f',
      bytes: async () => new Uint8Array(1),
    });
    expect(isNamedBytes([blobLike as unknown as File])).toBe(false);
  });
});
