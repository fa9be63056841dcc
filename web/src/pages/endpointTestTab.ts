/**
 * The Test tab: builds a request from the serving model's signature (an editable example), sends it
 * with the endpoint's own credential — a key, a fresh token, or a pasted Entra ID token — and shows
 * the status, time, answering deployment and body, as Azure ML studio's Test tab does. A deployment
 * that runs user code has no signature: the body is free (a sample to start from) and sent as written.
 */
import { shellQuote } from '../shellQuote';
import { readModelReference } from '../../../shared/portable/modelReference';
import { ApiError, seg, type ApiClient } from '../api/client';
import type {
  Deployment,
  Endpoint,
  EndpointKeys,
  EndpointToken,
  Model,
  ModelVersion,
  TensorMetadata,
} from '../api/types';
import { exampleRequest, requestUrl, type Protocol } from '../requestBuilder';
import { runsUserCode, USER_CODE_SAMPLE, userCodeContentType, userCodeNote } from '../userCodeRequest';
import { h, replace } from '../ui/dom';
import { formatDuration, prettyJson } from '../ui/format';
import { badge, commandLine, errorBox, keyValues } from '../ui/widgets';

/** Where the Test tab takes the credential it sends, by the endpoint's auth mode. */
const CREDENTIAL_SOURCE: Record<Endpoint['authMode'], string> = {
  key: 'the endpoint’s primary key',
  token: 'a fresh 1-hour token from POST …/token',
  aad: 'the Entra ID token above',
};

/** The model version a deployment serves (`name:version`, or `name@alias` read through the model's aliases). */
async function signatureOf(api: ApiClient, deployment: Deployment): Promise<ModelVersion> {
  const text = deployment.resolvedModel ?? deployment.model;
  const ref = readModelReference(text);
  if (!ref) throw new Error(`The deployment's model reference '${text}' is neither name:version nor name@alias.`);
  if (ref.alias === undefined) return api.get<ModelVersion>(`/api/models/${seg(ref.name)}/versions/${ref.version}`);
  const model = await api.get<Model>(`/api/models/${seg(ref.name)}`);
  const version = model.aliases[ref.alias];
  if (version === undefined) throw new Error(`Model ${ref.name} has no alias '${ref.alias}'.`);
  return api.get<ModelVersion>(`/api/models/${seg(ref.name)}/versions/${version}`);
}

/** The deployment most traffic goes to (the example is built from its model). */
function leadingDeployment(endpoint: Endpoint): Deployment | undefined {
  const ranked = [...endpoint.deployments].sort(
    (a, b) => (endpoint.traffic[b.name] ?? 0) - (endpoint.traffic[a.name] ?? 0),
  );
  return ranked[0];
}

