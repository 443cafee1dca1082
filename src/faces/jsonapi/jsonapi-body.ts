import { validateSync } from 'class-validator';
import { isIdText } from '../../common/ids';
import { plainToDto } from '../../common/plain-to-dto';
import {
  flattenValidationErrors,
  RequestValidationError,
  ValidationIssue,
} from '../../common/request-validation.error';
import { RequestError } from '../../common/request.errors';

export interface JsonApiBodyOptions {
  /** The resource type the route accepts in `data.type`. */
  type: string;
  /** `relationships.<name>.data.id` accepted in place of the `<attribute>` foreign key (docs/clients.md#foreign-keys). */
  relationshipAttributes?: Record<string, string>;
  /** Accept `data` as an array of up to this many resources (bulk create). */
  maxBulk?: number;
  /** An update: `data.id` may be sent and must then be this id (the one in the URL). */
  id?: string;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function attributesOf(
  resource: Record<string, unknown>,
  at: string,
  options: JsonApiBodyOptions,
): Record<string, unknown> {
  if (resource.type !== options.type) {
    throw new RequestError('REQUEST_TYPE_MISMATCH', `data.type must be "${options.type}"`, {
      field: `${at}.type`,
    });
  }
  if (resource.id !== undefined && options.id === undefined) {
    throw new RequestError('REQUEST_CLIENT_ID_NOT_ALLOWED', 'Client-generated ids are not supported', {
      field: `${at}.id`,
    });
  }
  if (resource.id !== undefined && String(resource.id) !== options.id) {
    throw new RequestError('REQUEST_TYPE_MISMATCH', `data.id must be "${options.id}", the id in the URL`, {
      field: `${at}.id`,
    });
  }
  const attributes = resource.attributes === undefined ? {} : resource.attributes;
  if (!isObject(attributes)) {
    throw new RequestError('REQUEST_MALFORMED_BODY', 'attributes must be an object', {
      field: `${at}.attributes`,
    });
  }
  const merged = { ...attributes };
  if (resource.relationships !== undefined) {
    if (!isObject(resource.relationships)) {
      throw new RequestError('REQUEST_MALFORMED_BODY', 'relationships must be an object', {
        field: `${at}.relationships`,
      });
    }
    for (const [name, relationship] of Object.entries(resource.relationships)) {
      const relationshipAttributes = options.relationshipAttributes ?? {};
      const attribute = Object.prototype.hasOwnProperty.call(relationshipAttributes, name)
        ? relationshipAttributes[name]
        : undefined;
      const linkage = isObject(relationship) ? relationship.data : undefined;
      if (!attribute || (linkage !== null && !isObject(linkage))) {
        throw new RequestValidationError([
          {
            path: `${at}.relationships.${name}`,
            constraint: 'whitelistValidation',
            message: `${name} cannot be set here`,
          },
        ]);
      }
      if (!(attribute in merged)) merged[attribute] = linkage === null ? null : linkage.id;
    }
  }
  return merged;
}

function validateAttributes<T extends object>(
  cls: new () => T,
  attributes: Record<string, unknown>,
  at: string,
): { value: T; issues: ValidationIssue[] } {
  const { accepted, issues } = screenNames(attributes, `${at}.attributes`);
  const value = plainToDto(cls, accepted, {
    enableImplicitConversion: false,
    exposeDefaultValues: true,
  });
  const errors = validateSync(value, {
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: false,
  });
  return { value, issues: [...issues, ...flattenValidationErrors(errors, `${at}.attributes`)] };
}

// Names every object has (constructor, toString, …): class-transformer skips them, so the whitelist
// never sees them, and inside a nested object it fails on them.
const isObjectMember = (name: string) => name in Object.prototype;
// Custom field ids in their canonical decimal form (no leading zero): keys are stored as sent.
const isCustomFieldKey = (key: string) => isIdText(key) && !key.startsWith('0');

/**
 * Attribute names and custom-field keys checked before class-transformer reads them: a name of an
 * Object member is an unknown attribute, and `custom_fields` is keyed by custom-field ids.
 */
function screenNames(
  attributes: Record<string, unknown>,
  at: string,
): { accepted: Record<string, unknown>; issues: ValidationIssue[] } {
  const accepted: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  for (const [name, value] of Object.entries(attributes)) {
    if (isObjectMember(name)) {
      issues.push({
        path: `${at}.${name}`,
        constraint: 'whitelistValidation',
        message: `${name} is not an attribute`,
      });
      continue;
    }
    if (name === 'custom_fields' && isObject(value)) {
      const bad = Object.keys(value).find((key) => !isCustomFieldKey(key));
      if (bad !== undefined) {
        issues.push({
          path: `${at}.custom_fields`,
          constraint: 'invalid',
          message: `custom_fields keys are custom field ids; "${bad}" is not one`,
        });
        continue;
      }
    }
    accepted[name] = value;
  }
  return { accepted, issues };
}

/**
 * Reads a JSON:API create/update document in the refusal order (docs/v2.md#refusal-order): the document shape
 * (400 invalid_document), `data.type` (409) and `data.id` (403), then every attribute problem at
 * once (422, one error object per attribute, unknown attributes included).
 */
export function parseJsonApiBody<T extends object>(
  body: unknown,
  cls: new () => T,
  options: JsonApiBodyOptions,
): T[] {
  if (!isObject(body))
    throw new RequestError('REQUEST_MALFORMED_BODY', 'The body must be a JSON:API document');
  const data = body.data;
  const bulk = Array.isArray(data);
  if (bulk ? !options.maxBulk : !isObject(data)) {
    throw new RequestError('REQUEST_MALFORMED_BODY', 'data must be a resource object', { field: 'data' });
  }
  const resources = (bulk ? data : [data]) as unknown[];
  if (bulk && (resources.length === 0 || resources.length > options.maxBulk!)) {
    throw new RequestError('REQUEST_MALFORMED_BODY', `data must hold 1 to ${options.maxBulk} resources`, {
      field: 'data',
    });
  }
  const values: T[] = [];
  const issues: ValidationIssue[] = [];
  resources.forEach((resource, i) => {
    const at = bulk ? `data.${i}` : 'data';
    if (!isObject(resource))
      throw new RequestError('REQUEST_MALFORMED_BODY', 'each resource must be an object', { field: at });
    const checked = validateAttributes(cls, attributesOf(resource, at, options), at);
    values.push(checked.value);
    issues.push(...checked.issues);
  });
  if (issues.length) throw new RequestValidationError(issues);
  return values;
}
