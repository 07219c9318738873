import type { UnlearnOptions } from '../core/options';
import type { TargetDiagnostics } from '../train/unlearn/target';
import type { RunSummary, UnlearnProgress } from '../train/unlearn/session';
import type {
  AttackOptions,
  AttackResult,
  BackendChoice,
  BackendName,
  ClassifierOutputs,
  ClassifierRole,
  GeneratorRole,
  SelfTestResult,
  UnlearnCheckpoint,
  EngineInfo,
  GeneratorBytes,
  GeneratorInfo,
  GeneratorReport,
  GeneratorSource,
  PreviewImages,
  QualityNetwork,
  SessionRequest,
  UnlearningEngine,
} from './types';
import type { EngineMethod, EngineResponse, MessageEndpoint } from './worker-protocol';

/** An error thrown inside the worker, re-thrown here with its name and message. */
export class EngineError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: (p: UnlearnProgress) => void;
}

/** The engine behind a Web Worker (or any MessageEndpoint): same interface, plain data only. */
export class WorkerEngine implements UnlearningEngine {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly endpoint: MessageEndpoint) {
    endpoint.addEventListener('message', (event: MessageEvent) => {
      const response = event.data as EngineResponse;
      const call = this.pending.get(response?.id);
      if (call === undefined) return;
      if (response.kind === 'progress') {
        call.onProgress?.(response.progress);
        return;
      }
      this.pending.delete(response.id);
      if (response.kind === 'result') call.resolve(response.value);
      else call.reject(new EngineError(response.error.name, response.error.message));
    });
  }

  /** Rejects every call still waiting, e.g. when the worker died. */
  failAll(error: Error): void {
    for (const call of this.pending.values()) call.reject(error);
    this.pending.clear();
  }

  private call<T>(
    method: EngineMethod,
    args: unknown[],
    onProgress?: (p: UnlearnProgress) => void,
  ): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
      this.endpoint.postMessage({ kind: 'call', id, method, args });
    });
  }

  info(): Promise<EngineInfo> {
    return this.call('info', []);
  }
  init(
    forced?: BackendName | null,
    unavailable?: Partial<Record<BackendName, string>>,
  ): Promise<BackendChoice> {
    return this.call('init', [forced ?? null, unavailable ?? {}]);
  }
  selfTest(): Promise<SelfTestResult[]> {
    return this.call('selfTest', []);
  }
  inspectGenerator(bytes: GeneratorBytes): Promise<GeneratorReport> {
    return this.call('inspectGenerator', [bytes]);
  }
  loadFeatureClassifier(bytes: GeneratorBytes): Promise<void> {
    return this.call('loadFeatureClassifier', [bytes]);
  }
  loadClassifier(role: ClassifierRole, bytes: GeneratorBytes): Promise<void> {
    return this.call('loadClassifier', [role, bytes]);
  }
  qualityOutputs(
    network: QualityNetwork,
    unitImages: Float32Array,
    count: number,
  ): Promise<ClassifierOutputs> {
    return this.call('qualityOutputs', [network, unitImages, count]);
  }
  classifierLogits(
    role: ClassifierRole,
    unitImages: Float32Array,
    count: number,
  ): Promise<Float32Array> {
    return this.call('classifierLogits', [role, unitImages, count]);
  }
  loadImported(bytes: GeneratorBytes): Promise<void> {
    return this.call('loadImported', [bytes]);
  }
  attack(
    which: GeneratorRole,
    latents: Float32Array,
    options: AttackOptions,
  ): Promise<AttackResult> {
    return this.call('attack', [which, latents, options]);
  }
  checkpoint(): Promise<UnlearnCheckpoint> {
    return this.call('checkpoint', []);
  }
  restore(checkpoint: UnlearnCheckpoint): Promise<void> {
    return this.call('restore', [checkpoint]);
  }
  loadGenerator(source: GeneratorSource): Promise<GeneratorInfo> {
    return this.call('loadGenerator', [source]);
  }
  generate(latents: Float32Array, which?: GeneratorRole): Promise<Float32Array> {
    return this.call('generate', [latents, which]);
  }
  targets(latents: Float32Array): Promise<Float32Array> {
    return this.call('targets', [latents]);
  }
  findTarget(
    latents: Float32Array,
    isPositive: Uint8Array,
    options: UnlearnOptions,
  ): Promise<TargetDiagnostics> {
    return this.call('findTarget', [latents, isPositive, options]);
  }
  startSession(request: SessionRequest): Promise<TargetDiagnostics> {
    return this.call('startSession', [request]);
  }
  run(
    opts: { totalSteps?: number; progressEvery?: number },
    onProgress?: (p: UnlearnProgress) => void,
  ): Promise<RunSummary> {
    return this.call('run', [opts], onProgress);
  }
  pause(): Promise<void> {
    return this.call('pause', []);
  }
  resume(): Promise<void> {
    return this.call('resume', []);
  }
  stop(): Promise<void> {
    return this.call('stop', []);
  }
  preview(): Promise<PreviewImages> {
    return this.call('preview', []);
  }
  exportStudent(): Promise<GeneratorBytes> {
    return this.call('exportStudent', []);
  }
  dispose(): Promise<void> {
    return this.call('dispose', []);
  }
}
