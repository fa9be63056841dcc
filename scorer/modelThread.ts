/**
 * Worker thread entry: one model's session (`threadedModel.ts` explains why it runs here). Loads and
 * warms it as the scorer does, then runs what it is sent, one message at a time, until told to release.
 */
import { parentPort } from 'node:worker_threads';
import { warmUp } from '../shared/registry/warmUp';
import { ModelSession } from '../shared/scoring/modelSession';
import { SibylError } from '../shared/errors';
import type { CrossedError, FromModelThread, ToModelThread } from './modelThreadProtocol';

function crossed(error: unknown): CrossedError {
  const e = error instanceof Error ? error : new Error(String(error));
  return {
    name: e.name,
    message: e.message,
    ...(e instanceof SibylError ? { code: e.code, details: e.details } : {}),
  };
}

const port = parentPort!;
const answer = (message: FromModelThread) => port.postMessage(message);
let session: ModelSession | undefined;
const running = new Set<Promise<void>>();

port.on('message', (message: ToModelThread) => {
  void (async () => {
    if (message.kind === 'load') {
      try {
        const loaded = await ModelSession.load(message.source, message.options);
        const warnings = await warmUp(loaded, message.version);
        session = loaded;
        answer({
          kind: 'loaded',
          signature: loaded.signature,
          executionProviders: [...loaded.executionProviders],
          warnings,
        });
      } catch (error) {
        answer({ kind: 'failed', error: crossed(error) });
      }
    } else if (message.kind === 'run') {
      const run = session!.run(message.feeds).then(
        (outputs) => answer({ kind: 'ran', id: message.id, outputs }),
        (error: unknown) => answer({ kind: 'refused', id: message.id, error: crossed(error) }),
      );
      running.add(run);
      await run;
      running.delete(run);
    } else {
      // Every run asked for before is answered before the session goes.
      await Promise.all(running);
      await session?.release();
      port.close();
    }
  })();
});
