import { compoundDocument, pageMeta, toMany, toOne } from '../../../src/faces/jsonapi/jsonapi-document';

const task = (id: number, extra: object = {}) => ({
  type: 'tasks',
  id: String(id),
  attributes: { title: `T${id}`, due_date: null },
  relationships: { project: toOne('projects', 3), subtasks: toMany('tasks', undefined) },
  ...extra,
});

describe('JSON:API documents', () => {
  it('renders linkage with string ids, and unincluded to-many relationships as meta', () => {
    expect(toOne('people', 5)).toEqual({ data: { type: 'people', id: '5' } });
    expect(toOne('people', null)).toEqual({ data: null });
    expect(toMany('todos', [1, 2])).toEqual({
      data: [
        { type: 'todos', id: '1' },
        { type: 'todos', id: '2' },
      ],
    });
    expect(toMany('todos', undefined)).toEqual({ meta: { included: false } });
  });

  it('keeps each included resource once and never repeats primary data', () => {
    const doc = compoundDocument(task(1), [
      task(2),
      task(2),
      task(1),
      { type: 'projects', id: '3', attributes: { name: 'P' } },
    ]);
    expect((doc.included as Array<{ type: string; id: string }>).map((r) => `${r.type}:${r.id}`)).toEqual([
      'tasks:2',
      'projects:3',
    ]);
  });

  it('applies sparse fieldsets to primary and included data', () => {
    const doc = compoundDocument([task(1)], [], { fields: { tasks: ['title'] }, includeRequested: true });
    expect(doc).toEqual({ data: [{ type: 'tasks', id: '1', attributes: { title: 'T1' } }], included: [] });
  });

  it('computes paging meta', () => {
    expect(pageMeta(61, { number: 2, size: 30 }, 200)).toEqual({
      current_page: 2,
      total_pages: 3,
      total_count: 61,
      page_size: 30,
      max_page_size: 200,
    });
    expect(pageMeta(0, { number: 1, size: 30 }, 200).total_pages).toBe(1);
  });
});
