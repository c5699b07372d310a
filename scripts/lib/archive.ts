import { crc32, deflateRawSync, gzipSync } from 'node:zlib';

/**
 * The two archive formats a LuaRocks source rock is made of: a `.tar.gz` of
 * the sources inside a zip. Written here rather than by `tar` and `zip`
 * commands so that packing needs nothing beyond Node, and so that the same
 * files always give the same bytes: every entry gets the fixed `mtime` and
 * plain permissions, whoever packs it and wherever.
 */
export interface ArchiveEntry {
  /** A path inside the archive, with `/` separators; a folder when it ends in `/`. */
  name: string;
  data?: Buffer;
}

const isFolder = (entry: ArchiveEntry): boolean => entry.name.endsWith('/');

function tarHeader(entry: ArchiveEntry, size: number, mtime: Date): Buffer {
  if (Buffer.byteLength(entry.name) > 100) throw new Error(`tar: name longer than 100 bytes: ${entry.name}`);
  const header = Buffer.alloc(512);
  const octal = (value: number, width: number): string => value.toString(8).padStart(width - 1, '0');
  header.write(entry.name, 0, 100);
  header.write(octal(isFolder(entry) ? 0o755 : 0o644, 8), 100);
  header.write(octal(0, 8), 108); // uid
  header.write(octal(0, 8), 116); // gid
  header.write(octal(size, 12), 124);
  header.write(octal(Math.floor(mtime.getTime() / 1000), 12), 136);
  header.write(' '.repeat(8), 148); // the checksum counts its own field as spaces
  header.write(isFolder(entry) ? '5' : '0', 156);
  header.write('ustar\u000000', 257);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${octal(sum, 7)}\u0000 `, 148);
  return header;
}

/** A gzip-compressed ustar archive. */
export function tarGz(entries: readonly ArchiveEntry[], mtime: Date): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = isFolder(entry) ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0));
    parts.push(tarHeader(entry, data.length, mtime), data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  parts.push(Buffer.alloc(1024)); // two empty blocks end the archive
  return gzipSync(Buffer.concat(parts), { level: 9 });
}

/** MS-DOS date and time, as zip headers keep them. */
function dosTime(date: Date): { time: number; date: number } {
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((date.getUTCFullYear() - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** A zip archive, each file deflated. */
export function zip(entries: readonly ArchiveEntry[], mtime: Date): Buffer {
  const { time, date } = dosTime(mtime);
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const raw = isFolder(entry) ? Buffer.alloc(0) : (entry.data ?? Buffer.alloc(0));
    const packed = isFolder(entry) ? raw : deflateRawSync(raw, { level: 9 });
    const method = isFolder(entry) ? 0 : 8;
    const crc = crc32(raw);

    // The local header and the central directory share this run of fields, at different offsets.
    const describe = (header: Buffer, at: number): void => {
      header.writeUInt16LE(20, at); // version needed to extract
      header.writeUInt16LE(0x0800, at + 2); // names are UTF-8
      header.writeUInt16LE(method, at + 4);
      header.writeUInt16LE(time, at + 6);
      header.writeUInt16LE(date, at + 8);
      header.writeUInt32LE(crc, at + 10);
      header.writeUInt32LE(packed.length, at + 14);
      header.writeUInt32LE(raw.length, at + 18);
      header.writeUInt16LE(name.length, at + 22);
    };

    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    describe(local, 4);
    locals.push(local, name, packed);

    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, so the permissions below apply
    describe(central, 6);
    central.writeUInt32LE(((isFolder(entry) ? 0o40755 : 0o100644) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, name);

    offset += local.length + name.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
