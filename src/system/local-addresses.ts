import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

/** One address of a network interface, as os.networkInterfaces() gives it. */
export interface InterfaceAddress {
  readonly address: string;
  readonly family: string | number;
  readonly internal: boolean;
  readonly cidr: string | null;
}

/** Whether `address` is one a socket here may bind to as its source. */
export type IsLocalAddress = (address: string) => boolean;

/**
 * The addresses this host may send from: every address of its interfaces, and on Linux the whole subnet of a
 * loopback one. Linux routes all of 127.0.0.0/8 to `lo` (its `local` route), so 127.0.0.2 binds though `lo` lists
 * 127.0.0.1/8 only; other systems (macOS, the BSDs) bind only the addresses configured (`ifconfig lo0 alias
 * 127.0.0.2`), which they list. Compared by value, so `::1` and `0:0:0:0:0:0:0:1` are one address.
 */
export function localAddresses(
  interfaces: Readonly<Record<string, readonly InterfaceAddress[] | undefined>> = networkInterfaces(),
  platform: NodeJS.Platform = process.platform,
): IsLocalAddress {
  const list = new BlockList();
  for (const addresses of Object.values(interfaces)) {
    for (const a of addresses ?? []) {
      const family = isIP(a.address) === 6 ? 'ipv6' : 'ipv4';
      // A link-local IPv6 address is listed without its zone (`fe80::1`); one given with it (`fe80::1%eth0`) is the same.
      list.addAddress(a.address.replace(/%.*$/, ''), family);
      const prefix = Number(a.cidr?.split('/')[1]);
      if (platform === 'linux' && a.internal && family === 'ipv4' && Number.isInteger(prefix)) list.addSubnet(a.address, prefix, 'ipv4');
    }
  }
  return (address) => {
    const bare = address.replace(/%.*$/, '');
    const v = isIP(bare);
    return v !== 0 && list.check(bare, v === 6 ? 'ipv6' : 'ipv4');
  };
}
