/* The data the page trains on: seeded point sets in the plane [-6, 6]^2
 * (classification sets labelled 0/1, regression sets with targets in
 * [-1, 1]), as TensorFlow Playground draws them, and the input features
 * computed from a point's two coordinates. */

export const DOMAIN = 6;        /* the plane shown is [-DOMAIN, DOMAIN]^2 */

/* mulberry32: a small seeded generator, so "New points" is repeatable. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(r) {
  const u = 1 - r(), v = r();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

const uniform = (r, a) => (r() * 2 - 1) * a;
const clamp1 = (v) => Math.max(-1, Math.min(1, v));

/* Each set: its label on the page, its problem, and a generator of n
 * points [x, y, target] with noise in [0, 0.5]. */
export const DATASETS = {
  xor: {
    label: 'XOR', problem: 'classification',
    make(n, noise, r) {
      const pts = [];
      for (let i = 0; i < n; i++) {
        const pad = 0.3;
        let x = uniform(r, 5), y = uniform(r, 5);
        x += x > 0 ? pad : -pad;
        y += y > 0 ? pad : -pad;
        pts.push([x + uniform(r, 5) * noise, y + uniform(r, 5) * noise, x * y >= 0 ? 1 : 0]);
      }
      return pts;
    },
  },
  circle: {
    label: 'circle', problem: 'classification',
    make(n, noise, r) {
      const pts = [];
      for (let i = 0; i < n; i++) {
        const inner = i < n / 2;
        const rad = inner ? r() * 2.5 : 3.5 + r() * 1.5;
        const ang = r() * 2 * Math.PI;
        pts.push([rad * Math.sin(ang) + uniform(r, 5) * noise,
                  rad * Math.cos(ang) + uniform(r, 5) * noise, inner ? 1 : 0]);
      }
      return pts;
    },
  },
  spiral: {
    label: 'two spirals', problem: 'classification',
    make(n, noise, r) {
      const pts = [], half = n / 2;
      for (let c = 0; c < 2; c++)
        for (let i = 0; i < half; i++) {
          const rad = (i / half) * 5, t = 1.75 * (i / half) * 2 * Math.PI + c * Math.PI;
          pts.push([rad * Math.sin(t) + uniform(r, 1) * noise * 5,
                    rad * Math.cos(t) + uniform(r, 1) * noise * 5, c ? 0 : 1]);
        }
      return pts;
    },
  },
  gauss: {
    label: 'Gaussian blobs', problem: 'classification',
    make(n, noise, r) {
      const pts = [], sd = 0.5 + noise * 4;
      for (let i = 0; i < n; i++) {
        const c = i < n / 2 ? 1 : 0, m = c ? 2 : -2;
        pts.push([m + normal(r) * sd, m + normal(r) * sd, c]);
      }
      return pts;
    },
  },
  /* regression: a tilted plane, target (x + y) / 12 */
  plane: {
    label: 'plane', problem: 'regression',
    make(n, noise, r) {
      const pts = [];
      for (let i = 0; i < n; i++) {
        const x = uniform(r, DOMAIN), y = uniform(r, DOMAIN);
        const nx = uniform(r, DOMAIN) * noise, ny = uniform(r, DOMAIN) * noise;
        pts.push([x, y, clamp1((x + nx + y + ny) / (2 * DOMAIN))]);
      }
      return pts;
    },
  },
  /* regression: six bumps of alternating sign */
  bumps: {
    label: 'six bumps', problem: 'regression',
    make(n, noise, r) {
      const centres = [[-4, 2.5, 1], [0, 2.5, -1], [4, 2.5, 1],
                       [-4, -2.5, -1], [0, -2.5, 1], [4, -2.5, -1]];
      const pts = [];
      for (let i = 0; i < n; i++) {
        const x = uniform(r, DOMAIN), y = uniform(r, DOMAIN);
        const nx = x + uniform(r, DOMAIN) * noise, ny = y + uniform(r, DOMAIN) * noise;
        let v = 0;
        for (const [cx, cy, s] of centres)
          v += s * Math.max(0, 1 - Math.hypot(nx - cx, ny - cy) / 2);
        pts.push([x, y, clamp1(v)]);
      }
      return pts;
    },
  },
};

/* The input features, in the order the network's inputs take them. The
 * coordinates are scaled to [-1, 1]; the sines take them unscaled, so
 * they swing about twice across the plane. */
export const FEATURES = [
  { name: 'x1', label: 'x\u2081', f: (x) => x / DOMAIN },
  { name: 'x2', label: 'x\u2082', f: (x, y) => y / DOMAIN },
  { name: 'x1sq', label: 'x\u2081\u00b2', f: (x) => (x / DOMAIN) ** 2 },
  { name: 'x2sq', label: 'x\u2082\u00b2', f: (x, y) => (y / DOMAIN) ** 2 },
  { name: 'x1x2', label: 'x\u2081x\u2082', f: (x, y) => (x / DOMAIN) * (y / DOMAIN) },
  { name: 'sinx1', label: 'sin x\u2081', f: (x) => Math.sin(x) },
  { name: 'sinx2', label: 'sin x\u2082', f: (x, y) => Math.sin(y) },
];
export const FEATURE = Object.fromEntries(FEATURES.map((f) => [f.name, f]));

/* The chosen features of the point (x, y), in FEATURES order. */
export function featureRow(names, x, y) {
  return FEATURES.filter((f) => names.includes(f.name)).map((f) => f.f(x, y));
}

/* Rows of features for every point, one flat array [n][features]. */
export function featureRows(names, pts) {
  const out = [];
  for (const p of pts) out.push(...featureRow(names, p[0], p[1]));
  return out;
}

/* Points of a set, shuffled and split: {points, train, test}. The seed
 * fixes both the draw and the split. */
export function makePoints(set, n, noise, splitPercent, seed) {
  const r = rng(seed * 7919 + 13);
  const pts = DATASETS[set].make(n, noise, r);
  for (let i = pts.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [pts[i], pts[j]] = [pts[j], pts[i]];
  }
  const nTrain = Math.max(1, Math.round(pts.length * splitPercent / 100));
  return { points: pts, train: pts.slice(0, nTrain), test: pts.slice(nTrain) };
}
