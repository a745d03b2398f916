// The baseline for bench/startup.bench.ts: the smallest grammY bot that polls,
// started the same way as ours (`npm start`, plain node).
import { Bot } from 'grammy';

const bot = new Bot(process.env.TELEGRAM_BOT_TOKEN, { client: { apiRoot: process.env.TELEGRAM_API_ROOT } });
bot.on('message', (ctx) => ctx.reply('hi'));
process.once('SIGTERM', () => void bot.stop());
await bot.start();
