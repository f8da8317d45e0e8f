/** What an entry point gets from the process: its arguments, environment and standard streams. */
export interface ProcessIo {
	argv: string[];
	env: NodeJS.ProcessEnv;
	stdout: NodeJS.WriteStream;
	stderr: NodeJS.WriteStream;
	stdin: NodeJS.ReadStream;
}
