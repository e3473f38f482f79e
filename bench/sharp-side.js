// The sharp side of bench/sharp-vs-imgpipe.sh: loads the corpus (*.jpg, *.jpeg, *.png, sorted by
// name) into memory, then answers one command per line on stdin with one tab-separated line:
//   pass        compress every image once, sharp(buf).rotate().jpeg({quality: 50}), one at a time;
//               answers: process CPU seconds, then per image its wall-clock seconds and output bytes
//   write DIR   write the last pass's outputs to DIR under the sources' names; answers: written N
//   quit
// The first line it prints is: ready, the number of images, the versions of sharp, libvips, node.
'use strict';
const fs = require('fs');
const path = require('path');
const readline = require('readline');

const [sharpDir, corpusDir] = process.argv.slice(2);
const sharp = require(sharpDir);
sharp.concurrency(1);
sharp.cache(false);
sharp.simd(true);

const files = fs.readdirSync(corpusDir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
const images = files.map((name) => ({ name, data: fs.readFileSync(path.join(corpusDir, name)) }));
let last = [];

async function pass() {
  const cpuStart = process.cpuUsage();
  const results = [];
  const outputs = [];
  for (const image of images) {
    const start = process.hrtime.bigint();
    const out = await sharp(image.data).rotate().jpeg({ quality: 50 }).toBuffer();
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    results.push(seconds, out.length);
    outputs.push(out);
  }
  const cpu = process.cpuUsage(cpuStart);
  last = outputs;
  return [(cpu.user + cpu.system) / 1e6, ...results].join('\t');
}

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', async (line) => {
  const command = line.trim().split(/\s+/)[0];
  const argument = line.trim().slice(command.length).trim();
  if (command === 'pass') {
    process.stdout.write((await pass()) + '\n');
  } else if (command === 'write') {
    last.forEach((out, i) => fs.writeFileSync(path.join(argument, images[i].name), out));
    process.stdout.write('written\t' + last.length + '\n');
  } else if (command === 'quit') {
    process.exit(0);
  }
});
process.stdout.write(['ready', images.length, 'sharp ' + sharp.versions.sharp, 'libvips ' + sharp.versions.vips,
  'node ' + process.version, 'sharp.concurrency ' + sharp.concurrency()].join('\t') + '\n');
