/** The CLI's own helper (the quickstart picks its worker's port with it), so tests use the same. */
export { freeLoopbackPort as freePort } from '../../cli/quickstart/worker-process.ts';
