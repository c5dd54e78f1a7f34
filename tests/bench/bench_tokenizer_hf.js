// Reference side of bench_tokenizer: Hugging Face `tokenizers` (Rust, through its Node binding)
// on the same corpus. Two modes: "single" awaits encode() per document (dominated by the
// binding's per-call cost), "batch" hands all documents to encodeBatch() in one call (Rust
// work only; pin it to one thread with RAYON_NUM_THREADS=1 for a per-core figure).
//   cd /tmp/hf && npm install tokenizers@0.23.2
//   NODE_PATH=/tmp/hf/node_modules node tests/bench/bench_tokenizer_hf.js CORPUS RUNS MODE tokenizer.json...
const fs = require('fs');
const { Tokenizer } = require('tokenizers');
const [corpus, runsArg, mode, ...files] = process.argv.slice(2);
const runs = parseInt(runsArg || '5', 10);
const docs = fs.readFileSync(corpus, 'utf8').split('\n').filter((l) => l.length).map((l) => JSON.parse(l).text);
const bytes = docs.reduce((n, d) => n + Buffer.byteLength(d, 'utf8'), 0);
(async () => {
  for (const file of files) {
    const t0 = process.hrtime.bigint();
    const tok = Tokenizer.fromFile(file);
    const load = Number(process.hrtime.bigint() - t0) / 1e9;
    const mbps = [];
    let tokens = 0;
    for (let r = 0; r < runs; r++) {
      tokens = 0;
      const s = process.hrtime.bigint();
      if (mode === 'batch') {
        for (const e of await tok.encodeBatch(docs, { addSpecialTokens: false })) tokens += e.getIds().length;
      } else {
        for (const d of docs) tokens += (await tok.encode(d, null, { addSpecialTokens: false })).getIds().length;
      }
      mbps.push(bytes / 1e6 / (Number(process.hrtime.bigint() - s) / 1e9));
    }
    mbps.sort((a, b) => a - b);
    console.log(`${file} [${mode}] load ${load.toFixed(2)} s  encode ${mbps[mbps.length >> 1].toFixed(2)} MB/s (median of ${runs}; ` +
                `first ${mbps[0].toFixed(2)}, best ${mbps[mbps.length - 1].toFixed(2)})  tokens ${tokens}`);
  }
})();
