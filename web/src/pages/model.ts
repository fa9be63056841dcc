/**
 * One model: each version's type and signature (inputs and outputs with datatypes and shapes; none for a
 * custom model), size, sha256, tags, aliases, and which deployments serve it.
 */
import { readModelReference } from '../../../shared/portable/modelReference';
import { seg } from '../api/client';
import type { Deployment, Endpoint, List, Model, ModelVersion, TensorMetadata } from '../api/types';
import { hashFor } from '../router';
import { h, replace } from '../ui/dom';
import { formatBytes, formatDateTime, formatShape } from '../ui/format';
import { badge, card, copyButton, crumbs, dataTable, errorBox, keyValues, link, loading } from '../ui/widgets';
import { aliasBadges } from './models';
import type { Page } from './page';

/** The `name:version` a deployment serves: what it resolved to, else its reference read through the aliases. */
export function servedVersion(d: Deployment, model: Model): number | undefined {
  const ref = readModelReference(d.resolvedModel ?? d.model);
  if (ref?.name !== model.name) return undefined;
  return ref.alias === undefined ? ref.version : model.aliases[ref.alias];
}

function signatureTable(caption: string, tensors: readonly TensorMetadata[]): HTMLElement {
  return dataTable(
    caption,
    [
      { label: 'Name', cell: (t: TensorMetadata) => h('code', {}, t.name) },
      { label: 'Datatype', cell: (t) => t.datatype },
      { label: 'Shape', cell: (t) => h('code', {}, formatShape(t.shape)) },
    ],
    tensors,
  );
}

function versionCard(v: ModelVersion, model: Model, users: Deployment[]): HTMLElement {
  const tags = Object.entries(v.tags ?? {});
  return card(
    h('span', {}, `Version ${v.version} `, aliasBadges(model.aliases, v.version)),
    keyValues([
      ['Reference', h('code', {}, `${v.name}:${v.version}`)],
      ['Type', v.type ?? 'onnx'],
      ['Description', v.description || '—'],
      ['Registered', formatDateTime(v.createdAt)],
      ['Size', formatBytes(v.sizeBytes)],
      [
        'SHA-256',
        h(
          'span',
          { class: 'hash' },
          h('code', { title: v.sha256 }, `${v.sha256.slice(0, 16)}…`),
          copyButton(() => v.sha256, 'Copy'),
        ),
      ],
      ['Tags', tags.length ? h('span', { class: 'badges' }, ...tags.map(([k, val]) => badge(`${k}=${val}`))) : '—'],
      [
        'Deployed to',
        users.length
          ? h(
              'span',
              { class: 'badges' },
              ...users.map((d) =>
                link(hashFor(['endpoints', d.endpoint]), `${d.endpoint}/${d.name}`, { class: 'badge link-badge' }),
              ),
            )
          : 'No deployment uses this version.',
      ],
    ]),
    signatureView(v),
  );
}

/** Inputs and outputs; a custom model (files for user code) has none, and says so instead of empty tables. */
function signatureView(v: ModelVersion): HTMLElement {
  if (v.signature.inputs.length === 0 && v.signature.outputs.length === 0)
    return h(
      'p',
      { class: 'muted', 'data-testid': 'no-signature' },
      'No signature: the deployment’s user code (a scoring script or a custom server) reads these files and ',
      'defines what a request holds.',
    );
  return h(
    'div',
    { class: 'grid-2' },
    h('div', {}, h('h3', {}, 'Inputs'), signatureTable(`Inputs of ${v.name}:${v.version}`, v.signature.inputs)),
    h('div', {}, h('h3', {}, 'Outputs'), signatureTable(`Outputs of ${v.name}:${v.version}`, v.signature.outputs)),
  );
}

export const modelPage: Page = (root, ctx) => {
  const name = ctx.params.name ?? '';
  ctx.title(`Model ${name}`);
  const body = h('div', {}, loading());
  root.append(crumbs('#/models', 'Models', name), h('h1', {}, name), body);
  Promise.all([
    ctx.api.get<Model>(`/api/models/${seg(name)}`),
    ctx.api.get<List<ModelVersion>>(`/api/models/${seg(name)}/versions`),
    ctx.api.get<List<Endpoint>>('/api/endpoints').catch(() => ({ value: [] as Endpoint[] })),
  ]).then(
    ([model, versions, endpoints]) => {
      const deployments = endpoints.value.flatMap((e) => e.deployments);
      const sorted = [...versions.value].sort((a, b) => b.version - a.version);
      replace(
        body,
        h(
          'p',
          { class: 'muted' },
          `${sorted.length} version${sorted.length === 1 ? '' : 's'}; latest is v${model.latestVersion}.`,
        ),
        ...sorted.map((v) =>
          versionCard(
            v,
            model,
            deployments.filter((d) => servedVersion(d, model) === v.version),
          ),
        ),
      );
    },
    (error: unknown) => replace(body, errorBox(error, `Could not load model ${name}`)),
  );
};
