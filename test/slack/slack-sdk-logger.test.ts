/** The Slack SDK's log lines go through dnswhy's pino logger as JSON, filtered by the SDK's level. */
import { LogLevel } from '@slack/bolt';
import { describe, expect, it } from 'vitest';
import { slackSdkLogger } from '../../src/slack/slack-sdk-logger.js';
import { capturedLog } from './helpers/captured-log.js';

describe('slackSdkLogger', () => {
  it('writes warnings and errors as JSON lines of the same logger, drops what is below its level, and follows setLevel', () => {
    const log = capturedLog('debug');
    const sdk = slackSdkLogger(log.logger, LogLevel.WARN);
    sdk.info('Now connected to Slack');
    sdk.warn('http request failed', new Error('connect ECONNREFUSED 127.0.0.1:9'));
    sdk.error('An incoming event was not acknowledged', { type: 'block_actions' });
    sdk.setLevel(LogLevel.DEBUG);
    sdk.setName('bolt-app');
    sdk.debug('debug detail');
    expect(sdk.getLevel()).toBe(LogLevel.DEBUG);
    expect(log.lines().map((l) => [l.level, l.component, l.msg])).toEqual([
      [40, 'slack-sdk', 'http request failed connect ECONNREFUSED 127.0.0.1:9'],
      [50, 'slack-sdk', 'An incoming event was not acknowledged {"type":"block_actions"}'],
      [20, 'bolt-app', 'debug detail'],
    ]);
  });
});
