// A small tmpfs of the test's own, without root: a user + mount namespace (util-linux `unshare`) mounts it and is
// kept alive by a `sleep` for as long as the test needs the store. This process, and the CLI it starts, reach its
// files through /proc/<pid>/root/…, so the real CLI runs unchanged against a disk that fills up, or is read-only.
import { spawn, type ChildProcess } from 'node:child_process';
import { open, mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface TmpfsMount {
  /** Where below the tmpfs root ('' for the root itself). */
  readonly at: string;
  readonly sizeMb: number;
  readonly readOnly?: boolean;
}

export interface PrivateTmpfs {
  /** The tmpfs root as this process (and any child) sees it. */
  readonly dir: string;
  /** Free bytes on the tmpfs mounted at `at` (default: the root). */
  free(at?: string): Promise<number>;
  /** Writes `file` (below the root) until no more than `leaveBytes` are free; returns the bytes written. */
  fill(file: string, leaveBytes: number): Promise<number>;
  close(): Promise<void>;
}

/** Mounts `mounts` (the first one at the root) in a namespace of their own. */
export async function startPrivateTmpfs(mounts: readonly TmpfsMount[]): Promise<PrivateTmpfs> {
  const mountPoint = await mkdtemp(path.join(tmpdir(), 'cc-tmpfs-'));
  const script = mounts
    .map((m) => {
      const where = path.join(mountPoint, m.at);
      const options = `size=${m.sizeMb}m${m.readOnly ? ',ro' : ''}`;
      return `${m.at ? `mkdir -p '${where}' && ` : ''}mount -t tmpfs -o ${options} none '${where}'`;
    })
    .join(' && ');
  const holder = spawn('unshare', ['--user', '--map-root-user', '--mount', 'sh', '-c', `${script} && echo mounted && exec sleep infinity`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await mounted(holder);
  const dir = `/proc/${holder.pid}/root${mountPoint}`;
  return {
    dir,
    free: async (at = '') => {
      const s = await statfs(path.join(dir, at));
      return s.bavail * s.bsize;
    },
    fill: async (file, leaveBytes) => {
      const target = path.join(dir, file);
      const chunk = Buffer.alloc(1 << 20, 0x78);
      const handle = await open(target, 'a');
      let written = 0;
      try {
        for (let free = await freeOf(target); free > leaveBytes; free = await freeOf(target)) {
          const n = Math.min(chunk.length, free - leaveBytes);
          written += (await handle.write(chunk, 0, n)).bytesWritten;
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      } finally {
        await handle.close();
      }
      return written;
    },
    close: async () => {
      const exited = new Promise((resolve) => holder.once('exit', resolve));
      if (holder.exitCode === null && holder.signalCode === null) holder.kill('SIGKILL');
      await exited;
      await rm(mountPoint, { recursive: true, force: true });
    },
  };
}

/** Runs `fn` on a fresh private tmpfs, unmounted (with everything on it) afterwards. */
export async function withPrivateTmpfs(mounts: readonly TmpfsMount[], fn: (disk: PrivateTmpfs) => Promise<void>): Promise<void> {
  const disk = await startPrivateTmpfs(mounts);
  try {
    await fn(disk);
  } finally {
    await disk.close();
  }
}

async function freeOf(file: string): Promise<number> {
  const s = await statfs(file);
  return s.bavail * s.bsize;
}

function mounted(holder: ChildProcess): Promise<void> {
  let stderr = '';
  holder.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((resolve, reject) => {
    holder.stdout?.setEncoding('utf8').on('data', (d: string) => {
      if (d.includes('mounted')) resolve();
    });
    holder.once('error', reject);
    holder.once('exit', (code) => reject(new Error(`unshare could not mount a private tmpfs (exit ${code}): ${stderr.trim()}`)));
  });
}
