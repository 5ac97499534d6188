import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeReceipt } from './escpos.ts';
import { devicePrinter, filePrinter, type PrinterStatus, tcpPrinter } from './printer-transport.ts';
import { dayReport, saleReceipt } from './receipt-model.ts';
import { ReceiptPrinter } from './receipt-printer.ts';
import { decodeEscPos } from './testing/escpos-text.ts';
import { type FakePrinter, startFakePrinter } from './testing/fake-printer.ts';
import { SALE_ID, sampleDay, sampleSale } from './testing/sample-receipts.ts';

let printer: FakePrinter;
let dir: string;

beforeEach(async () => {
  printer = await startFakePrinter();
  dir = await mkdtemp(path.join(tmpdir(), 'zhucan-receipts-'));
});

afterEach(async () => {
  await printer.close();
  await rm(dir, { recursive: true, force: true });
});

function transport() {
  return tcpPrinter({ host: printer.host, port: printer.port, timeoutMs: 500 });
}

function receiptPrinter(
  options: { timeoutMs?: number; changes?: { status: PrinterStatus; queued: number }[] } = {},
) {
  return new ReceiptPrinter({
    transport: transport(),
    width: 58,
    queueFile: path.join(dir, 'reprint-queue.json'),
    timeoutMs: options.timeoutMs ?? 1500,
    onChange: (state) => options.changes?.push(state),
  });
}

async function queueFileJobIds(): Promise<string[]> {
  const file = JSON.parse(await readFile(path.join(dir, 'reprint-queue.json'), 'utf8')) as {
    receipts: { jobId: string }[];
  };
  return file.receipts.map((receipt) => receipt.jobId);
}

