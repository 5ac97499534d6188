import { type StorageConfig, storageFromEnvironment } from '../database/storage-config.ts';

/** Settings from the environment; every name is documented in README.md. */
export interface ServiceConfig extends StorageConfig {
  readonly port: number;
}

/** The port to listen on (`PORT`, 8080; 0 for any free port). */
export function portFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`PORT must be a port number, got ${env.PORT}`);
  return port;
}

export function configFromEnvironment(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  return { ...storageFromEnvironment(env), port: portFromEnvironment(env) };
}
