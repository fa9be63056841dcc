/**
 * `sibyl login`, `sibyl logout` and `sibyl profiles …`: where Sibyl is and the function key, saved as
 * named profiles in the user's config folder (owner-only). The key is checked before it is saved.
 */
import type { Command } from 'commander';
import { ApiClient } from '../core/apiClient';
import { UsageError } from '../core/cliErrors';
import { act, commandGroup, leaf } from '../core/commandKit';
import { normalizeUrl } from '../core/connection';
import { printResult, table, writeErr } from '../core/output';
import { loadConfig, removeProfile, saveConfig, saveProfile } from '../core/profileStore';
import { forgetKey, storeKey } from '../core/keyStore';
import { promptSecret } from '../core/promptSecret';
import { assertSecureUrl } from '../core/transportPolicy';

async function keyFromUser(given: string | undefined): Promise<string> {
  const key =
    given ??
    process.env.SIBYL_KEY ??
    (await promptSecret('Function key (from the start banner or the Function App): '));
  if (!key) throw new UsageError('no key given: pass --key, set SIBYL_KEY, or type it at the prompt.');
  return key;
}

export function registerLoginCommands(program: Command): void {
  leaf(
    program
      .command('login')
      .description('Save the URL and function key of a Sibyl as a profile (checked before saving)'),
    [
      'sibyl login --url http://127.0.0.1:7071            # prompts for the key',
      'SIBYL_KEY=... sibyl login --url https://my-sibyl.azurewebsites.net --profile prod',
      'echo "$KEY" | sibyl login --url http://127.0.0.1:7071 --profile local --default',
    ],
  )
    .requiredOption('--url <url>', 'base URL, e.g. http://127.0.0.1:7071 or https://<app>.azurewebsites.net')
    .option('--key <key>', 'function key (better: SIBYL_KEY or the prompt, which keep it out of shell history)')
    .option('--default', 'make this the default profile (the first profile always is)')
    .option('--no-verify', 'save without checking the key against the API')
    .action(
      act(async (ctx, opts: { url: string; key?: string; default?: boolean; verify: boolean }) => {
        const url = normalizeUrl(opts.url);
        assertSecureUrl(url, ctx.insecure);
        const key = await keyFromUser(opts.key);
        const name = ctx.profile ?? 'default';
        let models: number | undefined;
        if (opts.verify) {
          const { value } = await new ApiClient({ url, key }).get<{ value: unknown[] }>('/api/models');
          models = value.length;
        }
        const stored = storeKey(name, key);
        const inKeychain = stored.where === 'keychain';
        const profile = {
          url,
          ...(inKeychain ? { keyInKeychain: true } : { key }),
          ...(ctx.insecure ? { insecure: true } : {}),
        };
        const { file, isDefault } = saveProfile(name, profile, { makeDefault: opts.default });
        const keyLocation = inKeychain
          ? stored.description
          : `${file} (readable by you only: file 0600, folder 0700; no OS keychain: ${stored.reason})`;
        const result = {
          profile: name,
          url,
          default: isDefault,
          verified: opts.verify,
          configFile: file,
          keyStoredIn: inKeychain ? 'keychain' : 'file',
        };
        printResult(
          ctx.format,
          result,
          () =>
            `Logged in to ${url} as profile '${name}'${isDefault ? ' (default)' : ''}` +
            `${models !== undefined ? `; ${models} model(s) registered` : ''}.\n` +
            `Profile saved in ${file}; the key is in ${keyLocation}.`,
        );
      }),
    );

  leaf(program.command('logout').description('Forget a profile (the default one unless --profile)'), [
    'sibyl logout',
    'sibyl logout --profile prod',
  ]).action(
    act(async (ctx) => {
      const name = ctx.profile ?? loadConfig().defaultProfile;
      if (!name || !removeProfile(name)) throw new UsageError(name ? `no profile named '${name}'.` : 'not logged in.');
      forgetKey(name);
      printResult(ctx.format, { removed: name }, () => `Removed profile '${name}'.`);
      return Promise.resolve();
    }),
  );

  const profiles = commandGroup(program, 'profiles', 'List saved profiles and choose the default', [
    'sibyl profiles list',
    'sibyl profiles use prod',
  ]);
  leaf(profiles.command('list').description('List saved profiles (keys are never shown)'), [
    'sibyl profiles list',
  ]).action(
    act(async (ctx) => {
      const config = loadConfig();
      const rows = Object.entries(config.profiles).map(([name, p]) => ({
        name,
        url: p.url,
        default: name === config.defaultProfile,
        hasKey: Boolean(p.key) || p.keyInKeychain === true,
      }));
      printResult(ctx.format, rows, () =>
        table(
          ['name', 'url', 'default', 'key'],
          rows.map((r) => [r.name, r.url, r.default ? '*' : '', r.hasKey ? '(saved)' : '']),
          "(no profiles: run 'sibyl login --url URL')",
        ),
      );
      return Promise.resolve();
    }),
  );
  leaf(profiles.command('use <name>').description('Make a profile the default'), ['sibyl profiles use prod']).action(
    act(async (ctx, name: string) => {
      const config = loadConfig();
      if (!config.profiles[name]) throw new UsageError(`no profile named '${name}'.`);
      config.defaultProfile = name;
      saveConfig(config);
      printResult(ctx.format, { default: name }, () => `Default profile: ${name}.`);
      if (process.env.SIBYL_URL) writeErr('note: SIBYL_URL is set and wins over the default profile.');
      return Promise.resolve();
    }),
  );
}
