// The page's entry: one engine connection and one controller for the page's life, the debug
// accessor, and the React tree.

import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { engine } from './ui/engine-client.js';
import { AppController } from './ui/controller.js';
import { App } from './ui/app.js';
import { installDebug } from './ui/debug.js';
import './ui/styles.css';

const controller = new AppController(engine);
installDebug(controller);
void controller.init();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element.');
createRoot(root).render(
  <StrictMode>
    <App controller={controller} />
  </StrictMode>,
);
