import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './request-validation.error';

/** ValidationPipe that first makes sure a DTO body is one JSON object. */
class ObjectBodyValidationPipe extends ValidationPipe {
  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // A DTO body is one JSON object. An array or a scalar would be read as an object with the
    // array's or the wrapper's members (`filter`, `length`, …) and get confusing errors.
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
        throw RequestValidationError.single('body', 'isObject', 'The body must be a JSON object');
      }
    }
    return super.transform(value, metadata);
  }
}

/**
 * The global pipe: DTOs are validated and transformed; unknown keys are stripped, not rejected
 * (toloka-kit sends read-only fields back, the widget sends event fields). A face that must reject
 * unknown keys (JSON:API attributes) does so in its own DTO pipe.
 */
export function createValidationPipe(): ValidationPipe {
  return new ObjectBodyValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
