import { ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors, RequestValidationError } from './request-validation.error';

/**
 * The global pipe: DTOs are validated and transformed; unknown keys are stripped, not rejected
 * (toloka-kit sends read-only fields back, the widget sends event fields). A face that must reject
 * unknown keys (JSON:API attributes) does so in its own DTO pipe.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: false,
    transform: true,
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}
