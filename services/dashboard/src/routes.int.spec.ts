import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { dashboardRoutes } from './routes.ts';

describe('the dashboard files', () => {
  const app = Fastify({ logger: false });
  dashboardRoutes(app);

  it('serves the browser modules as JavaScript with their types stripped, under a CSP that allows only this origin', async () => {
    const response = await app.inject('/dashboard/equity.ts');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.body).toContain("import { getJson } from './api.ts';");
    expect(response.body).not.toMatch(/^interface /m);
    expect(response.body).not.toContain('<HTMLSelectElement>');
  });

  it('serves the pages, the chart library from node_modules, and answers a matching ETag with 304', async () => {
    const index = await app.inject('/dashboard/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<script type="module" src="equity.ts"></script>');
    const uplot = await app.inject('/dashboard/vendor/uPlot.esm.js');
    expect(uplot.statusCode).toBe(200);
    expect(uplot.body).toContain('export { uPlot as default }');
    const again = await app.inject({ url: '/dashboard/vendor/uPlot.esm.js', headers: { 'if-none-match': uplot.headers.etag as string } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
  });

  it('redirects /dashboard to /dashboard/, and serves neither type declarations nor the tsconfig', async () => {
    expect((await app.inject('/dashboard')).headers.location).toBe('/dashboard/');
    expect((await app.inject('/dashboard/vendor/uPlot.esm.d.ts')).statusCode).toBe(404);
    expect((await app.inject('/dashboard/tsconfig.json')).statusCode).toBe(404);
    expect((await app.inject('/dashboard/../package.json')).statusCode).toBe(404);
  });
});
