export interface EmulatorServer {
  /** The AWS endpoint URL to configure the SDK clients with. */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

/** The fauxqs SNS/SQS emulator on 127.0.0.1 (its `startFauxqs` helper would bind every interface). */
export async function startEmulator({ port, region }: { port: number; region: string }): Promise<EmulatorServer> {
  const { buildApp } = await import('fauxqs');
  const app = buildApp({ logger: false, defaultRegion: region });
  await app.listen({ host: '127.0.0.1', port });
  const address = app.server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    endpoint: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    stop: async () => void (await app.close()),
  };
}
