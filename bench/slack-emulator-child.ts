/**
 * The Slack emulator in its own process for bench/slack.bench.ts, so the app's ack latency is not
 * measured while the same event loop also plays Slack. Prints its API URL on stdout.
 */
import { startSlackEmulator } from '../src/emulators/slack/slack-emulator.js';

const slack = await startSlackEmulator();
process.stdout.write(`${slack.baseUrl}\n`);
process.on('SIGTERM', () => void slack.stop().then(() => process.exit(0)));
