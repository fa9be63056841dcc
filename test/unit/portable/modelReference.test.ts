import { ModelRef } from '../../../shared/api/schemas';
import {
  MODEL_REFERENCE_PATTERN,
  formatModelReference,
  readModelReference,
} from '../../../shared/portable/modelReference';
import { parseModelReference } from '../../../shared/registry/modelReference';
import { parseModelRef } from '../../../cli/core/parseArgs';

const valid = ['iris:3', 'iris@latest', 'my.model_v2-a:999999999', 'A@b_-9', `${'n'.repeat(255)}:1`];
const invalid = [
  'iris',
  'iris:0',
  'iris:03',
  'iris:1000000000',
  'iris@1st',
  'iris@a.b',
  `iris@${'a'.repeat(65)}`,
  '-iris:1',
  'iris:1@x',
  ':1',
  'iris@',
  `${'n'.repeat(256)}:1`,
];

describe('the model-reference grammar', () => {
  it.each(valid)('reads %s everywhere, and writes it back the same', (text) => {
    const ref = readModelReference(text);
    expect(ref).toBeDefined();
    expect(formatModelReference(ref!)).toBe(text);
    expect(parseModelReference(text)).toEqual(ref);
    expect(parseModelRef(text)).toEqual(ref);
    expect(new RegExp(MODEL_REFERENCE_PATTERN).test(text)).toBe(true);
    expect(ModelRef.pattern).toBe(MODEL_REFERENCE_PATTERN);
  });

  it.each(invalid)('refuses %s everywhere (the CLI reads a bare name as a model name)', (text) => {
    expect(readModelReference(text)).toBeUndefined();
    expect(() => parseModelReference(text)).toThrow(/is not a model reference/);
    expect(new RegExp(MODEL_REFERENCE_PATTERN).test(text)).toBe(false);
    if (text !== 'iris') expect(() => parseModelRef(text)).toThrow(/is not a model reference/);
  });

  it('splits name from version or alias', () => {
    expect(readModelReference('iris:3')).toEqual({ name: 'iris', version: 3 });
    expect(readModelReference('iris@prod')).toEqual({ name: 'iris', alias: 'prod' });
    expect(parseModelRef('iris')).toEqual({ name: 'iris' });
    expect(() => parseModelRef('iris', { requireVersion: true })).toThrow(/needs a version/);
  });
});
