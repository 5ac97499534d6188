import { formatMoney, formatYuan } from '../../money.ts';
import { alertOf } from '../alert.ts';
import { type Check, unchanged } from './check.ts';

/**
 * 脱机超限补贴: an offline sale whose applied subsidy broke a cap. The offline reconciliation has
 * excluded that part from reimbursement already (`excluded` entries `offline-over-cap` on the
 * sale); the alert puts it before a reviewer, since a counter that goes offline to hand out extra
 * meals is itself a finding. Stateless, so order does not matter.
 */
export const offlineOverCap: Check<null> = {
  name: 'offline-over-cap',
  kinds: ['offline-over-cap'],
  order: 'any',
  initialState: null,
  apply(state, fact, settings) {
    if (fact.type !== 'sale' || !fact.sale.offline || fact.sale.overCapFen <= 0) return unchanged(state);
    const sale = fact.sale;
    return {
      state,
      alerts: [
        alertOf({
          kind: 'offline-over-cap',
          key: [sale.saleId],
          severity: sale.overCapFen >= settings.offlineOverCap.mediumFromFen ? 'medium' : 'low',
          canteenId: sale.canteenId,
          businessDate: sale.businessDate,
          saleIds: [sale.saleId],
          eventIds: [sale.eventId],
          explanation: {
            zh: `终端 ${sale.terminalId} 脱机时于 ${sale.businessDate} ${sale.localTime} 给卡 ${sale.cardUid ?? '—'} 补贴 ${formatYuan(sale.appliedSubsidyFen)} 元，其中 ${formatYuan(sale.overCapFen)} 元超出补贴次数上限，不予结算`,
            en: `Offline, terminal ${sale.terminalId} applied ${formatMoney(sale.appliedSubsidyFen)} for card ${sale.cardUid ?? '—'} on ${sale.businessDate} at ${sale.localTime}; ${formatMoney(sale.overCapFen)} of it broke a cap and is not reimbursed`,
          },
          figures: { appliedSubsidyFen: sale.appliedSubsidyFen, overCapFen: sale.overCapFen },
        }),
      ],
    };
  },
};
