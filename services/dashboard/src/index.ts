export { buildAssets, type Asset } from './assets.ts';
export { dashboardRoutes } from './routes.ts';
