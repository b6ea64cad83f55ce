declare module "platform/lin/args" {
  /** The program's command-line arguments (after its name). */
  export function args(): string[];
  /** Leave the main loop with this exit status (75: restart). */
  export function exit(status: number): void;
  /** A line on stderr. */
  export function log(line: string): void;
}
