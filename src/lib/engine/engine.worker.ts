import { chooseBackend } from './backend';
import { LocalEngine } from './local-engine';
import { serveEngine } from './worker-handler';
import type { MessageEndpoint } from './worker-protocol';

serveEngine(
  new LocalEngine({
    chooseBackend: (forced, unavailable) => chooseBackend({ forced, unavailable }),
  }),
  self as unknown as MessageEndpoint,
);
