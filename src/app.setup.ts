import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import type { NextFunction, Request, Response } from 'express';
import { SESSION_COOKIE } from './auth/tokens';
import { useBodyParsing } from './common/http/body-parsing';
import { refuseCrossSiteWrites } from './common/http/cross-site';
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
  // First, so that refusals made before Nest (body parsing, cross-site writes) carry it as well.
  app.use('/api/v1', doNotStore);
  app.use(helmet());
  app.use(cookieParser());
  app.use(assignRequestId);
  // Before the body is read: a refused cross-site write costs nothing and changes nothing.
  app.use(refuseCrossSiteWrites({ allowedOrigins: [config.env.PUBLIC_URL, ...config.corsOrigins], sessionCookie: SESSION_COOKIE }));
  useBodyParsing(app, config.env.BODY_LIMIT);
  const origins = config.corsOrigins;
  if (origins.length > 0) app.enableCors({ origin: origins, credentials: true });

  // Off (API_DOCS=false): not mounted at all, so /api/docs and /api/docs-json answer the API's own 404.
  if (config.env.API_DOCS) mountApiDocs(app);
}

function mountApiDocs(app: NestExpressApplication): void {
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

/**
 * API answers carry tokens, second-factor secrets and personal data, and even a public one may be
 * personalised later: none is kept by a browser or a shared cache. Helmet sets no Cache-Control,
 * so nothing overrides this. No `Pragma: no-cache`: it is defined for requests only, and caches
 * obey Cache-Control.
 */
function doNotStore(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Cache-Control', 'no-store');
  next();
}
