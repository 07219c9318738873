/** `parts` one after another in one new array, made by `make(totalLength)`. */
export function joinArrays<T extends Uint8Array | Float32Array>(
  parts: readonly T[],
  make: (length: number) => T,
): T {
  const out = make(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
