// Building JSON:API documents (docs/v2.md#documents): string ids, relationships with linkage,
// compound documents whose `included` holds each type+id once and never repeats primary data.

export interface ResourceIdentifier {
  type: string;
  id: string;
}

export type Relationship =
  | { data: ResourceIdentifier | null | ResourceIdentifier[]; meta?: Record<string, unknown> }
  | { meta: { included: false } };

export interface ResourceObject extends ResourceIdentifier {
  attributes: Record<string, unknown>;
  relationships?: Record<string, Relationship>;
  links?: { self: string };
  meta?: Record<string, unknown>;
}

export interface PageMeta {
  current_page: number;
  total_pages: number;
  total_count: number;
  page_size: number;
  max_page_size: number;
}

export function toOne(type: string, id: number | string | null | undefined): Relationship {
  return { data: id === null || id === undefined ? null : { type, id: String(id) } };
}

/** A to-many relationship shows its linkage only when it was included (Productive's convention). */
export function toMany(type: string, ids: Array<number | string> | undefined): Relationship {
  return ids === undefined
    ? { meta: { included: false } }
    : { data: ids.map((id) => ({ type, id: String(id) })) };
}

/** Keeps only the requested attributes and relationships of each type (`fields[type]=a,b`). */
export function applySparseFieldset(
  resource: ResourceObject,
  fields: Record<string, string[]>,
): ResourceObject {
  const wanted = fields[resource.type];
  if (!wanted) return resource;
  const pick = <T>(record: Record<string, T> | undefined) =>
    record && Object.fromEntries(Object.entries(record).filter(([key]) => wanted.includes(key)));
  const relationships = pick(resource.relationships);
  return {
    ...resource,
    attributes: pick(resource.attributes) ?? {},
    ...(relationships && Object.keys(relationships).length
      ? { relationships }
      : { relationships: undefined }),
  };
}

export function compoundDocument(
  primary: ResourceObject | ResourceObject[] | null,
  included: ResourceObject[] = [],
  options: {
    fields?: Record<string, string[]>;
    meta?: object;
    includeRequested?: boolean;
  } = {},
): Record<string, unknown> {
  const fields = options.fields ?? {};
  const key = (r: ResourceIdentifier) => `${r.type}:${r.id}`;
  const primaryKeys = new Set((Array.isArray(primary) ? primary : primary ? [primary] : []).map(key));
  const seen = new Set<string>();
  const uniqueIncluded = included.filter((r) => {
    const k = key(r);
    if (primaryKeys.has(k) || seen.has(k)) return false;
    seen.add(k);
    return true;
  });
  const strip = (r: ResourceObject) => {
    const sparse = applySparseFieldset(r, fields);
    if (sparse.relationships === undefined) delete sparse.relationships;
    return sparse;
  };
  return {
    data: Array.isArray(primary) ? primary.map(strip) : primary && strip(primary),
    ...(options.includeRequested || uniqueIncluded.length ? { included: uniqueIncluded.map(strip) } : {}),
    ...(options.meta ? { meta: options.meta } : {}),
  };
}

export function pageMeta(
  totalCount: number,
  page: { number: number; size: number },
  maxPageSize: number,
): PageMeta {
  return {
    current_page: page.number,
    total_pages: Math.max(1, Math.ceil(totalCount / page.size)),
    total_count: totalCount,
    page_size: page.size,
    max_page_size: maxPageSize,
  };
}
