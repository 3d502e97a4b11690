/**
 * Wire shapes of the AgentJet / EnvService environment-service protocol (snake_case on the wire,
 * camelCase inside rollcall). Every endpoint is `POST <url>/<name>` with one JSON body
 * `{ env_type, task_id, instance_id, messages, params }` and answers `{ success, data }`:
 *
 * | endpoint           | rollcall method | request fields used              | `data`                                    |
 * |--------------------|-----------------|----------------------------------|-------------------------------------------|
 * | `get_env_profile`  | `listTasks`     | `env_type`, `params.split`       | task ids (older servers: `task_ids`)      |
 * | `create`           | `create`        | `env_type`, `task_id`, `instance_id?`, `params` | `{ state, reward, is_terminated, info: { instance_id, task_id } }` |
 * | `step`             | `step`          | `instance_id`, `messages` (the action), `params` | same as `create`          |
 * | `evaluate`         | `evaluate`      | `instance_id`, `messages`, `params` (`{ sparse }`) | a number (the score)    |
 * | `release`          | `release`       | `instance_id`                    | — (`success` is the answer)               |
 *
 * `GET <url>/healthz` answers 200 when the service is up. Failures are HTTP 400/500 with FastAPI's
 * `{ detail }` body. Responses are validated loosely: environments add their own fields.
 */
import { z } from 'zod';

export const EnvMessageSchema = z.looseObject({ role: z.string(), content: z.unknown().optional() });
/** One message of an environment's state; `content` is usually text, sometimes structured. */
export type EnvMessage = z.infer<typeof EnvMessageSchema>;

export const ObservationWireSchema = z.looseObject({
  state: z.array(EnvMessageSchema),
  reward: z
    .number()
    .nullish()
    .transform((reward) => reward ?? 0),
  is_terminated: z.boolean(),
  info: z
    .looseObject({ instance_id: z.string().optional(), task_id: z.union([z.string(), z.number()]).optional() })
    .nullish()
    .transform((info) => info ?? {}),
});

export type EnvObservation = {
  state: EnvMessage[];
  reward: number;
  isTerminated: boolean;
  /** The environment's `info` object as sent, snake_case keys included. */
  info: Record<string, unknown>;
};

/** What `create` returns: the first observation and the instance's handle. */
export type EnvInstance = EnvObservation & { instanceId: string; taskId: string };

export const EnvelopeSchema = z.looseObject({ success: z.boolean().optional(), data: z.unknown().optional() });
export const TaskIdsSchema = z.array(z.union([z.string().min(1), z.number().int()]));
export const ScoreSchema = z.number();

export type WireRequest = {
  envType?: string;
  taskId?: string;
  instanceId?: string;
  messages?: unknown;
  params?: Record<string, unknown>;
};

/** The full body every endpoint takes, unset fields as the reference Python client sends them. */
export function toWireBody(request: WireRequest): Record<string, unknown> {
  return {
    env_type: request.envType ?? 'default',
    task_id: request.taskId ?? null,
    instance_id: request.instanceId ?? null,
    messages: request.messages ?? {},
    params: request.params ?? {},
  };
}

export function fromObservationWire(wire: z.infer<typeof ObservationWireSchema>): EnvObservation {
  return { state: wire.state, reward: wire.reward, isTerminated: wire.is_terminated, info: wire.info };
}
