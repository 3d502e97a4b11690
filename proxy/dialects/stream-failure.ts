import { RollcallError } from '../../src/errors/rollcall-error.ts';
import { readEngineErrorMessage } from '../upstream/map-upstream-error.ts';

/** An error event the engine sent inside its stream, as the registry error a dialect's stream reports. */
export function engineStreamError(event: { readonly engineError: unknown }): RollcallError {
  return new RollcallError('RC_ERR_UPSTREAM_STREAM_BROKEN', { detail: readEngineErrorMessage(JSON.stringify({ error: event.engineError })) });
}
