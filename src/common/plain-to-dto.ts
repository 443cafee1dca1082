import 'reflect-metadata';
import { ClassTransformOptions, plainToInstance } from 'class-transformer';

// Types that design:type reports for properties that are not nested DTOs.
const NOT_DTO = new Set<unknown>([Object, String, Number, Boolean, Array, Date]);

/** The DTO class a property is declared with (`task_spec: TaskSpecForm`), if it is one. */
function nestedDto(cls: new () => object, key: string): (new () => object) | undefined {
  const type: unknown = Reflect.getMetadata('design:type', cls.prototype, key);
  return typeof type === 'function' && !NOT_DTO.has(type) ? (type as new () => object) : undefined;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object, or an array that holds one: data class-transformer would try to read as classes. */
function isComposite(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return !Array.isArray(value) || value.some((item) => typeof item === 'object' && item !== null);
}

/**
 * plainToInstance for request bodies, with free-form JSON kept as data. class-transformer reads
 * every nested object as a would-be class instance: a member named `constructor` holding an object
 * is called as a constructor (a TypeError, so a 500), and members named `__proto__`, `constructor`
 * or after Object's methods silently vanish. So only scalars and arrays of scalars go through it
 * (its @Transform hooks see those); nested DTOs are converted the same way, recursively; any other
 * object or array is set on the instance exactly as parsed, for the validators to judge. Names of
 * Object members are never DTO properties and are dropped, as class-transformer drops them.
 */
export function plainToDto<T extends object>(
  cls: new () => T,
  plain: Record<string, unknown>,
  options?: ClassTransformOptions,
): T {
  const scalars: Array<[string, unknown]> = [];
  const kept: Array<[string, unknown]> = [];
  for (const [key, value] of Object.entries(plain)) {
    if (key in Object.prototype) continue;
    const nested = nestedDto(cls, key);
    if (nested && isObject(value)) kept.push([key, plainToDto(nested, value, options)]);
    else if (isComposite(value)) kept.push([key, value]);
    else scalars.push([key, value]);
  }
  const dto = plainToInstance(cls, Object.fromEntries(scalars), options);
  for (const [key, value] of kept) {
    Object.defineProperty(dto, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return dto;
}
