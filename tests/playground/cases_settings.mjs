// The URL's form of the settings (playground/settings.js) on its own, in
// node: every value read back as written, each value it cannot take
// named with its key, the defaults kept for those.
import { ok } from './harness.mjs';
import { fromHash, toHash, DEFAULTS } from '../../playground/settings.js';

const names = { hidden: ['identity', 'sigmoid', 'tanh', 'relu', 'leaky_relu'],
                losses: ['sse', 'bce', 'ce'], optims: ['sgd', 'momentum', 'adam'] };

export function settings() {
  const d = fromHash('', DEFAULTS, names);
  ok(d.errors.length === 0 && JSON.stringify(d.settings) === JSON.stringify(DEFAULTS), 'no fragment: the defaults');
  const all = { ...DEFAULTS, example: 'mazur', data: 'bumps', points: 1000, noise: 35, split: 80,
                features: ['x1', 'x1x2', 'sinx2'], layers: [], act: 'leaky_relu', loss: 'sse', optim: 'adam',
                lr: 0.0003, reg: 'l1', rate: 0.003, batch: 7, seed: 123456, dataseed: 9, order: 'layerwise',
                spf: 100, test: 0, discretize: 1, output: 1 };
  const h = toHash(all), back = fromHash(h, DEFAULTS, names);
  ok(back.errors.length === 0 && JSON.stringify(back.settings) === JSON.stringify(all),
     'every setting round-trips through the URL, no hidden layers included', h);
  const order = fromHash('#features=sinx1,x1,x1', DEFAULTS, names).settings.features;
  ok(order.join() === 'x1,sinx1', 'features in the inputs\' order, each once', order.join());
  const bad = fromHash('#lr=0&rate=-1&noise=5.5&features=&example=x&layers=4,0&act=step&seed=abc&what=1', DEFAULTS, names);
  const want = ['lr: 0 is outside (0, 10]', 'rate: -1 is outside [0, 10]', 'noise: \'5.5\' is not a whole number',
                'features: no input feature', 'example: \'x\' is not an example of this page (mazur)',
                'layers: 0 is outside 1..8', 'act: \'step\' is not one of identity, sigmoid, tanh, relu, leaky_relu',
                'seed: \'abc\' is not a whole number', 'what: not a setting of this page'];
  ok(JSON.stringify(bad.errors) === JSON.stringify(want), 'each value not taken is named with its key', bad.errors.join('; '));
  ok(JSON.stringify(bad.settings) === JSON.stringify(DEFAULTS), 'and the defaults are kept for them');
  const big = fromHash('#layers=8,8,8,8,8,8,8&points=5', DEFAULTS, names);
  ok(big.errors.length === 2 && /layers: more than 6/.test(big.errors[0]) && /points: 5 is outside 10\.\.2000/.test(big.errors[1]),
     'too many layers and too few points are refused', big.errors.join('; '));
}
