/** @jest-environment ./test/setup/ortTestEnvironment.ts */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES_DIR, MODEL_FIXTURES } from '../../../../scripts/onnx/writeFixtures';
import { readSignature } from '../../../../shared/scoring/onnxSignature';

const root = join(__dirname, '../../../..');

describe('committed model fixtures', () => {
  it.each(Object.keys(MODEL_FIXTURES))(
    '%s is what its factory makes (regenerate with scripts/onnx/writeFixtures)',
    async (name) => {
      const path = join(root, FIXTURES_DIR, name);
      expect(existsSync(path)).toBe(true);
      const committed = readFileSync(path);
      expect(committed.equals(MODEL_FIXTURES[name]!())).toBe(true);
      expect(committed.length).toBeLessThan(50 * 1024);
      const signature = await readSignature(committed);
      expect(signature.inputs.length).toBeGreaterThan(0);
    },
  );
});
