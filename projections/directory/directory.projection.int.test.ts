import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idNumber, setUpBureau } from '../../tests/support/bureau.ts';
import { startTestService, type TestService } from '../../tests/support/service.ts';
import { readModelSnapshot } from '../runner/testing/read-model-snapshot.ts';
import { directoryProjection } from './directory.projection.ts';
import { findElders, terminalsOverview } from './directory-queries.ts';

describe('directory projection: elders, cards, terminals and canteens as they stand now', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    await setUpBureau(service);
    const admin = (method: string, path: string, body: unknown) =>
      service.call(method, path, service.adminToken, body);
    // e80 loses card K80 and gets K80B; e65 moves and dies; terminal t3 moves to canteen c1.
    expect((await admin('POST', '/api/v1/elders/e80/cards', { cardUid: 'K80B' })).status).toBe(201);
    const moved = await admin('PUT', '/api/v1/elders/e65', {
      name: '李四',
      idNumber: idNumber('1961-05-01', '245'),
      district: '东城区',
      town: '二街道',
      categories: [{ category: '低保', from: '2026-01-01' }],
    });
    expect(moved.status).toBeLessThan(300);
    expect((await admin('POST', '/api/v1/elders/e65/death', { date: '2026-10-20' })).status).toBeLessThan(
      300,
    );
    expect((await admin('PUT', '/api/v1/terminals/t3', { canteenId: 'c1' })).status).toBeLessThan(300);
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('finds an elder by any card they held, with the current card, and never the full ID number', async () => {
    const [byOldCard] = await findElders(service.database.db, { cardUid: 'K80' });
    expect(byOldCard).toMatchObject({
      elderId: 'e80',
      cardUid: 'K80B',
      birthDate: '1940-03-15',
      diedOn: null,
    });
    expect(byOldCard?.idNumberMasked).toMatch(/^1201\*{10}\d{3}[\dX]$/);
    const snapshot = JSON.stringify(await readModelSnapshot(service.database.db, [directoryProjection]));
    expect(snapshot).not.toContain(idNumber('1940-03-15', '123'));
    expect(snapshot).not.toContain(idNumber('1961-05-01', '245'));
  });

  it('keeps the latest profile and the death date', async () => {
    const [e65] = await findElders(service.database.db, { cardUid: 'K65' });
    expect(e65).toMatchObject({
      name: '李四',
      district: '东城区',
      town: '二街道',
      categories: [{ category: '低保', from: '2026-01-01', to: null }],
      diedOn: '2026-10-20',
    });
  });

  it('marks a replaced card retired and the new one active', async () => {
    const { cards } = await readModelSnapshot(service.database.db, [directoryProjection]);
    const byUid = Object.fromEntries(
      (cards as { card_uid: string; status: string; elder_id: string }[]).map((card) => [
        card.card_uid,
        card,
      ]),
    );
    expect(byUid.K80).toMatchObject({ elder_id: 'e80', status: 'retired' });
    expect(byUid.K80B).toMatchObject({ elder_id: 'e80', status: 'active', retired_from: null });
    expect(byUid.K65).toMatchObject({ status: 'active' });
  });

  it('lists terminals at the canteen they serve now', async () => {
    const terminals = await terminalsOverview(service.database.db, 'c1');
    expect(terminals.map((terminal) => [terminal.terminalId, terminal.lastContactAt])).toEqual([
      ['t1', null],
      ['t2', null],
      ['t3', null],
    ]);
  });
});
