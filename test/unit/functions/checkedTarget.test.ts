/** Scoring routes' names are checked against the route table's schemas, and a name once found good is not checked again. */
import { checkedDeployment, checkedEndpoint } from '../../../functions/http/checkedTarget';
import { SibylError } from '../../../shared/errors';
import { refusalOf as refusal } from '../../support/refusal';

describe('checkedEndpoint', () => {
  it('accepts an endpoint name, the first time and again', () => {
    expect(checkedEndpoint('iris-prod')).toEqual({ endpoint: 'iris-prod', deployment: null });
    expect(checkedEndpoint('iris-prod')).toEqual({ endpoint: 'iris-prod', deployment: null });
  });

  it.each([undefined, '', 'a', '9lives', 'ends-', 'has space', 'x'.repeat(33), 'iris-prod blue'])(
    'refuses %p with 400 InvalidInput every time',
    (name) => {
      for (let i = 0; i < 2; i++) {
        const error = refusal(() => checkedEndpoint(name));
        expect(error).toBeInstanceOf(SibylError);
        expect(error.code).toBe('InvalidInput');
        expect(error.message).toMatch(/model/);
      }
    },
  );

  it('still checks new names once many have been seen', () => {
    for (let i = 0; i < 3000; i++) checkedEndpoint(`ep-${i}`);
    expect(checkedEndpoint('ep-5')).toEqual({ endpoint: 'ep-5', deployment: null });
    expect(refusal(() => checkedEndpoint('-bad')).code).toBe('InvalidInput');
  });
});

describe('checkedDeployment', () => {
  it('accepts an endpoint and deployment pair, the first time and again', () => {
    expect(checkedDeployment('iris', 'blue')).toEqual({ endpoint: 'iris', deployment: 'blue' });
    expect(checkedDeployment('iris', 'blue')).toEqual({ endpoint: 'iris', deployment: 'blue' });
  });

  it('refuses a bad version of a good endpoint, and a good version of a bad one, every time', () => {
    checkedDeployment('iris', 'blue');
    for (let i = 0; i < 2; i++) {
      expect(refusal(() => checkedDeployment('iris', 'bl ue')).code).toBe('InvalidInput');
      expect(refusal(() => checkedDeployment('iris', undefined)).code).toBe('InvalidInput');
      expect(refusal(() => checkedDeployment('ir is', 'blue')).code).toBe('InvalidInput');
    }
  });

  it('does not take a checked pair for a checked endpoint name, or the reverse', () => {
    checkedDeployment('iris', 'blue');
    expect(refusal(() => checkedEndpoint('iris blue')).code).toBe('InvalidInput');
    checkedEndpoint('iris');
    expect(refusal(() => checkedDeployment('iris', '')).code).toBe('InvalidInput');
  });
});
