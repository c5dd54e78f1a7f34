// Encode throughput of aletheia::Tokenizer on a fixed corpus, to set beside Hugging Face
// `tokenizers` (tests/bench/bench_tokenizer_hf.js, same corpus, same documents).
//
//   bench_tokenizer [--runs N] [--corpus corpus.jsonl] <tokenizer.json[.gz] or model dir>...
//
// The corpus is JSONL, one {"text": ...} document per line; if the file does not exist it is
// built (deterministically) from the paragraphs of /usr/share/common-licenses/* and
// /usr/share/doc/git/RelNotes/* (Debian's git package), and the 175
// hard strings of tests/fixtures/tokenizers. Prints MB/s (median of runs) and the total
// token count, which must equal the reference's.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "core/text/tokenizer.h"

namespace fs = std::filesystem;

namespace {

void buildCorpus(const std::string& path) {
    std::ofstream out(path);
    std::vector<fs::path> files;
    for (const char* dir : {"/usr/share/common-licenses", "/usr/share/doc/git/RelNotes"}) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(dir, ec))
            if (e.is_regular_file()) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        std::ifstream in(f);
        std::stringstream ss;
        ss << in.rdbuf();
        const std::string all = ss.str();
        size_t pos = 0;
        while (pos < all.size()) {  // paragraphs = documents
            size_t end = all.find("\n\n", pos);
            if (end == std::string::npos) end = all.size();
            const std::string para = all.substr(pos, end - pos);
            if (para.find_first_not_of(" \n\t") != std::string::npos) out << nlohmann::json{{"text", para}}.dump() << "\n";
            pos = end + 2;
        }
    }
    std::ifstream fixture(std::string(ALETHEIA_SOURCE_DIR) + "/tests/fixtures/tokenizers/qwen3/expected_public.jsonl");
    std::vector<std::string> hard;
    for (std::string line; std::getline(fixture, line);)
        if (!line.empty()) hard.push_back(nlohmann::json::parse(line)["text"]);
    for (const auto& s : hard) out << nlohmann::json{{"text", s}}.dump() << "\n";
}

}  // namespace

int main(int argc, char** argv) {
    int runs = 5;
    std::string corpus = "/tmp/aletheia_tokenizer_corpus.jsonl";
    std::vector<std::string> toks;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--runs" && i + 1 < argc) runs = std::stoi(argv[++i]);
        else if (a == "--corpus" && i + 1 < argc) corpus = argv[++i];
        else toks.push_back(a);
    }
    if (toks.empty()) {
        std::fprintf(stderr, "usage: bench_tokenizer [--runs N] [--corpus FILE] <tokenizer>...\n");
        return 2;
    }
    try {
        if (!fs::exists(corpus)) buildCorpus(corpus);
        std::vector<std::string> docs;
        size_t bytes = 0;
        std::ifstream in(corpus);
        for (std::string line; std::getline(in, line);) {
            if (line.empty()) continue;
            docs.push_back(nlohmann::json::parse(line)["text"]);
            bytes += docs.back().size();
        }
        std::printf("corpus %s: %zu documents, %.2f MB\n", corpus.c_str(), docs.size(), bytes / 1e6);
        for (const auto& path : toks) {
            const auto t0 = std::chrono::steady_clock::now();
            const auto tok = aletheia::Tokenizer::fromFile(path);
            const double load = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::vector<double> mbps;
            size_t tokens = 0;
            for (int r = 0; r < runs; ++r) {
                tokens = 0;
                const auto s = std::chrono::steady_clock::now();
                for (const auto& d : docs) tokens += tok.encode(d, false).size();
                const double sec = std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count();
                mbps.push_back(bytes / 1e6 / sec);
            }
            std::sort(mbps.begin(), mbps.end());
            std::printf("%-60s load %.2f s  encode %.2f MB/s (median of %d; first run %.2f, best %.2f)  tokens %zu\n",
                        path.c_str(), load, mbps[mbps.size() / 2], runs, mbps.front(), mbps.back(), tokens);
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
