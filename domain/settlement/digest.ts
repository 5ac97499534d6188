import * as crypto from 'node:crypto';
import { canonicalJson } from '../canonical-json.ts';

/** An event as the digest sees it: everything that gives it meaning, nothing the store adds later. */
export interface DigestedEvent {
  readonly id: string;
  readonly stream: string;
  readonly revision: number;
  readonly type: string;
  readonly data: unknown;
}

/** One-shot hashing where the runtime has it (Node 20.12+): a closing hashes a million events. */
const sha256: (text: string) => string =
  typeof crypto.hash === 'function'
    ? (text) => crypto.hash('sha256', text)
    : (text) => crypto.createHash('sha256').update(text).digest('hex');

/** The leaf of one event: SHA-256 over its canonical JSON (keys sorted). */
export function eventLeaf(event: DigestedEvent): string {
  const { id, stream, revision, type, data } = event;
  return sha256(canonicalJson({ data, id, revision, stream, type }));
}

/**
 * 摘要: the root of a binary hash tree over leaves in their given order. A node is SHA-256 over its
 * children's hex joined by nothing; an odd node at the end of a level moves up unchanged. No leaves:
 * the hash of the empty string.
 */
export function merkleRoot(leaves: readonly string[]): string {
  if (leaves.length === 0) return sha256('');
  let level = [...leaves];
  while (level.length > 1) {
    const next: string[] = [];
    for (let index = 0; index < level.length; index += 2) {
      const left = level[index] as string;
      const right = level[index + 1];
      next.push(right === undefined ? left : sha256(left + right));
    }
    level = next;
  }
  return level[0] as string;
}

/**
 * The root `merkleRoot` gives, kept up to date as leaves are appended: the roots of the full subtrees
 * so far, at most one per size, largest first. Appending hashes about once a leaf; the root joins the
 * subtrees from the smallest (the nodes that moved up unchanged), a hash each.
 */
export class MerkleAccumulator {
  private readonly peaks: { size: number; hash: string }[] = [];

  append(leaf: string): void {
    let node = { size: 1, hash: leaf };
    for (let last = this.peaks.at(-1); last?.size === node.size; last = this.peaks.at(-1)) {
      this.peaks.pop();
      node = { size: node.size * 2, hash: sha256(last.hash + node.hash) };
    }
    this.peaks.push(node);
  }

  root(): string {
    let root = this.peaks.at(-1)?.hash;
    if (root === undefined) return sha256('');
    for (let index = this.peaks.length - 2; index >= 0; index -= 1)
      root = sha256((this.peaks[index] as { hash: string }).hash + root);
    return root;
  }
}

/** Hex characters per leaf kept with a closed month to find where a recomputation first differs. */
export const LEAF_PREFIX_LENGTH = 16;

/** The leaves' prefixes joined: enough to point at the first differing event, small enough to record. */
export function leafTrail(leaves: readonly string[]): string {
  return leaves.map((leaf) => leaf.slice(0, LEAF_PREFIX_LENGTH)).join('');
}

/** The index of the first leaf whose prefix differs from the trail (or the first missing one); null when all match. */
export function firstDifference(trail: string, leaves: readonly string[]): number | null {
  const recorded = trail.length / LEAF_PREFIX_LENGTH;
  for (let index = 0; index < Math.max(recorded, leaves.length); index += 1) {
    const expected = trail.slice(index * LEAF_PREFIX_LENGTH, (index + 1) * LEAF_PREFIX_LENGTH);
    if (leaves[index]?.slice(0, LEAF_PREFIX_LENGTH) !== expected) return index;
  }
  return null;
}
