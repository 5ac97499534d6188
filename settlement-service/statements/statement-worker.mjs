// Worker threads on Node 20 do not inherit the tsx loader: register it here, then load the TypeScript.
import { register } from 'tsx/esm/api';

register();
await import('./statement-worker.ts');
