import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import { loadConfig } from '../shared/config';
import { App } from './app';
import { createServices, ServicesContext } from './aws';
import './console.css';
import './traces.css';

/** Starts the console: reads the config (query parameters override it), makes the SDK clients, renders. */
const start = async () => {
  const root = document.getElementById('app')!;
  const config = await loadConfig();
  const services = createServices(config, new URLSearchParams(location.search));
  root.replaceChildren();
  render(
    <ServicesContext.Provider value={services}>
      <App />
    </ServicesContext.Provider>,
    root,
  );
};

void start();
