// Ctrl-C and SIGTERM for long commands: the first asks the command to stop where it saves its
// work, a second quits at once.
import { log } from './load';

/** Exit codes of a command stopped by a signal, as shells report them (128 + signal number). */
export const SIGNAL_EXIT = { SIGINT: 130, SIGTERM: 143 } as const;
export type StopSignal = keyof typeof SIGNAL_EXIT;

/** Calls `onFirst` at the first signal (with what will happen, for the log); returns which signal came, if any. */
export function onStopSignals(whatHappens: string, onFirst: () => void): () => StopSignal | null {
  let stoppedBy: StopSignal | null = null;
  for (const signal of Object.keys(SIGNAL_EXIT) as StopSignal[]) {
    process.on(signal, () => {
      if (stoppedBy) process.exit(SIGNAL_EXIT[signal]);
      stoppedBy = signal;
      onFirst();
      log(`${signal}: ${whatHappens} (again to quit at once)`);
    });
  }
  return () => stoppedBy;
}
