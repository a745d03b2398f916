#!/usr/bin/env node
// The command line, compiled like the bot: dist/ is built on `npm ci` (`npm run build` after changing src/).
import '../dist/coach.js';
