/**
 * `spell mesh keygen [--out file] [--force]`: writes an Ed25519 key file (mode 0600) for an
 * agent and prints its agent id and public key. The private key is written to the file only,
 * never printed. Argument parsing and printing only; the work is in src/envelope.
 */
import type { Command } from 'commander';
import { KeyFileError, NodeIdentity } from '../src/envelope/index.js';

export interface MeshIo {
  out: (text: string) => void;
  err: (text: string) => void;
  setExitCode: (code: number) => void;
}

export function registerMesh(program: Command, io: MeshIo): void {
  const mesh = program.command('mesh').description('signed agent mesh: identities (keygen)');
  mesh
    .command('keygen')
    .description('write a new Ed25519 agent key file (mode 0600) and print the agent id and public key')
    .option('--out <file>', 'key file to write', 'agent.key')
    .option('--force', 'replace an existing key file')
    .action((opts: { out: string; force?: boolean }) => {
      const identity = NodeIdentity.generate();
      try {
        identity.writeKeyFile(opts.out, { force: opts.force });
      } catch (error) {
        if (error instanceof KeyFileError) {
          io.err(`spell: ${error.message}\n`);
          io.setExitCode(error.code === 'key-file-exists' ? 1 : 2);
          return;
        }
        throw error;
      }
      io.out(`agent id    ${identity.agentId}\npublic key  ${identity.publicKeyText}\nkey file    ${opts.out} (mode 0600; the private key is in it and nowhere else)\n`);
    });
}
