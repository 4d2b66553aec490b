/**
 * Tells "the DSS does not answer at all" from "it answers but SMB refuses us" after an Rpc
 * connection failed with an SMB error (53, 64, 67...): a TCP connect to 445 (SMB over TCP) and 139
 * (NetBIOS session, all an NT 4.0 DSS has). Nothing listening on either is HostUnreachable; an
 * answer means the host is there and the SMB session itself failed (an SMB1-only DSS and a
 * workstation without the SMB1 client, or a disabled admin share): SmbUnavailable stands.
 */
import { connect } from 'node:net';

export const SMB_PORTS = [445, 139] as const;

function answers(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    const done = (ok: boolean): void => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The SMB ports that accept a TCP connection (empty: nothing answers). */
export async function smbPortsAnswering(host: string, ports: readonly number[] = SMB_PORTS, timeoutMs = 3_000): Promise<number[]> {
  const results = await Promise.all(ports.map(async (p) => ((await answers(host, p, timeoutMs)) ? p : null)));
  return results.filter((p): p is number => p !== null);
}
