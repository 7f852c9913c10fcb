/* What the page holds between frames, shared by its modules: the
 * settings (settings.js; mirrored in the URL), the points, what is
 * selected and explained, and the training's progress. */
import { DEFAULTS, copySettings } from './settings.js';

export const S = {
  cfg: copySettings(DEFAULTS),
  names: null,         /* the library's names (menus.js readNames) */
  points: [], train: [], test: [],   /* [x, y, target] in [-6, 6]^2 */
  running: false,
  job: null,           /* a "train N steps" run in progress: {left} */
  sample: null,        /* {x: [features], t: [targets], idx, set, at: [x, y]} */
  select: null,        /* {kind: 'neuron'|'weight', l, j, k} */
  cursor: -1,          /* the point the heat map's keyboard cursor is on */
  history: [],         /* [step, train loss, test loss, each layer's mean
                          |dE/dW| over the steps since the entry before,
                          or null] */
  beforeExample: null, /* the settings the worked example replaced */
  diverged: null,      /* the message, once training has diverged */
  last: null,          /* the latest {train: [loss, acc], test: [loss, acc]} */
  stats: { frames: 0, steps: 0, work: [] },
};

export const $ = (id) => document.getElementById(id);
