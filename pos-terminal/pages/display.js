import { applyWords, spokenYuan, watchState, words, yuan } from './i18n.js';

const $ = (id) => document.getElementById(id);
let speech = localStorage.getItem('zhucan-speech') === 'on';
let lastSpoken = null;
const lastSaleId = null;

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

function render(state) {
  const w = words();
  const quote = state.quote;
  const sale = state.lastSale;
  if (quote) {
    $('greeting').textContent = quote.elder ? w.hello(quote.elder.maskedName) : w.guest;
    $('total').textContent = yuan(quote.totalFen);
    $('subsidy').textContent = yuan(quote.subsidyFen);
    $('pays').textContent = yuan(quote.elderPaysFen);
    // The reason in plain words, never the elder's category.
    $('line').textContent = quote.notice
      ? quote.notice[document.documentElement.lang === 'en' ? 'en' : 'zh']
      : quote.reason
        ? quote.reason[document.documentElement.lang === 'en' ? 'en' : 'zh']
        : w.welcome;
    document.body.dataset.stage = 'quote';
    if (lastSpoken !== quote.quoteId) {
      lastSpoken = quote.quoteId;
      speak(
        w.speak(quote.subsidyFen > 0 ? spokenYuan(quote.subsidyFen) : null, spokenYuan(quote.elderPaysFen)),
      );
    }
  } else if (sale && sale.saleId !== lastSaleId && Date.now() - sale.at < 60_000) {
    $('greeting').textContent = sale.shown.maskedName ? w.hello(sale.shown.maskedName) : w.guest;
    $('total').textContent = yuan(sale.shown.totalFen);
    $('subsidy').textContent = yuan(sale.shown.subsidyFen);
    $('pays').textContent = yuan(sale.shown.elderPaysFen);
    $('line').textContent = w.thanks;
    document.body.dataset.stage = 'done';
  } else if (!sale) {
    $('greeting').textContent = state.canteenName ?? '';
    for (const id of ['total', 'subsidy', 'pays']) $(id).textContent = '';
    $('line').textContent = w.welcome;
    document.body.dataset.stage = 'idle';
  }
}

applyWords();
setSpeechButton();
$('speech').addEventListener('click', () => {
  speech = !speech;
  localStorage.setItem('zhucan-speech', speech ? 'on' : 'off');
  setSpeechButton();
});
watchState(render);
