/**
 * The Slack app manifests (HTTP and Socket Mode) ask for exactly the bot scopes the code needs:
 * every Web API method called under src/ is in the scope table (src/slack/scopes.ts), and each
 * manifest's scopes equal the table's. The variants differ only where the transport does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { botScopes, methodScopes } from '../../src/slack/scopes.js';
import { sourceFiles } from '../helpers/import-graph.js';

const root = join(import.meta.dirname, '..', '..');
type Manifest = { features: { slash_commands: { command: string; url?: string }[] }; oauth_config: { scopes: { bot: string[] } }; settings: { socket_mode_enabled: boolean; interactivity: { is_enabled: boolean; request_url?: string } } };
const manifest = (name: string) => parse(readFileSync(join(root, 'deploy', name), 'utf8')) as Manifest;

describe('Slack app manifests', () => {
  it('every Web API method the code calls has its scopes in the table', () => {
    const called = new Set<string>();
    for (const file of sourceFiles(join(root, 'src')).filter((f) => !f.includes('/emulators/'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\bclient\.((?:[a-z][A-Za-z]*\.)+[a-z][A-Za-z]*)\(/g)) called.add(m[1]!);
      if (/\bclient\.filesUploadV2\b/.test(text)) called.add('files.uploadV2');
    }
    expect([...called].sort()).toEqual(expect.arrayContaining(['chat.postMessage', 'conversations.replies', 'usergroups.users.list']));
    expect([...called].filter((m) => !(m in methodScopes))).toEqual([]);
  });

  it.each([['slack-app-manifest.yaml'], ['slack-app-manifest-socket-mode.yaml']])('%s asks for exactly those scopes', (name) => {
    expect([...manifest(name).oauth_config.scopes.bot].sort()).toEqual(botScopes());
  });

  it('HTTP mode has request URLs; Socket Mode has none and is enabled', () => {
    const http = manifest('slack-app-manifest.yaml');
    const socket = manifest('slack-app-manifest-socket-mode.yaml');
    expect(http.settings.socket_mode_enabled).toBe(false);
    expect(http.settings.interactivity.request_url).toMatch(/\/slack\/events$/);
    expect(http.features.slash_commands[0]!.url).toMatch(/\/slack\/events$/);
    expect(socket.settings.socket_mode_enabled).toBe(true);
    expect(socket.settings.interactivity).toEqual({ is_enabled: true });
    expect(socket.features.slash_commands[0]!.url).toBeUndefined();
    expect(socket.features.slash_commands[0]!.command).toBe(http.features.slash_commands[0]!.command);
  });
});
