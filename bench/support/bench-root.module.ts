import { Module } from '@nestjs/common';
import { AppModule } from '../../src/app.module';
import { BaselineModule } from './baseline.module';

/**
 * The portal as it ships, plus the bench's baseline endpoint beside it. Importing this file loads
 * AppModule, which reads the settings: set process.env first (see portal.ts).
 */
@Module({ imports: [AppModule, BaselineModule] })
export class BenchRootModule {}
