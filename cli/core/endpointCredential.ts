/**
 * The bearer credential for an endpoint's data plane, fetched through the control plane with the
 * profile's function key: the primary key (`key` mode) or a fresh token (`token` mode). `aad`
 * endpoints need a Microsoft Entra ID token the user brings (`--bearer` or `SIBYL_ENDPOINT_TOKEN`).
 */
import { seg, type ApiClient } from './apiClient';
import { UsageError } from './cliErrors';

export async function endpointCredential(api: ApiClient, endpoint: string, given?: string): Promise<string> {
  const explicit = given ?? process.env.SIBYL_ENDPOINT_TOKEN;
  if (explicit) return explicit;
  const { authMode } = await api.get<{ authMode: string }>(`/api/endpoints/${seg(endpoint)}`);
  if (authMode === 'key')
    return (await api.get<{ primaryKey: string }>(`/api/endpoints/${seg(endpoint)}/keys`)).primaryKey;
  if (authMode === 'token')
    return (await api.post<{ accessToken: string }>(`/api/endpoints/${seg(endpoint)}/token`)).body.accessToken;
  throw new UsageError(
    `endpoint '${endpoint}' uses Microsoft Entra ID (aad): ` +
      'pass an access token with --bearer or SIBYL_ENDPOINT_TOKEN, ' +
      'e.g. --bearer "$(az account get-access-token --resource <audience> --query accessToken -o tsv)".',
  );
}
