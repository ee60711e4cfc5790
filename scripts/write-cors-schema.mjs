#!/usr/bin/env node
// Writes media/cors.schema.json from the zod schema the client validates with (one source of truth).
// Run after `tsc -p .`; a unit test fails when the committed file differs from what this writes.
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const { corsJsonSchema } = require('../out/src/core/validators.js');
writeFileSync(
  new URL('../media/cors.schema.json', import.meta.url),
  `${JSON.stringify(corsSchemaDocument(corsJsonSchema()), null, 2)}\n`,
);

function corsSchemaDocument(schema) {
  return {
    ...schema,
    title: 'Qencode bucket CORS policy',
    description: 'Header names to values. Saving makes the CDN hold exactly this; {} removes the policy.',
  };
}
