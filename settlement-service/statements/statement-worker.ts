import { parentPort } from 'node:worker_threads';
import { type CanteenStatementInput, renderCanteenStatement } from './canteen-statement.ts';

const port = parentPort;
if (!port) throw new Error('statement-worker runs in a worker thread');

port.on('message', async ({ index, input }: { index: number; input: CanteenStatementInput }) => {
  try {
    const pdf = await renderCanteenStatement(input);
    const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
    port.postMessage({ index, bytes }, [bytes.buffer]);
  } catch (error) {
    port.postMessage({ index, error: error instanceof Error ? error.message : String(error) });
  }
});
