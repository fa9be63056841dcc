/**
 * Pieces of the user-code replica that need no process: the requirement lines pip installs for an
 * environment, the check of run(mini_batch)'s results, and where the Python runner is found (tsc
 * does not copy .py files; the scorer's image must).
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { resultsProblem } from '../../../scorer/userCode/miniBatch';
import { requirementsOf } from '../../../scorer/userCode/pythonEnvironment';
import { runnerPath } from '../../../scorer/userCode/pythonRuntime';

const ROOT = path.resolve(__dirname, '..', '..', '..');

describe('requirementsOf', () => {
  it('takes pip lines, and from a Conda file its pip list and plain packages', () => {
    const conda = [
      'name: scoring',
      'channels: [conda-forge]',
      'dependencies:',
      '  - python=3.11',
      '  - pip',
      '  - numpy=1.26',
      '  - conda-forge::scikit-learn>=1.3',
      '  - pandas',
      '  - pip:',
      '    - requests==2.32.3',
      '',
    ].join('\n');
    expect(requirementsOf({ pythonVersion: '3.11', conda, pip: ['# comment', 'joblib', ''] })).toEqual([
      'joblib',
      'numpy==1.26.*',
      'scikit-learn>=1.3',
      'pandas',
      'requests==2.32.3',
    ]);
    expect(requirementsOf({ pythonVersion: '3.11' })).toEqual([]);
  });
});

describe('resultsProblem', () => {
  it('wants a list with one result per input', () => {
    expect(resultsProblem([1, 2], 2)).toBeUndefined();
    expect(resultsProblem([1], 2)).toMatch(/returned 1 results for 2 inputs/);
    expect(resultsProblem({ a: 1 }, 1)).toMatch(/must return a list .* returned object/);
    expect(resultsProblem(null, 1)).toMatch(/returned null/);
  });
});

describe('the Python runner', () => {
  it('is found from the sources, and the scorer image copies it where dist finds it', () => {
    expect(runnerPath()).toBe(path.join(ROOT, 'scorer', 'python', 'azureml_runner.py'));
    const dockerfile = readFileSync(path.join(ROOT, 'scorer', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^COPY scorer\/python \.\/scorer\/python$/m);
    expect(dockerfile).toMatch(/^COPY --from=build \/app\/dist\/scorer \.\/dist\/scorer$/m);
  });
});
