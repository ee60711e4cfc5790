import { constants, open } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';

const t = vscode.l10n.t;

/**
 * Reads a local text file the user chose (a manifest, a list of paths), bounded: it
 * must be a regular file of at most `maxBytes`. A file in a cloned repository may be a
 * symbolic link to /dev/zero or a FIFO that never ends; either is refused before a
 * byte is read. On disk the checks and the read use one open file, so the file
 * checked is the file read.
 */
export async function readLocalText(uri: vscode.Uri, maxBytes: number): Promise<string> {
  const name = path.posix.basename(uri.path);
  const tooLarge = () =>
    new Error(t('{0} is larger than {1} MiB, the most that is read', name, Math.round(maxBytes / 1024 / 1024)));
  if (uri.scheme !== 'file') {
    const stat = await vscode.workspace.fs.stat(uri);
    if ((stat.type & vscode.FileType.File) === 0)
      throw new Error(t('{0} is not a regular file, so it is not read', name));
    if (stat.size > maxBytes) throw tooLarge();
    const bytes = await vscode.workspace.fs.readFile(uri);
    if (bytes.length > maxBytes) throw tooLarge();
    return Buffer.from(bytes).toString('utf8');
  }
  // Non-blocking, so that opening a FIFO returns at once (and is then refused) instead of waiting for a writer.
  const file = await open(uri.fsPath, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  try {
    const stat = await file.stat();
    if (!stat.isFile()) {
      const kind = stat.isFIFO()
        ? t('a named pipe')
        : stat.isCharacterDevice() || stat.isBlockDevice()
          ? t('a device')
          : stat.isDirectory()
            ? t('a folder')
            : stat.isSocket()
              ? t('a socket')
              : t('not a regular file');
      throw new Error(t('{0} is {1}, not a regular file, so it is not read', name, kind));
    }
    if (stat.size > maxBytes) throw tooLarge();
    // Read to the end, whatever the size said (a file may grow, and /proc files say 0), at most one byte past the cap.
    const chunks: Buffer[] = [];
    let length = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(64 * 1024, maxBytes + 1 - length));
      const { bytesRead } = await file.read(chunk, 0, chunk.length, length);
      if (bytesRead === 0) break;
      chunks.push(chunk.subarray(0, bytesRead));
      length += bytesRead;
      if (length > maxBytes) throw tooLarge();
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    await file.close();
  }
}
