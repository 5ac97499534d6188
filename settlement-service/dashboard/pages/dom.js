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