export function mountTest(host: HTMLElement, api: ApiClient, endpoint: Endpoint): () => void {
  if (endpoint.deployments.length === 0) {
    host.append(h('p', { class: 'muted' }, 'This endpoint has no deployment to test yet.'));
    return () => undefined;
  }
  const target = h(
    'select',
    { id: 'test-deployment' },
    h('option', { value: '' }, 'Traffic split (as clients are routed)'),
    ...endpoint.deployments.map((d) => h('option', { value: d.name }, `${d.name} only`)),
  );
  const protocol = h(
    'select',
    { id: 'test-protocol' },
    h('option', { value: 'azureml' }, 'Azure ML (POST …/score)'),
    h('option', { value: 'oip' }, 'Open Inference Protocol v2 (POST …/infer)'),
  );
  const body = h('textarea', {
    id: 'test-body',
    class: 'code-input',
    rows: 10,
    spellcheck: 'false',
    'aria-describedby': 'test-signature',
  });
  const signature = h('p', { id: 'test-signature', class: 'muted small' }, 'Reading the model signature…');
  const aadToken = h('input', {
    id: 'test-aad-token',
    type: 'password',
    autocomplete: 'off',
    placeholder: 'Microsoft Entra ID access token',
  });
  const send = h('button', { type: 'submit', class: 'button primary' }, 'Send request');
  const reset = h('button', { type: 'button', class: 'button ghost' }, 'Reset example');
  const result = h('div', { class: 'test-result', 'aria-live': 'polite' });
  const curl = h('div');
  let inputs: ModelVersion['signature']['inputs'] = [];
  /** Set while the chosen deployment runs user code; `oipInputs` once its server described its inputs. */
  let userCode: { deployment: Deployment; oipInputs?: TensorMetadata[] } | undefined;

  const chosen = () => endpoint.deployments.find((d) => d.name === target.value) ?? leadingDeployment(endpoint)!;
  const example = (p: Protocol): unknown => {
    if (!userCode) return exampleRequest(inputs, p);
    return p === 'oip' ? exampleRequest(userCode.oipInputs ?? [], p) : USER_CODE_SAMPLE;
  };
  const fillExample = () => {
    body.value = prettyJson(example(protocol.value as Protocol));
    const url = `${location.origin}${requestUrl(endpoint, protocol.value as Protocol, target.value || undefined)}`;
    const pin =
      target.value && protocol.value === 'azureml'
        ? ` -H ${shellQuote(`azureml-model-deployment: ${target.value}`)}`
        : '';
    const data = shellQuote(JSON.stringify(JSON.parse(body.value)));
    replace(
      curl,
      commandLine(
        `curl -X POST ${shellQuote(url)} -H "Authorization: Bearer $ENDPOINT_KEY" -H "Content-Type: application/json"${pin} -d ${data}`,
        'The same request with curl',
      ),
    );
  };
  const loadSignature = async () => {
    const deployment = chosen();
    if (runsUserCode(deployment)) {
      userCode = { deployment };
      signature.textContent = userCodeNote(deployment);
      fillExample();
      // Scoring scripts and modules serve no OIP metadata; a custom server (no script) may.
      if (!deployment.code?.scoringScript) await loadOipMetadata(userCode);
      return;
    }
    userCode = undefined;
    signature.textContent = 'Reading the model signature…';
    try {
      const version = await signatureOf(api, deployment);
      inputs = version.signature.inputs;
      signature.textContent =
        `Example built from ${version.name}:${version.version} (deployment ${deployment.name}): ` +
        inputs.map((t) => `${t.name} ${t.datatype} [${t.shape.join(', ')}]`).join('; ') +
        '. Edit the values before sending.';
      fillExample();
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      signature.textContent = `Could not read the signature (${reason}); write the request body yourself.`;
    }
  };

  const credential = async (): Promise<string> => {
    if (endpoint.authMode === 'key')
      return (await api.get<EndpointKeys>(`/api/endpoints/${seg(endpoint.name)}/keys`)).primaryKey;
    if (endpoint.authMode === 'token')
      return (await api.send<EndpointToken>('POST', `/api/endpoints/${seg(endpoint.name)}/token`)).accessToken;
    const token = aadToken.value.trim();
    if (!token)
      throw new Error(
        'This endpoint accepts Microsoft Entra ID tokens only: paste an access token for its audience above.',
      );
    return token;
  };

  /** A custom OIP server describes its inputs (GET …/versions/{d}); scoring scripts serve no metadata. */
  const loadOipMetadata = async (current: NonNullable<typeof userCode>) => {
    const { deployment } = current;
    try {
      const res = await fetch(`/api/v2/models/${seg(endpoint.name)}/versions/${seg(deployment.name)}`, {
        headers: { authorization: `Bearer ${await credential()}` },
        cache: 'no-store',
      });
      if (!res.ok) return;
      const metadata = (await res.json()) as { inputs?: unknown };
      if (!Array.isArray(metadata.inputs) || userCode !== current) return;
      current.oipInputs = metadata.inputs as TensorMetadata[];
      signature.textContent = userCodeNote(deployment, current.oipInputs);
      if (protocol.value === 'oip') fillExample();
    } catch {
      // No credential yet (aad) or no metadata: the free body stays.
    }
  };

  const form = h(
    'form',
    { class: 'test-form', novalidate: true },
    h('div', { class: 'form-row' }, h('label', { for: 'test-deployment' }, 'Send to'), target),
    h('div', { class: 'form-row' }, h('label', { for: 'test-protocol' }, 'Protocol'), protocol),
    endpoint.authMode === 'aad'
      ? h('div', { class: 'form-row' }, h('label', { for: 'test-aad-token' }, 'Access token'), aadToken)
      : null,
    h(
      'p',
      { class: 'muted small' },
      `Credential: ${CREDENTIAL_SOURCE[endpoint.authMode]}, sent as Authorization: Bearer.`,
    ),
    h('label', { for: 'test-body' }, 'Request body (JSON)'),
    signature,
    body,
    h('div', { class: 'actions' }, send, reset),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  reset.addEventListener('click', fillExample);
  target.addEventListener('change', () => void loadSignature());
  protocol.addEventListener('change', fillExample);

  const run = async () => {
    let payload: string;
    let contentType = 'application/json';
    if (userCode) {
      // User code reads the body raw: sent as written, as text when it is not JSON.
      payload = body.value;
      contentType = userCodeContentType(payload);
    } else {
      try {
        payload = JSON.stringify(JSON.parse(body.value));
      } catch (e) {
        const error = new Error(`The request body is not valid JSON: ${(e as Error).message}`);
        replace(result, errorBox(error, 'Not sent'));
        body.focus();
        return;
      }
    }
    send.disabled = true;
    send.textContent = 'Sending…';
    replace(result, h('p', { class: 'muted', role: 'status' }, 'Sending…'));
    try {
      const bearer = await credential();
      const headers: Record<string, string> = { authorization: `Bearer ${bearer}`, 'content-type': contentType };
      const p = protocol.value as Protocol;
      if (target.value && p === 'azureml') headers['azureml-model-deployment'] = target.value;
      const started = performance.now();
      const res = await fetch(requestUrl(endpoint, p, target.value || undefined), {
        method: 'POST',
        headers,
        body: payload,
        cache: 'no-store',
      });
      const text = await res.text();
      const elapsed = performance.now() - started;
      let shown = text;
      try {
        shown = prettyJson(JSON.parse(text));
      } catch {
        // Not JSON: show it as it came.
      }
      replace(
        result,
        h('h3', {}, 'Answer'),
        keyValues([
          [
            'Status',
            h(
              'span',
              { class: `badge ${res.ok ? 'status-completed' : 'status-failed'}`, 'data-testid': 'test-status' },
              `${res.status} ${res.statusText}`,
            ),
          ],
          ['Time', h('span', { 'data-testid': 'test-time' }, formatDuration(elapsed))],
          ['Deployment', res.headers.get('azureml-model-deployment') ?? '—'],
          ['Request id', res.headers.get('x-ms-request-id') ?? '—'],
          ['Content type', res.headers.get('content-type') ?? '—'],
        ]),
        h(
          'pre',
          { class: 'code-output', 'data-testid': 'test-answer', tabindex: 0 },
          h('code', {}, shown || '(empty body)'),
        ),
      );
    } catch (e) {
      replace(
        result,
        errorBox(
          e,
          e instanceof ApiError ? 'Could not get the endpoint’s credential' : 'The request could not be sent',
        ),
      );
    } finally {
      send.disabled = false;
      send.textContent = 'Send request';
    }
  };

  host.append(
    h('div', { class: 'grid-test' }, h('div', {}, form, curl), h('div', {}, result)),
    h('p', { class: 'muted small' }, 'Auth mode ', badge(endpoint.authMode), '.'),
  );
  void loadSignature();
  return () => undefined;
}
