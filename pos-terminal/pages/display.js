import { applyWords, formatMoney, spokenYuan, watchState, words } from './i18n.js';

const $ = (id) => document.getElementById(id);
let speech = localStorage.getItem('zhucan-speech') === 'on';
let lastSpoken = null;

function setSpeechButton() {
  $('speech').textContent = speech ? words().speechOff : words().speechOn;
}

function speak(text) {
  if (!speech || !('speechSynthesis' in window)) return;
  const utterance = new SpeechSynthesisUtterance(text);
  utterance.lang = document.documentElement.lang;
  utterance.rate = 0.9;
  speechSynthesis.cancel();
  speechSynthesis.speak(utterance);
}

/** How long the display thanks the elder after a sale before it welcomes the next. */
const THANKS_MS = 20_000;
let latest = null;

function show(greeting, amounts, line, stage) {
  $('greeting').textContent = greeting;
  $('total').textContent = amounts ? formatMoney(amounts.totalFen) : '';
  $('subsidy').textContent = amounts ? formatMoney(amounts.subsidyFen) : '';
  $('pays').textContent = amounts ? formatMoney(amounts.elderPaysFen) : '';
  $('line').textContent = line;
  document.body.dataset.stage = stage;
}

function render(state) {
  latest = state;
  const w = words();
  const lang = document.documentElement.lang === 'en' ? 'en' : 'zh';
  const quote = state.quote;
  const sale = state.lastSale;
  const refusedTap = state.refusedTapAt !== null && (!sale || state.refusedTapAt >= sale.at);
  if (quote) {
    // About the meal or the caps in plain words; anything about the person is a neutral sentence.
    const line = quote.notice?.[lang] ?? quote.reasonForTheElder?.[lang] ?? w.welcome;
    show(quote.elder ? w.hello(quote.elder.maskedName) : w.guest, quote, line, 'quote');
    if (lastSpoken !== quote.quoteId) {
      lastSpoken = quote.quoteId;
      speak(
        w.speak(quote.subsidyFen > 0 ? spokenYuan(quote.subsidyFen) : null, spokenYuan(quote.elderPaysFen)),
      );
    }
  } else if (refusedTap && Date.now() - state.refusedTapAt < THANKS_MS) {
    // A card the counter could not take: nobody's name or amounts, the last customer's neither.
    show(state.canteenName ?? '', null, w.seeCashier, 'idle');
  } else if (sale && sale.state !== 'refused' && Date.now() - sale.at < THANKS_MS) {
    show(sale.shown.maskedName ? w.hello(sale.shown.maskedName) : w.guest, sale.shown, w.thanks, 'done');
  } else {
    show(state.canteenName ?? '', null, w.welcome, 'idle');
  }
}

// The thanks give way to the welcome by themselves.
setInterval(() => latest && render(latest), 2_000);

applyWords();
setSpeechButton();
$('speech').addEventListener('click', () => {
  speech = !speech;
  localStorage.setItem('zhucan-speech', speech ? 'on' : 'off');
  setSpeechButton();
});
watchState(render);
