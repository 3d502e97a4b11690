import type { EngineConfig } from '../../src/config/proxy-config.ts';
import { RollcallError } from '../../src/errors/rollcall-error.ts';
import type { CallMode } from '../../src/store/records.ts';
import type { EngineCapabilities, EngineDriver } from '../drivers/driver-types.ts';
import type { CallStrategy } from '../strategies/call-strategy.ts';
import { createChatPassthrough } from '../strategies/chat-passthrough/chat-passthrough.ts';
import { createTokenMode } from '../strategies/token-mode/token-mode.ts';

type StrategyInput = { driver: EngineDriver; config: EngineConfig; capabilities: EngineCapabilities };

const missing = (what: string) => new RollcallError('RC_ERR_SERVER_INTERNAL', { detail: `${what} (resolve-engine.ts chooseMode checks this first)` });

/** Each mode's strategy, built from what the engine reported (chooseMode made sure it can). */
const STRATEGIES: Readonly<Record<CallMode, (input: StrategyInput) => CallStrategy>> = {
  token: ({ driver, config, capabilities }) => {
    if (driver.token === null) throw missing(`the ${driver.kind} driver has no token mode`);
    if (capabilities.maxModelLen === null) throw missing('token mode without a context length');
    return createTokenMode({ driver: driver.token, config, maxModelLen: capabilities.maxModelLen, models: capabilities.models });
  },
  chat: ({ driver, capabilities }) => {
    if (driver.chat === null) throw missing(`the ${driver.kind} driver has no chat mode`);
    return createChatPassthrough({ driver: driver.chat, maxModelLen: capabilities.maxModelLen });
  },
};

/** The strategy an engine's calls run with: chosen once, when its capabilities are known. */
export function chooseStrategy(mode: CallMode, input: StrategyInput): CallStrategy {
  return STRATEGIES[mode](input);
}
