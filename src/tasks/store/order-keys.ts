// Sparse sibling order keys (docs/architecture.md#sibling-order), the pure part: a sibling list
// reads in ascending `sort_key`; keys are integers from 0 to MAX_ORDER_KEY, unique per list, with
// gaps between neighbours so that an insert takes keys in the gap it goes into and no other task
// changes. Negative keys never last: writers use them for a moment to step around the unique index.

/** The distance between neighbours that appends and renumbered lists leave. */
export const ORDER_GAP = 65_536;
/** Exclusive lower bound: the "key" before the first task of every list. */
export const BEFORE_FIRST = -1;
/** Keys stay exact in JavaScript numbers. */
export const MAX_ORDER_KEY = Number.MAX_SAFE_INTEGER;
/**
 * Where a new list's keys begin: the middle of the key space, so that a list grows at its top
 * (tasks put before its first, as a paste at the top does) as far as at its end, each side at
 * ORDER_GAP. Lists begun lower (before this) keep their keys and fill the room they have.
 */
export const FIRST_KEY = 2 ** 52;

/** The key of the task at `position` of a list numbered anew. */
export function newListKey(position: number): number {
  return FIRST_KEY + ORDER_GAP * position;
}

/**
 * `count` keys strictly between `lo` and `hi` (null: the end of the list), evenly spaced, or null
 * when the gap is too small for them. After the last task they follow at ORDER_GAP (in an empty
 * list from FIRST_KEY on), and before the first one they precede it at ORDER_GAP while there is
 * room: spread evenly down to 0, each batch put at the top would leave the next only
 * 1/(count + 1) of the room, and a list built by pastes at its top would soon renumber wide windows.
 */
export function spread(lo: number, hi: number | null, count: number): number[] | null {
  if (count === 0) return [];
  if (hi === null) {
    if (lo === BEFORE_FIRST) return Array.from({ length: count }, (_, i) => newListKey(i));
    if (lo + ORDER_GAP * count <= MAX_ORDER_KEY) {
      return Array.from({ length: count }, (_, i) => lo + ORDER_GAP * (i + 1));
    }
    hi = MAX_ORDER_KEY + 1;
  }
  if (lo === BEFORE_FIRST && hi - ORDER_GAP * count > lo) {
    return Array.from({ length: count }, (_, i) => hi - ORDER_GAP * (count - i));
  }
  const step = Math.floor((hi - lo) / (count + 1));
  if (step < 1) return null;
  return Array.from({ length: count }, (_, i) => lo + step * (i + 1));
}

/**
 * Renumbering a neighbourhood when a gap runs out: level j reads up to windowRows(j) tasks on
 * each side of the gap, and renumbers them if, with the new tasks, they can stand at least
 * minSpacing(j) apart. Wider windows must come out sparser (4× the spacing for 4× the rows), so a
 * renumbered window absorbs many inserts before it has to be renumbered again: the amortised rows
 * rewritten per insert grow with the number of levels (the logarithm of the list), not its length.
 */
export function windowRows(level: number): number {
  return 4 ** (level + 1);
}

export function minSpacing(level: number): number {
  return Math.min(ORDER_GAP, 4 ** (level + 1));
}

/**
 * New keys for a list after an in-memory edit (a move, a sort): `list` in its new order, each
 * entry with the key it has in this list now (undefined: it came from another list). The longest
 * run of kept keys that still ascends stays; every other task gets a key between its kept
 * neighbours, or, when one such gap is too small, the whole list is numbered again. Returns the
 * keys that change.
 */
export function rekeyList(list: Array<{ id: number; key: number | undefined }>): Map<number, number> {
  return rekey(list)!;
}

/** A part of a list: the keys just before it (BEFORE_FIRST: none) and just after it (null: none). */
export interface KeyWindow {
  lo: number;
  hi: number | null;
}

/**
 * rekeyList for `list`, the part of a list strictly between the keys of `window`: keys stay inside
 * it (a key outside counts as none), and when a gap there is too small the part is spread evenly
 * between its bounds; null when even that has no room (a wider part of the list must be loaded).
 */
export function rekeyWindow(
  list: Array<{ id: number; key: number | undefined }>,
  window: KeyWindow,
): Map<number, number> | null {
  return rekey(list, window);
}

function rekey(
  list: Array<{ id: number; key: number | undefined }>,
  window?: KeyWindow,
): Map<number, number> | null {
  const inside = (key: number | undefined) =>
    key !== undefined && (!window || (key > window.lo && (window.hi === null || key < window.hi)));
  const keep = ascendingKeys(list.map((e) => (inside(e.key) ? e.key : undefined)));
  const out = new Map<number, number>();
  let lo = window?.lo ?? BEFORE_FIRST;
  let run: number[] = [];
  const flush = (hi: number | null): boolean => {
    const keys = spread(lo, hi, run.length);
    if (!keys) return false;
    run.forEach((id, i) => out.set(id, keys[i]));
    run = [];
    return true;
  };
  for (let i = 0; i < list.length; i++) {
    if (!keep.has(i)) {
      run.push(list[i].id);
      continue;
    }
    if (!flush(list[i].key!)) return renumbered(list, window);
    lo = list[i].key!;
  }
  if (!flush(window?.hi ?? null)) return renumbered(list, window);
  return out;
}

function renumbered(
  list: Array<{ id: number; key: number | undefined }>,
  window?: KeyWindow,
): Map<number, number> | null {
  const keys = window ? spread(window.lo, window.hi, list.length) : list.map((_, i) => newListKey(i));
  if (!keys) return null;
  const out = new Map<number, number>();
  list.forEach((e, i) => {
    if (e.key !== keys[i]) out.set(e.id, keys[i]);
  });
  return out;
}

/** Indexes of a longest strictly ascending subsequence of the defined keys (O(n log n)). */
function ascendingKeys(keys: Array<number | undefined>): Set<number> {
  const tails: number[] = [];
  const previous = new Array<number>(keys.length).fill(-1);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === undefined) continue;
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (keys[tails[mid]]! < key) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[i] = tails[low - 1];
    tails[low] = i;
  }
  const out = new Set<number>();
  for (let i = tails.length ? tails[tails.length - 1] : -1; i >= 0; i = previous[i]) out.add(i);
  return out;
}
