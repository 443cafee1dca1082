import { Module } from '@nestjs/common';
import { ServiceSecretsService } from './service-secrets.service';

/** Secrets the service makes and keeps in its database, shared by every instance. */
@Module({
  providers: [ServiceSecretsService],
  exports: [ServiceSecretsService],
})
export class SecretsModule {}
