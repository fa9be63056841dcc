/**
 * A Node scoring module for Sibyl's `node` runtime: maps named features to the model's ONNX input and
 * the output back to named classes. Sibyl opens the ONNX session (context.session) with the
 * environment's execution providers and threads; this module only does the pre- and post-processing.
 *
 * Request:  {"instances": [{"age": 41, "tenure_months": 12, ...}, ...]}   (a missing feature is 0)
 * Answer:   {"predictions": [{"label": "stay", "probabilities": {"stay": 0.61, ...}}, ...]}
 * Batch:    run() gets rows ({column: value} objects) and answers one prediction per row.
 */
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

let names;

exports.init = async function init(context) {
  if (!context.session) throw new Error('This module needs an ONNX model: deploy it with an onnx model version.');
  names = JSON.parse(readFileSync(join(__dirname, 'features.json'), 'utf8'));
  console.log(`Scoring module ready: ${names.features.length} features -> ${context.session.inputNames[0]}`);
};

exports.run = async function run(body, context) {
  const instances = Array.isArray(body) ? body : body.instances;
  if (!Array.isArray(instances)) throw new TypeError('Expected {"instances": [{feature: value}, ...]}.');
  const width = names.features.length;
  const values = new Float32Array(instances.length * width);
  instances.forEach((instance, row) =>
    names.features.forEach((feature, column) => {
      values[row * width + column] = Number(instance[feature] ?? 0);
    }),
  );
  const { ort, session } = context;
  const input = new ort.Tensor('float32', values, [instances.length, width]);
  const output = (await session.run({ [session.inputNames[0]]: input }))[session.outputNames[0]];
  const classes = names.classes;
  const predictions = instances.map((_, row) => {
    const probabilities = Array.from(output.data.slice(row * classes.length, (row + 1) * classes.length));
    const best = probabilities.indexOf(Math.max(...probabilities));
    return {
      label: classes[best],
      probabilities: Object.fromEntries(classes.map((name, i) => [name, probabilities[i]])),
    };
  });
  return Array.isArray(body) ? predictions : { predictions };
};
