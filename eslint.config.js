import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

export default tseslint.config(
  { ignores: ['node_modules', 'data', 'coverage', 'drizzle/meta', 'tests/.tmp', 'dist'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  { languageOptions: { globals: { ...globals.node } } },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-console': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    ignores: ['src/main.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: ['@slack/*', 'discord.js', '@discordjs/*', 'discord-api-types', 'discord-api-types/*', 'bullmq', 'ioredis'], message: 'src/ knows nothing of chat SDKs or queues: use a port in src/core.' },
          { group: ['**/adapters/**', '**/jobs/**'], message: 'Dependencies point inward: src/ never imports adapters/ or jobs/.' },
        ],
      }],
    },
  },
);
