import { defineConfig } from 'drizzle-kit';

/** PostgreSQL migrations (drizzle.config.ts is SQLite's): `npm run db:generate:pg`. */
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/db/pg/schema.ts',
  out: './drizzle/pg',
  dbCredentials: { url: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/papers' },
});
