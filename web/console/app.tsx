import { useServices } from './aws';
import { href, useRoute } from './hooks';
import { parseWindow } from './model/window';
import { AlarmsView } from './views/alarms';
import { AlertsView } from './views/alerts';
import { CircuitsView } from './views/circuits';
import { DashboardView } from './views/dashboard/dashboard';
import { ExecutionPage } from './views/execution/page';
import { ExecutionsView } from './views/executions';
import { FaultsView } from './views/faults';
import { LogsPage } from './views/logs/logs-page';
import { StartView } from './views/start';
import { ServiceMapPage } from './views/traces/service-map';
import { TracePage } from './views/traces/trace-view';

const NAV: [string, string][] = [
  ['executions', 'Executions'],
  ['dashboard', 'Dashboard'],
  ['alarms', 'Alarms'],
  ['alerts', 'Alerts'],
  ['circuits', 'Circuits'],
  ['traces', 'Traces'],
  ['logs', 'Logs'],
  ['faults', 'Faults'],
];

const Page = ({ route }: { route: string[] }) => {
  const [section = 'executions', arg, more] = route;
  const window = parseWindow(arg);
  if (section === 'executions' && arg && !window) return <ExecutionPage key={arg} executionArn={arg} />;
  if (section === 'executions') return <ExecutionsView key={arg ?? ''} window={window} />;
  if (section === 'start') return <StartView fromArn={arg} />;
  if (section === 'dashboard') return <DashboardView key={arg ?? ''} window={window} />;
  if (section === 'alarms') return <AlarmsView />;
  if (section === 'alerts') return <AlertsView />;
  if (section === 'circuits') return <CircuitsView />;
  if (section === 'faults') return <FaultsView />;
  if (section === 'traces' && arg === 'order' && more) return <TracePage key={more} orderId={more} />;
  if (section === 'traces' && arg) return <TracePage key={arg} traceId={arg} />;
  if (section === 'traces') return <ServiceMapPage />;
  if (section === 'logs') return <LogsPage key={`${arg}/${more}`} group={arg} requestId={more} />;
  return (
    <p class="error" role="alert">
      There is no page at #/{route.join('/')}.
    </p>
  );
};

/** The console: a header, the navigation (Executions, Dashboard, Alarms, Alerts, Circuits, Traces, Logs, Faults) and the page the hash route names. */
export const App = () => {
  const route = useRoute();
  const { config } = useServices();
  const section = route[0] === 'start' ? 'executions' : (route[0] ?? 'executions');
  return (
    <div class="shell">
      <header class="topbar">
        <a class="brand" href={href('executions')}>
          <span class="logo" aria-hidden="true">
            ◆
          </span>{' '}
          Serverless Shop <span class="brand-sub">Console</span>
        </a>
        <span class="endpoint" title="Where the console's AWS calls go">
          {config.edge || 'AWS'} · {config.region}
        </span>
        <a class="to-shop" href="/">
          Open the shop ↗
        </a>
      </header>
      <nav class="sidenav" aria-label="Console">
        <ul>
          {NAV.map(([id, label]) => (
            <li key={id}>
              <a href={href(id)} aria-current={section === id ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <main class="content">
        <Page route={route} />
      </main>
    </div>
  );
};
