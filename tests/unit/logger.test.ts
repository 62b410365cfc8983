import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

describe('the logger', () => {
  it('writes structured lines and never writes secrets', () => {
    const lines: string[] = [];
    const destination = new Writable({
      write(chunk, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ level: 'info', destination });
    const config = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-very-secret', SLACK_SIGNING_SECRET: 'signing-secret-value', DISCORD_TOKEN: 'discord-secret', HF_TOKEN: 'hf_secret' });
    logger.info({ config: { slackBotToken: config.slack?.botToken, discordToken: config.discord?.token, hfToken: config.hf.token }, headers: { authorization: 'Bearer hf_secret' } }, 'started');
    logger.info({ token: 'xoxb-very-secret' }, 'posting');
    const output = lines.join('');
    expect(output).toContain('"msg":"started"');
    for (const secret of ['xoxb-very-secret', 'signing-secret-value', 'discord-secret', 'hf_secret']) expect(output).not.toContain(secret);
    expect(output).toContain('[redacted]');
  });
});
