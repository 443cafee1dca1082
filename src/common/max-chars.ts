import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * Characters as MySQL/MariaDB count them in a utf8mb4 column: Unicode code points (a surrogate
 * pair is one; a lone surrogate is stored as U+FFFD, one). class-validator's MaxLength counts a
 * character with a variation selector as one, so `❤️` × 255 passed a 255 limit and overflowed
 * VARCHAR(255).
 */
export function codePoints(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

/**
 * At most `max` characters (code points), the unit of VARCHAR(n). Named `maxLength` like
 * class-validator's own, so that every face maps it as before. A value that is not a string
 * passes: IsString reports it.
 */
export function MaxChars(max: number, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'maxLength',
      constraints: [max],
      validator: {
        validate: (value: unknown) => typeof value !== 'string' || codePoints(value) <= max,
        defaultMessage: () => `$property must be at most ${max} characters`,
      },
    },
    options,
  );
}
