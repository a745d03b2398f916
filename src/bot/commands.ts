/**
 * Every command the bot answers, in the order /help lists them. The same table
 * feeds setMyCommands, so the Telegram menu and /help never disagree.
 */
export const COMMANDS = [
  { command: 'start', description: 'Greeting and what is set up' },
  { command: 'help', description: 'Every command and what it does' },
  { command: 'routes', description: 'Your saved routes (send a .gpx file to add one)' },
  { command: 'route', description: 'One route again: /route 3' },
  { command: 'rides', description: 'Your rides (send a .fit, .gpx or .tcx file to add one)' },
  { command: 'fitness', description: 'Fitness, fatigue and form (CTL/ATL/TSB), last 90 days' },
  { command: 'curve', description: 'Power curve: last 42 days against your season best' },
  { command: 'sync', description: 'Fetch new rides from Garmin and intervals.icu now' },
  { command: 'garmin', description: 'The Garmin connection: its state, and tokens made elsewhere' },
  { command: 'analyse', description: "A ride analysed again against today's plan: /analyse 12 (no number: the last ride)" },
  { command: 'goal', description: 'Your event, the hours and days you have, the FTP to plan with' },
  { command: 'rules', description: 'Your training rules in plain words; every plan keeps them' },
  { command: 'rules_history', description: 'Earlier versions of your rules, with rollback' },
  { command: 'plan', description: "This week's plan with its chart; earlier and later weeks" },
  { command: 'plan_new', description: 'Build a new plan (shown for Approve / Reject)' },
  { command: 'plan_history', description: 'Plan versions with their reasons, with rollback' },
  { command: 'plan_diff', description: 'What changed between two versions: /plan_diff 2 3' },
  { command: 'profile', description: 'Your FTP, weights, heart rate, gearing, time zone' },
  { command: 'prompts', description: "The AI's instructions: read, replace, roll back" },
  { command: 'prompt', description: 'One prompt: /prompt coach_chat' },
  { command: 'status', description: 'Database, data folder, versions, each source and its last sync' },
  { command: 'cancel', description: 'Stop answering a question I asked, or leave the goal setup' },
] as const;
