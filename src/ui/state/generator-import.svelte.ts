import type { GeneratorReport } from '../../lib/engine/types';
import type { OutputRange } from '../../lib/models/image-range';
import {
  readModelFiles,
  type LayersModelFiles,
  type NamedBytes,
} from '../../lib/models/layers-files';
import { fetchSameOrigin, isNamedBytes, plainMessage, readPicked } from '../logic/files';
import type { Playground } from './playground.svelte';

/**
 * Step 1's "bring your own": reads a person's model files (or a same-site address), has the
 * engine check them, asks for the output range when the model does not say it, adds the
 * generator to the library and loads it. A bad file only sets `error`; the loaded model, tags and
 * runs stay as they were.
 */
export class GeneratorImport {
  busy: string | null = $state(null);
  error: string | null = $state(null);
  /**
   * A checked generator whose output range the person is asked for. Raw: its bytes go to the
   * engine worker, and a deep $state proxy cannot be posted.
   */
  pending: { read: LayersModelFiles; report: GeneratorReport } | null = $state.raw(null);

  constructor(private readonly app: Playground) {}

  async importFiles(files: ArrayLike<File> | NamedBytes[]): Promise<void> {
    this.error = null;
    this.pending = null;
    this.busy = 'Reading the files…';
    try {
      const named = isNamedBytes(files) ? files : await readPicked(files);
      const read = readModelFiles(named);
      this.busy = `Checking ${read.name} in the engine…`;
      await this.app.startEngine();
      const report = await this.app.host.engine.inspectGenerator({
        modelJson: read.modelJson,
        weights: read.weights,
      });
      this.pending = { read, report };
      if (report.outputRange !== null) await this.confirm(report.outputRange);
    } catch (error) {
      this.error = `${plainMessage(error)} Nothing was changed.`;
    } finally {
      this.busy = null;
    }
  }

  /** Fetches a model.json (and the weight files it names) from this site's own address. */
  async importUrl(address: string): Promise<void> {
    this.error = null;
    try {
      await this.importFiles(await fetchSameOrigin(address, location.href));
    } catch (error) {
      this.error = `${plainMessage(error)} Nothing was changed.`;
    }
  }

  /** Adds the pending generator with output range `range` and loads it. */
  async confirm(range: OutputRange): Promise<void> {
    const pending = this.pending;
    if (pending === null) return;
    this.pending = null;
    const entry = await this.app.library.addUserGenerator(pending.read, pending.report, range);
    await this.app.loadModel(entry.id);
  }
}
