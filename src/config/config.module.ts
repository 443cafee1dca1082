import { DynamicModule, Global, Module } from '@nestjs/common';
import { Clock } from '../common/clock';
import { AppConfig } from './app-config';

/** Makes the validated configuration and the clock injectable everywhere. */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ConfigModule,
      providers: [{ provide: AppConfig, useValue: config }, Clock],
      exports: [AppConfig, Clock],
    };
  }
}
