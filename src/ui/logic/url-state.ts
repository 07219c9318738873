/** The cards of the playground, in order; `?step=` names one (or gives its number, 1–7). */
export const STEPS = ['model', 'warm', 'tag', 'target', 'unlearn', 'judge', 'share'] as const;
export type StepName = (typeof STEPS)[number];

/** What the page's address asks for: `?model=…&feature=…&step=…`, and `?embed`. */
export interface UrlState {
  model: string | null;
  feature: string | null;
  step: StepName | null;
  /** Only the playground's cards, for an iframe: no page header. */
  embed: boolean;
  /** Plain-language problems with the address; the page works on without the bad part. */
  problems: string[];
}

/** Reads `?model=`, `?feature=`, `?step=` and `?embed` of a query string such as `location.search`. */
export function parseUrlState(search: string): UrlState {
  const params = new URLSearchParams(search);
  const problems: string[] = [];
  const text = (key: string): string | null => {
    const value = params.get(key)?.trim() ?? '';
    return value === '' ? null : value;
  };
  let step: StepName | null = null;
  const stepText = text('step')?.toLowerCase() ?? null;
  if (stepText !== null) {
    const byNumber = /^[1-7]$/.test(stepText) ? STEPS[Number(stepText) - 1] : undefined;
    const found = byNumber ?? STEPS.find((s) => s === stepText);
    if (found === undefined) {
      problems.push(
        `Unknown step "${stepText}" in ?step=. Use one of ${STEPS.join(', ')} (or 1–7); showing the page from the top.`,
      );
    } else {
      step = found;
    }
  }
  const embed = params.has('embed') && !['0', 'false', 'no'].includes(params.get('embed') ?? '');
  return { model: text('model'), feature: text('feature'), step, embed, problems };
}

/**
 * `search` with `?model=` and `?feature=` set to the page's choice (other parameters, such as
 * `?backend=`, `?step=` and `?embed`, kept), so the address can be copied and shared as it is.
 */
export function withChoice(search: string, model: string | null, feature: string | null): string {
  const params = new URLSearchParams(search);
  if (model === null) params.delete('model');
  else params.set('model', model);
  if (feature === null) params.delete('feature');
  else params.set('feature', feature);
  const query = params.toString().replace(/=(?=&|$)/g, '');
  return query === '' ? '' : `?${query}`;
}
