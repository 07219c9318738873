/** The loss became NaN or infinite: the run stops, the last good weights stay. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly losses: Record<string, number>,
  ) {
    super(
      `The loss became non-finite at step ${step} (${Object.entries(losses)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}). Try a smaller learning rate or α.`,
    );
    this.name = 'NonFiniteLossError';
  }
}

/** The session was used after `dispose()`, or a run was started twice. */
export class SessionStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionStateError';
  }
}
