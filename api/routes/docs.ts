// The OpenAPI document (JSON) and an interactive docs page (Swagger UI), both without a key.
import express, { type Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { buildOpenApi } from '../openapi';

export function createDocsRouter(): Router {
  const router = express.Router();
  const doc = buildOpenApi();
  router.get('/openapi.json', (_req, res) => {
    res.json(doc);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(doc, { customSiteTitle: 'Folio retrieval API' }));
  return router;
}
