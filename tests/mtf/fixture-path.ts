// The TradingView fixtures' folder and loader for the tests/mtf suites (the ta suites' loader).

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { column, loadFixture } from '../ta/fixture.js';

export const FIXTURES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'tradingview');
