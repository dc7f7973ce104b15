import type { Server } from 'node:http';
import { buildWebFiles, type WebFiles } from '../../web/build';
import type { WebConfig } from '../../web/shared/config';
import type { StackModel } from '../cloudformation/model';
import { listen } from '../http/listening';
import type { RealmClient } from '../issuer/realm';
import { createWebServer } from './server';

/**
 * The config the local cloud gives its pages (`/config.json`, each key overridable by a query
 * parameter), read from what it runs: the first public client of the realm with the browser flow, the
 * first state machine, the first dashboard of the template.
 */
export const webConfig = (
  urls: { api: string; edge: string; issuer: string },
  sources: { region: string; clients: RealmClient[]; stateMachineArns: string[]; model: StackModel },
): WebConfig => {
  const client = sources.clients.find((c) => c.publicClient && c.standardFlowEnabled !== false);
  const [, dashboard] = sources.model.ofType('AWS::CloudWatch::Dashboard')[0] ?? [];
  const dashboardName = dashboard?.Properties?.DashboardName;
  return {
    api: `${urls.api.replace(/\/$/, '')}/`,
    issuer: urls.issuer,
    edge: urls.edge,
    region: sources.region,
    clientId: client?.clientId ?? '',
    stateMachineArn: sources.stateMachineArns[0] ?? '',
    dashboardName: dashboardName === undefined ? '' : String(sources.model.resolve(dashboardName)),
  };
};

/** The web build, started early (esbuild runs while the JVM starts) and awaited when the server starts. */
export interface WebBuild {
  files: Promise<WebFiles>;
  ms: Promise<number>;
}

export const startWebBuild = (): WebBuild => {
  const started = performance.now();
  const files = buildWebFiles();
  // A failed build is reported when the server starts; until then it must not count as unhandled.
  files.catch(() => undefined);
  return { files, ms: files.then(() => Math.round(performance.now() - started)).catch(() => -1) };
};

/** Serves the built pages and their config on `port` (0: a free one); resolves with the server and its port. */
export const serveWeb = async (
  build: WebBuild,
  config: WebConfig,
  options: { port: number; host: string; onError: (error: Error) => void },
): Promise<{ server: Server; port: number }> => {
  const files = await build.files.catch((error: Error) => {
    throw new Error(`The web pages (web/) do not build: ${error.message}`);
  });
  const server = createWebServer({ files, config: { ...config } }, options.onError);
  return { server, port: await listen(server, options.port, options.host) };
};
