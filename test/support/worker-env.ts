import { EMULATOR_CREDENTIALS } from '@pubsub-ingest/local-stack';

// The SDK's credential chain reads these; the emulators accept any.
Object.assign(process.env, EMULATOR_CREDENTIALS);
