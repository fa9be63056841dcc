/**
 * The retry of deploy commands that fail while a new role assignment, identity or Key Vault reference
 * propagates through Azure (minutes), told apart from real failures by the `az` error's words.
 */

/** What a role or identity that has not propagated yet looks like in an `az` error. */
export const PROPAGATION_ERRORS = new RegExp(
  [
    'AuthorizationFailed',
    'does not have authorization',
    'Forbidden',
    'PrincipalNotFound',
    'does not exist in the directory',
    'KeyVaultReference',
    'RoleAssignment.*not.*found',
    'InvalidPrincipalId',
    'ManagedIdentityNotFound',
  ].join('|'),
  'i',
);
export const PROPAGATION_RETRY = { attempts: 6, delayMs: 30_000, when: PROPAGATION_ERRORS };
