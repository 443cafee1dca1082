// Clone batches the To Do benchmarks send, as the widget sends a paste.

/** A connected subtree of `n` temp-id items (each node gets up to 4 children, breadth-first). */
export function subtree(n, tag) {
  return Array.from({ length: n }, (_, i) => ({
    id: `temp://${tag}-${i}`,
    parent: i === 0 ? null : `temp://${tag}-${Math.floor((i - 1) / 4)}`,
    text: `copy ${tag} ${i} #bench`,
    checked: i % 3 === 0,
    creation_date: '2030-11-02T08:15:00.000Z',
  }));
}
