// For the TypeORM CLI (`npx typeorm-ts-node-commonjs -d src/database/data-source.ts migration:generate …`).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './typeorm-options';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL must be set to run the TypeORM CLI');

export default new DataSource(buildDataSourceOptions(url, { entities: [`${__dirname}/../**/*.entity.{ts,js}`] }));
