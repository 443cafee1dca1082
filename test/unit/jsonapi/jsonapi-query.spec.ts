import { DomainError } from '../../../src/common/domain-error';
import { JsonApiQuerySpec, parseJsonApiQuery } from '../../../src/faces/jsonapi/jsonapi-query';

const spec: JsonApiQuerySpec = {
  type: 'tasks',
  filters: { project_id: ['eq', 'not_eq'], title: ['eq', 'contains'], due_date: ['gt', 'lt_eq'] },
  sorts: ['title', 'created_at'],
  relationships: {
    tasks: { subtasks: 'tasks', todos: 'todos', project: 'projects' },
    todos: { assignee: 'people' },
  },
  maxIncludeDepth: 3,
};

function error(query: Record<string, string>): DomainError {
  try {
    parseJsonApiQuery(query, spec);
  } catch (e) {
    return e as DomainError;
  }
  throw new Error('expected an error');
}

describe('parseJsonApiQuery', () => {
  it('never writes query keys into Object.prototype', () => {
    expect(() =>
      parseJsonApiQuery({ 'filter[__proto__][$op]': 'bogus', 'fields[__proto__]': 'x' }, spec),
    ).toThrow(DomainError);
    expect(({} as Record<string, unknown>).$op).toBeUndefined();
    const { fields } = parseJsonApiQuery({ 'fields[__proto__]': 'x' }, spec);
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect(fields['__proto__']).toEqual(['x']);
    expect(({} as Record<string, unknown>)[0]).toBeUndefined();
  });

  it('applies defaults', () => {
    expect(parseJsonApiQuery({}, spec)).toEqual({
      page: { number: 1, size: 30 },
      filter: { op: 'and', operands: [] },
      sort: [],
      include: [],
      fields: {},
    });
  });

  it('reads paging, sort, include (with prefixes) and sparse fieldsets', () => {
    const q = parseJsonApiQuery(
      {
        'page[number]': '3',
        'page[size]': '50',
        sort: 'title,-created_at',
        include: 'subtasks.todos.assignee,project',
        'fields[tasks]': 'title, due_date',
      },
      spec,
    );
    expect(q.page).toEqual({ number: 3, size: 50 });
    expect(q.sort).toEqual([
      { field: 'title', descending: false },
      { field: 'created_at', descending: true },
    ]);
    expect(q.include.sort()).toEqual(['project', 'subtasks', 'subtasks.todos', 'subtasks.todos.assignee']);
    expect(q.fields).toEqual({ tasks: ['title', 'due_date'] });
  });

  it('reads plain, operator and grouped filters', () => {
    const q = parseJsonApiQuery(
      {
        'filter[project_id]': '7',
        'filter[due_date][gt]': '2030-01-01',
        'filter[1][$op]': 'or',
        'filter[1][0][title][contains]': 'plan',
        'filter[1][1][title]': 'Launch',
      },
      spec,
    );
    expect(q.filter).toEqual({
      op: 'and',
      operands: [
        {
          op: 'or',
          operands: [
            { op: 'and', operands: [{ attribute: 'title', op: 'contains', value: 'plan' }] },
            { op: 'and', operands: [{ attribute: 'title', op: 'eq', value: 'Launch' }] },
          ],
        },
        { attribute: 'project_id', op: 'eq', value: '7' },
        { attribute: 'due_date', op: 'gt', value: '2030-01-01' },
      ],
    });
  });

  it.each([
    [{ 'filter[secret]': '1' }, 'REQUEST_UNSUPPORTED_FILTER', 'filter[secret]'],
    [{ 'filter[title][gt]': 'a' }, 'REQUEST_UNSUPPORTED_FILTER', 'filter[title][gt]'],
    [{ 'filter[$op]': 'xor' }, 'REQUEST_UNSUPPORTED_FILTER', 'filter[$op]'],
    [{ sort: 'title,password' }, 'REQUEST_UNSUPPORTED_SORT', 'sort'],
    [{ include: 'owner' }, 'REQUEST_INVALID_QUERY', 'include'],
    [{ include: 'subtasks.subtasks.subtasks.subtasks' }, 'REQUEST_INVALID_QUERY', 'include'],
    [{ 'page[size]': '201' }, 'REQUEST_INVALID_QUERY', 'page[size]'],
    [{ 'page[number]': '0' }, 'REQUEST_INVALID_QUERY', 'page[number]'],
    [{ 'page[number]': 'two' }, 'REQUEST_INVALID_QUERY', 'page[number]'],
    [{ 'filter[0][$op]': 'or' }, 'REQUEST_UNSUPPORTED_FILTER', 'filter[0]'],
    [{ 'filter[__proto__][$op]': 'bogus' }, 'REQUEST_UNSUPPORTED_FILTER', 'filter[__proto__][$op]'],
    [{ 'filter[toString]': 'x' }, 'REQUEST_UNSUPPORTED_FILTER', 'filter[toString]'],
  ])('refuses %j with %s naming %s', (query, code, parameter) => {
    const e = error(query);
    expect(e).toBeInstanceOf(DomainError);
    expect(e.code).toBe(code);
    expect(e.meta?.parameter).toBe(parameter);
  });
});
