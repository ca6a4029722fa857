// The portal (or the bench root module: the portal plus the baseline endpoint) in a child process
// of a benchmark; started by portal.ts, which reads the port it listens on from the IPC channel.
import 'reflect-metadata';
import { createApp } from './portal';

async function main(): Promise<void> {
  const root = process.argv[2] === 'bench' ? 'bench' : 'app';
  const app = await createApp(root);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  process.on('message', (m: { stop?: boolean; cpu?: boolean }) => {
    if (m.stop) void app.close().finally(() => process.exit(0));
    // The CPU time this process has used so far (user + system, microseconds), for per-call figures.
    if (m.cpu) {
      const { user, system } = process.cpuUsage();
      process.send?.({ cpuMicros: user + system });
    }
  });
  process.send?.({ port });
}

main().catch((err: unknown) => {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
  process.exit(1);
});
