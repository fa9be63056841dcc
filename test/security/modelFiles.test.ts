/**
 * Security issue, items 2 and 5, against the local stack: a model whose external data points at the
 * app's own files (or out of its folder) is refused at registration, and a model file replaced in
 * storage after registration is refused when it is loaded, naming the recorded checksum.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import { GraphBuilder } from '../../scripts/onnx/graphBuilder';
import { expectError, uniqueSuffix, type ServingClient } from '../e2e/serving/support/servingClient';
import { servingHost } from '../e2e/serving/support/servingHost';
import { externalWeightsModel } from '../support/externalWeights';

const RUN = uniqueSuffix();

const doubler = new GraphBuilder('doubler')
  .input('x', 'FP32', ['n', 3])
  .initializer('two', new Float32Array([2]), [])
  .node('Mul', ['x', 'two'], ['y'])
  .output('y', 'FP32', ['n', 3])
  .build();

describe('model files an attacker controls (security issue, items 2 and 5)', () => {
  let sibyl: ServingClient;
  servingHost((client) => (sibyl = client));

  it("refuses external data that points at the app's files or out of the model's folder", async () => {
    for (const location of ['local.settings.json', '.sibyl/secrets.json', '../../etc/passwd', '/etc/passwd']) {
      const answer = await sibyl.registerModel(`exfil-${RUN}`, externalWeightsModel(location));
      expect(expectError(answer, 400, 'InvalidModel')).toContain(location);
    }
    expectError(await sibyl.call('GET', `api/models/exfil-${RUN}`), 404, 'ModelNotFound');
  });

  it('refuses a model file replaced in storage when it is loaded, naming the recorded checksum', async () => {
    const name = `swap-${RUN}`;
    const registered = await sibyl.registerModel(name, doubler);
    expect(registered.status).toBe(201);
    const models = BlobServiceClient.fromConnectionString(process.env.SIBYL_TEST_STORAGE_CONNECTION_STRING!);
    await models
      .getContainerClient('models')
      .getBlockBlobClient(`${name}/1/model.onnx`)
      .uploadData(Buffer.from(externalWeightsModel('w.bin')));
    expect((await sibyl.putEndpoint(name, { authMode: 'key' })).status).toBe(201);
    const refused = await sibyl.putDeployment(name, 'blue', { model: `${name}:1` });
    expect(expectError(refused, 409, 'ModelIntegrity')).toContain(registered.body.sha256);
  });
});
