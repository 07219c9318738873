import { describe, expect, it } from 'vitest';
import { moveFocus, tagRange, toggleTag, countTags } from '../../src/ui/logic/tag-selection';
import { isNamedBytes } from '../../src/ui/logic/files';

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
