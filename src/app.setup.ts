import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { useBodyParsing } from './common/http/body-parsing';
import { assignRequestId } from './common/http/request-id';
import { AppConfig } from './config/app-config';

/**
 * Everything about the HTTP application that is not a module: shared by main.ts and by every
 * HTTP test, so that tests exercise exactly what runs in production.
 * The app must be created with `{ bodyParser: false, bufferLogs: true }`.
 */
export function configureApp(app: NestExpressApplication): void {
  const config = app.get(AppConfig);
  app.useLogger(app.get(Logger));
  // Nest holds start-up lines until listen(); tests only init(), so release them now.
  app.flushLogs();
  app.disable('x-powered-by');
  app.set('trust proxy', config.env.TRUST_PROXY);
  app.use(helmet());
  app.use(cookieParser());
  app.use(assignRequestId);
  useBodyParsing(app, config.env.BODY_LIMIT);
  const origins = config.corsOrigins;
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: true });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Data-subject request portal')
      .setDescription("Requests about personal information, decided against the clauses of the operator's privacy policy.")
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });
}
