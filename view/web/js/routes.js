// @ts-check
/** Addresses of the view's pages (the part after `#`). */

const e = encodeURIComponent;

export const routeHash = {
  runs: () => '#/',
  /** @param {string} run */
  run: (run) => `#/run/${e(run)}`,
  /** @param {string} run @param {number | string | null} step @param {Record<string, string>} [query] */
  step: (run, step, query = {}) => {
    const search = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== '')).toString();
    return `#/run/${e(run)}/step/${step === null ? 'none' : step}${search === '' ? '' : `?${search}`}`;
  },
  /** @param {string} run @param {string} rollout */
  rollout: (run, rollout) => `#/run/${e(run)}/rollout/${e(rollout)}`,
  /** @param {string} run @param {string} rollout @param {string} sample @param {number} [pos] */
  tokens: (run, rollout, sample, pos) => `#/run/${e(run)}/rollout/${e(rollout)}/tokens/${e(sample)}${pos === undefined ? '' : `?pos=${pos}`}`,
  /** @param {string} run @param {string} a @param {string} b */
  compare: (run, a, b) => `#/run/${e(run)}/compare/${e(a)}/${e(b)}`,
};
