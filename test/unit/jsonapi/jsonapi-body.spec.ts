import { IsBoolean, IsInt, IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { DomainError } from '../../../src/common/domain-error';
import { RequestValidationError } from '../../../src/common/request-validation.error';
import { parseJsonApiBody } from '../../../src/faces/jsonapi/jsonapi-body';
import { toJsonApiError } from '../../../src/faces/jsonapi/jsonapi-error.mapper';

class TodoAttributes {
  @IsInt()
  task_id: number;

  @IsString()
  @IsNotEmpty()
  description: string;

  @IsOptional()
  @IsBoolean()
  closed?: boolean;
}

const options = { type: 'todos', relationshipAttributes: { task: 'task_id' }, maxBulk: 3 };

function rendered(fn: () => unknown) {
  try {
    fn();
  } catch (e) {
    expect(e instanceof DomainError || e instanceof RequestValidationError).toBe(true);
    return toJsonApiError(e as DomainError);
  }
  throw new Error('expected an error');
}

describe('parseJsonApiBody', () => {
  it('returns typed attributes, taking foreign keys from relationships too', () => {
    const [todo] = parseJsonApiBody(
      {
        data: {
          type: 'todos',
          attributes: { description: 'Call' },
          relationships: { task: { data: { type: 'tasks', id: 7 } } },
        },
      },
      TodoAttributes,
      options,
    );
    expect(todo).toEqual(Object.assign(new TodoAttributes(), { task_id: 7, description: 'Call' }));
  });

  it('accepts bulk arrays up to the limit', () => {
    const body = {
      data: [1, 2].map((n) => ({ type: 'todos', attributes: { task_id: n, description: `d${n}` } })),
    };
    expect(parseJsonApiBody(body, TodoAttributes, options).map((t) => t.task_id)).toEqual([1, 2]);
    const tooMany = {
      data: [1, 2, 3, 4].map((n) => ({ type: 'todos', attributes: { task_id: n, description: 'd' } })),
    };
    expect(rendered(() => parseJsonApiBody(tooMany, TodoAttributes, options)).status).toBe(400);
  });

  it.each([
    ['not an object', [], 400, 'invalid_document', ''],
    ['no data', {}, 400, 'invalid_document', '/data'],
    ['another type', { data: { type: 'tasks', attributes: {} } }, 409, 'type_mismatch', '/data/type'],
    [
      'a client id',
      { data: { type: 'todos', id: '5', attributes: {} } },
      403,
      'client_id_not_allowed',
      '/data/id',
    ],
  ])('refuses %s', (_case, body, status, code, pointer) => {
    const answer = rendered(() => parseJsonApiBody(body, TodoAttributes, options));
    expect(answer.status).toBe(status);
    expect((answer.body as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ status: String(status), code, source: { pointer } }),
    ]);
  });

  it('reports every attribute problem at once with its pointer', () => {
    const answer = rendered(() =>
      parseJsonApiBody(
        { data: { type: 'todos', attributes: { description: '', closed: 'false', colour: 'red' } } },
        TodoAttributes,
        options,
      ),
    );
    expect(answer.status).toBe(422);
    const errors = (answer.body as { errors: Array<{ code: string; source: { pointer: string } }> }).errors;
    expect(errors.map((e) => [e.source.pointer, e.code]).sort()).toEqual(
      [
        ['/data/attributes/closed', 'invalid_type'],
        ['/data/attributes/colour', 'unknown_attribute'],
        ['/data/attributes/description', 'blank'],
        ['/data/attributes/task_id', 'required'],
      ].sort(),
    );
  });
});
