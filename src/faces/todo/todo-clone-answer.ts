import { cloneAnswer } from './todo.presenter';

// A key that an object puts among its integer keys, in ascending order, whatever its place.
const INDEX_LIKE = /^(0|[1-9]\d*)$/;

/**
 * cloneAnswer as the bytes of its JSON, the same text JSON.stringify gives (positions first, in
 * order, then the client ids in the order of `ids`), written straight into one buffer: for a paste
 * of 10,000 tasks, 20,000 small strings joined and then encoded again for the socket were most of
 * the answer's cost. When a client id is itself an integer key, its place in the object's order is
 * the object's to say: the object is built then, as it is when an id is not a plain integer.
 */
export function cloneAnswerBytes(keys: string[], ids: Map<string, number>): Buffer {
  const generic = () => Buffer.from(JSON.stringify(cloneAnswer(keys, ids)), 'utf8');
  // Client ids that JSON must escape, or that are not ASCII, are written as JSON.stringify spells them.
  let escaped: Map<string, Buffer> | undefined;
  // Positions, ids (at most 16 digits each below 2^53), quotes, colons and commas.
  let size = 2 + keys.length * (String(keys.length).length + 2 + 1 + 16 + 1);
  for (const key of ids.keys()) {
    if (INDEX_LIKE.test(key)) return generic();
    if (isPlainAscii(key)) size += key.length + 2 + 1 + 16 + 1;
    else {
      const bytes = Buffer.from(JSON.stringify(key), 'utf8');
      (escaped ??= new Map()).set(key, bytes);
      size += bytes.length + 1 + 16 + 1;
    }
  }
  const out = Buffer.allocUnsafe(size);
  let n = 0;
  out[n++] = 0x7b; // {
  for (let position = 0; position < keys.length; position++) {
    const id = ids.get(keys[position]);
    if (id === undefined || !isWritableId(id)) return generic();
    if (position > 0) out[n++] = 0x2c; // ,
    out[n++] = 0x22;
    n = writeDigits(out, n, position);
    out[n++] = 0x22;
    out[n++] = 0x3a;
    n = writeDigits(out, n, id);
  }
  for (const [key, id] of ids) {
    if (!isWritableId(id)) return generic();
    if (n > 1) out[n++] = 0x2c;
    const bytes = escaped?.get(key);
    if (bytes) n += bytes.copy(out, n);
    else {
      out[n++] = 0x22;
      for (let i = 0; i < key.length; i++) out[n++] = key.charCodeAt(i);
      out[n++] = 0x22;
    }
    out[n++] = 0x3a;
    n = writeDigits(out, n, id);
  }
  out[n++] = 0x7d; // }
  return out.subarray(0, n);
}

/** Printable ASCII without `"` or `\`: JSON writes such a string as it is. */
function isPlainAscii(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

function isWritableId(id: number): boolean {
  return Number.isSafeInteger(id) && id >= 0;
}

/** Writes a non-negative safe integer's decimal digits at `at`; returns the offset after them. */
function writeDigits(out: Buffer, at: number, value: number): number {
  let width = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) width++;
  let rest = value;
  for (let i = at + width - 1; i >= at; i--) {
    out[i] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
  return at + width;
}
