import { startEmulator } from '../fauxqs-server';
import { startPostgres } from '../embedded-postgres';
import { REGION } from '../aws-client-config';

/**
 * Runs one server of the local stack in its own process, for tests that need to stop and restart
 * it: `server.js postgres <dataDir> <port>` or `server.js emulator <port>`. Prints one JSON line
 * when ready; stops cleanly on SIGTERM or SIGINT.
 */
async function main(): Promise<void> {
  const [kind, ...args] = process.argv.slice(2);
  let server: { stop(): Promise<void> };
  if (kind === 'postgres' && args.length === 2) {
    const pg = await startPostgres({ dataDir: args[0]!, port: Number(args[1]) });
    server = pg;
    console.log(JSON.stringify({ ready: true, url: pg.url, port: pg.port }));
  } else if (kind === 'emulator' && args.length === 1) {
    const emulator = await startEmulator({ port: Number(args[0]), region: REGION });
    server = emulator;
    console.log(JSON.stringify({ ready: true, endpoint: emulator.endpoint, port: emulator.port }));
  } else {
    console.error('usage: server.js postgres <dataDir> <port> | server.js emulator <port>');
    process.exit(2);
  }
  const stop = () => void server.stop().then(() => process.exit(0), () => process.exit(1));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
