#!/usr/bin/env node
// The zhucan command: runs the TypeScript CLI through tsx.
import { register } from 'tsx/esm/api';

register();
await import('../cli/zhucan.ts');
