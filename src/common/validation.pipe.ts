import { ArgumentMetadata, Type, ValidationPipe } from '@nestjs/common';
import { plainToDto } from './plain-to-dto';
import { flattenValidationErrors, RequestValidationError } from './request-validation.error';

/** ValidationPipe that reads a DTO body as one JSON object whose free-form members stay data. */
class ObjectBodyValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (!(metadata.type === 'body' && metadata.metatype && this.toValidate(metadata))) {
      return super.transform(value, metadata);
    }
    // A DTO body is one JSON object. An array or a scalar would be read as an object with the
    // array's or the wrapper's members (`filter`, `length`, …) and get confusing errors.
    if (value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value))) {
      throw RequestValidationError.single('body', 'isObject', 'The body must be a JSON object');
    }
    // Nest's own path strips `__proto__` keys at every depth and lets class-transformer read the
    // free-form members (pool `filter`, project `task_spec`): see plainToDto.
    const dto = plainToDto(
      metadata.metatype as Type<object>,
      (value ?? {}) as Record<string, unknown>,
      this.transformOptions,
    );
    const errors = await this.validate(dto, this.validatorOptions);
    if (errors.length > 0) throw await this.exceptionFactory(errors);
    return dto;
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
