import { ConfigError, readConfig, type Config } from '../config.js';

/** The service's configuration for a command-line tool, or null after printing each problem (exit 1 then). */
export function cliConfig(err: (line: string) => void): Config | null {
  try {
    return readConfig(process.env);
  } catch (e) {
    if (e instanceof ConfigError) e.problems.forEach((p) => err(`config error: ${p}`));
    // Anything else (a bug, an unreadable file named by a variable) must not end in a silent exit 1.
    else err(`config error: ${e instanceof Error ? e.message : String(e)}`);
    return null;
  }
}
