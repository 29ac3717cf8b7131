/**
 * `spell serve [--port 9000]`: runs a remote executor (src/remote): callers reach it through
 * its signaling server, connect over WebRTC, and run pipeline nodes here. Prints the URL to
 * pass as a node's `host` or to `spell run --executor`; one line per caller and session on
 * standard error; stops cleanly on SIGINT or SIGTERM. Argument parsing and printing only.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { portNumber, collect } from './options.js';

export interface ServeIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

export function registerServe(program: Command, io: ServeIo): void {
  program
    .command('serve')
    .description('run a remote executor: pipeline nodes placed on it run here, with media and frames over WebRTC')
    .option('--host <host>', 'address to listen on (without --token only loopback)', '127.0.0.1')
    .option('--port <port>', 'port (0 picks a free one)', portNumber, 9000)
    .option('--name <name>', 'name shown to callers')
    .option('--token <token>', 'callers must present this token (required off loopback); also $SPELL_SERVE_TOKEN')
    .option('--allow <type>', 'also allow this node type (repeatable; file readers and writers are refused by default)', collect)
    .option('--accelerator <type>', 'advertise an accelerator, e.g. cuda (repeatable)', collect)
    .option('--key <public.pem>', 'trust this Ed25519 public key (SPKI PEM) for signed packages from anywhere (repeatable)', collect)
    .option('--policy <file>', 'trust policy for signed packages (JSON, docs/package.md); default $XDG_CONFIG_HOME/spellbook/trust.json when no --key is given')
    .option('--layout <dir>', 'callers may name OCI layouts under this directory (oci:<dir>[:tag]; repeatable; default $XDG_DATA_HOME/spellbook/oci)', collect)
    .action(async (opts: { host: string; port: number; name?: string; token?: string; allow?: string[]; accelerator?: string[]; key?: string[]; policy?: string; layout?: string[] }) => {
      const { Executor, DEFAULT_ALLOWED_NODE_TYPES } = await import('../src/remote/index.js');
      const { defaultPolicyPath, loadPolicy, loadPublicKey } = await import('../src/package/index.js');
      const token = opts.token ?? process.env.SPELL_SERVE_TOKEN;
      let packages;
      try {
        const policyFile = opts.policy ?? (!opts.key?.length && existsSync(defaultPolicyPath()) ? defaultPolicyPath() : undefined);
        packages = {
          trustedKeys: (opts.key ?? []).map((f) => loadPublicKey(readFileSync(f), f)),
          ...(policyFile ? { policy: loadPolicy(policyFile) } : {}),
          ...(opts.layout?.length ? { layoutRoots: opts.layout } : {}),
        };
      } catch (error) {
        io.err(`spell serve: ${(error as Error).message}\n`);
        io.setExitCode(2);
        return;
      }
      const executor = new Executor({
        host: opts.host,
        port: opts.port,
        name: opts.name,
        token,
        allowNodeTypes: [...DEFAULT_ALLOWED_NODE_TYPES, ...(opts.allow ?? [])],
        accelerators: opts.accelerator,
        logger: (line) => io.err(line + '\n'),
        packages,
      });
      executor.on('caller', ({ id }) => io.err(`serve: caller ${id} connected\n`));
      executor.on('caller-left', ({ id, reason }) => io.err(`serve: caller ${id} left (${reason})\n`));
      executor.on('session-start', ({ caller, session, nodes }) => io.err(`serve: caller ${caller} session ${session}: ${nodes.join(', ')}\n`));
      executor.on('package', ({ caller, session, digest, name, signedBy, source, fetched, sent }) => io.err(`serve: caller ${caller} ${sent ? `sent package ${name} ${digest} (${sent} bytes)` : `session ${session}: package ${name} ${digest} from ${source}`}, verified: signed by ${signedBy}${sent ? ', cached' : `, ${fetched} blobs fetched`}\n`));
      executor.on('package-refused', ({ caller, session, source, message }) => io.err(`serve: caller ${caller} session ${session}: package ${source} refused: ${message}\n`));
      executor.on('session-end', ({ caller, session, error }) => io.err(`serve: caller ${caller} session ${session} ${error ? `failed: ${error}` : 'done'}\n`));
      let url: string;
      try {
        ({ url } = await executor.listen());
      } catch (error) {
        io.err(`spell serve: ${(error as Error).message}\n`);
        io.setExitCode(2);
        return;
      }
      const caps = executor.capabilities();
      io.out(`serve: executor listening on ${url} (${caps.cores} cores, ${caps.memoryGb} GB, ${caps.nodeTypes.length} node types)\n`);
      const signal = await new Promise<string>((resolve) => {
        process.once('SIGINT', () => resolve('SIGINT'));
        process.once('SIGTERM', () => resolve('SIGTERM'));
      });
      const s = executor.stats;
      await executor.close();
      io.out(`serve: stopped on ${signal} (${s.callers} callers, ${s.sessionsRun} sessions run, ${s.sessionsFailed} failed, ${s.framesIn} frames in, ${s.framesOut} out, ${s.packagesLoaded} packages run, ${s.packagesRefused} refused)\n`);
      io.setExitCode(0);
    });
}
