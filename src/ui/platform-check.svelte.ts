import {
  chooseBackend,
  NoBackendError,
  backendRequestFromSearch,
  type BackendChoice,
} from '../lib/engine/backend';
import { runSelfTest, type SelfTestResult } from '../lib/engine/self-test';

/** Where the start-up check stands. */
export type PlatformPhase = 'idle' | 'choosing' | 'testing' | 'done' | 'failed';

/**
 * The start-up check of the page: reads `?backend=`, chooses a TF.js backend, runs the self-test.
 * Holds only plain data (no tensors), which the views draw.
 */
export class PlatformCheck {
  phase: PlatformPhase = $state('idle');
  /** Set when `?backend=` held something that is not a backend. */
  requestNotice: string | null = $state(null);
  /** The backend asked for in the URL, if any. */
  forced: string | null = $state(null);
  choice: BackendChoice | null = $state.raw(null);
  selfTest: SelfTestResult[] = $state.raw([]);
  /** Why nothing could run: the error, then one line per backend tried. */
  failure: { message: string; reasons: string[] } | null = $state.raw(null);

  /** True once the self-test ran and every check matched its known answer. */
  get selfTestPassed(): boolean {
    return this.selfTest.length > 0 && this.selfTest.every((result) => result.ok);
  }

  /** A one-line summary for the live region. */
  get status(): string {
    switch (this.phase) {
      case 'idle':
        return 'Waiting to start.';
      case 'choosing':
        return 'Choosing a TF.js backend…';
      case 'testing':
        return `Running the self-test on ${this.choice?.name ?? 'the backend'}…`;
      case 'done':
        return this.selfTestPassed
          ? `Ready: ${this.choice?.name} passed the self-test.`
          : `${this.choice?.name} is running, but the self-test failed.`;
      case 'failed':
        return this.forced === null
          ? 'No backend could run TF.js in this browser.'
          : `The ${this.forced} backend could not start.`;
    }
  }

  /** Runs the whole check once; `search` is the page's `location.search`. */
  async start(search: string): Promise<void> {
    if (this.phase !== 'idle') return;
    const request = backendRequestFromSearch(search);
    this.requestNotice = request.kind === 'invalid' ? request.message : null;
    this.forced = request.kind === 'forced' ? request.name : null;

    this.phase = 'choosing';
    try {
      this.choice = await chooseBackend(request.kind === 'forced' ? { forced: request.name } : {});
    } catch (error) {
      this.failure =
        error instanceof NoBackendError
          ? {
              message:
                request.kind === 'forced'
                  ? `The URL asks for ${request.name} only (?backend=${request.name}), and it could not start.`
                  : 'None of the backends could start.',
              reasons: error.reasons,
            }
          : { message: error instanceof Error ? error.message : String(error), reasons: [] };
      this.phase = 'failed';
      return;
    }

    this.phase = 'testing';
    this.selfTest = await runSelfTest();
    this.phase = 'done';
  }
}