describe('tcpPrinter against an Epson-compatible printer', () => {
  it('prints a sale receipt that reads back with every detail', async () => {
    const bytes = encodeReceipt(saleReceipt(sampleSale()), { width: 58 });
    await transport().send(bytes);
    await printer.waitForJobs(1);

    const [job] = printer.jobs;
    expect(job?.equals(bytes)).toBe(true);
    const receipt = decodeEscPos(job ?? Buffer.alloc(0));
    const text = receipt.lines.join('\n');
    expect(receipt.lines).toContain('和平街道长者食堂');
    expect(text).toMatch(/时间 +2026-10-08 12:00:05/);
    expect(text).toMatch(/终端 +heping-01-t1/);
    expect(text).toMatch(/单号 +#1207/);
    expect(text).toMatch(/红烧肉套餐 +￥12\.00/);
    expect(text).toMatch(/小米粥 +￥3\.00\n {2}2 x ￥1\.50/);
    expect(text).toMatch(/合计 +￥15\.00/);
    expect(text).toMatch(/补贴 +-￥3\.00/);
    expect(text).toMatch(/实付 +￥12\.00/);
    expect(text).toMatch(/就餐人 +张\*明/);
    expect(receipt.qr).toEqual([SALE_ID]);
    expect(receipt.cuts).toBe(1);
  });

  it('reads the paper sensor and sees a printer that refuses or does not answer as offline', async () => {
    expect(await transport().status()).toBe('ready');
    await printer.setMode('paper-out');
    expect(await transport().status()).toBe('paper-out');
    await printer.setMode('silent');
    expect(await transport().status()).toBe('offline');
    await printer.setMode('refusing');
    expect(await transport().status()).toBe('offline');
    await expect(transport().send(Buffer.from('x'))).rejects.toThrow(/ECONNREFUSED/);
    await printer.setMode('ready');
    expect(await transport().status()).toBe('ready');
  });
});

describe('ReceiptPrinter', () => {
  it('prints straight away when the printer is ready', async () => {
    const changes: { status: PrinterStatus; queued: number }[] = [];
    const outcome = await receiptPrinter({ changes }).print('sale-1', saleReceipt(sampleSale()));
    expect(outcome).toEqual({ printed: true, status: 'ready', queued: 0 });
    await printer.waitForJobs(1);
    expect(changes).toEqual([{ status: 'ready', queued: 0 }]);
  });

  it('queues a receipt when the paper is out, keeps the queue across a restart and prints it once', async () => {
    await printer.setMode('paper-out');
    const first = receiptPrinter();
    const outcome = await first.print('sale-1', saleReceipt(sampleSale()));
    expect(outcome).toEqual({ printed: false, status: 'paper-out', queued: 1 });
    expect(await queueFileJobIds()).toEqual(['sale-1']);
    expect(printer.jobs).toHaveLength(0);

    const afterRestart = receiptPrinter();
    expect(afterRestart.state().queuedJobIds).toEqual(['sale-1']);
    expect(await afterRestart.retryQueued()).toMatchObject({
      printed: false,
      status: 'paper-out',
      queued: 1,
    });

    await printer.setMode('ready');
    const [retry, again] = await Promise.all([afterRestart.retryQueued(), afterRestart.retryQueued()]);
    expect(retry).toEqual({ printed: true, status: 'ready', queued: 0 });
    expect(again.queued).toBe(0);
    await printer.waitForJobs(1);
    await afterRestart.retryQueued();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(printer.jobs).toHaveLength(1);
    expect(decodeEscPos(printer.jobs[0] ?? Buffer.alloc(0)).qr).toEqual([SALE_ID]);
    expect(await queueFileJobIds()).toEqual([]);
  });

  it('prints the queue in order once watching sees the printer back', async () => {
    await printer.setMode('refusing');
    const changes: { status: PrinterStatus; queued: number }[] = [];
    const receipts = receiptPrinter({ changes });
    for (const number of [1, 2, 3]) {
      const outcome = await receipts.print(`sale-${number}`, saleReceipt(sampleSale({ saleNumber: number })));
      expect(outcome).toMatchObject({ printed: false, status: 'offline', queued: number });
    }
    expect(await queueFileJobIds()).toEqual(['sale-1', 'sale-2', 'sale-3']);

    receipts.startWatching(50);
    try {
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(printer.jobs).toHaveLength(0);
      await printer.setMode('ready');
      await printer.waitForJobs(3);
      await new Promise((resolve) => setTimeout(resolve, 200));
    } finally {
      receipts.stopWatching();
    }
    expect(printer.jobs).toHaveLength(3);
    const numbers = printer.jobs.map((job) =>
      decodeEscPos(job).lines.find((line) => line.startsWith('单号')),
    );
    expect(numbers.map((line) => line?.replace(/ +/, ' '))).toEqual(['单号 #1', '单号 #2', '单号 #3']);
    expect(receipts.state()).toEqual({ status: 'ready', queued: 0, queuedJobIds: [] });
    expect(changes.at(-1)).toEqual({ status: 'ready', queued: 0 });
  });

  it('answers within its time limit when the printer hangs, and queues the receipt', async () => {
    await printer.setMode('silent');
    const receipts = new ReceiptPrinter({
      transport: tcpPrinter({ host: printer.host, port: printer.port, timeoutMs: 5000 }),
      width: 80,
      queueFile: path.join(dir, 'reprint-queue.json'),
      timeoutMs: 300,
    });
    const started = Date.now();
    const outcome = await receipts.print('sale-9', saleReceipt(sampleSale()));
    expect(Date.now() - started).toBeLessThan(1000);
    expect(outcome).toEqual({ printed: false, status: 'offline', queued: 1 });
    expect(await queueFileJobIds()).toEqual(['sale-9']);
  });

  it('a reprint of a queued receipt settles it', async () => {
    await printer.setMode('paper-out');
    const receipts = receiptPrinter();
    await receipts.print('sale-1', saleReceipt(sampleSale()));
    await printer.setMode('ready');
    const outcome = await receipts.reprint('sale-1', saleReceipt(sampleSale({ reprint: true })));
    expect(outcome).toEqual({ printed: true, status: 'ready', queued: 0 });
    await printer.waitForJobs(1);
    expect(decodeEscPos(printer.jobs[0] ?? Buffer.alloc(0)).lines[0]).toContain('重印');
    expect(await queueFileJobIds()).toEqual([]);
  });
});

describe('a queue file that cannot be read', () => {
  it('is kept aside and the printer starts with an empty queue', async () => {
    await writeFile(path.join(dir, 'reprint-queue.json'), '{"version":1,"receipts":[{"jobId":"sa');
    const receipts = receiptPrinter();
    expect(receipts.state().queued).toBe(0);
    expect((await readdir(dir)).some((name) => name.startsWith('reprint-queue.json.unreadable-'))).toBe(true);
    expect(await receipts.print('sale-1', saleReceipt(sampleSale()))).toMatchObject({ printed: true });
  });
});

describe('devicePrinter', () => {
  it('appends each job to the device and is offline when the device is not there', async () => {
    const device = path.join(dir, 'lp0');
    await writeFile(device, '');
    const usb = devicePrinter({ path: device });
    expect(await usb.status()).toBe('ready');
    const bytes = encodeReceipt(saleReceipt(sampleSale()), { width: 58 });
    await usb.send(bytes);
    await usb.send(bytes);
    expect((await readFile(device)).equals(Buffer.concat([bytes, bytes]))).toBe(true);

    const unplugged = devicePrinter({ path: path.join(dir, 'lp1') });
    expect(await unplugged.status()).toBe('offline');
    await expect(unplugged.send(bytes)).rejects.toThrow();
  });
});

describe('filePrinter', () => {
  it('writes each job as numbered .bin bytes and a .txt preview', async () => {
    const files = filePrinter({ dir: path.join(dir, 'out') });
    expect(await files.status()).toBe('ready');
    const sale = encodeReceipt(saleReceipt(sampleSale()), { width: 80 });
    await files.send(sale);
    await files.send(encodeReceipt(dayReport(sampleDay()), { width: 80 }));

    expect((await readdir(path.join(dir, 'out'))).sort()).toEqual([
      '0001.bin',
      '0001.txt',
      '0002.bin',
      '0002.txt',
    ]);
    expect((await readFile(path.join(dir, 'out', '0001.bin'))).equals(sale)).toBe(true);
    const preview = await readFile(path.join(dir, 'out', '0001.txt'), 'utf8');
    expect(preview).toMatch(/实付 +￥12\.00/);
    expect(preview).toContain(`[QR ${SALE_ID}]`);
    const report = await readFile(path.join(dir, 'out', '0002.txt'), 'utf8');
    expect(report).toContain('日结报表');
    expect(report).toMatch(/全天合计\n就餐人次 +64/);

    await filePrinter({ dir: path.join(dir, 'out') }).send(sale);
    expect(await readdir(path.join(dir, 'out'))).toContain('0003.bin');
  });
});

describe('day report on paper', () => {
  it.each([58, 80] as const)('fits %i mm and reads back by period', async (width) => {
    await transport().send(encodeReceipt(dayReport(sampleDay()), { width }));
    await printer.waitForJobs(1);
    const report = decodeEscPos(printer.jobs[0] ?? Buffer.alloc(0));
    for (const columns of report.columns) expect(columns).toBeLessThanOrEqual(width === 58 ? 32 : 48);
    const text = report.lines.join('\n');
    expect(text).toMatch(
      /午餐\n就餐人次 +41\n补贴人次 +37\n未补贴人次 +4\n份数 +45\n金额合计 +￥492\.00\n补贴 +￥111\.00\n实收 +￥381\.00/,
    );
    expect(text).toMatch(/作废笔数 +2\n脱机笔数 +5/);
    expect(report.cuts).toBe(1);
  });
});
