/** One `DefaultAzureCredential` for every SDK client that runs with the app's managed identity. */
import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

let credential: TokenCredential | undefined;

export function getCredential(): TokenCredential {
  credential ??= new DefaultAzureCredential();
  return credential;
}
