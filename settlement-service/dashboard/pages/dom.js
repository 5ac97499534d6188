/** The bureau's pages build their DOM with these; every page script imports them from here. */

export const $ = (id) => document.getElementById(id);

/** An element with a class and text, each optional. */
export function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

/** The same, text first: for pages whose elements mostly carry words. */
export function textElement(tag, text, className) {
  return element(tag, className, text);
}

/** Saves a file the page fetched (with the bearer token, which a plain link cannot send). */
export function downloadFile(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = element('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** `2026-01` moved by whole months: integers only. */
export function addMonths(month, delta) {
  const [year, number] = month.split('-').map(Number);
  const index = year * 12 + (number - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}
