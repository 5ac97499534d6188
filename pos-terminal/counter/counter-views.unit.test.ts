import { describe, expect, it } from 'vitest';
import { refusalAtCounter } from './counter-views.ts';

describe("a refusal in the cashier's words", () => {
  it("says the code's title and advice in Chinese, and its English title when the service's detail is Chinese", () => {
    const refusal = refusalAtCounter('item-unknown', 422);
    expect(refusal).toMatchObject({
      code: 'item-unknown',
      status: 422,
      zh: '菜单中没有该餐品，菜单可能刚更新，请稍候再试',
      en: 'Refused: Unknown menu item',
    });
  });

  it("keeps the domain's English detail in English", () => {
    expect(refusalAtCounter('invalid-body', 422, 'a sale needs an item').en).toBe(
      'Refused: a sale needs an item',
    );
    expect(refusalAtCounter('card-unknown', 422).en).toBe(
      'Card not registered: sell as a guest at full price',
    );
  });
});
