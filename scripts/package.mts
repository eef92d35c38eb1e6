// `npm run package`: the deployment packages for tools other than SAM (which zips .aws-sam/build itself):
//   dist/function.zip   index.mjs, its chunks and source maps at the root, for `Handler: index.handler`
//   dist/layer.zip      nodejs/node_modules/… at the root, which Lambda unpacks to /opt
// It packages what `npm run build` left in dist/ (the npm script builds first).
// Usage: node scripts/package.mts [--function DIR] [--layer DIR] [--out DIR]   (defaults: dist/function, dist/layer,
// dist)
//
// The ZIP writer below is small and dependency-free: Node's own deflate and CRC-32, no `zip` binary needed
// (Windows has none, slim containers neither). Its output is reproducible: entries are sorted, every timestamp
// is the DOS epoch and every file gets mode 0644. The same build gives the same bytes, so a tool that compares
// code hashes (CloudFormation, Terraform, `aws lambda update-function-code`) sees no change when there is none.
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { crc32, deflateRawSync } from 'node:zlib';

const LOCAL_FILE_HEADER = 0x04034b50;
const CENTRAL_DIRECTORY_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const VERSION_NEEDED = 20; // 2.0: deflate
const VERSION_MADE_BY = (3 << 8) | 20; // host 3 = Unix, so unzip honours the mode in the external attributes
const UTF8_NAMES = 1 << 11;
const DEFLATE = 8;
const DOS_EPOCH_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01
const DOS_EPOCH_TIME = 0;
const REGULAR_FILE_0644 = (0o100644 << 16) >>> 0;
const ZIP32_LIMIT = 0xffff_ffff;

/** Every regular file under `dir`, as sorted forward-slash paths relative to it. */
export function listFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(relative(dir, path).split(sep).join('/'));
      else throw new Error(`${path} is neither a file nor a folder; a Lambda package holds only plain files`);
    }
  };
  walk(dir);
  return files.sort();
}

/** Zips every file under `sourceDir` (paths relative to it) into `zipFile`. Returns the number of entries. */
export function zipDirectory(sourceDir: string, zipFile: string): number {
  const names = listFiles(sourceDir);
  if (names.length >= 0xffff) throw new Error(`${sourceDir} has ${names.length} files; this writer does not do ZIP64`);
  const localParts: Buffer[] = [];
  const centralParts: Buffer[] = [];
  let offset = 0;

  for (const name of names) {
    const data = readFileSync(join(sourceDir, ...name.split('/')));
    const compressed = deflateRawSync(data, { level: 9 });
    const nameBytes = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    if (data.length > ZIP32_LIMIT || offset > ZIP32_LIMIT)
      throw new Error(`${name}: too large for a ZIP without ZIP64`);

    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_FILE_HEADER, 0);
    local.writeUInt16LE(VERSION_NEEDED, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(DOS_EPOCH_TIME, 10);
    local.writeUInt16LE(DOS_EPOCH_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    local.writeUInt16LE(0, 28); // no extra field

    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_DIRECTORY_HEADER, 0);
    central.writeUInt16LE(VERSION_MADE_BY, 4);
    central.writeUInt16LE(VERSION_NEEDED, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt16LE(DOS_EPOCH_TIME, 12);
    central.writeUInt16LE(DOS_EPOCH_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    // extra length, comment length, disk number, internal attributes: all 0 (bytes 30-37)
    central.writeUInt32LE(REGULAR_FILE_0644, 38);
    central.writeUInt32LE(offset, 42);

    localParts.push(local, nameBytes, compressed);
    centralParts.push(central, nameBytes);
    offset += local.length + nameBytes.length + compressed.length;
  }

  const centralDirectory = Buffer.concat(centralParts);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(names.length, 8); // entries on this disk
  end.writeUInt16LE(names.length, 10); // entries in total
  end.writeUInt32LE(centralDirectory.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(zipFile, Buffer.concat([...localParts, centralDirectory, end]));
  return names.length;
}

const dist = resolve(import.meta.dirname, '../dist');

function main(): void {
  const { values } = parseArgs({
    options: {
      function: { type: 'string', default: join(dist, 'function') },
      layer: { type: 'string', default: join(dist, 'layer') },
      out: { type: 'string', default: dist },
    },
  });
  const packages = [
    { source: resolve(values.function), zip: join(resolve(values.out), 'function.zip'), mustContain: 'index.mjs' },
    {
      source: resolve(values.layer),
      zip: join(resolve(values.out), 'layer.zip'),
      mustContain: 'nodejs/node_modules/@lambdalith/middleware/package.json',
    },
  ];
  for (const { source, zip, mustContain } of packages) {
    if (!existsSync(join(source, mustContain))) {
      process.stderr.write(`package failed: ${join(source, mustContain)} is missing; run npm run build first\n`);
      process.exit(1);
    }
    const entries = zipDirectory(source, zip);
    process.stdout.write(`${zip}: ${entries} files, ${(statSync(zip).size / 1024).toFixed(0)} KiB\n`);
  }
}

if (import.meta.main) main();
