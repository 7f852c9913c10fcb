// ort_check.js MODEL.onnx INPUTS.csv - run an exported model in
// onnxruntime (onnxruntime-node from the npm registry, installed by
// `npm install --ignore-scripts`) on comma-separated inputs, one sample
// per line, and print its outputs (%.9g-like) one line per sample.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require(path.join(__dirname, '..', '..', 'node_modules', 'onnxruntime-node'));

async function main() {
  const [model, csv] = process.argv.slice(2);
  const rows = fs.readFileSync(csv, 'utf8').trim().split('\n').map(l => l.split(',').map(Number));
  const n = rows.length, d = rows[0].length;
  const session = await ort.InferenceSession.create(model);
  const x = new ort.Tensor('float32', Float32Array.from(rows.flat()), [n, d]);
  const out = (await session.run({ x })).y;
  const k = out.dims[1];
  const lines = [];
  for (let i = 0; i < n; i++) {
    const r = [];
    for (let j = 0; j < k; j++) r.push(Number(out.data[i * k + j]).toPrecision(9));
    lines.push(r.join(','));
  }
  process.stdout.write(lines.join('\n') + '\n');
}
main().catch(e => { console.error('ort_check: ' + e.message); process.exit(1); });
